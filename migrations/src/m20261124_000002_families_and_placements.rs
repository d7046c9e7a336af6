//! Families (a mother and her children), their team, referrals, placements
//! and their six-month periods.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{References, Users, index};

#[derive(DeriveIden)]
enum Families {
    Table,
    Id,
    MotherFirstName,
    MotherLastName,
    MotherBirthDate,
    MotherPhone,
    MotherEmail,
    ReferentId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Children {
    Table,
    Id,
    FamilyId,
    FirstName,
    LastName,
    BirthDate,
    ExpectedBirthDate,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FamilyTeam {
    Table,
    FamilyId,
    UserId,
}

#[derive(DeriveIden)]
enum Referrals {
    Table,
    Id,
    FamilyId,
    Source,
    Eds,
    ReferredOn,
    ReferrerName,
    ReferrerContact,
    Reason,
    ReasonDetails,
    Status,
    ClosedReason,
    ClosedAt,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Placements {
    Table,
    Id,
    FamilyId,
    ReferralId,
    AdmittedOn,
    Status,
    ExitedOn,
    ExitDestination,
    ExitNotes,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Periods {
    Table,
    Id,
    PlacementId,
    Number,
    StartsOn,
    EndsOn,
    DecidedOn,
    DecidedBy,
    DecisionRef,
    RecordedBy,
    CreatedAt,
}

fn one_of<const N: usize>(column: impl IntoIden, values: [&str; N]) -> Expr {
    Expr::col(column).is_in(values)
}

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(Families::Table)
                .col(pk_uuid(Families::Id))
                .col(string_len(Families::MotherFirstName, 100))
                .col(string_len(Families::MotherLastName, 100))
                .col(date(Families::MotherBirthDate))
                .col(string_len_null(Families::MotherPhone, 40))
                .col(string_len_null(Families::MotherEmail, 254))
                .col(uuid_null(Families::ReferentId))
                .col(integer(Families::Version))
                .col(timestamp_with_time_zone(Families::CreatedAt))
                .col(timestamp_with_time_zone(Families::UpdatedAt))
                .references(Families::ReferentId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_families_referent",
        Families::Table,
        [Families::ReferentId],
    )
    .await?;
    index(
        manager,
        "idx_families_mother_name",
        Families::Table,
        [Families::MotherLastName],
    )
    .await?;

    manager
        .create_table(
            Table::create()
                .table(Children::Table)
                .col(pk_uuid(Children::Id))
                .col(uuid(Children::FamilyId))
                .col(string_len(Children::FirstName, 100))
                .col(string_len_null(Children::LastName, 100))
                .col(date_null(Children::BirthDate))
                .col(date_null(Children::ExpectedBirthDate))
                .col(integer(Children::Version))
                .col(timestamp_with_time_zone(Children::CreatedAt))
                .col(timestamp_with_time_zone(Children::UpdatedAt))
                // Exactly one of the birth date or the expected birth date.
                .check(
                    Expr::col(Children::BirthDate)
                        .is_null()
                        .ne(Expr::col(Children::ExpectedBirthDate).is_null()),
                )
                .references(Children::FamilyId, Families::Table, Families::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_children_family",
        Children::Table,
        [Children::FamilyId],
    )
    .await?;

    manager
        .create_table(
            Table::create()
                .table(FamilyTeam::Table)
                .col(uuid(FamilyTeam::FamilyId))
                .col(uuid(FamilyTeam::UserId))
                .primary_key(
                    Index::create()
                        .col(FamilyTeam::FamilyId)
                        .col(FamilyTeam::UserId),
                )
                .references(FamilyTeam::FamilyId, Families::Table, Families::Id)
                .references(FamilyTeam::UserId, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_family_team_user",
        FamilyTeam::Table,
        [FamilyTeam::UserId],
    )
    .await?;

    manager
        .create_table(
            Table::create()
                .table(Referrals::Table)
                .col(pk_uuid(Referrals::Id))
                .col(uuid(Referrals::FamilyId))
                .col(
                    string_len(Referrals::Source, 10)
                        .check(one_of(Referrals::Source, ["ase", "mhl"])),
                )
                .col(string_len(Referrals::Eds, 100))
                .col(date(Referrals::ReferredOn))
                .col(string_len(Referrals::ReferrerName, 200))
                .col(string_len(Referrals::ReferrerContact, 200))
                .col(string_len(Referrals::Reason, 40).check(one_of(
                    Referrals::Reason,
                    ["distress", "educational_difficulties", "other"],
                )))
                .col(text_null(Referrals::ReasonDetails))
                .col(string_len(Referrals::Status, 20).check(one_of(
                    Referrals::Status,
                    ["pending", "admitted", "declined", "withdrawn"],
                )))
                .col(text_null(Referrals::ClosedReason))
                .col(timestamp_with_time_zone_null(Referrals::ClosedAt))
                .col(uuid(Referrals::CreatedBy))
                .col(integer(Referrals::Version))
                .col(timestamp_with_time_zone(Referrals::CreatedAt))
                .col(timestamp_with_time_zone(Referrals::UpdatedAt))
                .references(Referrals::FamilyId, Families::Table, Families::Id)
                .references(Referrals::CreatedBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_referrals_waiting",
        Referrals::Table,
        [Referrals::Status, Referrals::ReferredOn],
    )
    .await?;
    index(
        manager,
        "idx_referrals_family",
        Referrals::Table,
        [Referrals::FamilyId],
    )
    .await?;

    manager
        .create_table(
            Table::create()
                .table(Placements::Table)
                .col(pk_uuid(Placements::Id))
                .col(uuid(Placements::FamilyId))
                .col(uuid_uniq(Placements::ReferralId))
                .col(date(Placements::AdmittedOn))
                .col(
                    string_len(Placements::Status, 10)
                        .check(one_of(Placements::Status, ["active", "ended"])),
                )
                .col(date_null(Placements::ExitedOn))
                .col(string_len_null(Placements::ExitDestination, 40).check(
                    Expr::col(Placements::ExitDestination).is_null().or(one_of(
                        Placements::ExitDestination,
                        [
                            "social_housing",
                            "private_housing",
                            "family_or_friends",
                            "other_facility",
                            "unknown",
                        ],
                    )),
                ))
                .col(text_null(Placements::ExitNotes))
                .col(integer(Placements::Version))
                .col(timestamp_with_time_zone(Placements::CreatedAt))
                .col(timestamp_with_time_zone(Placements::UpdatedAt))
                .references(Placements::FamilyId, Families::Table, Families::Id)
                .references(Placements::ReferralId, Referrals::Table, Referrals::Id)
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_placements_family",
        Placements::Table,
        [Placements::FamilyId],
    )
    .await?;
    // A family has at most one active placement: the database says so.
    manager
        .get_connection()
        .execute_unprepared(
            "CREATE UNIQUE INDEX idx_placements_one_active_per_family \
             ON placements (family_id) WHERE status = 'active'",
        )
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Periods::Table)
                .col(pk_uuid(Periods::Id))
                .col(uuid(Periods::PlacementId))
                .col(integer(Periods::Number))
                .col(date(Periods::StartsOn))
                .col(date(Periods::EndsOn))
                .col(date_null(Periods::DecidedOn))
                .col(string_len_null(Periods::DecidedBy, 200))
                .col(string_len_null(Periods::DecisionRef, 100))
                .col(uuid_null(Periods::RecordedBy))
                .col(timestamp_with_time_zone(Periods::CreatedAt))
                .check(Expr::col(Periods::EndsOn).gte(Expr::col(Periods::StartsOn)))
                .references(Periods::PlacementId, Placements::Table, Placements::Id)
                .to_owned(),
        )
        .await?;
    // Two renewals of one period race to insert the same next number:
    // this index lets exactly one win.
    manager
        .create_index(
            Index::create()
                .name("idx_periods_placement_number")
                .table(Periods::Table)
                .col(Periods::PlacementId)
                .col(Periods::Number)
                .unique()
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_periods_ends_on",
        Periods::Table,
        [Periods::EndsOn],
    )
    .await?;
    Ok(())
});
