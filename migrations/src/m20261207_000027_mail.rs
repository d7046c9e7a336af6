//! Mail (SPEC "Mail: reminders and a forgotten password"): the outbox every
//! mail goes through, written in the transaction that asks for the mail
//! and emptied by a worker; the one-time links of a forgotten password,
//! kept hashed; and each user's choice of the daily digest with the day it
//! was last made, so that it is never made twice the same day.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{References, Users, index};

#[derive(Clone, Copy, DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    Kind,
    UserId,
    Recipient,
    Subject,
    TextBody,
    HtmlBody,
    CreatedAt,
    NotAfter,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    Claim,
    SentAt,
    AbandonedAt,
    LastError,
}

#[derive(Clone, Copy, DeriveIden)]
enum PasswordResets {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(Clone, Copy, DeriveIden)]
enum MailPreferences {
    Table,
    UserId,
    DailyDigest,
    DigestMadeOn,
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(MailOutbox::Table)
                .col(pk_uuid(MailOutbox::Id))
                .col(string_len(MailOutbox::Kind, 40))
                .col(uuid_null(MailOutbox::UserId))
                .col(string_len(MailOutbox::Recipient, 254))
                .col(string_len(MailOutbox::Subject, 200))
                .col(text(MailOutbox::TextBody))
                .col(text(MailOutbox::HtmlBody))
                .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                .col(timestamp_with_time_zone_null(MailOutbox::NotAfter))
                .col(integer(MailOutbox::Attempts).default(0))
                .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                .col(timestamp_with_time_zone_null(MailOutbox::ClaimedUntil))
                .col(uuid_null(MailOutbox::Claim))
                .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                .col(timestamp_with_time_zone_null(MailOutbox::AbandonedAt))
                .col(string_len_null(MailOutbox::LastError, 300))
                .references(MailOutbox::UserId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    // The worker's read: the mails not yet sent, the earliest due first.
    index(
        manager,
        "idx_mail_outbox_waiting",
        MailOutbox::Table,
        [
            MailOutbox::SentAt,
            MailOutbox::AbandonedAt,
            MailOutbox::NextAttemptAt,
        ],
    )
    .await?;
    index(
        manager,
        "idx_mail_outbox_user",
        MailOutbox::Table,
        [MailOutbox::UserId],
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table(PasswordResets::Table)
                .col(string_len(PasswordResets::TokenHash, 64).primary_key())
                .col(uuid(PasswordResets::UserId))
                .col(timestamp_with_time_zone(PasswordResets::CreatedAt))
                .col(timestamp_with_time_zone(PasswordResets::ExpiresAt))
                .col(timestamp_with_time_zone_null(PasswordResets::UsedAt))
                .references(PasswordResets::UserId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_password_resets_user",
        PasswordResets::Table,
        [PasswordResets::UserId],
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table(MailPreferences::Table)
                .col(pk_uuid(MailPreferences::UserId))
                .col(boolean(MailPreferences::DailyDigest).default(false))
                .col(date_null(MailPreferences::DigestMadeOn))
                .references(MailPreferences::UserId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    Ok(())
});
