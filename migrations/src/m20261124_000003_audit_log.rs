//! The audit log, in its own migration set: on SQLite it lives in its own
//! database file, apart from the data it traces. Rows can only be added.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::schema_helpers::{AuditEntry, audit_entries};

#[derive(DeriveIden)]
enum AuditLog {
    Table,
}

transactional_up!(|manager| {
    audit_entries(manager, AuditLog::Table).await?;
    // Entries are read newest first by id (UUIDv7, so in time order),
    // for one family or one user.
    for (name, column) in [
        ("idx_audit_log_family", AuditEntry::FamilyId),
        ("idx_audit_log_user", AuditEntry::UserId),
    ] {
        manager
            .create_index(
                Index::create()
                    .name(name)
                    .table(AuditLog::Table)
                    .col(column)
                    .col(AuditEntry::Id)
                    .to_owned(),
            )
            .await?;
    }
    // Append-only, enforced by the database itself.
    let connection = manager.get_connection();
    match manager.get_database_backend() {
        DatabaseBackend::Sqlite => {
            for event in ["UPDATE", "DELETE"] {
                connection
                    .execute_unprepared(&format!(
                        "CREATE TRIGGER audit_log_no_{lower} BEFORE {event} ON audit_log \
                         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
                        lower = event.to_lowercase()
                    ))
                    .await?;
            }
        }
        _ => {
            connection
                .execute_unprepared(
                    "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; \
                     $$ LANGUAGE plpgsql",
                )
                .await?;
            connection
                .execute_unprepared(
                    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
                     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
                )
                .await?;
        }
    }
    Ok(())
});
