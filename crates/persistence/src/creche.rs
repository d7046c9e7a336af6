//! The crèches' settings, closures and bookings: each site has its crèche
//! (its settings, closures and days), and a booking is its family's site's.
//! A booking's checks of capacity and overlap run after `lock_day`, which
//! every booking transaction calls first for each day it touches: on
//! PostgreSQL the upsert holds the site's day's row lock until commit, so
//! two bookings of one day at one site queue; on SQLite `begin_write`
//! already serialises writers.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::Conflict;
use nido_domain::creche::{
    Booking, BookingPurpose, BookingStatus, Closure, CrecheSettings, Slot, TimeOfDay,
};
use sea_orm::sea_query::{Expr, ExprTrait, IntoCondition, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use crate::entities::{creche_bookings, creche_closures, creche_days, creche_settings, families};
use crate::row_by_id;
use crate::versioned::Versioned;
use crate::{RepoError, Rule};

const CLOSURE_RULES: &[Rule] = &[(
    &[
        "creche_site_closures_pkey",
        "creche_site_closures.site_id, creche_site_closures.on",
    ],
    Conflict::AlreadyClosed,
)];

fn corrupt(what: &str) -> DbErr {
    DbErr::Custom(format!("a stored crèche {what} is not valid"))
}

/// The site's crèche settings: the stored ones, or the defaults until an
/// admin changes them.
pub async fn settings(db: &impl ConnectionTrait, site_id: Uuid) -> Result<CrecheSettings, DbErr> {
    let Some(row) = creche_settings::Entity::find_by_id(site_id).one(db).await? else {
        return Ok(CrecheSettings::default());
    };
    let time = |minutes| TimeOfDay::from_minutes(minutes).map_err(|_| corrupt("time"));
    let open_weekdays = row
        .open_weekdays
        .split(',')
        .filter(|day| !day.is_empty())
        .map(|day| day.parse::<u8>().map_err(|_| corrupt("weekday")))
        .collect::<Result<Vec<u8>, DbErr>>()?;
    Ok(CrecheSettings {
        capacity: row.capacity,
        opens_at: time(row.opens_at)?,
        closes_at: time(row.closes_at)?,
        open_weekdays,
        min_age_months: row.min_age_months,
        max_age_months: row.max_age_months,
        version: row.version,
    })
}

/// Replaces the settings (already checked) if the caller read the current
/// version; answers them with their new version.
pub async fn save_settings(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    new: &CrecheSettings,
    expected_version: Option<i32>,
    now: DateTime<Utc>,
) -> Result<CrecheSettings, RepoError> {
    let current = settings(db, site_id).await?;
    if expected_version.is_some_and(|expected| expected != current.version) {
        return Err(RepoError::StaleVersion);
    }
    let weekdays: Vec<String> = new.open_weekdays.iter().map(u8::to_string).collect();
    let row = creche_settings::ActiveModel {
        site_id: Set(site_id),
        capacity: Set(new.capacity),
        opens_at: Set(new.opens_at.minutes()),
        closes_at: Set(new.closes_at.minutes()),
        open_weekdays: Set(weekdays.join(",")),
        min_age_months: Set(new.min_age_months),
        max_age_months: Set(new.max_age_months),
        version: Set(current.version + 1),
        updated_at: Set(now),
    };
    // The first change inserts the row (the defaults are version 1); later
    // ones update it only while it has the version read.
    let result = creche_settings::Entity::insert(row)
        .on_conflict(
            OnConflict::column(creche_settings::Column::SiteId)
                .update_columns([
                    creche_settings::Column::Capacity,
                    creche_settings::Column::OpensAt,
                    creche_settings::Column::ClosesAt,
                    creche_settings::Column::OpenWeekdays,
                    creche_settings::Column::MinAgeMonths,
                    creche_settings::Column::MaxAgeMonths,
                    creche_settings::Column::Version,
                    creche_settings::Column::UpdatedAt,
                ])
                .action_and_where(
                    Expr::col((creche_settings::Entity, creche_settings::Column::Version))
                        .eq(current.version),
                )
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if result == 0 {
        return Err(RepoError::StaleVersion);
    }
    Ok(settings(db, site_id).await?)
}

/// The site's closures between `from` and `to`.
pub async fn closures(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Closure>, DbErr> {
    Ok(creche_closures::Entity::find()
        .filter(creche_closures::Column::SiteId.eq(site_id))
        .filter(creche_closures::Column::On.between(from, to))
        .order_by_asc(creche_closures::Column::On)
        .all(db)
        .await?
        .into_iter()
        .map(|row| Closure {
            on: row.on,
            reason: row.reason,
        })
        .collect())
}

/// The days the site's crèche is closed between `from` and `to`.
pub async fn closed_days(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BTreeSet<NaiveDate>, DbErr> {
    Ok(closures(db, site_id, from, to)
        .await?
        .into_iter()
        .map(|closure| closure.on)
        .collect())
}

/// Closes a day of the site's crèche; `already_closed` if it is.
pub async fn add_closure(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    closure: &Closure,
    created_by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    creche_closures::ActiveModel {
        site_id: Set(site_id),
        on: Set(closure.on),
        reason: Set(closure.reason.clone()),
        created_by: Set(created_by),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|err| RepoError::on_constraint(err, CLOSURE_RULES))?;
    Ok(())
}

/// Opens a closed day of the site's crèche again; `NotFound` if it was
/// not closed.
pub async fn remove_closure(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    on: NaiveDate,
) -> Result<(), RepoError> {
    let result = creche_closures::Entity::delete_by_id((site_id, on))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(RepoError::NotFound);
    }
    Ok(())
}

/// Takes the site's day's lock for the rest of the transaction: called
/// before reading the day's bookings to decide on a new one.
pub async fn lock_day(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    on: NaiveDate,
) -> Result<(), DbErr> {
    creche_days::Entity::insert(creche_days::ActiveModel {
        site_id: Set(site_id),
        on: Set(on),
        changes: Set(1),
    })
    .on_conflict(
        OnConflict::columns([creche_days::Column::SiteId, creche_days::Column::On])
            .value(
                creche_days::Column::Changes,
                Expr::col((creche_days::Entity, creche_days::Column::Changes)).add(1),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

fn booking(row: creche_bookings::Model) -> Result<Booking, DbErr> {
    let time = |minutes| TimeOfDay::from_minutes(minutes).map_err(|_| corrupt("time"));
    let optional_time = |minutes: Option<i32>| minutes.map(time).transpose();
    Ok(Booking {
        id: row.id,
        family_id: row.family_id,
        child_id: row.child_id,
        on: row.on,
        slot: Slot {
            starts_at: time(row.starts_at)?,
            ends_at: time(row.ends_at)?,
        },
        purpose: row.purpose.parse().map_err(|_| corrupt("purpose"))?,
        notes: row.notes,
        status: row.status.parse().map_err(|_| corrupt("status"))?,
        arrived_at: optional_time(row.arrived_at)?,
        left_at: optional_time(row.left_at)?,
        series_id: row.series_id,
        version: row.version,
        created_at: row.created_at,
    })
}

fn bookings(rows: Vec<creche_bookings::Model>) -> Result<Vec<Booking>, DbErr> {
    rows.into_iter().map(booking).collect()
}

/// The bookings of the families of `site_id`: its crèche's.
fn of_site(site_id: Uuid) -> Condition {
    creche_bookings::Column::FamilyId
        .in_subquery(
            sea_orm::sea_query::Query::select()
                .column(families::Column::Id)
                .from(families::Entity)
                .and_where(families::Column::SiteId.eq(site_id))
                .to_owned(),
        )
        .into_condition()
}

/// Every booking of the site's crèche (of every site's, for `None`)
/// between `from` and `to`, whatever its status, by day and time.
pub async fn bookings_between(
    db: &impl ConnectionTrait,
    site_id: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Booking>, DbErr> {
    bookings(
        creche_bookings::Entity::find()
            .filter(creche_bookings::Column::On.between(from, to))
            .filter(site_id.map_or_else(Condition::all, of_site))
            .order_by_asc(creche_bookings::Column::On)
            .order_by_asc(creche_bookings::Column::StartsAt)
            .order_by_asc(creche_bookings::Column::Id)
            .all(db)
            .await?,
    )
}

/// A family's bookings between `from` and `to`, by day and time.
pub async fn bookings_of_family(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Booking>, DbErr> {
    family_bookings(
        db,
        family_id,
        creche_bookings::Column::On
            .between(from, to)
            .into_condition(),
    )
    .await
}

/// Every booking the family ever made, by day and time.
pub async fn all_bookings_of_family(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<Booking>, DbErr> {
    family_bookings(db, family_id, Condition::all()).await
}

async fn family_bookings(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    which: Condition,
) -> Result<Vec<Booking>, DbErr> {
    bookings(
        creche_bookings::Entity::find()
            .filter(creche_bookings::Column::FamilyId.eq(family_id))
            .filter(which)
            .order_by_asc(creche_bookings::Column::On)
            .order_by_asc(creche_bookings::Column::StartsAt)
            .order_by_asc(creche_bookings::Column::Id)
            .all(db)
            .await?,
    )
}

pub async fn find_booking(db: &impl ConnectionTrait, id: Uuid) -> Result<Booking, RepoError> {
    let row = row_by_id::<creche_bookings::Entity>(db, id).await?;
    Ok(booking(row)?)
}

/// A booking to write, already checked.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub family_id: Uuid,
    pub child_id: Uuid,
    pub on: NaiveDate,
    pub slot: Slot,
    pub purpose: BookingPurpose,
    pub notes: Option<String>,
    pub series_id: Option<Uuid>,
    pub created_by: Uuid,
}

pub async fn insert_booking(
    db: &impl ConnectionTrait,
    new: &NewBooking,
    now: DateTime<Utc>,
) -> Result<Booking, RepoError> {
    let row = creche_bookings::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(new.family_id),
        child_id: Set(new.child_id),
        on: Set(new.on),
        starts_at: Set(new.slot.starts_at.minutes()),
        ends_at: Set(new.slot.ends_at.minutes()),
        purpose: Set(new.purpose.as_str().to_owned()),
        notes: Set(new.notes.clone()),
        status: Set(BookingStatus::Booked.as_str().to_owned()),
        arrived_at: Set(None),
        left_at: Set(None),
        series_id: Set(new.series_id),
        created_by: Set(new.created_by),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(booking(row)?)
}

/// Sets a booking's status (and attendance times), if the caller read its
/// current version.
pub async fn set_booking_status(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    status: BookingStatus,
    times: Option<(TimeOfDay, TimeOfDay)>,
    now: DateTime<Utc>,
) -> Result<Booking, RepoError> {
    let current = find_booking(db, id).await?;
    let row = creche_bookings::ActiveModel {
        status: Set(status.as_str().to_owned()),
        arrived_at: Set(times.map(|(arrived, _)| arrived.minutes())),
        left_at: Set(times.map(|(_, left)| left.minutes())),
        ..Default::default()
    };
    Versioned::<creche_bookings::Entity>::new(id, current.version, expected_version, now)
        .apply(db, row, Condition::all(), RepoError::from)
        .await?;
    find_booking(db, id).await
}

/// Cancels the family's bookings still booked after `after`: the family
/// left. Answers how many.
pub async fn cancel_bookings_after(
    db: &impl ConnectionTrait,
    family_id: Uuid,
    after: NaiveDate,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let which = Condition::all()
        .add(creche_bookings::Column::FamilyId.eq(family_id))
        .add(creche_bookings::Column::On.gt(after));
    cancel_booked(db, which, now).await
}

/// Cancels every booking of the site's crèche still booked on `on`: the
/// day was closed.
pub async fn cancel_bookings_on(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let which = Condition::all()
        .add(creche_bookings::Column::On.eq(on))
        .add(of_site(site_id));
    cancel_booked(db, which, now).await
}

/// Cancels the bookings still booked that meet `which`; answers how many.
async fn cancel_booked(
    db: &impl ConnectionTrait,
    which: Condition,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = creche_bookings::Entity::update_many()
        .col_expr(
            creche_bookings::Column::Status,
            Expr::value(BookingStatus::Cancelled.as_str()),
        )
        .col_expr(
            creche_bookings::Column::Version,
            Expr::col(creche_bookings::Column::Version).add(1),
        )
        .col_expr(creche_bookings::Column::UpdatedAt, Expr::value(now))
        .filter(which)
        .filter(creche_bookings::Column::Status.eq(BookingStatus::Booked.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
