//! Interventions and follow-up actions. Confidentiality is applied in the
//! queries themselves: a restricted intervention the viewer may not see never
//! leaves the database, for lists, single reads, the timeline and counts.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use nido_domain::intervention::{
    Action, Confidentiality, Intervention, InterventionFields, InterventionKind, NewAction,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::{actions, intervention_staff, interventions};
use crate::need_to_know;
use crate::versioned::Versioned;

/// Who looks at follow-up actions. Need to know, decided in the query: a
/// coordinator sees the actions of every family of her sites, a staff
/// member those of the families she accompanies now (not after she left
/// the team); an action born of a restricted intervention is seen only by
/// those who may see that intervention. Admins see none (they have no
/// viewer).
#[derive(Debug, Clone, Copy)]
pub struct ActionViewer {
    pub user_id: Uuid,
    /// Whose families' actions.
    pub reader: need_to_know::Reader,
}

fn actions_visible_to(viewer: ActionViewer) -> Condition {
    // Correlated: each action looks up its one intervention by key, rather
    // than the query listing every intervention the viewer may see.
    let of_visible_intervention = Condition::any()
        .add(actions::Column::InterventionId.is_null())
        .add(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(interventions::Entity)
                .cond_where(need_to_know::interventions_visible_to(viewer.user_id))
                .and_where(
                    Expr::col((interventions::Entity, interventions::Column::Id))
                        .equals((actions::Entity, actions::Column::InterventionId)),
                )
                .to_owned(),
        ));
    Condition::all()
        .add(of_visible_intervention)
        .add(viewer.reader.of_families(actions::Column::FamilyId))
}

fn corrupt(id: Uuid) -> DbErr {
    DbErr::Custom(format!("interventions row {id}: invalid value"))
}

async fn assemble(
    db: &impl ConnectionTrait,
    rows: Vec<interventions::Model>,
) -> Result<Vec<Intervention>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut staff: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for row in intervention_staff::Entity::find()
        .filter(intervention_staff::Column::InterventionId.is_in(ids))
        .order_by_asc(intervention_staff::Column::UserId)
        .all(db)
        .await?
    {
        staff
            .entry(row.intervention_id)
            .or_default()
            .push(row.user_id);
    }
    rows.into_iter()
        .map(|row| {
            Ok(Intervention {
                id: row.id,
                family_id: row.family_id,
                author_id: row.author_id,
                kind: row.kind.parse().map_err(|_| corrupt(row.id))?,
                occurred_at: row.occurred_at,
                duration_minutes: row.duration_minutes,
                summary: row.summary,
                confidentiality: row.confidentiality.parse().map_err(|_| corrupt(row.id))?,
                staff_ids: staff.remove(&row.id).unwrap_or_default(),
                version: row.version,
                created_at: row.created_at,
            })
        })
        .collect()
}

async fn set_staff(db: &impl ConnectionTrait, id: Uuid, staff_ids: &[Uuid]) -> Result<(), DbErr> {
    intervention_staff::Entity::delete_many()
        .filter(intervention_staff::Column::InterventionId.eq(id))
        .exec(db)
        .await?;
    insert_staff(db, id, &unique(staff_ids)).await
}

fn unique(ids: &[Uuid]) -> Vec<Uuid> {
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    unique
}

