//! Several centres, step 2: families, housing units, workshops and
//! incidents belong to a site. Every row an installation holds is the
//! first site's (`nido_domain::site::FIRST_SITE`, written here as its
//! value: a migration never changes with the code). No foreign key: SQLite
//! cannot add one to an existing table, and sites are never deleted; the
//! use cases check the site a new row names.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::index;

/// `nido_domain::site::FIRST_SITE`.
const FIRST_SITE: uuid::Uuid = uuid::Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0001);

#[derive(Clone, Copy, DeriveIden)]
enum SiteId {
    SiteId,
}

#[derive(Clone, Copy, DeriveIden)]
enum Families {
    Table,
}

#[derive(Clone, Copy, DeriveIden)]
enum Units {
    Table,
}

#[derive(Clone, Copy, DeriveIden)]
enum Workshops {
    Table,
}

#[derive(Clone, Copy, DeriveIden)]
enum Incidents {
    Table,
}

async fn belong_to_the_first_site(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + Copy,
    index_name: &str,
) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(uuid_null(SiteId::SiteId))
                .to_owned(),
        )
        .await?;
    manager
        .exec_stmt(
            Query::update()
                .table(table)
                .value(SiteId::SiteId, FIRST_SITE)
                .to_owned(),
        )
        .await?;
    index(manager, index_name, table, [SiteId::SiteId]).await
}

transactional_up!(|manager| {
    belong_to_the_first_site(manager, Families::Table, "idx_families_site").await?;
    belong_to_the_first_site(manager, Units::Table, "idx_units_site").await?;
    belong_to_the_first_site(manager, Workshops::Table, "idx_workshops_site").await?;
    belong_to_the_first_site(manager, Incidents::Table, "idx_incidents_site").await?;
    Ok(())
});
