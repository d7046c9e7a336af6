//! Building and running the server.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use nido_cases::Cases;
use nido_cases::auth::{Authentication, PasswordHasher, ServerKey};
use nido_domain::user::NewUser;
use nido_domain::{DisplayName, Email, NewPassword, Profession, Role};
use nido_http::AppState;
use nido_persistence::audit::AuditWriter;
use nido_persistence::screens::KeptOn;
use nido_persistence::users;
use nido_persistence::{DatabaseConnection, MainDatabase, RepoError, Writer};
use tokio::net::TcpListener;

use crate::ownership::Ownership;
use crate::settings::Settings;

pub const INITIAL_ADMIN_EMAIL: &str = "admin@nido.local";
pub const INITIAL_ADMIN_PASSWORD_FILE: &str = "initial-admin-password";

pub struct Application {
    listener: TcpListener,
    state: AppState,
    /// The pages' state, over the same use cases as `state`.
    pages: nido_web::Web,
    outbox_retry: std::time::Duration,
    retention: nido_cases::retention::RetentionPolicy,
    /// The data directory, held while the server lives (SQLite).
    _ownership: Ownership,
    /// Hears other processes' revocations (PostgreSQL); stopped with the
    /// server.
    _session_notices: Option<crate::background::Stopped>,
    /// The mail transport, when mail is on.
    mailer: Option<crate::mail::Mailer>,
}

