//! Referrals (*orientations*): pending ones, oldest first, are the waiting list.

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::family::{Referral, ReferralDetails, ReferralStatus};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use crate::entities::referrals;
use crate::row_by_id;
use crate::{RepoError, Rule};
use nido_domain::Conflict;

/// The referrals `query` selects, in its order.
async fn all(
    db: &impl ConnectionTrait,
    query: Select<referrals::Entity>,
) -> Result<Vec<Referral>, DbErr> {
    query.all(db).await?.into_iter().map(to_domain).collect()
}

/// A referral to record: its family, its checked details, who recorded it.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub family_id: Uuid,
    pub details: ReferralDetails,
    pub created_by: Uuid,
}

fn corrupt(id: Uuid, what: &str) -> DbErr {
    DbErr::Custom(format!("referrals row {id}: invalid {what}"))
}

fn to_domain(row: referrals::Model) -> Result<Referral, DbErr> {
    Ok(Referral {
        id: row.id,
        family_id: row.family_id,
        source: row.source.parse().map_err(|_| corrupt(row.id, "source"))?,
        eds: row.eds,
        referred_on: row.referred_on,
        referrer_name: row.referrer_name,
        referrer_contact: row.referrer_contact,
        reason: row.reason.parse().map_err(|_| corrupt(row.id, "reason"))?,
        reason_details: row.reason_details,
        status: row.status.parse().map_err(|_| corrupt(row.id, "status"))?,
        closed_reason: row.closed_reason,
        closed_at: row.closed_at,
        version: row.version,
        created_at: row.created_at,
    })
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewReferral,
    now: DateTime<Utc>,
) -> Result<Referral, RepoError> {
    let row = referrals::Entity::insert(referrals::ActiveModel {
        id: Set(Uuid::now_v7()),
        family_id: Set(new.family_id),
        source: Set(new.details.source.as_str().to_owned()),
        eds: Set(new.details.eds),
        referred_on: Set(new.details.referred_on),
        referrer_name: Set(new.details.referrer_name),
        referrer_contact: Set(new.details.referrer_contact),
        reason: Set(new.details.reason.as_str().to_owned()),
        reason_details: Set(new.details.reason_details),
        status: Set(ReferralStatus::Pending.as_str().to_owned()),
        closed_reason: Set(None),
        closed_at: Set(None),
        created_by: Set(new.created_by),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(db)
    .await
    .map_err(|err| RepoError::on_constraint(err, &PENDING_RULES))?;
    Ok(to_domain(row)?)
}

/// One pending referral per family (a partial unique index).
const PENDING_RULES: [Rule; 1] = [(
    &["referrals_one_pending_per_family", "referrals.family_id"],
    Conflict::ReferralPending,
)];

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Referral, RepoError> {
    let row = row_by_id::<referrals::Entity>(db, id).await?;
    Ok(to_domain(row)?)
}

/// Referrals oldest first (by `referred_on`, then id), after the position
/// `after`; with `status`, only those.
pub async fn list(
    db: &impl ConnectionTrait,
    reader: crate::need_to_know::Reader,
    status: Option<ReferralStatus>,
    after: Option<(NaiveDate, Uuid)>,
    limit: u64,
) -> Result<Vec<Referral>, DbErr> {
    let mut query = referrals::Entity::find()
        .filter(reader.of_families(referrals::Column::FamilyId))
        .order_by_asc(referrals::Column::ReferredOn)
        .order_by_asc(referrals::Column::Id);
    if let Some(status) = status {
        query = query.filter(referrals::Column::Status.eq(status.as_str()));
    }
    if let Some((referred_on, id)) = after {
        query = query.filter(
            Condition::any()
                .add(referrals::Column::ReferredOn.gt(referred_on))
                .add(
                    Condition::all()
                        .add(referrals::Column::ReferredOn.eq(referred_on))
                        .add(referrals::Column::Id.gt(id)),
                ),
        );
    }
    all(db, query.limit(limit)).await
}

/// The family's referrals, oldest first.
pub async fn for_family(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<Referral>, DbErr> {
    let query = referrals::Entity::find()
        .filter(referrals::Column::FamilyId.eq(family_id))
        .order_by_asc(referrals::Column::Id);
    all(db, query).await
}

/// Moves a pending referral to `status`. Only a pending referral moves: the
/// `WHERE` says so, so two racing decisions cannot both apply.
pub async fn close(
    db: &impl ConnectionTrait,
    id: Uuid,
    status: ReferralStatus,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<Referral, RepoError> {
    let current = row_by_id::<referrals::Entity>(db, id).await?;
    let result = referrals::Entity::update_many()
        .set(referrals::ActiveModel {
            status: Set(status.as_str().to_owned()),
            closed_reason: Set(reason),
            closed_at: Set(Some(now)),
            version: Set(current.version + 1),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(referrals::Column::Id.eq(id))
        .filter(referrals::Column::Status.eq(ReferralStatus::Pending.as_str()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(RepoError::Conflict(Conflict::ReferralNotPending));
    }
    find(db, id).await
}

/// The referrals received between two days, both included.
pub async fn referred_between(
    db: &impl ConnectionTrait,
    scope: &crate::sites::Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Referral>, DbErr> {
    let query = referrals::Entity::find()
        .filter(referrals::Column::ReferredOn.between(from, to))
        .filter(scope.families(referrals::Column::FamilyId))
        .order_by_asc(referrals::Column::ReferredOn)
        .order_by_asc(referrals::Column::Id);
    all(db, query).await
}

/// These referrals, by id.
pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<std::collections::HashMap<Uuid, Referral>, DbErr> {
    referrals::Entity::find()
        .filter(referrals::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|row| to_domain(row).map(|referral| (referral.id, referral)))
        .collect()
}

/// Which of these families have a pending referral.
pub async fn pending_among(
    db: &impl ConnectionTrait,
    family_ids: Vec<Uuid>,
) -> Result<std::collections::HashSet<Uuid>, DbErr> {
    let ids: Vec<Uuid> = referrals::Entity::find()
        .select_only()
        .column(referrals::Column::FamilyId)
        .filter(referrals::Column::FamilyId.is_in(family_ids))
        .filter(referrals::Column::Status.eq(ReferralStatus::Pending.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}
