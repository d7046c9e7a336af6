//! Durability settings: on SQLite the data is in WAL mode with
//! `synchronous=FULL` (an answered write survives a power cut) and foreign
//! keys on; the audit log has its own file with `synchronous=NORMAL`.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use crate::helpers::spawn_app;

async fn pragma(db: &DatabaseConnection, name: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            format!("PRAGMA {name}"),
        ))
        .await
        .expect("pragma")
        .expect("a row");
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
        .expect("a value")
}

#[tokio::test]
async fn sqlite_is_durable_and_the_audit_log_lives_apart() {
    let app = spawn_app().await;
    if app.db.get_database_backend() != DatabaseBackend::Sqlite {
        return;
    }
    assert_eq!(pragma(&app.db, "journal_mode").await, "wal");
    assert_eq!(pragma(&app.db, "synchronous").await, "2", "FULL");
    assert_eq!(pragma(&app.db, "foreign_keys").await, "1");
    let audit = app.audit_db().await;
    assert_eq!(pragma(&audit, "journal_mode").await, "wal");
    assert_eq!(pragma(&audit, "synchronous").await, "1", "NORMAL");
    assert!(app.data_dir.join("nido-audit.db").exists(), "its own file");
}
