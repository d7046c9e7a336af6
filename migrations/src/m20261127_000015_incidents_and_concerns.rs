//! Serious incidents (arrêté du 28 décembre 2016) and the *informations
//! préoccupantes* transmitted to the département's CRIP about a child.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{Children, Families, References, Users, index, link_table};

#[derive(Clone, Copy, DeriveIden)]
enum Incidents {
    Table,
    Id,
    OccurredAt,
    Category,
    Description,
    FamilyId,
    MeasuresTaken,
    DeclaredBy,
    AuthorityNotifiedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(Clone, Copy, DeriveIden)]
enum Concerns {
    Table,
    Id,
    FamilyId,
    Summary,
    TransmittedOn,
    TransmittedTo,
    CreatedBy,
    CreatedAt,
}

#[derive(Clone, Copy, DeriveIden)]
enum ConcernChildren {
    Table,
    ConcernId,
    ChildId,
}

const CATEGORIES: [&str; 11] = [
    "disaster",
    "equipment_failure",
    "staffing_disruption",
    "care_or_supervision_failure",
    "relational_difficulties",
    "accidental_death",
    "suicide_or_attempt",
    "mistreatment",
    "disappearance",
    "violent_behaviour",
    "malicious_act",
];

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(Incidents::Table)
                .col(pk_uuid(Incidents::Id))
                .col(timestamp_with_time_zone(Incidents::OccurredAt))
                .col(
                    string_len(Incidents::Category, 40)
                        .check(Expr::col(Incidents::Category).is_in(CATEGORIES)),
                )
                .col(text(Incidents::Description))
                .col(uuid_null(Incidents::FamilyId))
                .col(text(Incidents::MeasuresTaken))
                .col(uuid(Incidents::DeclaredBy))
                .col(timestamp_with_time_zone_null(
                    Incidents::AuthorityNotifiedAt,
                ))
                .col(integer(Incidents::Version))
                .col(timestamp_with_time_zone(Incidents::CreatedAt))
                .col(timestamp_with_time_zone(Incidents::UpdatedAt))
                .references(Incidents::FamilyId, Families::Table, Families::Id)
                .references(Incidents::DeclaredBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    // The due-dates screen reads the incidents not yet reported only.
    index(
        manager,
        "incidents_notified_occurred",
        Incidents::Table,
        [Incidents::AuthorityNotifiedAt, Incidents::OccurredAt],
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table(Concerns::Table)
                .col(pk_uuid(Concerns::Id))
                .col(uuid(Concerns::FamilyId))
                .col(text(Concerns::Summary))
                .col(date(Concerns::TransmittedOn))
                .col(string_len(Concerns::TransmittedTo, 200))
                .col(uuid(Concerns::CreatedBy))
                .col(timestamp_with_time_zone(Concerns::CreatedAt))
                .references(Concerns::FamilyId, Families::Table, Families::Id)
                .references(Concerns::CreatedBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "concerns_family_transmitted_on",
        Concerns::Table,
        [Concerns::FamilyId, Concerns::TransmittedOn],
    )
    .await?;
    manager
        .create_table(link_table(
            ConcernChildren::Table,
            (ConcernChildren::ConcernId, Concerns::Table, Concerns::Id),
            (ConcernChildren::ChildId, Children::Table, Children::Id),
        ))
        .await
});
