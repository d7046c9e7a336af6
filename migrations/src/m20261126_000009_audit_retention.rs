//! Audit entries are kept `audit.retention_months`, then deleted by the
//! retention job, and by nothing else. The append-only guard now lets a
//! DELETE through only for an entry older than a purge mark, which the job
//! writes, uses and removes within one transaction; every UPDATE, and every
//! other DELETE, is still refused by the database.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveIden)]
enum AuditPurge {
    Table,
    PurgeBefore,
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(AuditPurge::Table)
                .col(timestamp_with_time_zone(AuditPurge::PurgeBefore).primary_key())
                .to_owned(),
        )
        .await?;
    let connection = manager.get_connection();
    match manager.get_database_backend() {
        DatabaseBackend::Sqlite => {
            connection
                .execute_unprepared("DROP TRIGGER audit_log_no_delete")
                .await?;
            connection
                .execute_unprepared(
                    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log \
                     WHEN NOT EXISTS (SELECT 1 FROM audit_purge WHERE OLD.at < audit_purge.purge_before) \
                     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
                )
                .await?;
        }
        _ => {
            connection
                .execute_unprepared(
                    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ \
                     BEGIN \
                       IF TG_OP = 'DELETE' AND EXISTS \
                          (SELECT 1 FROM audit_purge WHERE OLD.at < audit_purge.purge_before) THEN \
                         RETURN OLD; \
                       END IF; \
                       RAISE EXCEPTION 'the audit log is append-only'; \
                     END; $$ LANGUAGE plpgsql",
                )
                .await?;
        }
    }
    Ok(())
});
