//! The exit to housing: each placement's housing steps and the follow-ups
//! after its exit. A step's own facts are one JSON text (`details`), read
//! back into the domain's typed [`StepDetails`]; the due date it owes is
//! kept on its row (`due_kind`, `due_on`), written with the step from the
//! domain's rule (`nido_domain::pathway::step_due`), so that the due-dates
//! screen reads it from an index.

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::Conflict;
pub use nido_domain::pathway::{FollowUp, FollowUpMade, HousingStep};
use nido_domain::pathway::{StepDetails, StepFacts, StepKind, StepStatus, step_due};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::entities::{exit_follow_ups, housing_steps};
use crate::versioned::Versioned;
use crate::{RepoError, row_by_id};

/// What a step says, checked: a new one, or the whole of one changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepContent {
    pub status: StepStatus,
    pub reference: Option<String>,
    pub filed_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub notes: Option<String>,
    pub details: StepDetails,
}

impl StepContent {
    fn facts(&self) -> StepFacts<'_> {
        StepFacts {
            status: self.status,
            filed_on: self.filed_on,
            decided_on: self.decided_on,
            details: &self.details,
        }
    }
}

fn corrupt(id: Uuid, what: &str) -> DbErr {
    DbErr::Custom(format!("housing_steps row {id}: invalid {what}"))
}

