//! The exit to housing (SPEC "Exit to housing (the pathway)"): each
//! placement's housing steps, with the facts of their own kind as one JSON
//! text (`details`, typed by `nido_domain::pathway::StepDetails`) and the
//! due date each keeps while it owes one; the follow-ups after the exit,
//! a row per month owed written at the exit (`due_on`), completed when it
//! is made (`done_on`, `outcome`); and the step an exit names. The indexes serve the due-dates screen: a
//! step's kept due date, the follow-ups' and the placements by their cap
//! (no housing solution).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{Families, References, Users, index};

#[derive(Clone, Copy, DeriveIden)]
enum Placements {
    Table,
    Id,
    Status,
    RenewableBefore,
    ExitStepId,
}

#[derive(Clone, Copy, DeriveIden)]
enum HousingSteps {
    Table,
    Id,
    PlacementId,
    FamilyId,
    Kind,
    Status,
    Reference,
    FiledOn,
    DecidedOn,
    Notes,
    Details,
    DueKind,
    DueOn,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(Clone, Copy, DeriveIden)]
enum ExitFollowUps {
    Table,
    Id,
    PlacementId,
    FamilyId,
    AfterMonths,
    DueOn,
    DoneOn,
    Outcome,
    Notes,
    RecordedBy,
    RecordedAt,
}

const KINDS: [&str; 7] = [
    "siao_application",
    "social_housing_application",
    "dalo_recourse",
    "fsl_request",
    "visale",
    "housing_offer",
    "bail_glissant",
];

const STATUSES: [&str; 7] = [
    "preparing",
    "filed",
    "decided",
    "offer",
    "accepted",
    "refused",
    "withdrawn",
];

const OUTCOMES: [&str; 5] = [
    "housed_stable",
    "housed_precarious",
    "rent_arrears",
    "returned_to_shelter",
    "lost_contact",
];

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(HousingSteps::Table)
                .col(pk_uuid(HousingSteps::Id))
                .col(uuid(HousingSteps::PlacementId))
                .col(uuid(HousingSteps::FamilyId))
                .col(
                    string_len(HousingSteps::Kind, 40)
                        .check(Expr::col(HousingSteps::Kind).is_in(KINDS)),
                )
                .col(
                    string_len(HousingSteps::Status, 20)
                        .check(Expr::col(HousingSteps::Status).is_in(STATUSES)),
                )
                .col(string_len_null(HousingSteps::Reference, 100))
                .col(date_null(HousingSteps::FiledOn))
                .col(date_null(HousingSteps::DecidedOn))
                .col(text_null(HousingSteps::Notes))
                .col(text(HousingSteps::Details))
                .col(string_len_null(HousingSteps::DueKind, 40))
                .col(date_null(HousingSteps::DueOn))
                .col(integer(HousingSteps::Version))
                .col(uuid(HousingSteps::CreatedBy))
                .col(timestamp_with_time_zone(HousingSteps::CreatedAt))
                .col(timestamp_with_time_zone(HousingSteps::UpdatedAt))
                .references(HousingSteps::PlacementId, Placements::Table, Placements::Id)
                .references(HousingSteps::FamilyId, Families::Table, Families::Id)
                .references(HousingSteps::CreatedBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_housing_steps_placement",
        HousingSteps::Table,
        [HousingSteps::PlacementId, HousingSteps::CreatedAt],
    )
    .await?;
    index(
        manager,
        "idx_housing_steps_family",
        HousingSteps::Table,
        [HousingSteps::FamilyId],
    )
    .await?;
    index(
        manager,
        "idx_housing_steps_due_on",
        HousingSteps::Table,
        [HousingSteps::DueOn, HousingSteps::Id],
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table(ExitFollowUps::Table)
                .col(pk_uuid(ExitFollowUps::Id))
                .col(uuid(ExitFollowUps::PlacementId))
                .col(uuid(ExitFollowUps::FamilyId))
                .col(integer(ExitFollowUps::AfterMonths))
                .col(date(ExitFollowUps::DueOn))
                .col(date_null(ExitFollowUps::DoneOn))
                .col(
                    string_len_null(ExitFollowUps::Outcome, 40)
                        .check(Expr::col(ExitFollowUps::Outcome).is_in(OUTCOMES)),
                )
                .col(text_null(ExitFollowUps::Notes))
                .col(uuid_null(ExitFollowUps::RecordedBy))
                .col(timestamp_with_time_zone_null(ExitFollowUps::RecordedAt))
                .references(
                    ExitFollowUps::PlacementId,
                    Placements::Table,
                    Placements::Id,
                )
                .references(ExitFollowUps::FamilyId, Families::Table, Families::Id)
                .references(ExitFollowUps::RecordedBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    // One follow-up per placement and month, owed from the exit.
    manager
        .create_index(
            Index::create()
                .name("idx_exit_follow_ups_once")
                .table(ExitFollowUps::Table)
                .col(ExitFollowUps::PlacementId)
                .col(ExitFollowUps::AfterMonths)
                .unique()
                .to_owned(),
        )
        .await?;
    // The follow-ups owed, by the day they fall due.
    index(
        manager,
        "idx_exit_follow_ups_due_on",
        ExitFollowUps::Table,
        [ExitFollowUps::DueOn, ExitFollowUps::Id],
    )
    .await?;
    index(
        manager,
        "idx_exit_follow_ups_family",
        ExitFollowUps::Table,
        [ExitFollowUps::FamilyId],
    )
    .await?;
    // The step an exit names: no foreign key, since the retention run
    // deletes a file's steps before its placements; the use case checks
    // that it is an accepted step of the placement.
    manager
        .alter_table(
            Table::alter()
                .table(Placements::Table)
                .add_column(uuid_null(Placements::ExitStepId))
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_placements_renewable_before",
        Placements::Table,
        [Placements::Status, Placements::RenewableBefore],
    )
    .await?;
    Ok(())
});
