//! Workshops (*ateliers*), who leads them, and the families taking part
//! with their children. The database decides the two rules parallel
//! requests could break: one participation per family and workshop (a
//! unique index), and no more families than the capacity (a check on the
//! workshop's count, which every registration raises by a conditional
//! `UPDATE` in its own transaction).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{Children, Families, References, Users, index, link_table};

#[derive(Clone, Copy, DeriveIden)]
enum Workshops {
    Table,
    Id,
    Title,
    HeldOn,
    StartsMinute,
    EndsMinute,
    Partner,
    Capacity,
    ParticipantsCount,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Clone, Copy, DeriveIden)]
enum WorkshopFacilitators {
    Table,
    WorkshopId,
    UserId,
}

#[derive(Clone, Copy, DeriveIden)]
enum WorkshopParticipants {
    Table,
    Id,
    WorkshopId,
    FamilyId,
    Status,
    ArrivedMinute,
    LeftMinute,
    RegisteredBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Clone, Copy, DeriveIden)]
enum WorkshopParticipantChildren {
    Table,
    ParticipantId,
    ChildId,
}

/// Minutes after midnight: 00:00 to 23:59.
fn minute_of_day(column: impl IntoIden + 'static) -> Expr {
    Expr::col(column).between(0, 24 * 60 - 1)
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(Workshops::Table)
                .col(pk_uuid(Workshops::Id))
                .col(string_len(Workshops::Title, 200))
                .col(date(Workshops::HeldOn))
                .col(integer(Workshops::StartsMinute).check(minute_of_day(Workshops::StartsMinute)))
                .col(integer(Workshops::EndsMinute).check(minute_of_day(Workshops::EndsMinute)))
                .col(string_len_null(Workshops::Partner, 200))
                .col(
                    integer_null(Workshops::Capacity)
                        .check(Expr::col(Workshops::Capacity).between(1, 100)),
                )
                .col(integer(Workshops::ParticipantsCount).default(0))
                .col(uuid(Workshops::CreatedBy))
                .col(integer(Workshops::Version))
                .col(timestamp_with_time_zone(Workshops::CreatedAt))
                .col(timestamp_with_time_zone(Workshops::UpdatedAt))
                .check(Expr::col(Workshops::StartsMinute).lt(Expr::col(Workshops::EndsMinute)))
                // Never more families than the capacity.
                .check(Expr::col(Workshops::ParticipantsCount).gte(0).and(
                    Expr::col(Workshops::Capacity).is_null().or(
                        Expr::col(Workshops::ParticipantsCount).lte(Expr::col(Workshops::Capacity)),
                    ),
                ))
                .references(Workshops::CreatedBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(link_table(
            WorkshopFacilitators::Table,
            (
                WorkshopFacilitators::WorkshopId,
                Workshops::Table,
                Workshops::Id,
            ),
            (WorkshopFacilitators::UserId, Users::Table, Users::Id),
        ))
        .await?;
    manager
        .create_table(
            Table::create()
                .table(WorkshopParticipants::Table)
                .col(pk_uuid(WorkshopParticipants::Id))
                .col(uuid(WorkshopParticipants::WorkshopId))
                .col(uuid(WorkshopParticipants::FamilyId))
                .col(string_len(WorkshopParticipants::Status, 12).check(
                    Expr::col(WorkshopParticipants::Status).is_in([
                        "registered",
                        "attended",
                        "absent",
                    ]),
                ))
                .col(
                    integer_null(WorkshopParticipants::ArrivedMinute)
                        .check(minute_of_day(WorkshopParticipants::ArrivedMinute)),
                )
                .col(
                    integer_null(WorkshopParticipants::LeftMinute)
                        .check(minute_of_day(WorkshopParticipants::LeftMinute)),
                )
                .col(uuid(WorkshopParticipants::RegisteredBy))
                .col(integer(WorkshopParticipants::Version))
                .col(timestamp_with_time_zone(WorkshopParticipants::CreatedAt))
                .col(timestamp_with_time_zone(WorkshopParticipants::UpdatedAt))
                // Times exactly when the family attended.
                .check(
                    Expr::col(WorkshopParticipants::ArrivedMinute)
                        .is_null()
                        .eq(Expr::col(WorkshopParticipants::Status).ne("attended")),
                )
                .check(
                    Expr::col(WorkshopParticipants::ArrivedMinute)
                        .is_null()
                        .eq(Expr::col(WorkshopParticipants::LeftMinute).is_null()),
                )
                .references(
                    WorkshopParticipants::WorkshopId,
                    Workshops::Table,
                    Workshops::Id,
                )
                .references(
                    WorkshopParticipants::FamilyId,
                    Families::Table,
                    Families::Id,
                )
                .references(WorkshopParticipants::RegisteredBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(link_table(
            WorkshopParticipantChildren::Table,
            (
                WorkshopParticipantChildren::ParticipantId,
                WorkshopParticipants::Table,
                WorkshopParticipants::Id,
            ),
            (
                WorkshopParticipantChildren::ChildId,
                Children::Table,
                Children::Id,
            ),
        ))
        .await?;
    // One participation per family and workshop.
    manager
        .create_index(
            Index::create()
                .name("workshop_participants_one_per_family")
                .table(WorkshopParticipants::Table)
                .col(WorkshopParticipants::WorkshopId)
                .col(WorkshopParticipants::FamilyId)
                .unique()
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_workshops_held_on",
        Workshops::Table,
        [Workshops::HeldOn],
    )
    .await?;
    index(
        manager,
        "idx_workshop_participants_family",
        WorkshopParticipants::Table,
        [WorkshopParticipants::FamilyId],
    )
    .await?;
    index(
        manager,
        "idx_workshop_facilitators_user",
        WorkshopFacilitators::Table,
        [WorkshopFacilitators::UserId],
    )
    .await?;
    Ok(())
});
