//! sea-orm entities: plumbing that mirrors the tables, nothing more. Rules and
//! conversions to domain types live in the repositories.

pub mod login_failures;
pub mod sessions;
pub mod users;
