//! Interventions (home visits, interviews, calls…), the staff present at
//! each, and follow-up actions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{Families, References, Users, index};

#[derive(DeriveIden)]
enum Interventions {
    Table,
    Id,
    FamilyId,
    AuthorId,
    Kind,
    OccurredAt,
    DurationMinutes,
    Summary,
    Confidentiality,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InterventionStaff {
    Table,
    InterventionId,
    UserId,
}

#[derive(DeriveIden)]
enum Actions {
    Table,
    Id,
    FamilyId,
    InterventionId,
    Description,
    DueOn,
    AssigneeId,
    DoneOn,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

const KINDS: [&str; 7] = [
    "home_visit",
    "interview",
    "phone_call",
    "accompaniment",
    "workshop",
    "childcare",
    "other",
];

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(Interventions::Table)
                .col(pk_uuid(Interventions::Id))
                .col(uuid(Interventions::FamilyId))
                .col(uuid(Interventions::AuthorId))
                .col(
                    string_len(Interventions::Kind, 20)
                        .check(Expr::col(Interventions::Kind).is_in(KINDS)),
                )
                .col(timestamp_with_time_zone(Interventions::OccurredAt))
                .col(
                    integer(Interventions::DurationMinutes)
                        .check(Expr::col(Interventions::DurationMinutes).between(1, 1440)),
                )
                .col(text(Interventions::Summary))
                .col(
                    string_len(Interventions::Confidentiality, 12).check(
                        Expr::col(Interventions::Confidentiality).is_in(["team", "restricted"]),
                    ),
                )
                .col(integer(Interventions::Version))
                .col(timestamp_with_time_zone(Interventions::CreatedAt))
                .col(timestamp_with_time_zone(Interventions::UpdatedAt))
                .references(Interventions::FamilyId, Families::Table, Families::Id)
                .references(Interventions::AuthorId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(InterventionStaff::Table)
                .col(uuid(InterventionStaff::InterventionId))
                .col(uuid(InterventionStaff::UserId))
                .primary_key(
                    Index::create()
                        .col(InterventionStaff::InterventionId)
                        .col(InterventionStaff::UserId),
                )
                .references(
                    InterventionStaff::InterventionId,
                    Interventions::Table,
                    Interventions::Id,
                )
                .references(InterventionStaff::UserId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(Actions::Table)
                .col(pk_uuid(Actions::Id))
                .col(uuid(Actions::FamilyId))
                .col(uuid_null(Actions::InterventionId))
                .col(text(Actions::Description))
                .col(date(Actions::DueOn))
                .col(uuid(Actions::AssigneeId))
                .col(date_null(Actions::DoneOn))
                .col(uuid(Actions::CreatedBy))
                .col(integer(Actions::Version))
                .col(timestamp_with_time_zone(Actions::CreatedAt))
                .col(timestamp_with_time_zone(Actions::UpdatedAt))
                .references(Actions::FamilyId, Families::Table, Families::Id)
                .references(
                    Actions::InterventionId,
                    Interventions::Table,
                    Interventions::Id,
                )
                .references(Actions::AssigneeId, Users::Table, Users::Id)
                .references(Actions::CreatedBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_interventions_family",
        Interventions::Table,
        [Interventions::FamilyId],
    )
    .await?;
    index(
        manager,
        "idx_intervention_staff_user",
        InterventionStaff::Table,
        [InterventionStaff::UserId],
    )
    .await?;
    index(
        manager,
        "idx_actions_assignee",
        Actions::Table,
        [Actions::AssigneeId],
    )
    .await?;
    index(
        manager,
        "idx_actions_family",
        Actions::Table,
        [Actions::FamilyId],
    )
    .await?;
    Ok(())
});
