//! The second factor: a TOTP secret per user (pending until confirmed with
//! a first code), the last time step a code was accepted at (each code works
//! once), ten one-time recovery codes kept as SHA-256, and the challenges a
//! password opens for the code to finish. `users.mfa_enrolled_at` says, in
//! the row every request reads, whether the account has a factor.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{References, index};

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    MfaEnrolledAt,
}

#[derive(DeriveIden)]
enum UserTotp {
    Table,
    UserId,
    Secret,
    ConfirmedAt,
    LastStep,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum MfaChallenges {
    Table,
    TokenHash,
    UserId,
    ExpiresAt,
}

transactional_up!(|manager| {
    manager
        .alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(timestamp_with_time_zone_null(Users::MfaEnrolledAt))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(UserTotp::Table)
                .col(pk_uuid(UserTotp::UserId))
                .col(string_len(UserTotp::Secret, 64))
                .col(timestamp_with_time_zone_null(UserTotp::ConfirmedAt))
                .col(big_integer_null(UserTotp::LastStep))
                .col(timestamp_with_time_zone(UserTotp::CreatedAt))
                .references(UserTotp::UserId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(RecoveryCodes::Table)
                .col(pk_uuid(RecoveryCodes::Id))
                .col(uuid(RecoveryCodes::UserId))
                .col(string_len(RecoveryCodes::CodeHash, 64))
                .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                .references(RecoveryCodes::UserId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_recovery_codes_user_code",
        RecoveryCodes::Table,
        [RecoveryCodes::UserId, RecoveryCodes::CodeHash],
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table(MfaChallenges::Table)
                .col(string_len(MfaChallenges::TokenHash, 64).primary_key())
                .col(uuid(MfaChallenges::UserId))
                .col(timestamp_with_time_zone(MfaChallenges::ExpiresAt))
                .references(MfaChallenges::UserId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await
});
