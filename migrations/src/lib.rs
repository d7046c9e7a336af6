//! nido's schema. The same migrations run on SQLite and PostgreSQL; each one
//! runs in a transaction on both, so a failed migration leaves nothing behind.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_users_and_sessions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261124_000001_users_and_sessions::Migration)]
    }
}
