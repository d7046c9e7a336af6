//! One audit entry may name several families: a read that lists many
//! families writes one entry naming them all (SPEC "Privacy"), not one entry
//! each. The families of such an entry are rows of their own, so that the
//! log is still searched by family through an index. Two steps of one
//! change: `Log` in the audit log's set (append-only like the log: a row
//! goes only when the purge takes its entry), `Outbox` in the main set (an
//! entry waiting in the outbox keeps its families with it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

const NAME: &str = "m20261205_000021_audit_entry_families";

#[derive(DeriveIden, Clone, Copy)]
enum AuditLogFamilies {
    Table,
    EntryId,
    FamilyId,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditOutboxFamilies {
    Table,
    EntryId,
    FamilyId,
}

/// A table of (entry, family) pairs, found by family.
async fn create(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + Copy + 'static,
    entry_id: impl IntoIden + Copy + 'static,
    family_id: impl IntoIden + Copy + 'static,
    index: &str,
) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(table)
                .col(uuid(entry_id))
                .col(uuid(family_id))
                .primary_key(Index::create().col(entry_id).col(family_id))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name(index)
                .table(table)
                .col(family_id)
                .col(entry_id)
                .to_owned(),
        )
        .await
}

/// The audit log's step.
pub struct Log;

impl MigrationName for Log {
    fn name(&self) -> &str {
        NAME
    }
}

transactional_up!(Log, |manager| {
    create(
        manager,
        AuditLogFamilies::Table,
        AuditLogFamilies::EntryId,
        AuditLogFamilies::FamilyId,
        "idx_audit_log_families_family",
    )
    .await?;
    // Append-only as the log is: a row may go only with its entry, when
    // the purge mark allows the entry to go.
    let purged = "EXISTS (SELECT 1 FROM audit_log JOIN audit_purge \
                  ON audit_log.at < audit_purge.purge_before \
                  WHERE audit_log.id = OLD.entry_id)";
    let connection = manager.get_connection();
    match manager.get_database_backend() {
        DatabaseBackend::Sqlite => {
            connection
                .execute_unprepared(
                    "CREATE TRIGGER audit_log_families_no_update BEFORE UPDATE ON audit_log_families \
                     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
                )
                .await?;
            connection
                .execute_unprepared(&format!(
                    "CREATE TRIGGER audit_log_families_no_delete BEFORE DELETE ON audit_log_families \
                     WHEN NOT {purged} \
                     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
                ))
                .await?;
        }
        _ => {
            connection
                .execute_unprepared(&format!(
                    "CREATE FUNCTION audit_log_families_append_only() RETURNS trigger AS $$ \
                     BEGIN \
                       IF TG_OP = 'DELETE' AND {purged} THEN \
                         RETURN OLD; \
                       END IF; \
                       RAISE EXCEPTION 'the audit log is append-only'; \
                     END; $$ LANGUAGE plpgsql"
                ))
                .await?;
            connection
                .execute_unprepared(
                    "CREATE TRIGGER audit_log_families_append_only \
                     BEFORE UPDATE OR DELETE ON audit_log_families \
                     FOR EACH ROW EXECUTE FUNCTION audit_log_families_append_only()",
                )
                .await?;
        }
    }
    Ok(())
});

/// The main database's step: the outbox's families.
pub struct Outbox;

impl MigrationName for Outbox {
    fn name(&self) -> &str {
        NAME
    }
}

transactional_up!(Outbox, |manager| {
    create(
        manager,
        AuditOutboxFamilies::Table,
        AuditOutboxFamilies::EntryId,
        AuditOutboxFamilies::FamilyId,
        "idx_audit_outbox_families_family",
    )
    .await
});
