//! Counters of login attempts, in the database so that every nido instance
//! counts the same attempts. One statement bumps a counter and answers its
//! new value: parallel attempts are numbered one by one, never read twice.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr, DeriveIden};

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
