//! Loi 2002-2: each placement's contract of stay (or DIPC), and the
//! projet personnalisé as immutable reviews, each with its participants and
//! its full set of objectives.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{Placements, References, Users, index, link_table};

#[derive(Clone, Copy, DeriveIden)]
enum Contracts {
    Table,
    PlacementId,
    Kind,
    DeliveredOn,
    SignedOn,
    Version,
    UpdatedAt,
}

#[derive(Clone, Copy, DeriveIden)]
enum ProjectReviews {
    Table,
    Id,
    PlacementId,
    ReviewedOn,
    MotherPresent,
    CreatedBy,
    CreatedAt,
}

#[derive(Clone, Copy, DeriveIden)]
enum ProjectReviewParticipants {
    Table,
    ReviewId,
    UserId,
}

#[derive(Clone, Copy, DeriveIden)]
enum ProjectObjectives {
    Table,
    Id,
    ReviewId,
    Position,
    Domain,
    Description,
    Status,
    TargetOn,
}

const KINDS: [&str; 2] = ["contrat_de_sejour", "dipc"];
const DOMAINS: [&str; 8] = [
    "housing",
    "employment_training",
    "health",
    "parenting",
    "child_development",
    "rights_and_papers",
    "budget",
    "social_ties",
];
const STATUSES: [&str; 4] = ["planned", "in_progress", "achieved", "abandoned"];

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(Contracts::Table)
                .col(uuid(Contracts::PlacementId).primary_key())
                .col(string_len(Contracts::Kind, 20).check(Expr::col(Contracts::Kind).is_in(KINDS)))
                .col(date_null(Contracts::DeliveredOn))
                .col(date_null(Contracts::SignedOn))
                .col(integer(Contracts::Version))
                .col(timestamp_with_time_zone(Contracts::UpdatedAt))
                .references(Contracts::PlacementId, Placements::Table, Placements::Id)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(ProjectReviews::Table)
                .col(pk_uuid(ProjectReviews::Id))
                .col(uuid(ProjectReviews::PlacementId))
                .col(date(ProjectReviews::ReviewedOn))
                .col(boolean(ProjectReviews::MotherPresent))
                .col(uuid(ProjectReviews::CreatedBy))
                .col(timestamp_with_time_zone(ProjectReviews::CreatedAt))
                .references(
                    ProjectReviews::PlacementId,
                    Placements::Table,
                    Placements::Id,
                )
                .references(ProjectReviews::CreatedBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "project_reviews_placement_reviewed_on",
        ProjectReviews::Table,
        [ProjectReviews::PlacementId, ProjectReviews::ReviewedOn],
    )
    .await?;
    manager
        .create_table(link_table(
            ProjectReviewParticipants::Table,
            (
                ProjectReviewParticipants::ReviewId,
                ProjectReviews::Table,
                ProjectReviews::Id,
            ),
            (ProjectReviewParticipants::UserId, Users::Table, Users::Id),
        ))
        .await?;
    manager
        .create_table(
            Table::create()
                .table(ProjectObjectives::Table)
                .col(pk_uuid(ProjectObjectives::Id))
                .col(uuid(ProjectObjectives::ReviewId))
                .col(integer(ProjectObjectives::Position))
                .col(
                    string_len(ProjectObjectives::Domain, 30)
                        .check(Expr::col(ProjectObjectives::Domain).is_in(DOMAINS)),
                )
                .col(text(ProjectObjectives::Description))
                .col(
                    string_len(ProjectObjectives::Status, 20)
                        .check(Expr::col(ProjectObjectives::Status).is_in(STATUSES)),
                )
                .col(date_null(ProjectObjectives::TargetOn))
                .references(
                    ProjectObjectives::ReviewId,
                    ProjectReviews::Table,
                    ProjectReviews::Id,
                )
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "project_objectives_review",
        ProjectObjectives::Table,
        [ProjectObjectives::ReviewId, ProjectObjectives::Position],
    )
    .await
});
