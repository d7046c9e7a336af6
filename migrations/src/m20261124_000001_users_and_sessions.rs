//! Users, their sessions, and the failed logins that throttling counts. All of
//! it lives in the database so that several nido instances can share it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    Role,
    Profession,
    PasswordHash,
    Active,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    TokenHash,
    UserId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    Email,
    Address,
    At,
}

const ROLES: [&str; 3] = ["staff", "coordinator", "admin"];
const PROFESSIONS: [&str; 9] = [
    "social_worker",
    "specialized_educator",
    "early_childhood_educator",
    "childcare_assistant",
    "psychologist",
    "technical_agent",
    "coordinator",
    "director",
    "other",
];

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_uuid(Users::Id))
                .col(string_len_uniq(Users::Email, 254))
                .col(string_len(Users::DisplayName, 100))
                .col(string_len(Users::Role, 20).check(Expr::col(Users::Role).is_in(ROLES)))
                .col(
                    string_len(Users::Profession, 40)
                        .check(Expr::col(Users::Profession).is_in(PROFESSIONS)),
                )
                .col(string(Users::PasswordHash))
                .col(boolean(Users::Active))
                .col(integer(Users::Version))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .to_owned(),
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Sessions::Table)
                .col(pk_uuid(Sessions::Id))
                .col(string_len_uniq(Sessions::TokenHash, 64))
                .col(uuid(Sessions::UserId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_sessions_user_id")
                .table(Sessions::Table)
                .col(Sessions::UserId)
                .to_owned(),
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table(LoginFailures::Table)
                .col(pk_uuid(LoginFailures::Id))
                .col(string_len(LoginFailures::Email, 254))
                .col(string_len(LoginFailures::Address, 64))
                .col(timestamp_with_time_zone(LoginFailures::At))
                .to_owned(),
        )
        .await?;
    for (name, column) in [
        ("idx_login_failures_email_at", LoginFailures::Email),
        ("idx_login_failures_address_at", LoginFailures::Address),
    ] {
        manager
            .create_index(
                Index::create()
                    .name(name)
                    .table(LoginFailures::Table)
                    .col(column)
                    .col(LoginFailures::At)
                    .to_owned(),
            )
            .await?;
    }
    manager
        .create_index(
            Index::create()
                .name("idx_login_failures_at")
                .table(LoginFailures::Table)
                .col(LoginFailures::At)
                .to_owned(),
        )
        .await?;
    Ok(())
});
