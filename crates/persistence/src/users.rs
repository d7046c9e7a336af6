//! User accounts.

use chrono::{DateTime, Utc};
use nido_domain::user::{NewUser, UserChanges};
use nido_domain::{Conflict, DisplayName, Email, User};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::calendar_feeds;
use crate::entities::{mfa_challenges, password_resets, sessions, users};
use crate::session_notices::{Announced, Revoked, announce};
use crate::versioned::Versioned;
use crate::{RepoError, Rule, Writer, begin_write};

/// One account per email: PostgreSQL names the index, SQLite its column.
const EMAIL_RULES: [Rule; 1] = [(&["users_email_key", "users.email"], Conflict::EmailTaken)];

pub(crate) fn to_domain(row: users::Model) -> Result<User, DbErr> {
    let corrupt = |what: &str| DbErr::Custom(format!("users row {}: invalid {what}", row.id));
    Ok(User {
        id: row.id,
        email: Email::parse(&row.email).map_err(|_| corrupt("email"))?,
        display_name: DisplayName::parse(&row.display_name).map_err(|_| corrupt("name"))?,
        role: row.role.parse().map_err(|_| corrupt("role"))?,
        profession: row.profession.parse().map_err(|_| corrupt("profession"))?,
        active: row.active,
        must_change_password: row.must_change_password,
        mfa_enrolled: row.mfa_enrolled_at.is_some(),
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Writes the account and the sites she belongs to, in one transaction.
pub async fn insert(db: &Writer, new: NewUser, now: DateTime<Utc>) -> Result<User, RepoError> {
    let id = Uuid::now_v7();
    let row = users::ActiveModel {
        id: Set(id),
        email: Set(new.email.as_str().to_owned()),
        display_name: Set(new.display_name.as_str().to_owned()),
        role: Set(new.role.as_str().to_owned()),
        profession: Set(new.profession.as_str().to_owned()),
        password_hash: Set(new.password_hash),
        active: Set(true),
        must_change_password: Set(new.must_change_password),
        mfa_enrolled_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = begin_write(db).await?;
    let row = users::Entity::insert(row)
        .exec_with_returning(&txn)
        .await
        .map_err(|err| RepoError::on_constraint(err, &EMAIL_RULES))?;
    crate::sites::set_of_user(&txn, id, &new.site_ids).await?;
    txn.commit().await?;
    Ok(to_domain(row)?)
}

async fn find_row(db: &impl ConnectionTrait, id: Uuid) -> Result<users::Model, RepoError> {
    crate::row_by_id::<users::Entity>(db, id).await
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<User, RepoError> {
    let row = crate::row_by_id::<users::Entity>(db, id).await?;
    Ok(to_domain(row)?)
}

/// The user with this email and their password hash, active or not.
pub async fn find_credentials(
    db: &impl ConnectionTrait,
    email: &Email,
) -> Result<Option<(User, String)>, DbErr> {
    let Some(row) = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let hash = row.password_hash.clone();
    Ok(Some((to_domain(row)?, hash)))
}

/// Users in creation order (ids are UUIDv7), after the cursor `after`.
pub async fn list(
    db: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<User>, DbErr> {
    list_sharing(db, None, after, limit).await
}

/// [`list`], of the accounts that belong to one of the sites `admin`
/// belongs to when she is named.
pub async fn list_sharing(
    db: &impl ConnectionTrait,
    admin: Option<Uuid>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<User>, DbErr> {
    let mut query = users::Entity::find().order_by_asc(users::Column::Id);
    if let Some(admin) = admin {
        use sea_orm::sea_query::Query;
        query = query.filter(
            users::Column::Id.in_subquery(
                Query::select()
                    .column(crate::entities::user_sites::Column::UserId)
                    .from(crate::entities::user_sites::Entity)
                    .cond_where(
                        crate::entities::user_sites::Column::SiteId
                            .in_subquery(crate::need_to_know::sites_of(admin)),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(after) = after {
        query = query.filter(users::Column::Id.gt(after));
    }
    query
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    users::Entity::find().count(db).await
}

/// Applies `changes` in one transaction. With `expected_version`, a user
/// changed since is refused (`StaleVersion`); a disabled user, or one whose
/// password is set, loses every session and her calendar address in the
/// same transaction, and one whose role changes every session. Every
/// process is told to drop the sessions it keeps of her (they carry her
/// account as it was).
pub async fn update(
    db: &Writer,
    id: Uuid,
    expected_version: Option<i32>,
    changes: UserChanges,
    now: DateTime<Utc>,
) -> Result<(User, Announced), RepoError> {
    let txn = begin_write(db).await?;
    let current = find_row(&txn, id).await?;
    let update = Versioned::<users::Entity>::new(id, current.version, expected_version, now);
    update.check()?;
    let role_changed = changes
        .role
        .is_some_and(|role| role.as_str() != current.role);
    let email_changed = changes
        .email
        .as_ref()
        .is_some_and(|email| email.as_str() != current.email);
    let mut row = users::ActiveModel::default();
    if let Some(email) = changes.email {
        row.email = Set(email.as_str().to_owned());
    }
    if let Some(name) = changes.display_name {
        row.display_name = Set(name.as_str().to_owned());
    }
    if let Some(role) = changes.role {
        row.role = Set(role.as_str().to_owned());
    }
    if let Some(profession) = changes.profession {
        row.profession = Set(profession.as_str().to_owned());
    }
    if let Some(active) = changes.active {
        row.active = Set(active);
    }
    let password_changed = changes.password_hash.is_some();
    if let Some(hash) = changes.password_hash {
        row.password_hash = Set(hash);
        row.must_change_password = Set(changes.must_change_password);
    }
    update
        .apply(&txn, row, Condition::all(), |err| {
            RepoError::on_constraint(err, &EMAIL_RULES)
        })
        .await?;
    if let Some(site_ids) = &changes.site_ids {
        crate::sites::set_of_user(&txn, id, site_ids).await?;
    }
    let disabled = changes.active == Some(false);
    if disabled || password_changed || role_changed {
        crate::sessions::delete_all_of_user(&txn, id).await?;
    }
    if disabled || password_changed {
        calendar_feeds::revoke(&txn, id).await?;
    }
    // A forgotten password's links were sent for the account as it was.
    if disabled || password_changed || email_changed {
        forget_reset_links(&txn, id).await?;
    }
    let announced = announce(&txn, Revoked::User(id)).await?;
    let row = find_row(&txn, id).await?;
    txn.commit().await?;
    Ok((to_domain(row)?, announced))
}

/// The owner changes her own password: the flag of a password set by
/// someone else falls, every other session of hers and her calendar
/// address end, in one transaction, and every process is told.
pub async fn set_own_password(
    db: &Writer,
    id: Uuid,
    password_hash: String,
    keep_session_token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(User, Announced), RepoError> {
    let txn = begin_write(db).await?;
    let current = find_row(&txn, id).await?;
    replace_own_password(&txn, current, password_hash, now).await?;
    forget_reset_links(&txn, id).await?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(id))
        .filter(sessions::Column::TokenHash.ne(keep_session_token_hash))
        .exec(&txn)
        .await?;
    calendar_feeds::revoke(&txn, id).await?;
    let announced = announce(&txn, Revoked::User(id)).await?;
    let row = find_row(&txn, id).await?;
    txn.commit().await?;
    Ok((to_domain(row)?, announced))
}

/// A forgotten password replaced through its one-time link: the link is
/// used (once: `None` when it was used meanwhile or lapsed), the flag of a
/// password set by someone else falls, every session of hers and her
/// calendar address end, in one transaction, and every process is told.
pub async fn reset_password(
    db: &Writer,
    id: Uuid,
    token_hash: &str,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<Option<(User, Announced)>, RepoError> {
    let txn = begin_write(db).await?;
    if !crate::mail::use_reset(&txn, token_hash, id, now).await? {
        return Ok(None);
    }
    let current = find_row(&txn, id).await?;
    if !current.active {
        return Ok(None);
    }
    replace_own_password(&txn, current, password_hash, now).await?;
    crate::sessions::delete_all_of_user(&txn, id).await?;
    // A sign-in begun with the old password cannot be finished with a code.
    mfa_challenges::Entity::delete_many()
        .filter(mfa_challenges::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    calendar_feeds::revoke(&txn, id).await?;
    let announced = announce(&txn, Revoked::User(id)).await?;
    let row = find_row(&txn, id).await?;
    txn.commit().await?;
    Ok(Some((to_domain(row)?, announced)))
}

/// Every link a forgotten password sent `id`, used or not.
async fn forget_reset_links(txn: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    password_resets::Entity::delete_many()
        .filter(password_resets::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Her password replaced by herself: the flag of a password set by
/// someone else falls, and her version moves on.
async fn replace_own_password(
    txn: &impl ConnectionTrait,
    current: users::Model,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let id = current.id;
    let version = current.version;
    let mut row: users::ActiveModel = current.into();
    row.password_hash = Set(password_hash);
    row.must_change_password = Set(false);
    row.version = Set(version + 1);
    row.updated_at = Set(now);
    users::Entity::update_many()
        .set(row)
        .filter(users::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The password hash of a user, to check her current password.
pub async fn password_hash(db: &impl ConnectionTrait, id: Uuid) -> Result<String, RepoError> {
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|row| row.password_hash)
        .ok_or(RepoError::NotFound)
}

/// Whether any user exists besides `email`.
pub async fn any_besides(db: &impl ConnectionTrait, email: &str) -> Result<bool, DbErr> {
    Ok(users::Entity::find()
        .filter(users::Column::Email.ne(email))
        .count(db)
        .await?
        > 0)
}
