//! The paper file's documents: their rows (never their plain content), the
//! encrypted contents the database store keeps, and a signed contract's
//! scan recording the signature.

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::document::{Document, MediaType, Removal};
use nido_domain::project::ContractKind;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::{contracts, document_contents, documents, placements};

fn corrupt(what: &str) -> DbErr {
    DbErr::Custom(format!("a stored document's {what} is not valid"))
}

fn document(row: documents::Model) -> Result<Document, DbErr> {
    let removal = match (row.removed_at, row.removed_by) {
        (Some(at), Some(by)) => Some(Removal {
            at,
            by,
            reason: row.removal_reason.unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(Document {
        id: row.id,
        family_id: row.family_id,
        child_id: row.child_id,
        placement_id: row.placement_id,
        kind: row.kind.parse().map_err(|_| corrupt("kind"))?,
        title: row.title,
        confidentiality: row
            .confidentiality
            .parse()
            .map_err(|_| corrupt("confidentiality"))?,
        media_type: MediaType::from_mime(&row.media_type).ok_or_else(|| corrupt("media type"))?,
        size_bytes: row.size_bytes,
        sha256: row.sha256,
        author_id: row.author_id,
        created_at: row.created_at,
        removal,
    })
}

/// A document's row with its sealed file key, as the store needs it to
/// open the content.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub document: Document,
    pub wrapped_key: Vec<u8>,
}

/// Writes a document's row; its content is stored already.
pub async fn insert(
    db: &impl ConnectionTrait,
    document: &Document,
    wrapped_key: Vec<u8>,
) -> Result<(), DbErr> {
    documents::ActiveModel {
        id: Set(document.id),
        family_id: Set(document.family_id),
        child_id: Set(document.child_id),
        placement_id: Set(document.placement_id),
        kind: Set(document.kind.as_str().to_owned()),
        title: Set(document.title.clone()),
        confidentiality: Set(document.confidentiality.as_str().to_owned()),
        media_type: Set(document.media_type.mime().to_owned()),
        size_bytes: Set(document.size_bytes),
        sha256: Set(document.sha256.clone()),
        wrapped_key: Set(wrapped_key),
        author_id: Set(document.author_id),
        created_at: Set(document.created_at),
        removed_at: Set(None),
        removed_by: Set(None),
        removal_reason: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Sealed, RepoError> {
    let row = crate::row_by_id::<documents::Entity>(db, id).await?;
    let wrapped_key = row.wrapped_key.clone();
    Ok(Sealed {
        document: document(row)?,
        wrapped_key,
    })
}

/// The family's documents `viewer` may see (team ones, and the restricted
/// ones she added), removed ones included, newest first.
pub async fn of_family(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    viewer: Uuid,
) -> Result<Vec<Document>, DbErr> {
    let rows = documents::Entity::find()
        .filter(documents::Column::FamilyId.eq(family_id))
        .filter(
            sea_orm::Condition::any()
                .add(documents::Column::Confidentiality.eq("team"))
                .add(documents::Column::AuthorId.eq(viewer)),
        )
        .order_by_desc(documents::Column::CreatedAt)
        .order_by_desc(documents::Column::Id)
        .all(db)
        .await?;
    rows.into_iter().map(document).collect()
}

/// The family's team documents, removed ones included, oldest first: the
/// right-of-access export's.
pub async fn team_of_family(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<Document>, DbErr> {
    let rows = documents::Entity::find()
        .filter(documents::Column::FamilyId.eq(family_id))
        .filter(documents::Column::Confidentiality.eq("team"))
        .order_by_asc(documents::Column::CreatedAt)
        .order_by_asc(documents::Column::Id)
        .all(db)
        .await?;
    rows.into_iter().map(document).collect()
}

/// Every document of the family, whoever added it: for the retention run.
pub async fn ids_of_family(db: &impl ConnectionTrait, family_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    documents::Entity::find()
        .select_only()
        .column(documents::Column::Id)
        .filter(documents::Column::FamilyId.eq(family_id))
        .into_tuple()
        .all(db)
        .await
}

/// The documents whose content must be kept: those not removed. Any other
/// stored content is an orphan.
pub async fn kept_ids(db: &impl ConnectionTrait) -> Result<Vec<Uuid>, DbErr> {
    documents::Entity::find()
        .select_only()
        .column(documents::Column::Id)
        .filter(documents::Column::RemovedAt.is_null())
        .into_tuple()
        .all(db)
        .await
}

/// The family a placement belongs to, if it exists.
pub async fn family_of_placement(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
) -> Result<Option<Uuid>, DbErr> {
    placements::Entity::find_by_id(placement_id)
        .select_only()
        .column(placements::Column::FamilyId)
        .into_tuple()
        .one(db)
        .await
}

/// Records a removal, once: `false` if it was removed already.
pub async fn mark_removed(
    db: &impl ConnectionTrait,
    id: Uuid,
    by: Uuid,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = documents::Entity::update_many()
        .col_expr(documents::Column::RemovedAt, at.into())
        .col_expr(documents::Column::RemovedBy, by.into())
        .col_expr(documents::Column::RemovalReason, reason.into())
        .col_expr(documents::Column::WrappedKey, Vec::<u8>::new().into())
        .filter(documents::Column::Id.eq(id))
        .filter(documents::Column::RemovedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Deletes every document row of the family (the retention run, once
/// their contents are erased).
pub async fn delete_of_family(db: &impl ConnectionTrait, family_id: Uuid) -> Result<(), DbErr> {
    documents::Entity::delete_many()
        .filter(documents::Column::FamilyId.eq(family_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A signed contract's scan: the placement's contract records the
/// signature on `day` if it had none (and its delivery, which a signature
/// implies, if that was not recorded either); a placement without a
/// contract gets one, a contrat de séjour, the usual kind. Keeps the
/// placement's due dates. `true` if the signature was recorded.
pub async fn record_signature(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let current = contracts::Entity::find_by_id(placement_id).one(db).await?;
    let written = match current {
        Some(contract) if contract.signed_on.is_some() => return Ok(false),
        Some(contract) => {
            contracts::Entity::update_many()
                .col_expr(contracts::Column::SignedOn, Some(day).into())
                .col_expr(
                    contracts::Column::DeliveredOn,
                    Some(contract.delivered_on.unwrap_or(day)).into(),
                )
                .col_expr(contracts::Column::Version, (contract.version + 1).into())
                .col_expr(contracts::Column::UpdatedAt, now.into())
                .filter(contracts::Column::PlacementId.eq(placement_id))
                .filter(contracts::Column::Version.eq(contract.version))
                .exec(db)
                .await?
                .rows_affected
        }
        None => {
            contracts::Entity::insert(contracts::ActiveModel {
                placement_id: Set(placement_id),
                kind: Set(ContractKind::ContratDeSejour.as_str().to_owned()),
                delivered_on: Set(Some(day)),
                signed_on: Set(Some(day)),
                version: Set(1),
                updated_at: Set(now),
            })
            .on_conflict(
                OnConflict::column(contracts::Column::PlacementId)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?
        }
    };
    if written == 0 {
        // Written by someone else meanwhile: theirs stands.
        return Ok(false);
    }
    crate::screens::keep_due_dates(db, crate::screens::KeptOn::Placement(placement_id)).await?;
    Ok(true)
}

/// The database store's side: encrypted contents by document id.
pub mod contents {
    use super::*;

    /// Stores a content; `false` if one is stored under this id already.
    pub async fn put(
        db: &impl ConnectionTrait,
        id: Uuid,
        content: Vec<u8>,
        now: DateTime<Utc>,
    ) -> Result<bool, DbErr> {
        let written = document_contents::Entity::insert(document_contents::ActiveModel {
            document_id: Set(id),
            content: Set(content),
            stored_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(document_contents::Column::DocumentId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        Ok(written == 1)
    }

    pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<Vec<u8>>, DbErr> {
        document_contents::Entity::find_by_id(id)
            .select_only()
            .column(document_contents::Column::Content)
            .into_tuple()
            .one(db)
            .await
    }

    pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
        document_contents::Entity::delete_by_id(id).exec(db).await?;
        Ok(())
    }

    /// Every stored id.
    pub async fn ids(db: &impl ConnectionTrait) -> Result<Vec<Uuid>, DbErr> {
        document_contents::Entity::find()
            .select_only()
            .column(document_contents::Column::DocumentId)
            .into_tuple()
            .all(db)
            .await
    }
}
