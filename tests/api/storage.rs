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
