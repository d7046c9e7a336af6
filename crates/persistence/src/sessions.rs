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
use crate::session_notices::{Announced, Revoked, announce};
use crate::users::to_domain;
use crate::{Writer, begin_write};

/// How long a session lives: `idle` since its last use, `absolute` in all.
#[derive(Debug, Clone, Copy)]
pub struct SessionLifetime {
    pub idle: TimeDelta,
    pub absolute: TimeDelta,
}

/// Recording every request's time would turn each read into a write; a
/// session's last use is recorded at most this often, and a process that
/// keeps the session in memory judges its idle timeout from the use
/// recorded, as one that reads it does. An idle timeout can thus fire up
/// to this much early, never late.
pub const TOUCH_GRANULARITY: TimeDelta = TimeDelta::seconds(30);

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

/// A live session as read from the database: its id, its account, when its
/// last use was recorded, and its absolute end.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub id: Uuid,
    pub user: User,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl LiveSession {
    /// When the session ends: its absolute end, or `idle` after its last
    /// recorded use, whichever comes first.
    pub fn ends_at(&self, lifetime: SessionLifetime) -> DateTime<Utc> {
        Ord::min(self.expires_at, self.last_seen_at + lifetime.idle)
    }

    /// Whether the session is still alive at `now`.
    pub fn alive_at(&self, now: DateTime<Utc>, lifetime: SessionLifetime) -> bool {
        now < self.ends_at(lifetime)
    }

    /// Whether its last use should be recorded again at `now`.
    pub fn due_for_touch(&self, now: DateTime<Utc>) -> bool {
        now - self.last_seen_at >= TOUCH_GRANULARITY
    }
}

/// The active user behind a token hash, if the session is alive, read on
/// `db`. An expired session is deleted; a live one has its last use
/// recorded (at most every [`TOUCH_GRANULARITY`]): both written on `writer`.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    writer: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
    lifetime: SessionLifetime,
) -> Result<Option<LiveSession>, DbErr> {
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
    let Some(user) = user else {
        return Ok(None);
    };
    let mut live = LiveSession {
        id: session.id,
        user: to_domain(user)?,
        last_seen_at: session.last_seen_at,
        expires_at: session.expires_at,
    };
    if !live.alive_at(now, lifetime) {
        sessions::Entity::delete_by_id(session.id)
            .exec(writer)
            .await?;
        return Ok(None);
    }
    if !live.user.active {
        return Ok(None);
    }
    if live.due_for_touch(now) {
        touch(writer, live.id, now).await?;
        live.last_seen_at = now;
    }
    Ok(Some(live))
}

/// Records `now` as the last use of session `id`.
pub async fn touch(
    writer: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastSeenAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(id))
        .exec(writer)
        .await?;
    Ok(())
}

/// Ends the session of this token hash, and tells every process.
pub async fn delete(db: &Writer, token_hash: &str) -> Result<Announced, DbErr> {
    let txn = begin_write(db).await?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::TokenHash.eq(token_hash))
        .exec(&txn)
        .await?;
    let announced = announce(&txn, Revoked::Token(token_hash.to_owned())).await?;
    txn.commit().await?;
    Ok(announced)
}

/// Ends every session of `user_id` within the transaction `txn` (which
/// tells every process when it commits).
pub(crate) async fn delete_all_of_user(
    txn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<(), DbErr> {
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    Ok(())
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

/// Ends one session of `user_id`, and tells every process; `None` when
/// she has no such session.
pub async fn delete_of_user(
    db: &Writer,
    id: Uuid,
    user_id: Uuid,
) -> Result<Option<Announced>, DbErr> {
    let txn = begin_write(db).await?;
    let result = sessions::Entity::delete_many()
        .filter(sessions::Column::Id.eq(id))
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Ok(None);
    }
    // Her other sessions are dropped from memory too: cheaper than
    // reading the token's hash back, and they are read again at once.
    let announced = announce(&txn, Revoked::User(user_id)).await?;
    txn.commit().await?;
    Ok(Some(announced))
}
