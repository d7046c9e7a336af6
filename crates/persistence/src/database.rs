use std::time::Duration;

use nido_migrations::{AuditMigrator, Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr,
};

/// Which database a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Opens a pool on `url`. On SQLite every pooled connection gets WAL,
/// `synchronous=FULL` (an answered write survives a power cut), foreign keys
/// and a busy timeout; PostgreSQL keeps its durable defaults.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    Database::connect(options(
        url,
        max_connections,
        SqliteSynchronous::Full,
        Access::ReadWrite,
    ))
    .await
}

/// The main database opened for its two uses. On SQLite, `write` is one
/// connection: writers queue for it in the application, in order, instead
/// of in SQLite's busy handler, which sleeps and polls; `read` is a pool of
/// connections that cannot write (`query_only`), which in WAL mode never
/// wait for the writer. On PostgreSQL both are the same pool.
#[derive(Debug, Clone)]
pub struct MainDatabase {
    pub read: DatabaseConnection,
    pub write: DatabaseConnection,
}

/// Opens the main database: the writer first (it creates the file and
/// turns on WAL), then the readers.
pub async fn connect_main(url: &str, max_connections: u32) -> Result<MainDatabase, DbErr> {
    match Backend::of_url(url) {
        Some(Backend::Sqlite) => {
            let mut writer = options(url, 1, SqliteSynchronous::Full, Access::ReadWrite);
            // A queue of writers waits longer than one busy writer would.
            writer.acquire_timeout(Duration::from_secs(30));
            let write = Database::connect(writer).await?;
            let readers = options(
                url,
                sqlite_readers(max_connections),
                SqliteSynchronous::Full,
                Access::ReadOnly,
            );
            let read = Database::connect(readers).await?;
            Ok(MainDatabase { read, write })
        }
        _ => {
            let pool = connect(url, max_connections).await?;
            Ok(MainDatabase {
                read: pool.clone(),
                write: pool,
            })
        }
    }
}

/// How many connections read a SQLite file: `max_connections`, but no
/// more than twice the cores. A SQLite read runs on the CPU of its
/// connection's thread (no network, the file in the page cache), so more
/// readers than that only add threads, page caches and memory: measured at
/// 10,000 families on 2 cores, 4 readers answered as many reads as 10
/// (4,370 against 4,180 per second) in 77 MiB instead of 95.
fn sqlite_readers(max_connections: u32) -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    let cap = u32::try_from(cores.saturating_mul(2)).unwrap_or(u32::MAX);
    max_connections.min(cap).max(1)
}

/// Opens the audit log's own SQLite file. Its entries survive a crash of
/// nido (WAL, `synchronous=NORMAL`); only a power cut can take the last
/// instants, which keeps logging every read off the disk's flush rate.
pub async fn connect_audit(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    Database::connect(options(
        url,
        max_connections,
        SqliteSynchronous::Normal,
        Access::ReadWrite,
    ))
    .await
}

/// Whether a SQLite pool's connections may write.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    ReadWrite,
    /// `PRAGMA query_only`: a write on such a connection fails at once, so
    /// a write that strays from the writer is caught, not queued.
    ReadOnly,
}

/// The one place the pool and each SQLite connection are set up: WAL, the
/// given `synchronous`, foreign keys, a busy timeout (a PRAGMA run once would
/// reach only one pooled connection).
fn options(
    url: &str,
    max_connections: u32,
    synchronous: SqliteSynchronous,
    access: Access,
) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    // sqlx pings a pooled connection at every checkout by default: on
    // SQLite that is one more round trip to the connection's thread for
    // each query, for a file that cannot hang up. PostgreSQL checks only a
    // connection idle for a minute, which a server, a proxy or a firewall
    // may have closed.
    if Backend::of_url(url) == Some(Backend::Sqlite) {
        options.test_before_acquire(false);
    } else {
        options.test_before_acquire_if_idle_for(Duration::from_secs(60));
    }
    // nido's statements read a page, a count or a file: on a server of a
    // few cores, starting parallel workers for one costs more than it saves
    // (the due dates' counts at 10,000 families: 9.7 ms with two workers,
    // 5.5 ms in the connection alone). Each statement keeps its one core,
    // as each request does.
    options.map_sqlx_postgres_opts(|postgres| {
        postgres.options([("max_parallel_workers_per_gather", "0")])
    });
    options.map_sqlx_sqlite_opts(move |sqlite| {
        sqlite
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma(
                "query_only",
                if access == Access::ReadOnly {
                    "ON"
                } else {
                    "OFF"
                },
            )
    });
    options
}

/// Applies the audit log's pending migrations.
pub async fn migrate_audit(db: &DatabaseConnection) -> Result<(), DbErr> {
    AuditMigrator::up(db, None).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// How many rows of each index SQLite's `ANALYZE` reads: enough to tell
/// an index that selects one row from one that selects nearly all, in
/// milliseconds even at 100,000 families.
const SQLITE_ANALYSIS_LIMIT: u32 = 1_000;

/// Refreshes the query planner's statistics. Without them, SQLite takes
/// an equality on a placement's status (one value for nearly every row) to
/// be as selective as one on its family, and reads every active placement
/// to find a page's fifty. SQLite samples each index
/// ([`SQLITE_ANALYSIS_LIMIT`]). On PostgreSQL it is `VACUUM (ANALYZE)`, as
/// autovacuum does after many inserts: the statistics, and the pages
/// marked all-visible, so that a count reads its index alone. nido runs it
/// on SQLite when it opens the database and every day, and on both engines
/// after a bulk load (outside any transaction: PostgreSQL refuses `VACUUM`
/// in one); autovacuum keeps PostgreSQL's fresh otherwise.
pub async fn refresh_statistics(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared("VACUUM (ANALYZE)").await?;
        return Ok(());
    }
    db.execute_unprepared(&format!("PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}"))
        .await?;
    db.execute_unprepared("ANALYZE").await?;
    Ok(())
}

/// Checks that the database answers.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}
