//! Where an audit entry waits when the audit log cannot take it: in the main
//! database, as durable as the change it traces, until a background task
//! moves it into the log.

use sea_orm_migration::prelude::*;

use crate::schema_helpers::audit_entries;

#[derive(DeriveIden)]
enum AuditOutbox {
    Table,
}

transactional_up!(|manager| { audit_entries(manager, AuditOutbox::Table).await });
