//! Workshops, their facilitators and the families taking part. The
//! database decides who gets the last place: a registration inserts its
//! row (the unique index refuses a family twice) and then raises the
//! workshop's count only while it is under the capacity, in one
//! conditional `UPDATE` that locks the workshop's row until the
//! transaction ends; when no row is updated the workshop is full.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::Conflict;
use nido_domain::workshop::{
    Attendance, NewWorkshop, Participation, ParticipationStatus, TimeOfDay, Workshop,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{
    workshop_facilitators, workshop_participant_children, workshop_participants, workshops,
};
use crate::row_by_id;
use crate::{RepoError, Rule};

/// A family takes part in a workshop once.
const PARTICIPANT_RULES: [Rule; 1] = [(
    &[
        "workshop_participants_one_per_family",
        "workshop_participants.workshop_id, workshop_participants.family_id",
    ],
    Conflict::AlreadyParticipating,
)];

fn corrupt(table: &str, id: Uuid) -> DbErr {
    DbErr::Custom(format!("{table} row {id}: invalid value"))
}

fn time(table: &str, id: Uuid, minutes: i32) -> Result<TimeOfDay, DbErr> {
    TimeOfDay::from_minutes(minutes).map_err(|_| corrupt(table, id))
}

async fn assemble(
    db: &impl ConnectionTrait,
    rows: Vec<workshops::Model>,
) -> Result<Vec<Workshop>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut facilitators: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for row in workshop_facilitators::Entity::find()
        .filter(workshop_facilitators::Column::WorkshopId.is_in(ids))
        .order_by_asc(workshop_facilitators::Column::UserId)
        .all(db)
        .await?
    {
        facilitators
            .entry(row.workshop_id)
            .or_default()
            .push(row.user_id);
    }
    rows.into_iter()
        .map(|row| {
            Ok(Workshop {
                id: row.id,
                starts_at: time("workshops", row.id, row.starts_minute)?,
                ends_at: time("workshops", row.id, row.ends_minute)?,
                title: row.title,
                on: row.held_on,
                partner: row.partner,
                capacity: row.capacity,
                facilitator_ids: facilitators.remove(&row.id).unwrap_or_default(),
                participants_count: row.participants_count,
                created_by: row.created_by,
                // Every row has one since the upgrade to sites.
                site_id: row.site_id.unwrap_or(crate::sites::NEW_ROWS_SITE),
                version: row.version,
                created_at: row.created_at,
            })
        })
        .collect()
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewWorkshop,
    (created_by, site_id): (Uuid, Uuid),
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    workshops::Entity::insert(workshops::ActiveModel {
        id: Set(id),
        title: Set(new.title),
        held_on: Set(new.on),
        starts_minute: Set(new.starts_at.minutes()),
        ends_minute: Set(new.ends_at.minutes()),
        partner: Set(new.partner),
        capacity: Set(new.capacity),
        participants_count: Set(0),
        created_by: Set(created_by),
        site_id: Set(Some(site_id)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    for user_id in new.facilitator_ids {
        workshop_facilitators::Entity::insert(workshop_facilitators::ActiveModel {
            workshop_id: Set(id),
            user_id: Set(user_id),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(id)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Workshop, RepoError> {
    let row = row_by_id::<workshops::Entity>(db, id).await?;
    Ok(assemble(db, vec![row]).await?.remove(0))
}

pub use nido_domain::workshop::Position;

/// The workshops of the sites `reader` reads, held from `from` to `to`
/// (both included), in the order they take place, after `after`.
pub async fn list(
    db: &impl ConnectionTrait,
    reader: crate::need_to_know::Reader,
    from: NaiveDate,
    to: Option<NaiveDate>,
    after: Option<Position>,
    limit: u64,
) -> Result<Vec<Workshop>, DbErr> {
    let mut query = workshops::Entity::find()
        .filter(reader.sites(workshops::Column::SiteId))
        .filter(workshops::Column::HeldOn.gte(from))
        .order_by_asc(workshops::Column::HeldOn)
        .order_by_asc(workshops::Column::StartsMinute)
        .order_by_asc(workshops::Column::Id)
        .limit(limit);
    if let Some(to) = to {
        query = query.filter(workshops::Column::HeldOn.lte(to));
    }
    if let Some((on, starts, id)) = after {
        query = query.filter(
            Condition::any()
                .add(workshops::Column::HeldOn.gt(on))
                .add(
                    Condition::all()
                        .add(workshops::Column::HeldOn.eq(on))
                        .add(workshops::Column::StartsMinute.gt(starts)),
                )
                .add(
                    Condition::all()
                        .add(workshops::Column::HeldOn.eq(on))
                        .add(workshops::Column::StartsMinute.eq(starts))
                        .add(workshops::Column::Id.gt(id)),
                ),
        );
    }
    let rows = query.all(db).await?;
    assemble(db, rows).await
}

async fn participations(
    db: &impl ConnectionTrait,
    rows: Vec<workshop_participants::Model>,
) -> Result<Vec<Participation>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for row in workshop_participant_children::Entity::find()
        .filter(workshop_participant_children::Column::ParticipantId.is_in(ids))
        .order_by_asc(workshop_participant_children::Column::ChildId)
        .all(db)
        .await?
    {
        children
            .entry(row.participant_id)
            .or_default()
            .push(row.child_id);
    }
    let table = "workshop_participants";
    rows.into_iter()
        .map(|row| {
            let optional_time = |minutes: Option<i32>| {
                minutes
                    .map(|minutes| time(table, row.id, minutes))
                    .transpose()
            };
            Ok(Participation {
                id: row.id,
                workshop_id: row.workshop_id,
                family_id: row.family_id,
                child_ids: children.remove(&row.id).unwrap_or_default(),
                status: row.status.parse().map_err(|_| corrupt(table, row.id))?,
                arrived_at: optional_time(row.arrived_minute)?,
                left_at: optional_time(row.left_minute)?,
                registered_by: row.registered_by,
                version: row.version,
                created_at: row.created_at,
            })
        })
        .collect()
}

/// Registers the family with its children. Run it in a transaction: a
/// family already taking part is refused by the unique index
/// (`already_participating`); a full workshop by the conditional count
/// (`workshop_full`), which leaves the transaction to be rolled back.
pub async fn add_participant(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    family_id: Uuid,
    child_ids: &[Uuid],
    registered_by: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid, RepoError> {
    let id = Uuid::now_v7();
    workshop_participants::Entity::insert(workshop_participants::ActiveModel {
        id: Set(id),
        workshop_id: Set(workshop_id),
        family_id: Set(family_id),
        status: Set(ParticipationStatus::Registered.as_str().to_owned()),
        arrived_minute: Set(None),
        left_minute: Set(None),
        registered_by: Set(registered_by),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .map_err(|err| RepoError::on_constraint(err, &PARTICIPANT_RULES))?;
    for child_id in child_ids {
        workshop_participant_children::Entity::insert(workshop_participant_children::ActiveModel {
            participant_id: Set(id),
            child_id: Set(*child_id),
        })
        .exec_without_returning(db)
        .await?;
    }
    let counted = workshops::Entity::update_many()
        .col_expr(
            workshops::Column::ParticipantsCount,
            Expr::col(workshops::Column::ParticipantsCount).add(1),
        )
        .filter(workshops::Column::Id.eq(workshop_id))
        .filter(
            Condition::any()
                .add(workshops::Column::Capacity.is_null())
                .add(
                    Expr::col(workshops::Column::ParticipantsCount)
                        .lt(Expr::col(workshops::Column::Capacity)),
                ),
        )
        .exec(db)
        .await?;
    if counted.rows_affected == 0 {
        return Err(RepoError::Conflict(Conflict::WorkshopFull));
    }
    Ok(id)
}

pub async fn find_participation(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Participation, RepoError> {
    let row = row_by_id::<workshop_participants::Entity>(db, id).await?;
    Ok(participations(db, vec![row]).await?.remove(0))
}

/// The family's participation in the workshop, if it takes part.
pub async fn participation_of(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    family_id: Uuid,
) -> Result<Participation, RepoError> {
    let row = workshop_participants::Entity::find()
        .filter(workshop_participants::Column::WorkshopId.eq(workshop_id))
        .filter(workshop_participants::Column::FamilyId.eq(family_id))
        .one(db)
        .await?
        .ok_or(RepoError::NotFound)?;
    Ok(participations(db, vec![row]).await?.remove(0))
}

/// The workshop's participants in the order they registered, of the
/// families `reader` sees.
pub async fn participants(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    reader: crate::need_to_know::Reader,
) -> Result<Vec<Participation>, DbErr> {
    let rows = workshop_participants::Entity::find()
        .filter(workshop_participants::Column::WorkshopId.eq(workshop_id))
        .filter(reader.of_families(workshop_participants::Column::FamilyId))
        .order_by_asc(workshop_participants::Column::Id)
        .all(db)
        .await?;
    participations(db, rows).await
}

/// The family's participations, each with its workshop.
pub async fn of_family(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<(Participation, Workshop)>, DbErr> {
    let rows = workshop_participants::Entity::find()
        .filter(workshop_participants::Column::FamilyId.eq(family_id))
        .order_by_asc(workshop_participants::Column::Id)
        .all(db)
        .await?;
    let workshop_ids: Vec<Uuid> = rows.iter().map(|row| row.workshop_id).collect();
    let found = workshops::Entity::find()
        .filter(workshops::Column::Id.is_in(workshop_ids))
        .all(db)
        .await?;
    let by_id: HashMap<Uuid, Workshop> = assemble(db, found)
        .await?
        .into_iter()
        .map(|workshop| (workshop.id, workshop))
        .collect();
    participations(db, rows)
        .await?
        .into_iter()
        .map(|participation| {
            let workshop = by_id
                .get(&participation.workshop_id)
                .cloned()
                .ok_or_else(|| corrupt("workshop_participants", participation.id))?;
            Ok((participation, workshop))
        })
        .collect()
}

/// Records whether the family came (again, to correct it: the last
/// record stands).
pub async fn record_attendance(
    db: &impl ConnectionTrait,
    id: Uuid,
    attendance: Attendance,
    now: DateTime<Utc>,
) -> Result<Participation, RepoError> {
    let (arrived, left) = match attendance {
        Attendance::Attended {
            arrived_at,
            left_at,
        } => (Some(arrived_at.minutes()), Some(left_at.minutes())),
        Attendance::Absent => (None, None),
    };
    let changed = workshop_participants::Entity::update_many()
        .set(workshop_participants::ActiveModel {
            status: Set(attendance.status().as_str().to_owned()),
            arrived_minute: Set(arrived),
            left_minute: Set(left),
            updated_at: Set(now),
            ..Default::default()
        })
        .col_expr(
            workshop_participants::Column::Version,
            Expr::col(workshop_participants::Column::Version).add(1),
        )
        .filter(workshop_participants::Column::Id.eq(id))
        .exec(db)
        .await?;
    if changed.rows_affected == 0 {
        return Err(RepoError::NotFound);
    }
    find_participation(db, id).await
}