/// The staff present, in one statement.
async fn insert_staff(
    db: &impl ConnectionTrait,
    id: Uuid,
    staff_ids: &[Uuid],
) -> Result<(), DbErr> {
    if staff_ids.is_empty() {
        return Ok(());
    }
    intervention_staff::Entity::insert_many(staff_ids.iter().map(|user_id| {
        intervention_staff::ActiveModel {
            intervention_id: Set(id),
            user_id: Set(*user_id),
        }
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Writes a new intervention and answers it as a read would, without
/// reading it back: times are kept to the microsecond, as PostgreSQL keeps
/// them, so that both engines store and answer the same instant.
pub async fn insert(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    author_id: Uuid,
    fields: InterventionFields,
    now: DateTime<Utc>,
) -> Result<Intervention, DbErr> {
    let id = Uuid::now_v7();
    let occurred_at = fields.occurred_at.trunc_subsecs(6);
    let now = now.trunc_subsecs(6);
    interventions::Entity::insert(interventions::ActiveModel {
        id: Set(id),
        family_id: Set(family_id),
        author_id: Set(author_id),
        kind: Set(fields.kind.as_str().to_owned()),
        occurred_at: Set(occurred_at),
        duration_minutes: Set(fields.duration_minutes),
        summary: Set(fields.summary.clone()),
        confidentiality: Set(fields.confidentiality.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    // A new intervention has no staff rows yet.
    let staff_ids = unique(&fields.staff_ids);
    insert_staff(db, id, &staff_ids).await?;
    Ok(Intervention {
        id,
        family_id,
        author_id,
        kind: fields.kind,
        occurred_at,
        duration_minutes: fields.duration_minutes,
        summary: fields.summary,
        confidentiality: fields.confidentiality,
        staff_ids,
        version: 1,
        created_at: now,
    })
}

/// One intervention, if `viewer` may see it; otherwise not found.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    id: Uuid,
    viewer: Uuid,
) -> Result<Intervention, RepoError> {
    let row = interventions::Entity::find_by_id(id)
        .filter(need_to_know::interventions_visible_to(viewer))
        .one(db)
        .await?
        .ok_or(RepoError::NotFound)?;
    Ok(assemble(db, vec![row]).await?.remove(0))
}

/// The family's interventions `viewer` may see, newest first, after the
/// position `before` (occurred_at, id).
pub async fn list_visible(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    viewer: Uuid,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: Option<u64>,
) -> Result<Vec<Intervention>, DbErr> {
    let mut query = interventions::Entity::find()
        .filter(interventions::Column::FamilyId.eq(family_id))
        .filter(need_to_know::interventions_visible_to(viewer))
        .order_by_desc(interventions::Column::OccurredAt)
        .order_by_desc(interventions::Column::Id);
    if let Some((at, id)) = before {
        query = query.filter(
            Condition::any()
                .add(interventions::Column::OccurredAt.lt(at))
                .add(
                    Condition::all()
                        .add(interventions::Column::OccurredAt.eq(at))
                        .add(interventions::Column::Id.lt(id)),
                ),
        );
    }
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    let rows = query.all(db).await?;
    assemble(db, rows).await
}

/// The family's `team` interventions, oldest first: what a mother's right
/// of access shows (restricted ones are the professionals' personal notes).
pub async fn team_of_family(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<Intervention>, DbErr> {
    let rows = interventions::Entity::find()
        .filter(interventions::Column::FamilyId.eq(family_id))
        .filter(interventions::Column::Confidentiality.eq(Confidentiality::Team.as_str()))
        .order_by_asc(interventions::Column::OccurredAt)
        .order_by_asc(interventions::Column::Id)
        .all(db)
        .await?;
    assemble(db, rows).await
}

/// The family's actions except those born of a restricted intervention,
/// by due date.
pub async fn team_actions_of_family(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<Action>, DbErr> {
    let restricted = Query::select()
        .column(interventions::Column::Id)
        .from(interventions::Entity)
        .and_where(
            Expr::col(interventions::Column::Confidentiality)
                .eq(Confidentiality::Restricted.as_str()),
        )
        .to_owned();
    Ok(actions::Entity::find()
        .filter(actions::Column::FamilyId.eq(family_id))
        .filter(
            Condition::any()
                .add(actions::Column::InterventionId.is_null())
                .add(actions::Column::InterventionId.not_in_subquery(restricted)),
        )
        .order_by_asc(actions::Column::DueOn)
        .order_by_asc(actions::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(action)
        .collect())
}

/// Replaces an intervention's fields, refusing a stale `expected_version`.
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    fields: InterventionFields,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let current = crate::row_by_id::<interventions::Entity>(db, id).await?;
    let row = interventions::ActiveModel {
        kind: Set(fields.kind.as_str().to_owned()),
        occurred_at: Set(fields.occurred_at),
        duration_minutes: Set(fields.duration_minutes),
        summary: Set(fields.summary),
        confidentiality: Set(fields.confidentiality.as_str().to_owned()),
        ..Default::default()
    };
    Versioned::<interventions::Entity>::new(id, current.version, expected_version, now)
        .apply(db, row, Condition::all(), RepoError::from)
        .await?;
    set_staff(db, id, &fields.staff_ids).await?;
    Ok(())
}

fn action(row: actions::Model) -> Action {
    Action {
        id: row.id,
        family_id: row.family_id,
        intervention_id: row.intervention_id,
        description: row.description,
        due_on: row.due_on,
        assignee_id: row.assignee_id,
        done_on: row.done_on,
        version: row.version,
    }
}

pub async fn insert_action(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    intervention_id: Option<Uuid>,
    new: NewAction,
    created_by: Uuid,
    now: DateTime<Utc>,
) -> Result<Action, DbErr> {
    let row = actions::Entity::insert(actions::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(family_id),
        intervention_id: Set(intervention_id),
        description: Set(new.description),
        due_on: Set(new.due_on),
        assignee_id: Set(new.assignee_id),
        done_on: Set(None),
        created_by: Set(created_by),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(db)
    .await?;
    Ok(action(row))
}

/// The actions that came out of these interventions.
pub async fn actions_of(
    db: &impl ConnectionTrait,
    intervention_ids: Vec<Uuid>,
) -> Result<Vec<Action>, DbErr> {
    Ok(actions::Entity::find()
        .filter(actions::Column::InterventionId.is_in(intervention_ids))
        .order_by_asc(actions::Column::DueOn)
        .all(db)
        .await?
        .into_iter()
        .map(action)
        .collect())
}

/// The viewer's own actions that she may still see: open ones first, then
/// by due date.
pub async fn actions_assigned(
    db: &impl ConnectionTrait,
    viewer: ActionViewer,
    open_only: bool,
) -> Result<Vec<Action>, DbErr> {
    let mut query = actions::Entity::find()
        .filter(actions::Column::AssigneeId.eq(viewer.user_id))
        .filter(actions_visible_to(viewer));
    if open_only {
        query = query.filter(actions::Column::DoneOn.is_null());
    }
    let mut rows: Vec<Action> = query
        .order_by_asc(actions::Column::DueOn)
        .order_by_asc(actions::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(action)
        .collect();
    rows.sort_by_key(|action| action.done_on.is_some());
    Ok(rows)
}

/// The action, if `viewer` may see it; `NotFound` otherwise.
pub async fn find_visible_action(
    db: &impl ConnectionTrait,
    id: Uuid,
    viewer: ActionViewer,
) -> Result<Action, RepoError> {
    let row = actions::Entity::find_by_id(id)
        .filter(actions_visible_to(viewer))
        .one(db)
        .await?
        .ok_or(RepoError::NotFound)?;
    Ok(action(row))
}

pub async fn find_action(db: &impl ConnectionTrait, id: Uuid) -> Result<Action, RepoError> {
    let row = crate::row_by_id::<actions::Entity>(db, id).await?;
    Ok(action(row))
}

pub async fn set_action_done(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    done_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Action, RepoError> {
    let current = find_action(db, id).await?;
    let row = actions::ActiveModel {
        done_on: Set(done_on),
        ..Default::default()
    };
    Versioned::<actions::Entity>::new(id, current.version, expected_version, now)
        .apply(db, row, Condition::all(), RepoError::from)
        .await?;
    find_action(db, id).await
}

/// How many interventions of each kind happened in `[from, to)`, whatever
/// their confidentiality: counts only, for the activity report.
pub async fn count_by_kind(
    db: &impl ConnectionTrait,
    scope: &crate::sites::Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<HashMap<InterventionKind, i64>, DbErr> {
    let kinds: Vec<String> = interventions::Entity::find()
        .select_only()
        .column(interventions::Column::Kind)
        .filter(scope.families(interventions::Column::FamilyId))
        .filter(interventions::Column::OccurredAt.gte(from))
        .filter(interventions::Column::OccurredAt.lt(to))
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = HashMap::new();
    for kind in kinds {
        let kind: InterventionKind = kind
            .parse()
            .map_err(|_| DbErr::Custom("a stored intervention kind is not valid".into()))?;
        *counts.entry(kind).or_insert(0) += 1;
    }
    Ok(counts)
}
