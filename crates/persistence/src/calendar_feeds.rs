//! Calendar feeds: a user's secret address for her due dates and actions.
//! Only the SHA-256 of the secret is stored, as for session tokens.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::entities::calendar_feeds;

/// Gives `user_id` the feed of this secret hash, replacing hers if she had
/// one: one statement, so the old secret stops working as the new one
/// starts.
pub async fn replace(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    secret_hash: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    calendar_feeds::Entity::insert(calendar_feeds::ActiveModel {
        user_id: Set(user_id),
        secret_hash: Set(secret_hash),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(calendar_feeds::Column::UserId)
            .update_columns([
                calendar_feeds::Column::SecretHash,
                calendar_feeds::Column::CreatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Revokes the user's calendar address; false when she had none. Called
/// in the transaction of whatever revokes it: `DELETE /me/calendar`, a
/// password change (her own or one an admin set), a disabling, a reset of
/// the second factor.
pub async fn revoke(db: &impl ConnectionTrait, user_id: Uuid) -> Result<bool, DbErr> {
    let result = calendar_feeds::Entity::delete_by_id(user_id)
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// The user whose feed has this secret hash, if any, made at or after
/// `made_since` (an older one has expired).
pub async fn owner(
    db: &impl ConnectionTrait,
    secret_hash: &str,
    made_since: DateTime<Utc>,
) -> Result<Option<Uuid>, DbErr> {
    Ok(calendar_feeds::Entity::find()
        .filter(calendar_feeds::Column::SecretHash.eq(secret_hash))
        .filter(calendar_feeds::Column::CreatedAt.gte(made_since))
        .one(db)
        .await?
        .map(|feed| feed.user_id))
}
