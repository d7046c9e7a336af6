//! nido's persistence: the only crate that talks to the database. Repository
//! functions take `&impl ConnectionTrait` so that they work alike on a pooled
//! connection and inside a transaction, and answer in domain types.

pub mod audit;
pub mod bulk;
pub mod calendar_feeds;
pub mod creche;
pub mod documents;
pub mod entities;
pub mod families;
pub mod housing;
pub mod identity;
pub mod incidents;
pub mod interventions;
pub mod login_throttle;
pub mod mail;
pub mod mfa;
pub mod need_to_know;
pub mod occupancies;
pub mod pathway;
pub mod placements;
pub mod projects;
pub mod referrals;
pub mod retention;
pub mod schema;
pub mod screens;
pub mod server_keys;
pub mod session_notices;
pub mod sessions;
pub mod sites;
pub mod users;
pub mod workshops;

mod database;
mod error;
mod versioned;
mod writer;

pub use database::{
    Backend, MainDatabase, connect, connect_audit, connect_main, migrate, migrate_audit, ping,
    refresh_statistics,
};
pub use error::{RepoError, Rule, is_contention, is_out_of_range};
pub use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr,
    TransactionTrait,
};
pub use writer::{GroupCommit, Write, Writer, begin_write};

/// The row of `E` whose primary key is `id`, or [`RepoError::NotFound`].
pub(crate) async fn row_by_id<E>(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<E::Model, RepoError>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<uuid::Uuid>,
{
    E::find_by_id(id).one(db).await?.ok_or(RepoError::NotFound)
}
