//! Failed logins, counted per account and per client address. Kept in the
//! database so that every nido instance counts the same failures.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::entities::login_failures;

/// What failures are counted by.
#[derive(Debug, Clone, Copy)]
pub enum FailureKey<'a> {
    Email(&'a str),
    Address(&'a str),
}

pub async fn record(
    db: &impl ConnectionTrait,
    email: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    login_failures::Entity::insert(login_failures::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.chars().take(254).collect()),
        address: Set(address.chars().take(64).collect()),
        at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The times of the latest `limit` failures for `key` since `since`, newest first.
pub async fn recent(
    db: &impl ConnectionTrait,
    key: FailureKey<'_>,
    since: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<DateTime<Utc>>, DbErr> {
    let query = match key {
        FailureKey::Email(email) => {
            login_failures::Entity::find().filter(login_failures::Column::Email.eq(email))
        }
        FailureKey::Address(address) => {
            login_failures::Entity::find().filter(login_failures::Column::Address.eq(address))
        }
    };
    query
        .filter(login_failures::Column::At.gt(since))
        .order_by_desc(login_failures::Column::At)
        .select_only()
        .column(login_failures::Column::At)
        .limit(limit)
        .into_tuple::<DateTime<Utc>>()
        .all(db)
        .await
}

/// Forgets an account's failures, after it logged in successfully.
pub async fn clear_email(db: &impl ConnectionTrait, email: &str) -> Result<(), DbErr> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::Email.eq(email))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets failures older than `before`: they no longer count.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = login_failures::Entity::delete_many()
        .filter(login_failures::Column::At.lt(before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
