//! The sites of the installation.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use nido_domain::Conflict;
use nido_domain::site::{FIRST_SITE, Site};
use sea_orm::sea_query::{IntoCondition, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{sites, user_sites};
use crate::versioned::Versioned;
use crate::{RepoError, Rule, Writer, begin_write};

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

/// A new site's row: `site`'s fields under `id`, at version 1.
fn new_row(id: Uuid, site: &Site, now: DateTime<Utc>) -> sites::ActiveModel {
    sites::ActiveModel {
        id: Set(id),
        name: Set(site.name.clone()),
        address: Set(site.address.clone()),
        director: Set(site.director.clone()),
        authorized_places: Set(i32::try_from(site.authorized_places).unwrap_or(i32::MAX)),
        daily_rate_cents: Set(site.daily_rate_cents),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
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
    let inserted = sites::Entity::insert(new_row(FIRST_SITE, seed, now))
        .on_conflict(
            OnConflict::column(sites::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// Writes a new site (`site.id` its id); a name another site has is
/// `SiteNameTaken`.
pub async fn insert(
    db: &impl ConnectionTrait,
    site: &Site,
    now: DateTime<Utc>,
) -> Result<Site, RepoError> {
    let row = sites::Entity::insert(new_row(site.id, site, now))
        .exec_with_returning(db)
        .await
        .map_err(|err| RepoError::on_constraint(err, &NAME_RULES))?;
    Ok(to_domain(row))
}

/// Writes a new site and makes `member` (the admin who makes it) belong
/// to it, in one transaction; a name another site has is `SiteNameTaken`
/// and writes nothing.
pub async fn create(
    db: &Writer,
    site: &Site,
    member: Uuid,
    now: DateTime<Utc>,
) -> Result<Site, RepoError> {
    let txn = begin_write(db).await?;
    let made = insert(&txn, site, now).await?;
    add_member(&txn, member, made.id).await?;
    txn.commit().await?;
    Ok(made)
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

/// The sites `user_id` belongs to, in id order.
pub async fn of_user(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<Uuid>, DbErr> {
    user_sites::Entity::find()
        .select_only()
        .column(user_sites::Column::SiteId)
        .filter(user_sites::Column::UserId.eq(user_id))
        .order_by_asc(user_sites::Column::SiteId)
        .into_tuple()
        .all(db)
        .await
}

/// The sites each of `user_ids` belongs to, in id order (one query).
pub async fn of_users(
    db: &impl ConnectionTrait,
    user_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, DbErr> {
    let rows: Vec<(Uuid, Uuid)> = user_sites::Entity::find()
        .select_only()
        .column(user_sites::Column::UserId)
        .column(user_sites::Column::SiteId)
        .filter(user_sites::Column::UserId.is_in(user_ids.iter().copied()))
        .order_by_asc(user_sites::Column::SiteId)
        .into_tuple()
        .all(db)
        .await?;
    let mut sites: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (user_id, site_id) in rows {
        sites.entry(user_id).or_default().push(site_id);
    }
    Ok(sites)
}

/// Which of `ids` are sites.
pub async fn existing(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Uuid>, DbErr> {
    sites::Entity::find()
        .select_only()
        .column(sites::Column::Id)
        .filter(sites::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
}

/// `user_id` belongs to `site_id` too (nothing when she does already).
pub async fn add_member(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    site_id: Uuid,
) -> Result<(), DbErr> {
    user_sites::Entity::insert(user_sites::ActiveModel {
        user_id: Set(user_id),
        site_id: Set(site_id),
    })
    .on_conflict(
        OnConflict::columns([user_sites::Column::UserId, user_sites::Column::SiteId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// `user_id` belongs to `site_ids` and to no other site (inside the
/// transaction that writes the account).
pub(crate) async fn set_of_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    site_ids: &[Uuid],
) -> Result<(), DbErr> {
    user_sites::Entity::delete_many()
        .filter(user_sites::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if site_ids.is_empty() {
        return Ok(());
    }
    let rows = site_ids.iter().map(|&site_id| user_sites::ActiveModel {
        user_id: Set(user_id),
        site_id: Set(site_id),
    });
    user_sites::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Whether `user_id` belongs to every site of the installation (then her
/// reads need no condition on the sites).
pub async fn belongs_everywhere(db: &impl ConnectionTrait, user_id: Uuid) -> Result<bool, DbErr> {
    use sea_orm::PaginatorTrait;
    let elsewhere = sites::Entity::find()
        .filter(sites::Column::Id.not_in_subquery(crate::need_to_know::sites_of(user_id)))
        .count(db)
        .await?;
    Ok(elsewhere == 0)
}

/// Which sites' records a report counts: every site's (no condition, the
/// plans of an installation of one site), or these sites' only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Every,
    Only(Vec<Uuid>),
}

impl Scope {
    /// `site` (a site id column) is one of the scope's.
    pub fn sites(&self, site: impl ColumnTrait) -> Condition {
        match self {
            Scope::Every => Condition::all(),
            Scope::Only(ids) => site.is_in(ids.clone()).into_condition(),
        }
    }

    /// The ids of the families of the scope's sites, for `IN`.
    fn family_ids(ids: &[Uuid]) -> sea_orm::sea_query::SelectStatement {
        sea_orm::sea_query::Query::select()
            .column(crate::entities::families::Column::Id)
            .from(crate::entities::families::Entity)
            .and_where(crate::entities::families::Column::SiteId.is_in(ids.to_vec()))
            .to_owned()
    }

    /// `family_id` (a family id column) names a family of the scope's sites.
    pub fn families(&self, family_id: impl ColumnTrait) -> Condition {
        match self {
            Scope::Every => Condition::all(),
            Scope::Only(ids) => family_id
                .in_subquery(Self::family_ids(ids))
                .into_condition(),
        }
    }
}

/// The accounts that belong to one of `site_ids`, and the families of
/// those sites (every file, closed ones too): whose entries of the audit
/// log an admin of those sites reads.
pub async fn members_and_families(
    db: &impl ConnectionTrait,
    site_ids: &[Uuid],
) -> Result<(Vec<Uuid>, Vec<Uuid>), DbErr> {
    use crate::entities::families;
    let mut members: Vec<Uuid> = user_sites::Entity::find()
        .select_only()
        .column(user_sites::Column::UserId)
        .filter(user_sites::Column::SiteId.is_in(site_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    members.sort_unstable();
    members.dedup();
    let families: Vec<Uuid> = families::Entity::find()
        .select_only()
        .column(families::Column::Id)
        .filter(families::Column::SiteId.is_in(site_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok((members, families))
}
