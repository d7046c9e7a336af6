//! The sites of the installation.

use chrono::{DateTime, Utc};
use nido_domain::Conflict;
use nido_domain::site::{FIRST_SITE, Site};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, Condition, ConnectionTrait, DbErr, EntityTrait, QueryOrder};
use uuid::Uuid;

use crate::entities::sites;
use crate::versioned::Versioned;
use crate::{RepoError, Rule};

/// The site a new family, unit, workshop or incident belongs to: the
/// first, until users belong to sites and name theirs (docs/sites.md,
/// step 3).
pub const NEW_ROWS_SITE: Uuid = FIRST_SITE;

/// One site per name: PostgreSQL names the index, SQLite its column.
const NAME_RULES: [Rule; 1] = [(&["idx_sites_name", "sites.name"], Conflict::SiteNameTaken)];

/// A site's fields to write; `None` leaves one as it is.
#[derive(Debug, Clone, Default)]
pub struct SiteFields {
    pub name: Option<String>,
    pub address: Option<String>,
    pub director: Option<String>,
    pub authorized_places: Option<u32>,
    pub daily_rate_cents: Option<i64>,
}

fn to_domain(row: sites::Model) -> Site {
    Site {
        id: row.id,
        name: row.name,
        address: row.address,
        director: row.director,
        authorized_places: u32::try_from(row.authorized_places).unwrap_or(1),
        daily_rate_cents: row.daily_rate_cents,
        version: row.version,
    }
}

/// Makes the first site ([`FIRST_SITE`]) from `seed` unless it exists:
/// answers whether it was made now. Two instances starting at once make
/// it once.
pub async fn ensure_first(
    db: &impl ConnectionTrait,
    seed: &Site,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = sites::Entity::insert(sites::ActiveModel {
        id: Set(FIRST_SITE),
        name: Set(seed.name.clone()),
        address: Set(seed.address.clone()),
        director: Set(seed.director.clone()),
        authorized_places: Set(i32::try_from(seed.authorized_places).unwrap_or(i32::MAX)),
        daily_rate_cents: Set(seed.daily_rate_cents),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(sites::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted > 0)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Site, RepoError> {
    Ok(to_domain(crate::row_by_id::<sites::Entity>(db, id).await?))
}

/// Every site, by name.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Site>, DbErr> {
    Ok(sites::Entity::find()
        .order_by_asc(sites::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect())
}

/// Changes site `id` under optimistic locking (`StaleVersion`); a name
/// another site has is `SiteNameTaken`.
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    fields: SiteFields,
    now: DateTime<Utc>,
) -> Result<Site, RepoError> {
    let current = find(db, id).await?;
    let mut row = sites::ActiveModel::default();
    if let Some(name) = fields.name {
        row.name = Set(name);
    }
    if let Some(address) = fields.address {
        row.address = Set(address);
    }
    if let Some(director) = fields.director {
        row.director = Set(director);
    }
    if let Some(places) = fields.authorized_places {
        row.authorized_places = Set(i32::try_from(places).unwrap_or(i32::MAX));
    }
    if let Some(rate) = fields.daily_rate_cents {
        row.daily_rate_cents = Set(rate);
    }
    Versioned::<sites::Entity>::new(id, current.version, expected_version, now)
        .apply(db, row, Condition::all(), |err| {
            RepoError::on_constraint(err, &NAME_RULES)
        })
        .await?;
    find(db, id).await
}
