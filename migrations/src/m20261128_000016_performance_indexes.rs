//! Indexes that the benchmark (`benches/run.sh`, at 10,000 families and
//! 1,000,000 interventions) showed missing, so that the deadline and
//! due-date screens and a family's timeline cost what they answer, not the
//! size of the tables (see `docs/performance.md`):
//! - the active placements, in id order, without reading the ended ones;
//! - the follow-up actions of some interventions, without reading them all;
//! - a family's interventions newest first, without sorting its history
//!   (the index on `family_id` alone is its prefix, and goes);
//! - the interventions a staff member was present at, read from the index
//!   alone (it replaces the index on `user_id` alone): the restricted notes
//!   she may see. Their number still grows with her years of work: the
//!   query lists them all (an `IN` subquery), where a lookup per
//!   intervention shown would cost what the page shows.

use sea_orm_migration::prelude::*;

use crate::schema_helpers::index;

#[derive(DeriveIden)]
enum Placements {
    Table,
    Status,
    Id,
}

#[derive(DeriveIden)]
enum Actions {
    Table,
    InterventionId,
}

#[derive(DeriveIden)]
enum InterventionStaff {
    Table,
    UserId,
    InterventionId,
}

#[derive(DeriveIden)]
enum Interventions {
    Table,
    FamilyId,
    OccurredAt,
    Id,
}

transactional_up!(|manager| {
    index(
        manager,
        "idx_placements_status_id",
        Placements::Table,
        [Placements::Status, Placements::Id],
    )
    .await?;
    index(
        manager,
        "idx_actions_intervention",
        Actions::Table,
        [Actions::InterventionId],
    )
    .await?;
    index(
        manager,
        "idx_interventions_family_occurred_at",
        Interventions::Table,
        [
            Interventions::FamilyId,
            Interventions::OccurredAt,
            Interventions::Id,
        ],
    )
    .await?;
    index(
        manager,
        "idx_intervention_staff_user_intervention",
        InterventionStaff::Table,
        [InterventionStaff::UserId, InterventionStaff::InterventionId],
    )
    .await?;
    // Each is the prefix of one above.
    for (name, table) in [
        ("idx_interventions_family", Interventions::Table.into_iden()),
        (
            "idx_intervention_staff_user",
            InterventionStaff::Table.into_iden(),
        ),
    ] {
        manager
            .drop_index(Index::drop().name(name).table(table).to_owned())
            .await?;
    }
    Ok(())
});
