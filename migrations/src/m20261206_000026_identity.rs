//! Identity vigilance (SPEC "Identity and duplicates"): the mother's name
//! at birth and her birth place beside the name she uses; the keys a file
//! is found by (`identity_keys`: the sound of each of her names, her birth
//! date both ways), stored and indexed so that the duplicate check reads
//! its candidates by index; the folded text a search by name fragments
//! looks into; and the decisions a coordinator takes on a pair of files.
//!
//! Existing files stay valid: the new columns are optional, and a file's
//! keys are written by nido at start for every file keyed under an older
//! rule (`identity_version` below `nido_domain::identity::KEYS_VERSION`,
//! 0 for every file this migration finds).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{Families, References, Users, index};

#[derive(Clone, Copy, DeriveIden)]
enum FamiliesIdentity {
    #[sea_orm(iden = "families")]
    Table,
    MotherBirthLastName,
    MotherBirthPlace,
    IdentityVersion,
    IdentityText,
}

#[derive(Clone, Copy, DeriveIden)]
enum IdentityKeys {
    Table,
    FamilyId,
    Key,
}

#[derive(Clone, Copy, DeriveIden)]
enum DuplicateDecisions {
    Table,
    Id,
    FamilyId,
    OtherFamilyId,
    Decision,
    Note,
    DecidedBy,
    DecidedAt,
}

transactional_up!(|manager| {
    // One column at a time: SQLite alters a table a column at a time.
    for column in [
        string_len_null(FamiliesIdentity::MotherBirthLastName, 100),
        string_len_null(FamiliesIdentity::MotherBirthPlace, 100),
        integer(FamiliesIdentity::IdentityVersion)
            .default(0)
            .to_owned(),
        text_null(FamiliesIdentity::IdentityText),
    ] {
        let mut column = column;
        manager
            .alter_table(
                Table::alter()
                    .table(FamiliesIdentity::Table)
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
    }
    index(
        manager,
        "idx_families_identity_version",
        FamiliesIdentity::Table,
        [FamiliesIdentity::IdentityVersion],
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table(IdentityKeys::Table)
                .col(uuid(IdentityKeys::FamilyId))
                .col(string_len(IdentityKeys::Key, 40))
                .primary_key(
                    Index::create()
                        .col(IdentityKeys::FamilyId)
                        .col(IdentityKeys::Key),
                )
                .references(IdentityKeys::FamilyId, Families::Table, Families::Id)
                .to_owned(),
        )
        .await?;
    // The check's read: the files that share a key.
    index(
        manager,
        "idx_identity_keys_key",
        IdentityKeys::Table,
        [IdentityKeys::Key, IdentityKeys::FamilyId],
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table(DuplicateDecisions::Table)
                .col(pk_uuid(DuplicateDecisions::Id))
                .col(uuid(DuplicateDecisions::FamilyId))
                .col(uuid(DuplicateDecisions::OtherFamilyId))
                .col(string_len(DuplicateDecisions::Decision, 20).check(
                    Expr::col(DuplicateDecisions::Decision).is_in(["same_person", "different"]),
                ))
                .col(text(DuplicateDecisions::Note))
                .col(uuid(DuplicateDecisions::DecidedBy))
                .col(timestamp_with_time_zone(DuplicateDecisions::DecidedAt))
                .references(DuplicateDecisions::FamilyId, Families::Table, Families::Id)
                .references(
                    DuplicateDecisions::OtherFamilyId,
                    Families::Table,
                    Families::Id,
                )
                .references(DuplicateDecisions::DecidedBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    // A pair is decided once: `family_id` is the smaller id of the two.
    manager
        .create_index(
            Index::create()
                .name("idx_duplicate_decisions_pair")
                .table(DuplicateDecisions::Table)
                .col(DuplicateDecisions::FamilyId)
                .col(DuplicateDecisions::OtherFamilyId)
                .unique()
                .to_owned(),
        )
        .await?;
    index(
        manager,
        "idx_duplicate_decisions_other",
        DuplicateDecisions::Table,
        [DuplicateDecisions::OtherFamilyId],
    )
    .await?;
    Ok(())
});
