//! Where an audit entry waits when the audit log cannot take it: in the main
//! database, as durable as the change it traces, until a background task
//! moves it into the log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditOutbox {
    Table,
    Id,
    At,
    UserId,
    Action,
    FamilyId,
    Resource,
}

transactional_up!(Migration, |manager| {
    manager
        .create_table(
            Table::create()
                .table(AuditOutbox::Table)
                .col(pk_uuid(AuditOutbox::Id))
                .col(timestamp_with_time_zone(AuditOutbox::At))
                .col(uuid(AuditOutbox::UserId))
                .col(string_len(AuditOutbox::Action, 60))
                .col(uuid_null(AuditOutbox::FamilyId))
                .col(string_len(AuditOutbox::Resource, 200))
                .to_owned(),
        )
        .await
});
