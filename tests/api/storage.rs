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

#[tokio::test]
async fn database_files_are_readable_by_their_owner_only_whatever_the_directory() {
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
    let app = crate::helpers::spawn_app_with(move |settings| settings.data_dir = data_dir).await;
    if app.db.get_database_backend() != DatabaseBackend::Sqlite {
        return;
    }
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
