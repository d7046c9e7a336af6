//! The server key, and the locks of accounts locked from everywhere.
//!
//! - `server_keys`: 256 random bits under a name, inserted by the first
//!   instance to start (insert-if-absent, then read), so every instance on
//!   one database MACs with the same key: device cookies and the sign-in
//!   form's token.
//! - `account_locks`: the last time an account's limit on failures from all
//!   addresses tripped, one row per account. The window of the counter that
//!   tripped makes the first trip of a window the only one audited; the
//!   owner is told at her next sign-in (`told_at`), and the web home page of
//!   that session shows it once (`notice_session`, the session's token hash,
//!   cleared once shown).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{References, Users};

#[derive(DeriveIden)]
enum ServerKeys {
    Table,
    Name,
    Secret,
}

#[derive(DeriveIden)]
enum AccountLocks {
    Table,
    UserId,
    WindowStartMs,
    LockedAt,
    ToldAt,
    NoticeSession,
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(ServerKeys::Table)
                .col(string_len(ServerKeys::Name, 40).primary_key())
                .col(string_len(ServerKeys::Secret, 64))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(AccountLocks::Table)
                .col(pk_uuid(AccountLocks::UserId))
                .col(big_integer(AccountLocks::WindowStartMs))
                .col(timestamp_with_time_zone(AccountLocks::LockedAt))
                .col(timestamp_with_time_zone_null(AccountLocks::ToldAt))
                .col(string_len_null(AccountLocks::NoticeSession, 64))
                .references(AccountLocks::UserId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await
});
