//! Calendar feeds: one secret address per user, kept only as the SHA-256 of
//! its secret. A new feed replaces the old one (the user's id is the key).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{References, Users};

#[derive(DeriveIden)]
enum CalendarFeeds {
    Table,
    UserId,
    SecretHash,
    CreatedAt,
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(CalendarFeeds::Table)
                .col(pk_uuid(CalendarFeeds::UserId))
                .col(string_len_uniq(CalendarFeeds::SecretHash, 64))
                .col(timestamp_with_time_zone(CalendarFeeds::CreatedAt))
                .references(CalendarFeeds::UserId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await
});
