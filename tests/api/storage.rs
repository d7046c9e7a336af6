//! Durability settings: on SQLite the data is in WAL mode with
//! `synchronous=FULL` (an answered write survives a power cut) and foreign
//! keys on; the audit log has its own file with `synchronous=NORMAL`. On
//! PostgreSQL commits are synchronous and the audit log is a table of the
//! main database.
//!
//! The SQLite tests run on SQLite whatever engine the suite uses, so that
//! the PostgreSQL run checks them too rather than skip them.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// The server on SQLite, even when the suite runs against PostgreSQL.
async fn spawn_on_sqlite(customize: impl FnOnce(&mut nido::Settings)) -> TestApp {
    let app = spawn_app_with(|settings| {
        customize(settings);
        settings.database_url = None;
    })
    .await;
    assert_eq!(app.db.get_database_backend(), DatabaseBackend::Sqlite);
    app
}

/// The one value `sql` answers, as text.
async fn value_of(db: &DatabaseConnection, sql: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
        .unwrap_or_else(|| panic!("{sql}: no row"));
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
        .expect("a value")
}

async fn pragma(db: &DatabaseConnection, name: &str) -> String {
    value_of(db, &format!("PRAGMA {name}")).await
}

#[tokio::test]
async fn sqlite_is_durable_and_the_audit_log_lives_apart() {
    let app = spawn_on_sqlite(|_| {}).await;
    assert_eq!(pragma(&app.db, "journal_mode").await, "wal");
    assert_eq!(pragma(&app.db, "synchronous").await, "2", "FULL");
    assert_eq!(pragma(&app.db, "foreign_keys").await, "1");
    let audit = app.audit_db().await;
    assert_eq!(pragma(&audit, "journal_mode").await, "wal");
    assert_eq!(pragma(&audit, "synchronous").await, "1", "NORMAL");
    assert!(app.data_dir.join("nido-audit.db").exists(), "its own file");
}

