//! The second factor's storage: a TOTP secret per user, its last accepted
//! time step, one-time recovery codes (SHA-256 only) and the challenges a
//! right password opens. Each use of a code is one conditional statement, so
//! two parallel requests with the same code cannot both succeed.

use chrono::{DateTime, Utc};
use nido_domain::Conflict;
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use uuid::Uuid;

use crate::entities::{mfa_challenges, recovery_codes, user_totp, users};
use crate::session_notices::{Announced, Revoked, announce};
use crate::{RepoError, Writer, begin_write};

/// A user's TOTP secret, as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Totp {
    /// Base32, no padding.
    pub secret: String,
    pub confirmed: bool,
    pub last_step: Option<i64>,
}

// Never print the secret.
impl std::fmt::Debug for Totp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Totp")
            .field("confirmed", &self.confirmed)
            .finish_non_exhaustive()
    }
}

/// The user's secret, pending or confirmed.
pub async fn totp(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<Totp>, DbErr> {
    Ok(user_totp::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|row| Totp {
            secret: row.secret,
            confirmed: row.confirmed_at.is_some(),
            last_step: row.last_step,
        }))
}

/// Starts (or restarts) an enrolment with a new secret, pending until a
/// first code confirms it. 409 `mfa_already_enrolled` when the account has a
/// confirmed factor: it must be removed first.
pub async fn start_enrolment(
    db: &Writer,
    user_id: Uuid,
    secret: String,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let txn = begin_write(db).await?;
    if let Some(existing) = user_totp::Entity::find_by_id(user_id).one(&txn).await? {
        if existing.confirmed_at.is_some() {
            return Err(RepoError::Conflict(Conflict::MfaAlreadyEnrolled));
        }
        user_totp::Entity::delete_by_id(user_id).exec(&txn).await?;
    }
    user_totp::Entity::insert(user_totp::ActiveModel {
        user_id: Set(user_id),
        secret: Set(secret),
        confirmed_at: Set(None),
        last_step: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Confirms the pending secret whose first code matched at `step`: the
/// factor is on, `code_hashes` become the user's recovery codes (any older
/// ones go), in one transaction. 409 `mfa_not_started` when there is no
/// pending secret (none, or confirmed meanwhile). Every process is told
/// that her account changed.
pub async fn confirm(
    db: &Writer,
    user_id: Uuid,
    secret: &str,
    step: i64,
    code_hashes: Vec<String>,
    now: DateTime<Utc>,
) -> Result<Announced, RepoError> {
    let txn = begin_write(db).await?;
    let confirmed = user_totp::Entity::update_many()
        .col_expr(user_totp::Column::ConfirmedAt, Expr::value(now))
        .col_expr(user_totp::Column::LastStep, Expr::value(step))
        .filter(user_totp::Column::UserId.eq(user_id))
        .filter(user_totp::Column::Secret.eq(secret))
        .filter(user_totp::Column::ConfirmedAt.is_null())
        .exec(&txn)
        .await?;
    if confirmed.rows_affected != 1 {
        return Err(RepoError::Conflict(Conflict::MfaNotStarted));
    }
    replace_recovery_codes(&txn, user_id, code_hashes).await?;
    users::Entity::update_many()
        .col_expr(users::Column::MfaEnrolledAt, Expr::value(now))
        .filter(users::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    let announced = announce(&txn, Revoked::User(user_id)).await?;
    txn.commit().await?;
    Ok(announced)
}

async fn replace_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    code_hashes: Vec<String>,
) -> Result<(), DbErr> {
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    let rows = code_hashes
        .into_iter()
        .map(|code_hash| recovery_codes::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user_id),
            code_hash: Set(code_hash),
            used_at: Set(None),
        });
    recovery_codes::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Records that a code of time step `step` was accepted; false when a code
/// of that step or a later one was accepted already (a code works once).
pub async fn accept_step(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    step: i64,
) -> Result<bool, DbErr> {
    let result = user_totp::Entity::update_many()
        .col_expr(user_totp::Column::LastStep, Expr::value(step))
        .filter(user_totp::Column::UserId.eq(user_id))
        .filter(user_totp::Column::ConfirmedAt.is_not_null())
        .filter(
            Condition::any()
                .add(user_totp::Column::LastStep.is_null())
                .add(user_totp::Column::LastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Spends the recovery code of this hash; false when it is not one of the
/// user's or was spent already.
pub async fn spend_recovery_code(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = recovery_codes::Entity::update_many()
        .col_expr(recovery_codes::Column::UsedAt, Expr::value(now))
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .filter(recovery_codes::Column::CodeHash.eq(code_hash))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The recovery codes the user has not spent.
pub async fn recovery_codes_left(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, DbErr> {
    recovery_codes::Entity::find()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .count(db)
        .await
}

/// Removes the user's factor (her own removal, or with `reset` an admin's):
/// the secret, the recovery codes and the open challenges go, and on a
/// reset every session of hers ends and her calendar address is revoked,
/// in one transaction. Every process is told that her account changed.
pub async fn remove(db: &Writer, user_id: Uuid, reset: bool) -> Result<Announced, RepoError> {
    let txn = begin_write(db).await?;
    remove_in(&txn, user_id).await?;
    if reset {
        crate::sessions::delete_all_of_user(&txn, user_id).await?;
        crate::calendar_feeds::revoke(&txn, user_id).await?;
    }
    let announced = announce(&txn, Revoked::User(user_id)).await?;
    txn.commit().await?;
    Ok(announced)
}

async fn remove_in(db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), DbErr> {
    user_totp::Entity::delete_many()
        .filter(user_totp::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    mfa_challenges::Entity::delete_many()
        .filter(mfa_challenges::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    users::Entity::update_many()
        .col_expr(
            users::Column::MfaEnrolledAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Opens a challenge: the password was right, a code must follow before
/// `expires_at`.
pub async fn open_challenge(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    token_hash: String,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    mfa_challenges::Entity::insert(mfa_challenges::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user_id),
        expires_at: Set(expires_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The user a live challenge was opened for; expired ones are swept.
pub async fn challenge_user(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbErr> {
    mfa_challenges::Entity::delete_many()
        .filter(mfa_challenges::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(mfa_challenges::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await?
        .map(|row| row.user_id))
}

/// Closes a challenge once its code was accepted; false when another
/// request closed it first.
pub async fn close_challenge(db: &impl ConnectionTrait, token_hash: &str) -> Result<bool, DbErr> {
    let result = mfa_challenges::Entity::delete_by_id(token_hash.to_owned())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
