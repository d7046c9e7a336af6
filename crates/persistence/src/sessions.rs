//! Login sessions. Only the SHA-256 of a bearer token is stored.

use chrono::{DateTime, TimeDelta, Utc};
use nido_domain::User;
use sea_orm::prelude::Expr;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{sessions, users};
use crate::users::to_domain;

/// How long a session lives: `idle` since its last use, `absolute` in all.
#[derive(Debug, Clone, Copy)]
pub struct SessionLifetime {
    pub idle: TimeDelta,
    pub absolute: TimeDelta,
}

/// Recording every request's time would turn each read into a write; a
/// session's last use is recorded at most this often. An idle timeout can
/// thus fire up to this much early, never late.
const TOUCH_GRANULARITY: TimeDelta = TimeDelta::seconds(30);

pub async fn create(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    token_hash: String,
    now: DateTime<Utc>,
    lifetime: SessionLifetime,
) -> Result<DateTime<Utc>, DbErr> {
    let expires_at = now + lifetime.absolute;
    sessions::Entity::insert(sessions::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_hash: Set(token_hash),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(expires_at)
}

/// The active user behind a token hash, if the session is alive, read on
/// `db`. An expired session is deleted; a live one has its last use
/// recorded (at most once a minute): both written on `writer`.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    writer: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
    lifetime: SessionLifetime,
) -> Result<Option<(User, DateTime<Utc>)>, DbErr> {
    // The session and its user in one read: every request pays for it.
    let Some((session, user)) = sessions::Entity::find()
        .join(
            JoinType::LeftJoin,
            sessions::Entity::belongs_to(users::Entity)
                .from(sessions::Column::UserId)
                .to(users::Column::Id)
                .into(),
        )
        .select_also(users::Entity)
        .filter(sessions::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let idle_deadline = session.last_seen_at + lifetime.idle;
    if now >= session.expires_at || now >= idle_deadline {
        sessions::Entity::delete_by_id(session.id)
            .exec(writer)
            .await?;
        return Ok(None);
    }
    let Some(user) = user else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    if now - session.last_seen_at >= TOUCH_GRANULARITY {
        sessions::Entity::update_many()
            .col_expr(sessions::Column::LastSeenAt, Expr::value(now))
            .filter(sessions::Column::Id.eq(session.id))
            .exec(writer)
            .await?;
    }
    let expires_at = Ord::min(session.expires_at, now + lifetime.idle);
    Ok(Some((to_domain(user)?, expires_at)))
}

/// Ends the session of this token hash; true when there was one.
pub async fn delete(db: &impl ConnectionTrait, token_hash: &str) -> Result<bool, DbErr> {
    let result = sessions::Entity::delete_many()
        .filter(sessions::Column::TokenHash.eq(token_hash))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Removes sessions that can no longer be used.
pub async fn prune(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lifetime: SessionLifetime,
) -> Result<u64, DbErr> {
    let result = sessions::Entity::delete_many()
        .filter(
            sessions::Column::ExpiresAt
                .lte(now)
                .or(sessions::Column::LastSeenAt.lte(now - lifetime.idle)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// A session as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub token_hash: String,
}

/// The live sessions of a user, newest first.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
    lifetime: SessionLifetime,
) -> Result<Vec<SessionInfo>, DbErr> {
    Ok(sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::ExpiresAt.gt(now))
        .filter(sessions::Column::LastSeenAt.gt(now - lifetime.idle))
        .order_by_desc(sessions::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|row| SessionInfo {
            id: row.id,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: Ord::min(row.expires_at, row.last_seen_at + lifetime.idle),
            token_hash: row.token_hash,
        })
        .collect())
}

/// Ends one session of `user_id`; false when she has no such session.
pub async fn delete_of_user(
    db: &impl ConnectionTrait,
    id: Uuid,
    user_id: Uuid,
) -> Result<bool, DbErr> {
    let result = sessions::Entity::delete_many()
        .filter(sessions::Column::Id.eq(id))
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}
