//! Anonymisation is irreversible (SPEC "Privacy"): an anonymised file's rows
//! go. What they added to the activity report is kept in `report_figures`,
//! totals of all anonymised files together per (year, month, figure,
//! item), and the days its family lived in a unit are kept in
//! `detached_occupancies`, a unit's occupied days that name no family, so
//! that the activity and occupancy reports give the same figures.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::References;

#[derive(DeriveIden)]
enum ReportFigures {
    Table,
    Year,
    Month,
    Figure,
    Item,
    Value,
}

#[derive(DeriveIden)]
enum DetachedOccupancies {
    Table,
    Id,
    UnitId,
    StartsOn,
    EndsOn,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(ReportFigures::Table)
                .col(integer(ReportFigures::Year))
                .col(integer(ReportFigures::Month))
                .col(string_len(ReportFigures::Figure, 40))
                .col(string_len(ReportFigures::Item, 200))
                .col(big_integer(ReportFigures::Value))
                .primary_key(
                    Index::create()
                        .col(ReportFigures::Year)
                        .col(ReportFigures::Month)
                        .col(ReportFigures::Figure)
                        .col(ReportFigures::Item),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(DetachedOccupancies::Table)
                .col(pk_uuid(DetachedOccupancies::Id))
                .col(uuid(DetachedOccupancies::UnitId))
                .col(date(DetachedOccupancies::StartsOn))
                .col(date(DetachedOccupancies::EndsOn))
                .references(DetachedOccupancies::UnitId, Units::Table, Units::Id)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_detached_occupancies_unit")
                .table(DetachedOccupancies::Table)
                .col(DetachedOccupancies::UnitId)
                .to_owned(),
        )
        .await
});
