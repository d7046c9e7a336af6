//! The deadlines and due-dates screens are paged by the database (issue
//! 23): each obligation's due date is computed in SQL, so that a page
//! costs what it shows. Every rule is plain date arithmetic on both
//! engines but one: an incident's report falls due on the day, in the
//! centre's time zone, of the instant 48 hours after it happened, and
//! SQLite knows no time zone. That day is therefore stored, in
//! `incidents.report_due_on`, written by the use case that declares the
//! incident (`occurred_at` never changes afterwards). Incidents recorded
//! before this migration get the day in Europe/Paris, the SPEC's zone.
//!
//! An index on that day finds the incidents of a window by it.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

use crate::schema_helpers::index;

#[derive(DeriveIden)]
enum Incidents {
    Table,
    Id,
    OccurredAt,
    ReportDueOn,
}

transactional_up!(|manager| {
    manager
        .alter_table(
            Table::alter()
                .table(Incidents::Table)
                .add_column(date_null(Incidents::ReportDueOn))
                .to_owned(),
        )
        .await?;
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(
            backend.build(
                Query::select()
                    .columns([Incidents::Id, Incidents::OccurredAt])
                    .from(Incidents::Table),
            ),
        )
        .await?;
    for row in rows {
        let id: uuid::Uuid = row.try_get("", "id")?;
        let occurred_at: DateTime<Utc> = row.try_get("", "occurred_at")?;
        let due_on = occurred_at
            .checked_add_signed(TimeDelta::hours(48))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
            .with_timezone(&chrono_tz::Europe::Paris)
            .date_naive();
        let update: Statement = backend.build(
            Query::update()
                .table(Incidents::Table)
                .value(Incidents::ReportDueOn, due_on)
                .and_where(Expr::col(Incidents::Id).eq(id)),
        );
        db.execute_raw(update).await?;
    }
    index(
        manager,
        "idx_incidents_report_due_on",
        Incidents::Table,
        [Incidents::ReportDueOn],
    )
    .await
});