impl Application {
    /// Opens and migrates the database, creates the first admin if there is
    /// no user yet, and binds the listener (port 0 picks a free port).
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let mailer = match settings.mail.setup()? {
            Some(setup) => Some(crate::mail::Mailer::new(&setup)?),
            None => None,
        };
        let databases = open_databases(settings).await?;
        let cases = use_cases(settings, &databases).await?;
        let session_notices = match nido_persistence::Backend::of_url(&settings.database_url()) {
            Some(nido_persistence::Backend::Postgres) => {
                Some(crate::background::follow_session_notices(
                    settings.database_url(),
                    cases.auth.sessions.clone(),
                ))
            }
            _ => None,
        };
        ensure_initial_admin(&cases, settings).await?;
        // Every file is found by the keys of today's rules: those made
        // before them (or before the keys existed) are keyed again.
        let keyed = nido_cases::identity::refresh_keys(&cases)
            .await
            .context("cannot key the files for the duplicate check")?;
        if keyed > 0 {
            tracing::info!(files = keyed, "identity keys written");
        }
        // What a crash left in the documents' store. The files are this
        // process's alone; the database may be other instances' too, whose
        // uploads in flight are spared by the grace.
        let grace = match settings.document_store() {
            crate::settings::DocumentStoreSetting::Files => 0,
            _ => settings.documents.orphan_grace_seconds,
        };
        nido_cases::documents::sweep(&cases, std::time::Duration::from_secs(grace))
            .await
            .context("cannot sweep the documents' store")?;
        let pages = nido_web::Web {
            cases: cases.clone(),
            cookies: settings.cookie_policy(),
            forwarded_for: settings.auth.forwarded_for(),
            settings: settings.web.clone(),
        };
        let security = nido_http::Security {
            cookies: pages.cookies,
            forwarded_for: pages.forwarded_for,
        };
        let state = AppState::new(cases, security);
        let listener = TcpListener::bind(&settings.bind)
            .await
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        Ok(Self {
            listener,
            state,
            pages,
            outbox_retry: std::time::Duration::from_secs(
                settings.audit.outbox_retry_seconds.max(1),
            ),
            retention: settings.retention_policy(),
            _ownership: databases.ownership,
            _session_notices: session_notices,
            mailer,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The main database, as its writer's connection (on SQLite the
    /// readers cannot write).
    pub fn database(&self) -> DatabaseConnection {
        self.state.cases.writer.connection().clone()
    }

    /// Where the documents go, as the use cases keep them.
    pub fn documents(&self) -> nido_cases::documents::Vault {
        self.state.cases.documents.clone()
    }

    /// The main database's writer, as the use cases write.
    pub fn writer(&self) -> Writer {
        self.state.cases.writer.clone()
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes the requests under way.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let stop = shutdown_signal();
        tracing::info!(address = %self.local_addr()?, "nido is listening");
        let outbox = crate::background::drain_audit_outbox(self.state.clone(), self.outbox_retry);
        let retention = crate::background::retention_daily(
            self.state.clone(),
            self.retention,
            std::time::Duration::from_secs(24 * 60 * 60),
        );
        let mail = self
            .mailer
            .map(|mailer| crate::mail::send_outbox(self.state.cases.clone(), mailer));
        // The API under `/api/v1`; the pages at `/`, behind the API's
        // fallback and inside its layers (request ids, tracing, the audit of
        // refusals, the security headers).
        let pages = nido_web::pages(self.pages);
        let app = nido_http::app_with_pages(self.state, Some(pages))
            .into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(stop)
            .await;
        outbox.abort();
        retention.abort();
        if let Some(mail) = mail {
            mail.stop().await;
        }
        served?;
        tracing::info!("nido stopped");
        Ok(())
    }
}

/// The databases nido works on: the main one, opened for reads and for
/// writes, and the audit log's; and, on SQLite, the data directory this
/// process owns while it holds them.
pub struct Databases {
    pub main: MainDatabase,
    pub audit: DatabaseConnection,
    pub ownership: Ownership,
}

/// Opens and migrates the main database and the audit log.
pub async fn open_databases(settings: &Settings) -> anyhow::Result<Databases> {
    let (main, ownership) = open_main_database(settings).await?;
    let audit = open_audit_database(settings, &main.write).await?;
    Ok(Databases {
        main,
        audit,
        ownership,
    })
}

/// The use cases over these databases, with the configured clock, time
/// zone and figures of the centre, and authentication (its policy, the
/// password-hashing threads, the database's server key, stored now if this
/// is the first start): what the server, the command line and the demo
/// call. Starts the audit log's writer task on this runtime.
pub async fn use_cases(settings: &Settings, databases: &Databases) -> anyhow::Result<Cases> {
    let Databases {
        main,
        audit,
        ownership,
    } = databases;
    let auth = Authentication::new(
        settings.auth.policy(),
        PasswordHasher::new(settings.auth.max_concurrent_hashes)?,
        ServerKey::of_database(&main.write).await?,
    )
    .with_sessions(ownership.sessions());
    let writer = Writer::new(main.write.clone(), settings.group_commit.into());
    let cases = Cases {
        db: main.read.clone(),
        documents: documents_vault(settings, main, &writer)?,
        writer,
        audit_log: AuditWriter::spawn(audit.clone(), main.write.clone()),
        audit_db: audit.clone(),
        clock: settings.clock(),
        time_zone: settings.cases.time_zone,
        report_lead_days: settings.cases.report_lead_days,
        calendar_valid_days: settings.calendar.valid_days,
        exit: nido_cases::pathway::ExitPolicy::new(
            settings.exit.warn_months,
            &settings.exit.follow_up_months,
        ),
        identity: nido_cases::identity::IdentityPolicy {
            probable: settings.identity.probable,
            possible: settings.identity.possible,
        },
        auth,
        mail: match settings.mail.setup()? {
            Some(setup) => nido_cases::mail::Mail::on(setup.policy),
            None => nido_cases::mail::Mail::off(),
        },
    };
    // An installation from before sites, or a new one: its first site
    // from the settings.
    if nido_cases::sites::ensure_first(&cases, &settings.first_site())
        .await
        .context("cannot make the first site")?
    {
        tracing::info!(name = %settings.centre.name, "the first site made from the settings");
    }
    Ok(cases)
}

/// Where the documents go: the store the settings choose, the master key
/// from its file (made on the first start), the largest document.
fn documents_vault(
    settings: &Settings,
    main: &MainDatabase,
    writer: &Writer,
) -> anyhow::Result<nido_cases::documents::Vault> {
    let store: std::sync::Arc<dyn nido_cases::storage::ContentStore> =
        match settings.document_store() {
            crate::settings::DocumentStoreSetting::Database => {
                std::sync::Arc::new(crate::documents::DatabaseStore {
                    read: main.read.clone(),
                    writer: writer.clone(),
                })
            }
            _ => std::sync::Arc::new(crate::documents::FileStore::open(
                settings.data_dir.join("documents"),
            )?),
        };
    Ok(nido_cases::documents::Vault {
        store,
        master: crate::documents::master_key(&settings.documents_key_file())?,
        max_bytes: settings.documents.max_bytes,
    })
}

/// Creates the data directory (owner-only), then opens and migrates the
/// database; answers its writer (on SQLite, its one writer connection), and
/// the data directory held meanwhile (keep it as long as the connection).
pub async fn open_database(settings: &Settings) -> anyhow::Result<(DatabaseConnection, Ownership)> {
    let (main, ownership) = open_main_database(settings).await?;
    Ok((main.write, ownership))
}

/// Creates the data directory (owner-only), takes it for this process
/// (SQLite: refused while another process holds it), then opens the
/// database for writes and for reads, migrates it, and finishes the
/// anonymisations of an earlier release.
pub async fn open_main_database(settings: &Settings) -> anyhow::Result<(MainDatabase, Ownership)> {
    create_private_dir(&settings.data_dir)?;
    let url = settings.database_url();
    let backend = nido_persistence::Backend::of_url(&url)
        .context("database_url must start with sqlite: or postgres://")?;
    let ownership = Ownership::take(&url)?;
    make_sqlite_files_private(&url)?;
    let main = nido_persistence::connect_main(&url, settings.database_max_connections)
        .await
        .with_context(|| format!("cannot open the {backend:?} database"))?;
    nido_persistence::migrate(&main.write)
        .await
        .context("cannot migrate the database")?;
    // Placements recorded before migration 23 keep their due dates from now.
    nido_persistence::screens::keep_due_dates(&main.write, KeptOn::NotYetKept)
        .await
        .context("cannot keep the placements' due dates")?;
    if backend == nido_persistence::Backend::Sqlite {
        nido_persistence::refresh_statistics(&main.write)
            .await
            .context("cannot refresh the query planner's statistics")?;
    }
    // Files an earlier release anonymised keep rows that anonymisation
    // now deletes: erased before anything reads them.
    let finished = nido_cases::retention::finish_earlier_anonymisations(
        &Writer::alone(main.write.clone()),
        settings.clock().now(),
        &settings.cases.time_zone,
    )
    .await
    .context("cannot finish the earlier anonymisations")?;
    if finished > 0 {
        tracing::info!(
            families = finished,
            "finished anonymising the files an earlier release had anonymised"
        );
    }
    Ok((main, ownership))
}

/// Opens and migrates the audit log: its own SQLite file, or the main
/// PostgreSQL database.
pub async fn open_audit_database(
    settings: &Settings,
    main: &DatabaseConnection,
) -> anyhow::Result<DatabaseConnection> {
    let audit = match settings.audit_database_url() {
        Some(url) => {
            make_sqlite_files_private(&url)?;
            nido_persistence::connect_audit(&url, settings.database_max_connections)
                .await
                .context("cannot open the audit database")?
        }
        None => main.clone(),
    };
    nido_persistence::migrate_audit(&audit)
        .await
        .context("cannot migrate the audit database")?;
    Ok(audit)
}

/// Makes a SQLite database file, and its WAL and shared-memory files,
/// readable by their owner only, whatever the directory and the umask.
/// SQLite creates the WAL and shared-memory files with the permissions of
/// the database file, so a database file created 0600 keeps them 0600 too.
fn make_sqlite_files_private(url: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let Some(path) = crate::ownership::sqlite_file(url) else {
        return Ok(());
    };
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        if Path::new(&file).exists() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("cannot make {file} private"))?;
        }
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))
}

