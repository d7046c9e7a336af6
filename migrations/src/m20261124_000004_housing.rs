//! Housing: landlords, units, leases, and who lives where (occupancies).
//! On PostgreSQL exclusion constraints over date ranges forbid overlapping
//! leases of a unit, overlapping occupancies of a unit, and two occupancies
//! of one placement at once; on SQLite nido's write transactions take the
//! database lock before they check.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{Placements, References, index};
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveIden)]
enum Landlords {
    Table,
    Id,
    Name,
    Kind,
    ContactName,
    Phone,
    Email,
    Address,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
    LandlordId,
    Label,
    Street,
    PostalCode,
    City,
    Typology,
    SurfaceM2,
    Capacity,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Leases {
    Table,
    Id,
    UnitId,
    StartsOn,
    EndsOn,
    MonthlyRentCents,
    MonthlyChargesCents,
    DepositCents,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Occupancies {
    Table,
    Id,
    PlacementId,
    UnitId,
    StartsOn,
    EndsOn,
    CreatedAt,
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(Landlords::Table)
                .col(pk_uuid(Landlords::Id))
                .col(string_len(Landlords::Name, 200))
                .col(
                    string_len(Landlords::Kind, 10)
                        .check(Expr::col(Landlords::Kind).is_in(["private", "social"])),
                )
                .col(string_len_null(Landlords::ContactName, 200))
                .col(string_len_null(Landlords::Phone, 40))
                .col(string_len_null(Landlords::Email, 254))
                .col(string_len_null(Landlords::Address, 300))
                .col(integer(Landlords::Version))
                .col(timestamp_with_time_zone(Landlords::CreatedAt))
                .col(timestamp_with_time_zone(Landlords::UpdatedAt))
                .to_owned(),
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Units::Table)
                .col(pk_uuid(Units::Id))
                .col(uuid(Units::LandlordId))
                .col(string_len(Units::Label, 100))
                .col(string_len(Units::Street, 200))
                .col(string_len(Units::PostalCode, 10))
                .col(string_len(Units::City, 100))
                .col(string_len(Units::Typology, 10).check(
                    Expr::col(Units::Typology).is_in(["studio", "t1", "t2", "t3", "t4_plus"]),
                ))
                .col(double(Units::SurfaceM2).check(Expr::col(Units::SurfaceM2).gt(0)))
                .col(integer(Units::Capacity).check(Expr::col(Units::Capacity).gte(1)))
                .col(integer(Units::Version))
                .col(timestamp_with_time_zone(Units::CreatedAt))
                .col(timestamp_with_time_zone(Units::UpdatedAt))
                .references(Units::LandlordId, Landlords::Table, Landlords::Id)
                .to_owned(),
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Leases::Table)
                .col(pk_uuid(Leases::Id))
                .col(uuid(Leases::UnitId))
                .col(date(Leases::StartsOn))
                .col(date_null(Leases::EndsOn))
                .col(
                    big_integer(Leases::MonthlyRentCents)
                        .check(Expr::col(Leases::MonthlyRentCents).gte(0)),
                )
                .col(
                    big_integer(Leases::MonthlyChargesCents)
                        .check(Expr::col(Leases::MonthlyChargesCents).gte(0)),
                )
                .col(
                    big_integer(Leases::DepositCents).check(Expr::col(Leases::DepositCents).gte(0)),
                )
                .col(integer(Leases::Version))
                .col(timestamp_with_time_zone(Leases::CreatedAt))
                .col(timestamp_with_time_zone(Leases::UpdatedAt))
                .check(
                    Expr::col(Leases::EndsOn)
                        .is_null()
                        .or(Expr::col(Leases::EndsOn).gte(Expr::col(Leases::StartsOn))),
                )
                .references(Leases::UnitId, Units::Table, Units::Id)
                .to_owned(),
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Occupancies::Table)
                .col(pk_uuid(Occupancies::Id))
                .col(uuid(Occupancies::PlacementId))
                .col(uuid(Occupancies::UnitId))
                .col(date(Occupancies::StartsOn))
                .col(date_null(Occupancies::EndsOn))
                .col(timestamp_with_time_zone(Occupancies::CreatedAt))
                .check(
                    Expr::col(Occupancies::EndsOn)
                        .is_null()
                        .or(Expr::col(Occupancies::EndsOn).gte(Expr::col(Occupancies::StartsOn))),
                )
                .references(Occupancies::PlacementId, Placements::Table, Placements::Id)
                .references(Occupancies::UnitId, Units::Table, Units::Id)
                .to_owned(),
        )
        .await?;

    index(
        manager,
        "idx_units_landlord",
        Units::Table,
        [Units::LandlordId],
    )
    .await?;
    index(manager, "idx_leases_unit", Leases::Table, [Leases::UnitId]).await?;
    index(
        manager,
        "idx_occupancies_unit",
        Occupancies::Table,
        [Occupancies::UnitId],
    )
    .await?;
    index(
        manager,
        "idx_occupancies_placement",
        Occupancies::Table,
        [Occupancies::PlacementId],
    )
    .await?;

    if manager.get_database_backend() == DatabaseBackend::Postgres {
        let connection = manager.get_connection();
        connection
            .execute_unprepared("CREATE EXTENSION IF NOT EXISTS btree_gist")
            .await?;
        for (table, constraint, key) in [
            ("leases", "leases_no_overlap", "unit_id"),
            ("occupancies", "occupancies_unit_no_overlap", "unit_id"),
            (
                "occupancies",
                "occupancies_placement_no_overlap",
                "placement_id",
            ),
        ] {
            connection
                .execute_unprepared(&format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {constraint} EXCLUDE USING gist \
                     ({key} WITH =, daterange(starts_on, ends_on, '[]') WITH &&)"
                ))
                .await?;
        }
    }
    Ok(())
});
