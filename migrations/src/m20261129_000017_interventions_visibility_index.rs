//! A family's interventions in timeline order, with what decides who may
//! read each (`confidentiality`, `author_id`) in the index itself: counting
//! the interventions a viewer may see, which every family read does, reads
//! the index alone instead of one table row per intervention (at a hundred
//! interventions a family, half the cost of a family read on SQLite; see
//! `docs/performance.md`). It replaces the index of migration 16 that is
//! its prefix, which serves the timeline's order as before.

use sea_orm_migration::prelude::*;

use crate::schema_helpers::index;

#[derive(DeriveIden)]
enum Interventions {
    Table,
    FamilyId,
    OccurredAt,
    Id,
    Confidentiality,
    AuthorId,
}

transactional_up!(|manager| {
    index(
        manager,
        "idx_interventions_family_visibility",
        Interventions::Table,
        [
            Interventions::FamilyId,
            Interventions::OccurredAt,
            Interventions::Id,
            Interventions::Confidentiality,
            Interventions::AuthorId,
        ],
    )
    .await?;
    manager
        .drop_index(
            Index::drop()
                .name("idx_interventions_family_occurred_at")
                .table(Interventions::Table)
                .to_owned(),
        )
        .await
});