#[tokio::test]
async fn sqlite_files_are_readable_by_their_owner_only_whatever_the_directory() {
    use std::os::unix::fs::PermissionsExt;
    // A data directory made beforehand, open to all, with a database file
    // someone created 0644.
    let dir = tempfile::TempDir::new().expect("dir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("data dir");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::write(data.join("nido.db"), b"").expect("empty database");
    std::fs::set_permissions(data.join("nido.db"), std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    let data_dir = data.clone();
    let app = spawn_on_sqlite(move |settings| settings.data_dir = data_dir).await;
    // Writes to both files, so that their WAL files exist.
    app.admin_token().await;
    let mut checked = 0;
    for name in ["nido.db", "nido-audit.db"] {
        for suffix in ["", "-wal", "-shm"] {
            let file = data.join(format!("{name}{suffix}"));
            let mode = std::fs::metadata(&file)
                .unwrap_or_else(|err| panic!("{}: {err}", file.display()))
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{}", file.display());
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}

/// On the suite's engine: SQLite keeps the audit log in its own file,
/// PostgreSQL in the main database, with synchronous commits.
#[tokio::test]
async fn the_audit_log_is_where_the_engine_keeps_it() {
    let app = spawn_app().await;
    app.admin_token().await;
    let audit = app.audit_db().await;
    let count = "SELECT COUNT(*) FROM audit_log";
    assert_ne!(value_of(&audit, count).await, "0", "the login is logged");
    match app.db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            assert!(app.data_dir.join("nido-audit.db").exists());
            let tables = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'audit_log'";
            assert_eq!(value_of(&app.db, tables).await, "0", "not in the main file");
        }
        DatabaseBackend::Postgres => {
            assert!(!app.data_dir.join("nido-audit.db").exists());
            assert_eq!(
                value_of(&app.db, count).await,
                value_of(&audit, count).await
            );
            let commits = value_of(&app.db, "SHOW synchronous_commit").await;
            assert_eq!(commits, "on");
        }
        other => panic!("unexpected engine {other:?}"),
    }
}

/// Writes share commits where the setting says: by default on SQLite,
/// whose every commit waits for the disk alone, and not on PostgreSQL.
#[tokio::test]
async fn writes_share_commits_on_sqlite_by_default() {
    let app = spawn_app().await;
    let sqlite = app.db.get_database_backend() == DatabaseBackend::Sqlite;
    let expected = match app.settings.group_commit {
        nido::settings::GroupCommitSetting::Auto => sqlite,
        nido::settings::GroupCommitSetting::On => true,
        nido::settings::GroupCommitSetting::Off => false,
    };
    assert_eq!(app.writer.is_grouped(), expected);
    let token = app.admin_token().await;
    assert!(!token.is_empty());
    if expected {
        assert!(
            app.writer.commits() > 0,
            "the login's writes went through batches"
        );
    }
}

/// On SQLite the data file has one writer connection, for which writers
/// queue in nido, and a pool of readers that cannot write: a write that
/// strays onto a reader fails at once instead of queuing in SQLite's busy
/// handler. On PostgreSQL both are one pool.
#[tokio::test]
async fn sqlite_writes_have_one_connection_and_reads_cannot_write() {
    let dir = tempfile::TempDir::new().expect("dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("main.db").display());
    let main = nido_persistence::connect_main(&url, 4)
        .await
        .expect("opens");
    nido_persistence::migrate(&main.write)
        .await
        .expect("migrates");
    assert_eq!(pragma(&main.read, "query_only").await, "1");
    assert_eq!(pragma(&main.write, "query_only").await, "0");
    assert_eq!(pragma(&main.read, "journal_mode").await, "wal");
    assert_eq!(pragma(&main.read, "synchronous").await, "2", "FULL");
    let write = "CREATE TABLE scratch (id INTEGER PRIMARY KEY)";
    let refused = main
        .read
        .execute_unprepared(write)
        .await
        .expect_err("a reader cannot write");
    assert!(refused.to_string().contains("readonly"), "{refused}");
    main.write.execute_unprepared(write).await.expect("written");
    assert_eq!(
        value_of(&main.read, "SELECT COUNT(*) FROM scratch").await,
        "0",
        "the readers see the writer's commits"
    );
    let pool = |db: &DatabaseConnection| db.get_sqlite_connection_pool().size();
    assert_eq!(pool(&main.write), 1, "one writer connection");

    // A queue of writers at the one connection: all pass, in turn, and
    // those that queued together share a commit.
    let grouped = nido_persistence::Writer::new(main.write.clone(), Default::default());
    assert!(grouped.is_grouped(), "grouped by default on SQLite");
    let inserts = (0..20).map(|id| {
        let writer = grouped.clone();
        async move {
            let txn = nido_persistence::begin_write(&writer).await?;
            txn.execute_unprepared(&format!("INSERT INTO scratch VALUES ({id})"))
                .await?;
            txn.commit().await
        }
    });
    for written in crate::helpers::join_all(inserts.collect()).await {
        written.expect("each writer waits its turn, none is refused");
    }
    assert_eq!(
        value_of(&main.read, "SELECT COUNT(*) FROM scratch").await,
        "20"
    );
    assert!(
        grouped.commits() < 20,
        "20 writes in {} commits",
        grouped.commits()
    );
}

/// Group commit: the entries of requests that arrive together are written
/// in fewer transactions than requests, and each caller returns only once
/// its own entry is in the log.
#[tokio::test]
async fn audit_entries_arriving_together_are_committed_together() {
    let app = spawn_app().await;
    let log = app.audit_db().await;
    let writer = nido_persistence::audit::AuditWriter::spawn(log.clone(), app.db.clone());
    let user = uuid::Uuid::new_v4();
    let before = value_of(&log, "SELECT COUNT(*) FROM audit_log").await;
    let entries = (0..200).map(|n| {
        let writer = writer.clone();
        async move {
            let family = uuid::Uuid::new_v4();
            let resource = format!("/families/{family}/n{n}");
            writer
                .record(
                    chrono::Utc::now(),
                    user,
                    "family.read",
                    Some(family),
                    &resource,
                )
                .await
        }
    });
    for written in crate::helpers::join_all(entries.collect()).await {
        written.expect("committed");
    }
    let after: u64 = value_of(&log, "SELECT COUNT(*) FROM audit_log")
        .await
        .parse()
        .expect("count");
    let before: u64 = before.parse().expect("count");
    assert_eq!(after - before, 200, "every entry is in the log");
    assert!(
        writer.commits() <= 100,
        "200 entries in {} transactions",
        writer.commits()
    );

    // A read that showed a whole centre: one entry naming every family, in
    // more rows than one INSERT may carry on either engine.
    let centre: Vec<uuid::Uuid> = (0..12_000).map(|_| uuid::Uuid::new_v4()).collect();
    writer
        .record_many(
            chrono::Utc::now(),
            user,
            "deadlines.read",
            &centre,
            "/deadlines",
        )
        .await
        .expect("a read of 12,000 families is traced");
    let traced: u64 = value_of(&log, "SELECT COUNT(*) FROM audit_log")
        .await
        .parse()
        .expect("count");
    assert_eq!(traced - after, 1);
    let named: u64 = value_of(&log, "SELECT COUNT(*) FROM audit_log_families")
        .await
        .parse()
        .expect("count");
    assert_eq!(named, 12_000);
}
