//! Placements (*prises en charge*) and their periods.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::placement::Period;
use nido_domain::placement::{Exit, PeriodRecord, Placement, PlacementStatus};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use crate::entities::{periods, placements};
use crate::need_to_know::Reader;
use crate::row_by_id;
use crate::versioned::Versioned;
use crate::{RepoError, Rule};
use nido_domain::Conflict;

/// One placement per referral, one active placement per family.
const PLACEMENT_RULES: [Rule; 2] = [
    (
        &["placements_referral_id_key", "placements.referral_id"],
        Conflict::AlreadyPlaced,
    ),
    (
        &["placements_one_active_per_family", "placements.family_id"],
        Conflict::AlreadyPlaced,
    ),
];

/// Two renewals of one period race to insert the same next number.
const PERIOD_RULES: [Rule; 1] = [(
    &[
        "idx_periods_placement_number",
        "periods.placement_id, periods.number",
    ],
    Conflict::StalePeriod,
)];

/// The département's decision recorded on the period it renews.
#[derive(Debug, Clone)]
pub struct Decision {
    pub decided_on: NaiveDate,
    pub decided_by: String,
    pub decision_ref: Option<String>,
}

/// Creates an active placement. A family with an active placement already
/// is refused by the database (`already_placed`).
pub async fn insert(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    referral_id: Uuid,
    admitted_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Uuid, RepoError> {
    let id = Uuid::now_v7();
    placements::Entity::insert(placements::ActiveModel {
        id: Set(id),
        family_id: Set(family_id),
        referral_id: Set(referral_id),
        admitted_on: Set(admitted_on),
        status: Set(PlacementStatus::Active.as_str().to_owned()),
        exited_on: Set(None),
        exit_destination: Set(None),
        exit_notes: Set(None),
        exit_step_id: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .map_err(|err| RepoError::on_constraint(err, &PLACEMENT_RULES))?;
    Ok(id)
}

/// Appends a period, and moves the due dates the placement keeps
/// (`screens::keep_due_dates`). Two renewals racing to append the same
/// number: the unique index lets one win; the other gets `stale_period`.
pub async fn insert_period(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
    period: Period,
    recorded_by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    periods::Entity::insert(periods::ActiveModel {
        id: Set(Uuid::now_v7()),
        placement_id: Set(placement_id),
        number: Set(period.number),
        starts_on: Set(period.starts_on),
        ends_on: Set(period.ends_on),
        decided_on: Set(None),
        decided_by: Set(None),
        decision_ref: Set(None),
        recorded_by: Set(Some(recorded_by)),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .map_err(|err| RepoError::on_constraint(err, &PERIOD_RULES))?;
    crate::screens::keep_due_dates(db, crate::screens::KeptOn::Placement(placement_id)).await?;
    Ok(())
}

/// Records the renewal decision on period `number`, once.
pub async fn record_decision(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
    number: i32,
    decision: Decision,
) -> Result<(), RepoError> {
    let result = periods::Entity::update_many()
        .set(periods::ActiveModel {
            decided_on: Set(Some(decision.decided_on)),
            decided_by: Set(Some(decision.decided_by)),
            decision_ref: Set(decision.decision_ref),
            ..Default::default()
        })
        .filter(periods::Column::PlacementId.eq(placement_id))
        .filter(periods::Column::Number.eq(number))
        .filter(periods::Column::DecidedOn.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(RepoError::Conflict(Conflict::StalePeriod));
    }
    Ok(())
}

/// Bumps the placement's version (a renewal changes it too).
pub async fn touch(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    update_active(
        db,
        id,
        expected_version,
        now,
        placements::ActiveModel::default(),
    )
    .await
}

/// Ends an active placement.
pub async fn end(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    exit: Exit,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let row = placements::ActiveModel {
        status: Set(PlacementStatus::Ended.as_str().to_owned()),
        exited_on: Set(Some(exit.exited_on)),
        exit_destination: Set(Some(exit.destination.as_str().to_owned())),
        exit_notes: Set(exit.notes),
        exit_step_id: Set(exit.housing_step_id),
        ..Default::default()
    };
    update_active(db, id, expected_version, now, row).await
}

async fn update_active(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    now: DateTime<Utc>,
    row: placements::ActiveModel,
) -> Result<(), RepoError> {
    let current = row_by_id::<placements::Entity>(db, id).await?;
    let update = Versioned::<placements::Entity>::new(id, current.version, expected_version, now);
    update.check()?;
    if current.status != PlacementStatus::Active.as_str() {
        return Err(RepoError::Conflict(Conflict::PlacementEnded));
    }
    let still_active =
        Condition::all().add(placements::Column::Status.eq(PlacementStatus::Active.as_str()));
    update.apply(db, row, still_active, RepoError::from).await
}

fn corrupt(id: Uuid, what: &str) -> DbErr {
    DbErr::Custom(format!("placements row {id}: invalid {what}"))
}

fn to_domain(row: placements::Model, periods: Vec<periods::Model>) -> Result<Placement, DbErr> {
    let exit = match (row.exited_on, &row.exit_destination) {
        (Some(exited_on), Some(destination)) => Some(Exit {
            exited_on,
            destination: destination
                .parse()
                .map_err(|_| corrupt(row.id, "destination"))?,
            notes: row.exit_notes.clone(),
            housing_step_id: row.exit_step_id,
        }),
        _ => None,
    };
    Ok(Placement {
        id: row.id,
        family_id: row.family_id,
        referral_id: row.referral_id,
        status: row.status.parse().map_err(|_| corrupt(row.id, "status"))?,
        admitted_on: row.admitted_on,
        periods: periods
            .into_iter()
            .map(|period| PeriodRecord {
                period: Period {
                    number: period.number,
                    starts_on: period.starts_on,
                    ends_on: period.ends_on,
                },
                decided_on: period.decided_on,
                decided_by: period.decided_by,
                decision_ref: period.decision_ref,
            })
            .collect(),
        exit,
        version: row.version,
        created_at: row.created_at,
    })
}

async fn assemble(
    db: &impl ConnectionTrait,
    rows: Vec<placements::Model>,
) -> Result<Vec<Placement>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut by_placement: HashMap<Uuid, Vec<periods::Model>> = HashMap::new();
    for period in periods::Entity::find()
        .filter(periods::Column::PlacementId.is_in(ids))
        .order_by_asc(periods::Column::Number)
        .all(db)
        .await?
    {
        by_placement
            .entry(period.placement_id)
            .or_default()
            .push(period);
    }
    rows.into_iter()
        .map(|row| {
            let periods = by_placement.remove(&row.id).unwrap_or_default();
            to_domain(row, periods)
        })
        .collect()
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Placement, RepoError> {
    let row = row_by_id::<placements::Entity>(db, id).await?;
    Ok(assemble(db, vec![row]).await?.remove(0))
}

/// Every placement of a family, oldest first.
pub async fn for_family(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<Placement>, DbErr> {
    let rows = placements::Entity::find()
        .filter(placements::Column::FamilyId.eq(family_id))
        .order_by_asc(placements::Column::Id)
        .all(db)
        .await?;
    assemble(db, rows).await
}

/// Every active placement with its periods.
pub async fn active(db: &impl ConnectionTrait) -> Result<Vec<Placement>, DbErr> {
    active_of(db, Reader::Everyone).await
}

/// The active placements of the families `reader` sees: a staff member's
/// screens read her families' placements only, whatever the size of the
/// centre.
pub async fn active_of(db: &impl ConnectionTrait, reader: Reader) -> Result<Vec<Placement>, DbErr> {
    active_where(db, reader, Condition::all()).await
}

async fn active_where(
    db: &impl ConnectionTrait,
    reader: Reader,
    condition: Condition,
) -> Result<Vec<Placement>, DbErr> {
    let rows = placements::Entity::find()
        .filter(placements::Column::Status.eq(PlacementStatus::Active.as_str()))
        .filter(condition)
        .filter(reader.of_families(placements::Column::FamilyId))
        .order_by_asc(placements::Column::Id)
        .all(db)
        .await?;
    assemble(db, rows).await
}

/// The active placements of [`active_of`] whose current (last) period ends
/// on or before `until`: the deadline screen's, chosen in the query so that
/// it reads the placements it shows, not every placement with its periods.
pub async fn active_ending_by(
    db: &impl ConnectionTrait,
    reader: Reader,
    until: NaiveDate,
) -> Result<Vec<Placement>, DbErr> {
    // Correlated on the placement: each active placement (a staff
    // member's few, or the centre's) looks its current period up by key.
    let later = Alias::new("later");
    let current_ends_by = Query::select()
        .expr(Expr::val(1))
        .from(periods::Entity)
        .and_where(
            Expr::col((periods::Entity, periods::Column::PlacementId))
                .equals((placements::Entity, placements::Column::Id)),
        )
        .and_where(Expr::col((periods::Entity, periods::Column::EndsOn)).lte(until))
        .and_where(
            Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from_as(periods::Entity, later.clone())
                    .and_where(
                        Expr::col((later.clone(), periods::Column::PlacementId))
                            .equals((periods::Entity, periods::Column::PlacementId)),
                    )
                    .and_where(
                        Expr::col((later, periods::Column::Number))
                            .gt(Expr::col((periods::Entity, periods::Column::Number))),
                    )
                    .to_owned(),
            )
            .not(),
        )
        .to_owned();
    active_where(
        db,
        reader,
        Condition::all().add(Expr::exists(current_ends_by)),
    )
    .await
}

/// Every placement present on some day of `[from, to]`: admitted by `to`,
/// and not exited before `from` (still active, or exited on `from` or
/// later).
pub async fn present_between(
    db: &impl ConnectionTrait,
    scope: &crate::sites::Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Placement>, DbErr> {
    let rows = placements::Entity::find()
        .filter(placements::Column::AdmittedOn.lte(to))
        .filter(scope.families(placements::Column::FamilyId))
        .filter(
            Condition::any()
                .add(placements::Column::ExitedOn.is_null())
                .add(placements::Column::ExitedOn.gte(from)),
        )
        .order_by_asc(placements::Column::Id)
        .all(db)
        .await?;
    assemble(db, rows).await
}
