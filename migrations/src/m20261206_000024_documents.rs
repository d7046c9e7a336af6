//! The paper file's documents (SPEC "Documents"): a row per document, with
//! its file key wrapped by the master key; and, for the store that keeps
//! contents in the database (PostgreSQL's default), their encrypted bytes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::schema_helpers::{Children, Families, Placements, References, Users, index};

#[derive(Clone, Copy, DeriveIden)]
enum Documents {
    Table,
    Id,
    FamilyId,
    ChildId,
    PlacementId,
    Kind,
    Title,
    Confidentiality,
    MediaType,
    SizeBytes,
    Sha256,
    WrappedKey,
    AuthorId,
    CreatedAt,
    RemovedAt,
    RemovedBy,
    RemovalReason,
}

/// No foreign key to `documents`: a content is stored before its row is
/// written (a row never names a missing content), so for an instant it
/// has none; the sweep at start removes those a crash left.
#[derive(Clone, Copy, DeriveIden)]
enum DocumentContents {
    Table,
    DocumentId,
    Content,
    StoredAt,
}

const KINDS: [&str; 10] = [
    "identity",
    "residence_permit",
    "caf",
    "health",
    "ase_decision",
    "signed_contract",
    "housing",
    "income",
    "schooling",
    "other",
];

transactional_up!(|manager| {
    manager
        .create_table(
            Table::create()
                .table(Documents::Table)
                .col(pk_uuid(Documents::Id))
                .col(uuid(Documents::FamilyId))
                .col(uuid_null(Documents::ChildId))
                .col(uuid_null(Documents::PlacementId))
                .col(string_len(Documents::Kind, 40).check(Expr::col(Documents::Kind).is_in(KINDS)))
                .col(string_len(Documents::Title, 800))
                .col(
                    string_len(Documents::Confidentiality, 20)
                        .check(Expr::col(Documents::Confidentiality).is_in(["team", "restricted"])),
                )
                .col(string_len(Documents::MediaType, 40))
                .col(big_integer(Documents::SizeBytes))
                .col(string_len(Documents::Sha256, 64))
                .col(blob(Documents::WrappedKey))
                .col(uuid(Documents::AuthorId))
                .col(timestamp_with_time_zone(Documents::CreatedAt))
                .col(timestamp_with_time_zone_null(Documents::RemovedAt))
                .col(uuid_null(Documents::RemovedBy))
                .col(text_null(Documents::RemovalReason))
                .references(Documents::FamilyId, Families::Table, Families::Id)
                .references(Documents::ChildId, Children::Table, Children::Id)
                .references(Documents::PlacementId, Placements::Table, Placements::Id)
                .references(Documents::AuthorId, Users::Table, Users::Id)
                .references(Documents::RemovedBy, Users::Table, Users::Id)
                .to_owned(),
        )
        .await?;
    // A family's documents, newest first.
    index(
        manager,
        "documents_family_created",
        Documents::Table,
        [Documents::FamilyId, Documents::CreatedAt],
    )
    .await?;
    manager
        .create_table(
            Table::create()
                .table(DocumentContents::Table)
                .col(pk_uuid(DocumentContents::DocumentId))
                .col(blob(DocumentContents::Content))
                .col(timestamp_with_time_zone(DocumentContents::StoredAt))
                .to_owned(),
        )
        .await?;
    Ok(())
});
