//! Contracts of stay and the projet personnalisé's reviews.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::project::{Contract, ContractKind, Objective, ProjectReview};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::{
    contracts, project_objectives, project_review_participants, project_reviews,
};

fn corrupt(what: &str) -> DbErr {
    DbErr::Custom(format!("a stored {what} is not valid"))
}

fn contract(row: contracts::Model) -> Result<Contract, DbErr> {
    Ok(Contract {
        placement_id: row.placement_id,
        kind: row.kind.parse().map_err(|_| corrupt("contract kind"))?,
        delivered_on: row.delivered_on,
        signed_on: row.signed_on,
        version: row.version,
    })
}

pub async fn find_contract(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
) -> Result<Option<Contract>, DbErr> {
    contracts::Entity::find_by_id(placement_id)
        .one(db)
        .await?
        .map(contract)
        .transpose()
}

/// The contracts of these placements, by placement.
pub async fn contracts_of(
    db: &impl ConnectionTrait,
    placement_ids: &[Uuid],
) -> Result<HashMap<Uuid, Contract>, DbErr> {
    let rows = contracts::Entity::find()
        .filter(contracts::Column::PlacementId.is_in(placement_ids.iter().copied()))
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| contract(row).map(|contract| (contract.placement_id, contract)))
        .collect()
}

/// Writes the placement's contract whole, if the caller read its current
/// version (a placement without one is at version 0), and the due dates
/// the placement keeps (`screens::keep_due_dates`): run it in a
/// transaction.
pub async fn save_contract(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
    kind: ContractKind,
    delivered_on: Option<NaiveDate>,
    signed_on: Option<NaiveDate>,
    expected_version: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Contract, RepoError> {
    let current = find_contract(db, placement_id)
        .await?
        .map_or(0, |contract| contract.version);
    if expected_version.is_some_and(|expected| expected != current) {
        return Err(RepoError::StaleVersion);
    }
    let row = contracts::ActiveModel {
        placement_id: Set(placement_id),
        kind: Set(kind.as_str().to_owned()),
        delivered_on: Set(delivered_on),
        signed_on: Set(signed_on),
        version: Set(current + 1),
        updated_at: Set(now),
    };
    // Insert the first version; later ones only over the version read, so
    // that of two concurrent writes one loses.
    let written = contracts::Entity::insert(row)
        .on_conflict(
            OnConflict::column(contracts::Column::PlacementId)
                .update_columns([
                    contracts::Column::Kind,
                    contracts::Column::DeliveredOn,
                    contracts::Column::SignedOn,
                    contracts::Column::Version,
                    contracts::Column::UpdatedAt,
                ])
                .action_and_where(
                    Expr::col((contracts::Entity, contracts::Column::Version)).eq(current),
                )
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if written == 0 {
        return Err(RepoError::StaleVersion);
    }
    crate::screens::keep_due_dates(db, crate::screens::KeptOn::Placement(placement_id)).await?;
    find_contract(db, placement_id)
        .await?
        .ok_or(RepoError::NotFound)
}

#[derive(Debug, FromQueryResult)]
struct LastReview {
    placement_id: Uuid,
    last: Option<NaiveDate>,
}

/// The date of each placement's latest review, for those that have one.
pub async fn last_reviews_of(
    db: &impl ConnectionTrait,
    placement_ids: &[Uuid],
) -> Result<HashMap<Uuid, NaiveDate>, DbErr> {
    let rows = project_reviews::Entity::find()
        .select_only()
        .column(project_reviews::Column::PlacementId)
        .column_as(project_reviews::Column::ReviewedOn.max(), "last")
        .filter(project_reviews::Column::PlacementId.is_in(placement_ids.iter().copied()))
        .group_by(project_reviews::Column::PlacementId)
        .into_model::<LastReview>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| row.last.map(|last| (row.placement_id, last)))
        .collect())
}

/// A review to write, already checked.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub placement_id: Uuid,
    pub reviewed_on: NaiveDate,
    pub mother_present: bool,
    pub participant_ids: Vec<Uuid>,
    pub objectives: Vec<Objective>,
    pub created_by: Uuid,
}

pub async fn insert_review(
    db: &impl ConnectionTrait,
    new: NewReview,
    now: DateTime<Utc>,
) -> Result<ProjectReview, DbErr> {
    let id = Uuid::now_v7();
    project_reviews::ActiveModel {
        id: Set(id),
        placement_id: Set(new.placement_id),
        reviewed_on: Set(new.reviewed_on),
        mother_present: Set(new.mother_present),
        created_by: Set(new.created_by),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    for user_id in &new.participant_ids {
        project_review_participants::ActiveModel {
            review_id: Set(id),
            user_id: Set(*user_id),
        }
        .insert(db)
        .await?;
    }
    for (position, objective) in new.objectives.iter().enumerate() {
        project_objectives::ActiveModel {
            id: Set(Uuid::now_v7()),
            review_id: Set(id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            domain: Set(objective.domain.as_str().to_owned()),
            description: Set(objective.description.clone()),
            status: Set(objective.status.as_str().to_owned()),
            target_on: Set(objective.target_on),
        }
        .insert(db)
        .await?;
    }
    crate::screens::keep_due_dates(db, crate::screens::KeptOn::Placement(new.placement_id)).await?;
    Ok(ProjectReview {
        id,
        placement_id: new.placement_id,
        reviewed_on: new.reviewed_on,
        mother_present: new.mother_present,
        participant_ids: new.participant_ids,
        objectives: new.objectives,
        created_by: new.created_by,
        created_at: now,
    })
}

/// Every review of the placement, oldest first, whole.
pub async fn reviews_of(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
) -> Result<Vec<ProjectReview>, DbErr> {
    let rows = project_reviews::Entity::find()
        .filter(project_reviews::Column::PlacementId.eq(placement_id))
        .order_by_asc(project_reviews::Column::ReviewedOn)
        .order_by_asc(project_reviews::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut participants: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for row in project_review_participants::Entity::find()
        .filter(project_review_participants::Column::ReviewId.is_in(ids.clone()))
        .order_by_asc(project_review_participants::Column::UserId)
        .all(db)
        .await?
    {
        participants
            .entry(row.review_id)
            .or_default()
            .push(row.user_id);
    }
    let mut objectives: HashMap<Uuid, Vec<Objective>> = HashMap::new();
    for row in project_objectives::Entity::find()
        .filter(project_objectives::Column::ReviewId.is_in(ids))
        .order_by_asc(project_objectives::Column::Position)
        .all(db)
        .await?
    {
        objectives
            .entry(row.review_id)
            .or_default()
            .push(Objective {
                domain: row
                    .domain
                    .parse()
                    .map_err(|_| corrupt("objective domain"))?,
                description: row.description,
                status: row
                    .status
                    .parse()
                    .map_err(|_| corrupt("objective status"))?,
                target_on: row.target_on,
            });
    }
    Ok(rows
        .into_iter()
        .map(|row| ProjectReview {
            id: row.id,
            placement_id: row.placement_id,
            reviewed_on: row.reviewed_on,
            mother_present: row.mother_present,
            participant_ids: participants.remove(&row.id).unwrap_or_default(),
            objectives: objectives.remove(&row.id).unwrap_or_default(),
            created_by: row.created_by,
            created_at: row.created_at,
        })
        .collect())
}
