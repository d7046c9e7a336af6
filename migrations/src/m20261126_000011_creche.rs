//! The crèche: its settings (one row, absent until an admin changes the
//! defaults), closures, bookings, and one row per booked day that every
//! booking transaction locks first, so that the capacity and overlap
//! checks that follow see every booking of the day (see `docs/creche.md`).
//! Times of day are minutes since midnight.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{Children, Families, References, Users, index};

#[derive(DeriveIden)]
enum CrecheSettings {
    Table,
    Id,
    Capacity,
    OpensAt,
    ClosesAt,
    OpenWeekdays,
    MinAgeMonths,
    MaxAgeMonths,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CrecheClosures {
    Table,
    On,
    Reason,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CrecheDays {
    Table,
    On,
    Changes,
}

#[derive(DeriveIden)]
enum CrecheBookings {
    Table,
    Id,
    FamilyId,
    ChildId,
    On,
    StartsAt,
    EndsAt,
    Purpose,
    Notes,
    Status,
    ArrivedAt,
    LeftAt,
    SeriesId,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

const PURPOSES: [&str; 7] = [
    "job_interview",
    "training",
    "employment",
    "appointment",
    "workshop",
    "respite",
    "other",
];

const STATUSES: [&str; 4] = ["booked", "cancelled", "attended", "absent"];

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(CrecheSettings::Table)
                .col(
                    integer(CrecheSettings::Id)
                        .primary_key()
                        .check(Expr::col(CrecheSettings::Id).eq(1)),
                )
                .col(integer(CrecheSettings::Capacity))
                .col(integer(CrecheSettings::OpensAt))
                .col(integer(CrecheSettings::ClosesAt))
                .col(string_len(CrecheSettings::OpenWeekdays, 20))
                .col(integer(CrecheSettings::MinAgeMonths))
                .col(integer(CrecheSettings::MaxAgeMonths))
                .col(integer(CrecheSettings::Version))
                .col(timestamp_with_time_zone(CrecheSettings::UpdatedAt))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(CrecheClosures::Table)
                .col(date(CrecheClosures::On).primary_key())
                .col(text(CrecheClosures::Reason))
                .col(uuid(CrecheClosures::CreatedBy))
                .col(timestamp_with_time_zone(CrecheClosures::CreatedAt))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(CrecheDays::Table)
                .col(date(CrecheDays::On).primary_key())
                .col(big_integer(CrecheDays::Changes))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(CrecheBookings::Table)
                .col(pk_uuid(CrecheBookings::Id))
                .col(uuid(CrecheBookings::FamilyId))
                .col(uuid(CrecheBookings::ChildId))
                .col(date(CrecheBookings::On))
                .col(
                    integer(CrecheBookings::StartsAt)
                        .check(Expr::col(CrecheBookings::StartsAt).between(0, 1440)),
                )
                .col(
                    integer(CrecheBookings::EndsAt)
                        .check(Expr::col(CrecheBookings::EndsAt).between(0, 1440)),
                )
                .col(
                    string_len(CrecheBookings::Purpose, 20)
                        .check(Expr::col(CrecheBookings::Purpose).is_in(PURPOSES)),
                )
                .col(text_null(CrecheBookings::Notes))
                .col(
                    string_len(CrecheBookings::Status, 12)
                        .check(Expr::col(CrecheBookings::Status).is_in(STATUSES)),
                )
                .col(integer_null(CrecheBookings::ArrivedAt))
                .col(integer_null(CrecheBookings::LeftAt))
                .col(uuid_null(CrecheBookings::SeriesId))
                .col(uuid(CrecheBookings::CreatedBy))
                .col(integer(CrecheBookings::Version))
                .col(timestamp_with_time_zone(CrecheBookings::CreatedAt))
                .col(timestamp_with_time_zone(CrecheBookings::UpdatedAt))
                .check(Expr::col(CrecheBookings::StartsAt).lt(Expr::col(CrecheBookings::EndsAt)))
                .references(CrecheBookings::FamilyId, Families::Table, Families::Id)
                .references(CrecheBookings::ChildId, Children::Table, Children::Id)
                .references(CrecheBookings::CreatedBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "creche_bookings_on",
        CrecheBookings::Table,
        [CrecheBookings::On],
    )
    .await?;
    index(
        manager,
        "creche_bookings_family_on",
        CrecheBookings::Table,
        [CrecheBookings::FamilyId, CrecheBookings::On],
    )
    .await?;
    index(
        manager,
        "creche_bookings_child_on",
        CrecheBookings::Table,
        [CrecheBookings::ChildId, CrecheBookings::On],
    )
    .await
});
