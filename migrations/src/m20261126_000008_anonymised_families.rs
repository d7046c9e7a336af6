//! When a family's file was anonymised (retention): such a family is never
//! processed again, and is shown for what it is.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum Families {
    Table,
    AnonymisedAt,
}

transactional_up!(|manager| {
    manager
        .alter_table(
            Table::alter()
                .table(Families::Table)
                .add_column(timestamp_with_time_zone_null(Families::AnonymisedAt))
                .to_owned(),
        )
        .await
});
