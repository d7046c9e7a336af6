//! The append-only audit log: who read or wrote which family's data, when.
//! On SQLite it has its own database file; on PostgreSQL its inserts skip
//! waiting for the disk (`synchronous_commit = off`), so that logging every
//! read does not cap reads at the disk's flush rate.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::audit_log;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub user_id: Uuid,
    /// What was done, e.g. `family.read`, `placement.renew`.
    pub action: String,
    pub family_id: Option<Uuid>,
    /// The resource path, ids only.
    pub resource: String,
}

fn entry(
    at: DateTime<Utc>,
    user_id: Uuid,
    action: &str,
    family_id: Option<Uuid>,
    resource: &str,
) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        at: Set(at),
        user_id: Set(user_id),
        action: Set(action.chars().take(60).collect()),
        family_id: Set(family_id),
        resource: Set(resource.chars().take(200).collect()),
    }
}

/// Appends one entry; returns once it is written.
pub async fn record(
    db: &DatabaseConnection,
    at: DateTime<Utc>,
    user_id: Uuid,
    action: &str,
    family_id: Option<Uuid>,
    resource: &str,
) -> Result<(), DbErr> {
    insert(db, vec![entry(at, user_id, action, family_id, resource)]).await
}

/// Appends one entry per family, in one write.
pub async fn record_many(
    db: &DatabaseConnection,
    at: DateTime<Utc>,
    user_id: Uuid,
    action: &str,
    family_ids: &[Uuid],
    resource: &str,
) -> Result<(), DbErr> {
    let rows = family_ids
        .iter()
        .map(|family_id| entry(at, user_id, action, Some(*family_id), resource))
        .collect();
    insert(db, rows).await
}

async fn insert(db: &DatabaseConnection, rows: Vec<audit_log::ActiveModel>) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let txn = db.begin().await?;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared("SET LOCAL synchronous_commit = off")
            .await?;
    }
    audit_log::Entity::insert_many(rows)
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// What `GET /audit` filters on; `before` is the pagination cursor.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub family_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub before: Option<Uuid>,
}

/// Entries newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: AuditFilter,
    limit: u64,
) -> Result<Vec<AuditEntry>, DbErr> {
    let mut query = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let Some(family_id) = filter.family_id {
        query = query.filter(audit_log::Column::FamilyId.eq(family_id));
    }
    if let Some(user_id) = filter.user_id {
        query = query.filter(audit_log::Column::UserId.eq(user_id));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::Column::At.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::Column::At.lte(to));
    }
    if let Some(before) = filter.before {
        query = query.filter(audit_log::Column::Id.lt(before));
    }
    Ok(query
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|row| AuditEntry {
            id: row.id,
            at: row.at,
            user_id: row.user_id,
            action: row.action,
            family_id: row.family_id,
            resource: row.resource,
        })
        .collect())
}
