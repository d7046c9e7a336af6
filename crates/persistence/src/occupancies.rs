//! Who lives where: a placement's occupancy of a unit.

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::housing::{DateSpan, Occupancy};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::entities::{detached_occupancies, occupancies, placements};
use crate::housing::{find_unit, leases_of};
use crate::{RepoError, Rule};
use nido_domain::Conflict;

/// The database's own rules on occupancies, on PostgreSQL and on SQLite.
const RULES: [Rule; 4] = [
    (&["occupancies_unit_no_overlap"], Conflict::UnitOccupied),
    (
        &["occupancies_one_open_per_unit", "occupancies.unit_id"],
        Conflict::UnitOccupied,
    ),
    (
        &["occupancies_placement_no_overlap"],
        Conflict::AlreadyHoused,
    ),
    (
        &[
            "occupancies_one_open_per_placement",
            "occupancies.placement_id",
        ],
        Conflict::AlreadyHoused,
    ),
];

async fn to_domain(
    db: &impl ConnectionTrait,
    rows: Vec<occupancies::Model>,
) -> Result<Vec<Occupancy>, DbErr> {
    let placement_ids: Vec<Uuid> = rows.iter().map(|row| row.placement_id).collect();
    let families: std::collections::HashMap<Uuid, Uuid> = placements::Entity::find()
        .filter(placements::Column::Id.is_in(placement_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|placement| (placement.id, placement.family_id))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| Occupancy {
            id: row.id,
            placement_id: row.placement_id,
            family_id: families.get(&row.placement_id).copied().unwrap_or_default(),
            unit_id: row.unit_id,
            span: DateSpan::new(row.starts_on, row.ends_on),
        })
        .collect())
}

/// The unit's occupancies, oldest first.
pub async fn of_unit(db: &impl ConnectionTrait, unit_id: Uuid) -> Result<Vec<Occupancy>, DbErr> {
    let rows = occupancies::Entity::find()
        .filter(occupancies::Column::UnitId.eq(unit_id))
        .order_by_asc(occupancies::Column::StartsOn)
        .all(db)
        .await?;
    to_domain(db, rows).await
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Occupancy>, DbErr> {
    let rows = occupancies::Entity::find().all(db).await?;
    to_domain(db, rows).await
}

/// Every occupancy, and the days units were lived in by families since
/// anonymised: those name nobody (nil placement and family). For the
/// housing views and the occupancy report, which count a unit's days.
pub async fn all_with_detached(db: &impl ConnectionTrait) -> Result<Vec<Occupancy>, DbErr> {
    let mut all = all(db).await?;
    all.extend(
        detached_occupancies::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|row| Occupancy {
                id: row.id,
                placement_id: Uuid::nil(),
                family_id: Uuid::nil(),
                unit_id: row.unit_id,
                span: DateSpan::new(row.starts_on, Some(row.ends_on)),
            }),
    );
    Ok(all)
}

/// The placement's occupancy that has not ended.
pub async fn open_of_placement(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
) -> Result<Option<Occupancy>, DbErr> {
    let rows = occupancies::Entity::find()
        .filter(occupancies::Column::PlacementId.eq(placement_id))
        .filter(occupancies::Column::EndsOn.is_null())
        .all(db)
        .await?;
    Ok(to_domain(db, rows).await?.into_iter().next())
}

/// Ends an occupancy on `ends_on` (inclusive).
pub async fn end(db: &impl ConnectionTrait, id: Uuid, ends_on: NaiveDate) -> Result<(), RepoError> {
    occupancies::Entity::update_many()
        .set(occupancies::ActiveModel {
            ends_on: Set(Some(ends_on)),
            ..Default::default()
        })
        .filter(occupancies::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Starts `placement_id` living in `unit_id` from `on`, for `persons` people.
/// Call inside a write transaction. The checks come in the order a
/// coordinator would ask: is the unit leased that day, is it free from then
/// on, is it big enough.
pub async fn start(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
    unit_id: Uuid,
    on: NaiveDate,
    persons: i32,
    now: DateTime<Utc>,
) -> Result<Occupancy, RepoError> {
    let unit = find_unit(db, unit_id).await?;
    let leased = leases_of(db, unit_id)
        .await?
        .iter()
        .any(|lease| lease.span.contains(on));
    if !leased {
        return Err(RepoError::Conflict(Conflict::NoActiveLease));
    }
    let from_then_on = DateSpan::new(on, None);
    // The days an anonymised family lived there count too: they are days
    // the unit was taken, though they name nobody.
    let taken = of_unit(db, unit_id)
        .await?
        .iter()
        .any(|other| other.span.overlaps(&from_then_on))
        || detached_occupancies::Entity::find()
            .filter(detached_occupancies::Column::UnitId.eq(unit_id))
            .filter(detached_occupancies::Column::EndsOn.gte(on))
            .one(db)
            .await?
            .is_some();
    if taken {
        return Err(RepoError::Conflict(Conflict::UnitOccupied));
    }
    if persons > unit.capacity {
        return Err(RepoError::Conflict(Conflict::OverCapacity));
    }
    let row = occupancies::Entity::insert(occupancies::ActiveModel {
        id: Set(Uuid::now_v7()),
        placement_id: Set(placement_id),
        unit_id: Set(unit_id),
        starts_on: Set(on),
        ends_on: Set(None),
        created_at: Set(now),
    })
    .exec_with_returning(db)
    .await
    .map_err(|err| RepoError::on_constraint(err, &RULES))?;
    Ok(to_domain(db, vec![row]).await?.remove(0))
}

/// A placement's occupancies, oldest first.
pub async fn of_placement(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
) -> Result<Vec<Occupancy>, DbErr> {
    let rows = occupancies::Entity::find()
        .filter(occupancies::Column::PlacementId.eq(placement_id))
        .order_by_asc(occupancies::Column::StartsOn)
        .all(db)
        .await?;
    to_domain(db, rows).await
}
