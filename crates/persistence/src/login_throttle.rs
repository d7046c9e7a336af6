//! Counters of login attempts, in the database so that every nido instance
//! counts the same attempts. One statement bumps a counter and answers its
//! new value: parallel attempts are numbered one by one, never read twice.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, DeriveIden, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::entities::account_locks;

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Key,
    WindowStartMs,
    Failures,
}

/// A counter after an attempt was counted in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// This attempt's rank in the window, from 1.
    pub failures: u32,
    pub window_start: DateTime<Utc>,
}

/// Counts an attempt under `key`. A counter whose window (of `window`)
/// has closed starts a new one at `now`.
pub async fn count(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    window: TimeDelta,
) -> Result<Counted, DbErr> {
    let now_ms = now.timestamp_millis();
    let closed_by = (now - window).timestamp_millis();
    let stale = Expr::col((LoginThrottle::Table, LoginThrottle::WindowStartMs)).lte(closed_by);
    let statement = Query::insert()
        .into_table(LoginThrottle::Table)
        .columns([
            LoginThrottle::Key,
            LoginThrottle::WindowStartMs,
            LoginThrottle::Failures,
        ])
        .values_panic([key.into(), now_ms.into(), 1.into()])
        .on_conflict(
            OnConflict::column(LoginThrottle::Key)
                .value(
                    LoginThrottle::Failures,
                    Expr::case(stale.clone(), 1)
                        .finally(Expr::col((LoginThrottle::Table, LoginThrottle::Failures)).add(1)),
                )
                .value(
                    LoginThrottle::WindowStartMs,
                    Expr::case(stale, now_ms).finally(Expr::col((
                        LoginThrottle::Table,
                        LoginThrottle::WindowStartMs,
                    ))),
                )
                .to_owned(),
        )
        .returning(
            Query::returning().columns([LoginThrottle::Failures, LoginThrottle::WindowStartMs]),
        )
        .to_owned();
    let row = db
        .query_one(&statement)
        .await?
        .ok_or_else(|| DbErr::Custom("the login counter returned no row".to_owned()))?;
    let failures: i32 = row.try_get("", "failures")?;
    let window_start_ms: i64 = row.try_get("", "window_start_ms")?;
    Ok(Counted {
        failures: u32::try_from(failures).unwrap_or(0),
        window_start: DateTime::from_timestamp_millis(window_start_ms).unwrap_or(now),
    })
}

/// Takes back one attempt counted under `key`: it was refused, or its
/// password was right.
pub async fn uncount(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    let statement = Query::update()
        .table(LoginThrottle::Table)
        .value(
            LoginThrottle::Failures,
            Expr::col(LoginThrottle::Failures).sub(1),
        )
        .and_where(Expr::col(LoginThrottle::Key).eq(key))
        .and_where(Expr::col(LoginThrottle::Failures).gt(0))
        .to_owned();
    db.execute(&statement).await?;
    Ok(())
}

/// Forgets the counter `key` (the owner logged in from that address).
pub async fn forget(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    let statement = Query::delete()
        .from_table(LoginThrottle::Table)
        .and_where(Expr::col(LoginThrottle::Key).eq(key))
        .to_owned();
    db.execute(&statement).await?;
    Ok(())
}

/// Forgets the counters whose window opened before `before`: they count no more.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let statement = Query::delete()
        .from_table(LoginThrottle::Table)
        .and_where(Expr::col(LoginThrottle::WindowStartMs).lt(before.timestamp_millis()))
        .to_owned();
    Ok(db.execute(&statement).await?.rows_affected())
}

/// Records that `user_id`'s limit on failures from all addresses tripped in
/// the window opened at `window_start`: true the first time for that
/// window (one statement decides, so parallel refusals record it once).
/// A new lock replaces an older one, told or not.
pub async fn record_lock(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    window_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use account_locks::Column;
    let window_start_ms = window_start.timestamp_millis();
    let inserted = account_locks::Entity::insert(account_locks::ActiveModel {
        user_id: Set(user_id),
        window_start_ms: Set(window_start_ms),
        locked_at: Set(now),
        told_at: Set(None),
        notice_session: Set(None),
    })
    .on_conflict(
        OnConflict::column(Column::UserId)
            .update_columns([
                Column::WindowStartMs,
                Column::LockedAt,
                Column::ToldAt,
                Column::NoticeSession,
            ])
            .action_and_where(
                Expr::col((account_locks::Entity, Column::WindowStartMs))
                    .ne(Expr::col((Alias::new("excluded"), Column::WindowStartMs))),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted > 0)
}

/// The instant of `user_id`'s lock that she was not told of yet, now told:
/// at her sign-in opening the session of `session_hash`, whose home page
/// will show it once. `None` when there is none (or a parallel sign-in
/// told her first).
pub async fn tell_lock(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    session_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    use account_locks::Column;
    let Some(lock) = account_locks::Entity::find_by_id(user_id)
        .filter(Column::ToldAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let told = account_locks::Entity::update_many()
        .col_expr(Column::ToldAt, Expr::value(now))
        .col_expr(Column::NoticeSession, Expr::value(session_hash))
        .filter(Column::UserId.eq(user_id))
        .filter(Column::ToldAt.is_null())
        .exec(db)
        .await?;
    Ok((told.rows_affected > 0).then_some(lock.locked_at))
}

/// The instant of the lock the session of `session_hash` was opened after,
/// the first time it is asked for; `None` afterwards. Looked for with
/// `read`, taken with `write` only when there is one: every home page asks.
pub async fn take_lock_notice(
    read: &impl ConnectionTrait,
    write: &impl ConnectionTrait,
    user_id: Uuid,
    session_hash: &str,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    use account_locks::Column;
    let Some(lock) = account_locks::Entity::find_by_id(user_id)
        .filter(Column::NoticeSession.eq(session_hash))
        .one(read)
        .await?
    else {
        return Ok(None);
    };
    let taken = account_locks::Entity::update_many()
        .col_expr(Column::NoticeSession, Expr::value(Option::<String>::None))
        .filter(Column::UserId.eq(user_id))
        .filter(Column::NoticeSession.eq(session_hash))
        .exec(write)
        .await?;
    Ok((taken.rows_affected > 0).then_some(lock.locked_at))
}