/// On the first start, with no user at all, creates the admin
/// `admin@nido.local` and writes its one-time password, alone on one line, to
/// an owner-only file in the data directory. The password is never logged.
pub async fn ensure_initial_admin(cases: &Cases, settings: &Settings) -> anyhow::Result<()> {
    let data_dir = &settings.data_dir;
    let db = &cases.writer;
    if users::count(db).await? > 0 {
        return Ok(());
    }
    let raw = nido_cases::auth::new_token()?;
    let password = NewPassword::parse(&raw, &[]).map_err(|err| anyhow::anyhow!("{err}"))?;
    let new_admin = NewUser {
        email: Email::parse(INITIAL_ADMIN_EMAIL).map_err(|err| anyhow::anyhow!("{err}"))?,
        display_name: DisplayName::parse("Administrator")
            .map_err(|err| anyhow::anyhow!("{err}"))?,
        role: Role::Admin,
        profession: Profession::Director,
        password_hash: cases.auth.passwords.hash(&password).await?,
        // A one-time password in a file: its owner replaces it first.
        must_change_password: true,
        site_ids: vec![nido_domain::site::FIRST_SITE],
    };
    match users::insert(db, new_admin, settings.clock().now()).await {
        Ok(_) => {}
        // Another instance sharing the database created it first.
        Err(RepoError::Conflict(_)) => return Ok(()),
        Err(err) => return Err(err.into()),
    }
    let path = write_secret_file(
        &data_dir.join(INITIAL_ADMIN_PASSWORD_FILE),
        password.expose(),
    )?;
    tracing::warn!(
        email = INITIAL_ADMIN_EMAIL,
        password_file = %path.display(),
        "created the initial admin; its one-time password is in the file"
    );
    Ok(())
}

fn write_secret_file(path: &Path, secret: &str) -> anyhow::Result<PathBuf> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // The mode above applies only to a new file: tighten an old one too.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    writeln!(file, "{secret}")?;
    file.sync_all()?;
    Ok(path.to_owned())
}

/// Resolves on SIGTERM or Ctrl-C. The SIGTERM handler is installed when
/// this is called, not when first awaited: a SIGTERM that arrives as soon as
/// the server says it listens still stops it cleanly.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    let terminate_signal =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move { wait_for_shutdown(terminate_signal).await }
}

async fn wait_for_shutdown(terminate_signal: Option<tokio::signal::unix::Signal>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match terminate_signal {
            Some(mut signal) => {
                signal.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
