//! When a family's file was anonymised (retention): such a family is never
//! processed again, and is shown for what it is.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Families {
    Table,
    AnonymisedAt,
}

// async_trait cannot take the elided lifetime that rust_2018_idioms asks for.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Families::Table)
                    .add_column(timestamp_with_time_zone_null(Families::AnonymisedAt))
                    .to_owned(),
            )
            .await
    }
}
