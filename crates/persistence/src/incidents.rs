//! Incidents and informations préoccupantes.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::incident::{Concern, Incident, IncidentCategory, IncidentChanges};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use crate::RepoError;
use crate::entities::{concern_children, concerns, incidents};
use crate::need_to_know::Reader;
use crate::versioned::Versioned;

fn incident(row: incidents::Model) -> Result<Incident, DbErr> {
    Ok(Incident {
        id: row.id,
        occurred_at: row.occurred_at,
        category: row
            .category
            .parse()
            .map_err(|_| DbErr::Custom("a stored incident category is not valid".into()))?,
        description: row.description,
        family_id: row.family_id,
        measures_taken: row.measures_taken,
        declared_by: row.declared_by,
        authority_notified_at: row.authority_notified_at,
        // Every row has one since the upgrade to sites.
        site_id: row.site_id.unwrap_or(crate::sites::NEW_ROWS_SITE),
        version: row.version,
        created_at: row.created_at,
    })
}

/// An incident to write, already checked.
#[derive(Debug, Clone)]
pub struct NewIncident {
    pub occurred_at: DateTime<Utc>,
    pub category: IncidentCategory,
    pub description: String,
    pub family_id: Option<Uuid>,
    pub measures_taken: String,
    pub declared_by: Uuid,
    /// The day, in the centre's time zone, its report falls due.
    pub report_due_on: NaiveDate,
    pub site_id: Uuid,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewIncident,
    now: DateTime<Utc>,
) -> Result<Incident, DbErr> {
    let row = incidents::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(new.occurred_at),
        category: Set(new.category.as_str().to_owned()),
        description: Set(new.description),
        family_id: Set(new.family_id),
        measures_taken: Set(new.measures_taken),
        declared_by: Set(new.declared_by),
        authority_notified_at: Set(None),
        report_due_on: Set(Some(new.report_due_on)),
        site_id: Set(Some(new.site_id)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    incident(row)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Incident, RepoError> {
    let row = crate::row_by_id::<incidents::Entity>(db, id).await?;
    Ok(incident(row)?)
}

/// The incidents `reader` reads: those of her sites; a staff member's
/// only those she declared that name no family or a family she
/// accompanies now.
fn seen_by(reader: Reader) -> Condition {
    let mut seen = Condition::all().add(reader.sites(incidents::Column::SiteId));
    if let Reader::Accompanying { user_id, .. } = reader {
        seen = seen.add(incidents::Column::DeclaredBy.eq(user_id)).add(
            Condition::any()
                .add(incidents::Column::FamilyId.is_null())
                .add(reader.of_families(incidents::Column::FamilyId)),
        );
    }
    seen
}

/// The incidents `reader` reads ([`seen_by`]), newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    reader: Reader,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Incident>, DbErr> {
    use sea_orm::QuerySelect;
    let mut query = incidents::Entity::find()
        .filter(seen_by(reader))
        .order_by_desc(incidents::Column::Id);
    if let Some(before) = before {
        query = query.filter(incidents::Column::Id.lt(before));
    }
    query
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(incident)
        .collect()
}

/// The incidents not yet reported to the authority that `reader` reads
/// ([`seen_by`]).
pub async fn unreported(db: &impl ConnectionTrait, reader: Reader) -> Result<Vec<Incident>, DbErr> {
    incidents::Entity::find()
        .filter(seen_by(reader))
        .filter(incidents::Column::AuthorityNotifiedAt.is_null())
        .order_by_asc(incidents::Column::OccurredAt)
        .all(db)
        .await?
        .into_iter()
        .map(incident)
        .collect()
}

pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    changes: IncidentChanges,
    now: DateTime<Utc>,
) -> Result<Incident, RepoError> {
    let current = find(db, id).await?;
    let mut row = <incidents::ActiveModel as Default>::default();
    if let Some(description) = changes.description {
        row.description = Set(description);
    }
    if let Some(measures) = changes.measures_taken {
        row.measures_taken = Set(measures);
    }
    if let Some(at) = changes.authority_notified_at {
        row.authority_notified_at = Set(Some(at));
    }
    Versioned::<incidents::Entity>::new(id, current.version, expected_version, now)
        .apply(db, row, Condition::all(), RepoError::from)
        .await?;
    find(db, id).await
}

/// A concern to write, already checked.
#[derive(Debug, Clone)]
pub struct NewConcern {
    pub family_id: Uuid,
    pub child_ids: Vec<Uuid>,
    pub summary: String,
    pub transmitted_on: NaiveDate,
    pub transmitted_to: String,
    pub created_by: Uuid,
}

pub async fn insert_concern(
    db: &impl ConnectionTrait,
    new: NewConcern,
    now: DateTime<Utc>,
) -> Result<Concern, DbErr> {
    let id = Uuid::now_v7();
    concerns::ActiveModel {
        id: Set(id),
        family_id: Set(new.family_id),
        summary: Set(new.summary.clone()),
        transmitted_on: Set(new.transmitted_on),
        transmitted_to: Set(new.transmitted_to.clone()),
        created_by: Set(new.created_by),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    for child_id in &new.child_ids {
        concern_children::ActiveModel {
            concern_id: Set(id),
            child_id: Set(*child_id),
        }
        .insert(db)
        .await?;
    }
    Ok(Concern {
        id,
        family_id: new.family_id,
        child_ids: new.child_ids,
        summary: new.summary,
        transmitted_on: new.transmitted_on,
        transmitted_to: new.transmitted_to,
        created_by: new.created_by,
        created_at: now,
    })
}

/// The family's concerns, newest first.
pub async fn concerns_of(
    db: &impl ConnectionTrait,
    family_id: Uuid,
) -> Result<Vec<Concern>, DbErr> {
    let rows = concerns::Entity::find()
        .filter(concerns::Column::FamilyId.eq(family_id))
        .order_by_desc(concerns::Column::TransmittedOn)
        .order_by_desc(concerns::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for link in concern_children::Entity::find()
        .filter(concern_children::Column::ConcernId.is_in(ids))
        .order_by_asc(concern_children::Column::ChildId)
        .all(db)
        .await?
    {
        children
            .entry(link.concern_id)
            .or_default()
            .push(link.child_id);
    }
    Ok(rows
        .into_iter()
        .map(|row| Concern {
            id: row.id,
            family_id: row.family_id,
            child_ids: children.remove(&row.id).unwrap_or_default(),
            summary: row.summary,
            transmitted_on: row.transmitted_on,
            transmitted_to: row.transmitted_to,
            created_by: row.created_by,
            created_at: row.created_at,
        })
        .collect())
}

/// How many informations préoccupantes were transmitted between two days.
pub async fn concerns_between(
    db: &impl ConnectionTrait,
    scope: &crate::sites::Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    concerns::Entity::find()
        .filter(concerns::Column::TransmittedOn.between(from, to))
        .filter(scope.families(concerns::Column::FamilyId))
        .count(db)
        .await
}