fn step(row: housing_steps::Model) -> Result<HousingStep, DbErr> {
    let details: StepDetails =
        serde_json::from_str(&row.details).map_err(|_| corrupt(row.id, "details"))?;
    if details.kind().as_str() != row.kind {
        return Err(corrupt(row.id, "kind"));
    }
    Ok(HousingStep {
        id: row.id,
        placement_id: row.placement_id,
        family_id: row.family_id,
        status: row.status.parse().map_err(|_| corrupt(row.id, "status"))?,
        reference: row.reference,
        filed_on: row.filed_on,
        decided_on: row.decided_on,
        notes: row.notes,
        details,
        version: row.version,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn details_json(details: &StepDetails) -> Result<String, DbErr> {
    serde_json::to_string(details).map_err(|err| DbErr::Custom(format!("step details: {err}")))
}

/// The columns a step's content writes, its kept due date with them.
fn content_columns(
    content: &StepContent,
    mut row: housing_steps::ActiveModel,
) -> Result<housing_steps::ActiveModel, DbErr> {
    let due = step_due(&content.facts());
    row.kind = Set(content.details.kind().as_str().to_owned());
    row.status = Set(content.status.as_str().to_owned());
    row.reference = Set(content.reference.clone());
    row.filed_on = Set(content.filed_on);
    row.decided_on = Set(content.decided_on);
    row.notes = Set(content.notes.clone());
    row.details = Set(details_json(&content.details)?);
    row.due_kind = Set(due.map(|(kind, _)| kind.as_str().to_owned()));
    row.due_on = Set(due.map(|(_, day)| day));
    Ok(row)
}

/// Records a step of the placement.
pub async fn insert_step(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
    family_id: Uuid,
    content: &StepContent,
    created_by: Uuid,
    now: DateTime<Utc>,
) -> Result<HousingStep, RepoError> {
    let id = Uuid::now_v7();
    let row = content_columns(
        content,
        housing_steps::ActiveModel {
            id: Set(id),
            placement_id: Set(placement_id),
            family_id: Set(family_id),
            version: Set(1),
            created_by: Set(created_by),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )?;
    row.insert(db).await?;
    find_step(db, id).await
}

pub async fn find_step(db: &impl ConnectionTrait, id: Uuid) -> Result<HousingStep, RepoError> {
    Ok(step(row_by_id::<housing_steps::Entity>(db, id).await?)?)
}

/// The steps `condition` selects, in the order they were recorded.
async fn steps_where(
    db: &impl ConnectionTrait,
    condition: sea_orm::sea_query::SimpleExpr,
) -> Result<Vec<HousingStep>, DbErr> {
    housing_steps::Entity::find()
        .filter(condition)
        .order_by_asc(housing_steps::Column::CreatedAt)
        .order_by_asc(housing_steps::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(step)
        .collect()
}

/// The placement's steps, in the order they were recorded.
pub async fn steps_of(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
) -> Result<Vec<HousingStep>, DbErr> {
    steps_where(db, housing_steps::Column::PlacementId.eq(placement_id)).await
}

/// Every step of the family's placements, oldest first.
pub async fn steps_of_family(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<HousingStep>, DbErr> {
    steps_where(db, housing_steps::Column::FamilyId.eq(family_id)).await
}

/// Writes the whole of a step's content over the version the caller read:
/// of two changes made at once, one loses (`StaleVersion`). The status it
/// had must still be `from` (a move is checked against the status read).
pub async fn update_step(
    db: &impl ConnectionTrait,
    current: &HousingStep,
    expected_version: Option<i32>,
    content: &StepContent,
    now: DateTime<Utc>,
) -> Result<HousingStep, RepoError> {
    let update =
        Versioned::<housing_steps::Entity>::new(current.id, current.version, expected_version, now);
    let row = content_columns(content, <housing_steps::ActiveModel as Default>::default())?;
    let same_status =
        sea_orm::Condition::all().add(housing_steps::Column::Status.eq(current.status.as_str()));
    update.apply(db, row, same_status, RepoError::from).await?;
    find_step(db, current.id).await
}

fn follow_up(row: exit_follow_ups::Model) -> Result<FollowUp, DbErr> {
    let bad = |what: &str| DbErr::Custom(format!("exit_follow_ups row {}: invalid {what}", row.id));
    let made = match (row.done_on, &row.outcome, row.recorded_by, row.recorded_at) {
        (Some(done_on), Some(outcome), Some(recorded_by), Some(recorded_at)) => {
            Some(FollowUpMade {
                done_on,
                outcome: outcome.parse().map_err(|_| bad("outcome"))?,
                notes: row.notes.clone(),
                recorded_by,
                recorded_at,
            })
        }
        (None, None, None, None) => None,
        _ => return Err(bad("record")),
    };
    Ok(FollowUp {
        id: row.id,
        placement_id: row.placement_id,
        family_id: row.family_id,
        after_months: u32::try_from(row.after_months).map_err(|_| bad("after_months"))?,
        due_on: row.due_on,
        made,
    })
}

/// Writes the follow-ups an exit owes: each month after it and its day.
/// Run it in the exit's transaction.
pub async fn owe_follow_ups(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
    family_id: Uuid,
    owed: &[(u32, NaiveDate)],
) -> Result<(), DbErr> {
    for (after_months, due_on) in owed {
        exit_follow_ups::ActiveModel {
            id: Set(Uuid::now_v7()),
            placement_id: Set(placement_id),
            family_id: Set(family_id),
            after_months: Set(i32::try_from(*after_months).unwrap_or(i32::MAX)),
            due_on: Set(*due_on),
            done_on: Set(None),
            outcome: Set(None),
            notes: Set(None),
            recorded_by: Set(None),
            recorded_at: Set(None),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Records what the follow-up of `after_months` found, once: the row is
/// written only while it is still owed, so of two recordings at once one
/// wins and the other is a conflict.
pub async fn record_follow_up(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
    after_months: u32,
    made: FollowUpMade,
) -> Result<FollowUp, RepoError> {
    let months = i32::try_from(after_months).unwrap_or(i32::MAX);
    let of_it = || {
        sea_orm::Condition::all()
            .add(exit_follow_ups::Column::PlacementId.eq(placement_id))
            .add(exit_follow_ups::Column::AfterMonths.eq(months))
    };
    let written = exit_follow_ups::Entity::update_many()
        .set(exit_follow_ups::ActiveModel {
            done_on: Set(Some(made.done_on)),
            outcome: Set(Some(made.outcome.as_str().to_owned())),
            notes: Set(made.notes),
            recorded_by: Set(Some(made.recorded_by)),
            recorded_at: Set(Some(made.recorded_at)),
            ..<exit_follow_ups::ActiveModel as Default>::default()
        })
        .filter(of_it())
        .filter(exit_follow_ups::Column::Outcome.is_null())
        .exec(db)
        .await?;
    let row = exit_follow_ups::Entity::find()
        .filter(of_it())
        .one(db)
        .await?
        .ok_or(RepoError::NotFound)?;
    if written.rows_affected == 0 {
        return Err(RepoError::Conflict(Conflict::FollowUpRecorded));
    }
    Ok(follow_up(row)?)
}

/// The follow-ups `condition` selects, by the day they fall due.
async fn follow_ups_where(
    db: &impl ConnectionTrait,
    condition: impl sea_orm::sea_query::IntoCondition,
) -> Result<Vec<FollowUp>, DbErr> {
    exit_follow_ups::Entity::find()
        .filter(condition)
        .order_by_asc(exit_follow_ups::Column::DueOn)
        .order_by_asc(exit_follow_ups::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(follow_up)
        .collect()
}

/// The follow-ups of the placement, by month.
pub async fn follow_ups_of(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
) -> Result<Vec<FollowUp>, DbErr> {
    follow_ups_where(db, exit_follow_ups::Column::PlacementId.eq(placement_id)).await
}

/// Every follow-up of the family's placements, by the day it falls due.
pub async fn follow_ups_of_family(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<FollowUp>, DbErr> {
    follow_ups_where(db, exit_follow_ups::Column::FamilyId.eq(family_id)).await
}

/// The steps of these ids (those that exist).
pub async fn find_steps(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<Vec<HousingStep>, DbErr> {
    housing_steps::Entity::find()
        .filter(housing_steps::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(step)
        .collect()
}

/// Every step of the placements that accepted an offer from `first` to
/// `last`, by placement: what the activity report's wait for a home reads.
pub async fn steps_of_placements_housed_between(
    db: &impl ConnectionTrait,
    scope: &crate::sites::Scope,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<HousingStep>, DbErr> {
    let housed: Vec<Uuid> = housing_steps::Entity::find()
        .select_only()
        .column(housing_steps::Column::PlacementId)
        .filter(scope.families(housing_steps::Column::FamilyId))
        .filter(housing_steps::Column::Kind.eq(StepKind::HousingOffer.as_str()))
        .filter(housing_steps::Column::Status.eq(StepStatus::Accepted.as_str()))
        .filter(housing_steps::Column::DecidedOn.between(first, last))
        .into_tuple()
        .all(db)
        .await?;
    housing_steps::Entity::find()
        .filter(housing_steps::Column::PlacementId.is_in(housed))
        .order_by_asc(housing_steps::Column::PlacementId)
        .all(db)
        .await?
        .into_iter()
        .map(step)
        .collect()
}

/// The follow-ups made from `first` to `last`.
pub async fn follow_ups_made_between(
    db: &impl ConnectionTrait,
    scope: &crate::sites::Scope,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<FollowUp>, DbErr> {
    let which = sea_orm::Condition::all()
        .add(exit_follow_ups::Column::DoneOn.between(first, last))
        .add(scope.families(exit_follow_ups::Column::FamilyId));
    follow_ups_where(db, which).await
}
