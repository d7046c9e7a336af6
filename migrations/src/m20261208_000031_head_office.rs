//! Several centres: the head office's role. The users' `role` column was
//! made with a CHECK of the three first roles; this one widens it to
//! `head_office` too.
//!
//! PostgreSQL drops and adds the named constraint, in the migration's
//! transaction. SQLite cannot change a constraint: the table is rebuilt as
//! its documentation says (<https://www.sqlite.org/lang_altertable.html>,
//! "Making Other Kinds Of Table Schema Changes"): foreign keys off (the
//! other tables name the users: dropping the old table must not touch
//! them), in one transaction a new table from the old one's own text with
//! the wider CHECK, its rows copied, the old one dropped, the new one
//! renamed, its indexes made again, the foreign keys checked; then foreign
//! keys on. All of it is one batch of statements, so it runs on one
//! connection (the pragma belongs to a connection), and a rerun after a
//! crash finds the new CHECK and does nothing.

use sea_orm_migration::SchemaManagerConnection;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

const OLD_ROLES: &str = "IN ('staff', 'coordinator', 'admin')";
const NEW_ROLES: &str = "IN ('staff', 'coordinator', 'admin', 'head_office')";

#[derive(DeriveMigrationName)]
pub struct Migration;

// async_trait cannot take the elided lifetime that rust_2018_idioms asks for.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// PostgreSQL's transaction is the migrator's; SQLite's is the batch's
    /// own (its pragma cannot change inside a transaction).
    fn use_transaction(&self) -> Option<bool> {
        None
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match db.get_database_backend() {
            DatabaseBackend::Sqlite => rebuild_sqlite(db).await,
            _ => {
                db.execute_unprepared(&format!(
                    "ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check; \
                     ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role {NEW_ROLES})"
                ))
                .await?;
                Ok(())
            }
        }
    }
}

async fn rebuild_sqlite(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let schema = |sql: &str| Statement::from_string(DatabaseBackend::Sqlite, sql.to_owned());
    let table = db
        .query_one_raw(schema(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'",
        ))
        .await?
        .ok_or_else(|| DbErr::Migration("no users table".into()))?
        .try_get::<String>("", "sql")?;
    if table.contains(NEW_ROLES) {
        return Ok(());
    }
    if table.matches(OLD_ROLES).count() != 1 {
        return Err(DbErr::Migration(
            "the users table's role check is not the one this migration widens".into(),
        ));
    }
    let indexes = db
        .query_all_raw(schema(
            "SELECT sql FROM sqlite_master \
             WHERE type = 'index' AND tbl_name = 'users' AND sql IS NOT NULL",
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<String>("", "sql"))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(rest) = table.strip_prefix("CREATE TABLE \"users\"") else {
        return Err(DbErr::Migration(
            "the users table's text does not start as sea-query writes it".into(),
        ));
    };
    let new_table = format!(
        "CREATE TABLE \"users_rebuilt\"{}",
        rest.replace(OLD_ROLES, NEW_ROLES)
    );
    let batch = format!(
        "PRAGMA foreign_keys = OFF;\n\
         BEGIN IMMEDIATE;\n\
         {new_table};\n\
         INSERT INTO users_rebuilt SELECT * FROM users;\n\
         DROP TABLE users;\n\
         ALTER TABLE users_rebuilt RENAME TO users;\n\
         {indexes};\n\
         COMMIT;\n\
         PRAGMA foreign_keys = ON;",
        indexes = indexes.join(";\n"),
    );
    if let Err(err) = db.execute_unprepared(&batch).await {
        // Back to the state before the batch, on its connection.
        let _ = db
            .execute_unprepared("ROLLBACK; PRAGMA foreign_keys = ON;")
            .await;
        return Err(err);
    }
    let orphans = db.query_all_raw(schema("PRAGMA foreign_key_check")).await?;
    if !orphans.is_empty() {
        return Err(DbErr::Migration(
            "a row names a user that is not there after the rebuild".into(),
        ));
    }
    Ok(())
}
