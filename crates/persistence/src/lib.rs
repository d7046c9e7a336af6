//! nido's persistence: the only crate that talks to the database. Repository
//! functions take `&impl ConnectionTrait` so that they work alike on a pooled
//! connection and inside a transaction, and answer in domain types.

pub mod entities;
pub mod login_failures;
pub mod sessions;
pub mod users;

mod database;
mod error;

pub use database::{Backend, begin_write, connect, migrate, ping};
pub use error::RepoError;
pub use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait,
};
