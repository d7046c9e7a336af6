//! Landlords, units and leases.

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::housing::{
    DateSpan, Landlord, LandlordFields, Lease, LeaseFields, Unit, UnitFields,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{landlords, leases, units};
use crate::need_to_know::Reader;
use crate::versioned::Versioned;
use crate::{RepoError, Rule};
use nido_domain::Conflict;
use sea_orm::sea_query::Query;

fn corrupt(table: &str, id: Uuid) -> DbErr {
    DbErr::Custom(format!("{table} row {id}: invalid value"))
}

fn landlord(row: landlords::Model) -> Result<Landlord, DbErr> {
    Ok(Landlord {
        id: row.id,
        name: row.name,
        kind: row.kind.parse().map_err(|_| corrupt("landlords", row.id))?,
        contact_name: row.contact_name,
        phone: row.phone,
        email: row.email,
        address: row.address,
        version: row.version,
    })
}

fn unit(row: units::Model) -> Result<Unit, DbErr> {
    Ok(Unit {
        id: row.id,
        landlord_id: row.landlord_id,
        label: row.label,
        street: row.street,
        postal_code: row.postal_code,
        city: row.city,
        typology: row.typology.parse().map_err(|_| corrupt("units", row.id))?,
        surface_m2: row.surface_m2,
        capacity: row.capacity,
        // Every row has one since the upgrade to sites.
        site_id: row.site_id.unwrap_or(crate::sites::NEW_ROWS_SITE),
        version: row.version,
    })
}

/// The leases of the units of the sites `reader` reads.
fn leases_seen(reader: Reader) -> Condition {
    Condition::all().add(
        leases::Column::UnitId.in_subquery(
            Query::select()
                .column(units::Column::Id)
                .from(units::Entity)
                .cond_where(reader.sites(units::Column::SiteId))
                .to_owned(),
        ),
    )
}

fn lease(row: leases::Model) -> Lease {
    Lease {
        id: row.id,
        unit_id: row.unit_id,
        span: DateSpan::new(row.starts_on, row.ends_on),
        monthly_rent_cents: row.monthly_rent_cents,
        monthly_charges_cents: row.monthly_charges_cents,
        deposit_cents: row.deposit_cents,
        version: row.version,
    }
}

fn apply_landlord(row: &mut landlords::ActiveModel, fields: LandlordFields) {
    if let Some(value) = fields.name {
        row.name = Set(value);
    }
    if let Some(value) = fields.kind {
        row.kind = Set(value.as_str().to_owned());
    }
    if let Some(value) = fields.contact_name {
        row.contact_name = Set(value);
    }
    if let Some(value) = fields.phone {
        row.phone = Set(value);
    }
    if let Some(value) = fields.email {
        row.email = Set(value);
    }
    if let Some(value) = fields.address {
        row.address = Set(value);
    }
}

/// Creates a landlord; `fields.name` and `fields.kind` are required.
pub async fn insert_landlord(
    db: &impl ConnectionTrait,
    fields: LandlordFields,
    now: DateTime<Utc>,
) -> Result<Landlord, DbErr> {
    let mut row = landlords::ActiveModel {
        id: Set(Uuid::now_v7()),
        contact_name: Set(None),
        phone: Set(None),
        email: Set(None),
        address: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_landlord(&mut row, fields);
    landlord(
        landlords::Entity::insert(row)
            .exec_with_returning(db)
            .await?,
    )
}

pub async fn find_landlord(db: &impl ConnectionTrait, id: Uuid) -> Result<Landlord, RepoError> {
    let row = crate::row_by_id::<landlords::Entity>(db, id).await?;
    Ok(landlord(row)?)
}

pub async fn list_landlords(
    db: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Landlord>, DbErr> {
    let mut query = landlords::Entity::find().order_by_asc(landlords::Column::Id);
    if let Some(after) = after {
        query = query.filter(landlords::Column::Id.gt(after));
    }
    query
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(landlord)
        .collect()
}

pub async fn update_landlord(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    fields: LandlordFields,
    now: DateTime<Utc>,
) -> Result<Landlord, RepoError> {
    let current = find_landlord(db, id).await?;
    let mut row = landlords::ActiveModel::default();
    apply_landlord(&mut row, fields);
    Versioned::<landlords::Entity>::new(id, current.version, expected_version, now)
        .apply(db, row, Condition::all(), RepoError::from)
        .await?;
    find_landlord(db, id).await
}

fn apply_unit(row: &mut units::ActiveModel, fields: UnitFields) {
    if let Some(value) = fields.landlord_id {
        row.landlord_id = Set(value);
    }
    if let Some(value) = fields.label {
        row.label = Set(value);
    }
    if let Some(value) = fields.street {
        row.street = Set(value);
    }
    if let Some(value) = fields.postal_code {
        row.postal_code = Set(value);
    }
    if let Some(value) = fields.city {
        row.city = Set(value);
    }
    if let Some(value) = fields.typology {
        row.typology = Set(value.as_str().to_owned());
    }
    if let Some(value) = fields.surface_m2 {
        row.surface_m2 = Set(value);
    }
    if let Some(value) = fields.capacity {
        row.capacity = Set(value);
    }
}

/// Creates a unit of `site_id`; every field is required.
pub async fn insert_unit(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    fields: UnitFields,
    now: DateTime<Utc>,
) -> Result<Unit, DbErr> {
    let mut row = units::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(Some(site_id)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_unit(&mut row, fields);
    unit(units::Entity::insert(row).exec_with_returning(db).await?)
}

pub async fn find_unit(db: &impl ConnectionTrait, id: Uuid) -> Result<Unit, RepoError> {
    let row = crate::row_by_id::<units::Entity>(db, id).await?;
    Ok(unit(row)?)
}

/// The units of the sites `reader` reads, in creation order after `after`.
pub async fn list_units(
    db: &impl ConnectionTrait,
    reader: Reader,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Unit>, DbErr> {
    let mut query = units::Entity::find()
        .filter(reader.sites(units::Column::SiteId))
        .order_by_asc(units::Column::Id);
    if let Some(after) = after {
        query = query.filter(units::Column::Id.gt(after));
    }
    query
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(unit)
        .collect()
}

pub async fn update_unit(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    fields: UnitFields,
    now: DateTime<Utc>,
) -> Result<Unit, RepoError> {
    let current = find_unit(db, id).await?;
    let mut row = units::ActiveModel::default();
    apply_unit(&mut row, fields);
    Versioned::<units::Entity>::new(id, current.version, expected_version, now)
        .apply(db, row, Condition::all(), RepoError::from)
        .await?;
    find_unit(db, id).await
}

/// The unit's leases, oldest first.
pub async fn leases_of(db: &impl ConnectionTrait, unit_id: Uuid) -> Result<Vec<Lease>, DbErr> {
    Ok(leases::Entity::find()
        .filter(leases::Column::UnitId.eq(unit_id))
        .order_by_asc(leases::Column::StartsOn)
        .all(db)
        .await?
        .into_iter()
        .map(lease)
        .collect())
}

/// The leases of the units of the sites `reader` reads.
pub async fn all_leases(db: &impl ConnectionTrait, reader: Reader) -> Result<Vec<Lease>, DbErr> {
    Ok(leases::Entity::find()
        .filter(leases_seen(reader))
        .all(db)
        .await?
        .into_iter()
        .map(lease)
        .collect())
}

/// The units of the sites `reader` reads.
pub async fn all_units(db: &impl ConnectionTrait, reader: Reader) -> Result<Vec<Unit>, DbErr> {
    units::Entity::find()
        .filter(reader.sites(units::Column::SiteId))
        .order_by_asc(units::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(unit)
        .collect()
}

pub async fn all_landlords(db: &impl ConnectionTrait) -> Result<Vec<Landlord>, DbErr> {
    landlords::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(landlord)
        .collect()
}

pub async fn find_lease(db: &impl ConnectionTrait, id: Uuid) -> Result<Lease, RepoError> {
    let row = crate::row_by_id::<leases::Entity>(db, id).await?;
    Ok(lease(row))
}

/// Overlapping leases: PostgreSQL's exclusion constraint, SQLite's trigger.
const LEASE_RULES: [Rule; 1] = [(&["leases_no_overlap"], Conflict::LeaseOverlap)];

/// Refuses a span that overlaps another lease of the unit. Call inside a
/// write transaction: on SQLite it holds the lock, on PostgreSQL the
/// exclusion constraint backs it.
async fn check_no_overlap(
    db: &impl ConnectionTrait,
    unit_id: Uuid,
    span: DateSpan,
    except: Option<Uuid>,
) -> Result<(), RepoError> {
    let clash = leases_of(db, unit_id)
        .await?
        .into_iter()
        .filter(|other| Some(other.id) != except)
        .any(|other| other.span.overlaps(&span));
    if clash {
        return Err(RepoError::Conflict(Conflict::LeaseOverlap));
    }
    Ok(())
}

pub async fn insert_lease(
    db: &impl ConnectionTrait,
    unit_id: Uuid,
    fields: LeaseFields,
    now: DateTime<Utc>,
) -> Result<Lease, RepoError> {
    check_no_overlap(db, unit_id, fields.span, None).await?;
    let row = leases::ActiveModel {
        id: Set(Uuid::now_v7()),
        unit_id: Set(unit_id),
        starts_on: Set(fields.span.start),
        ends_on: Set(fields.span.end),
        monthly_rent_cents: Set(fields.monthly_rent_cents),
        monthly_charges_cents: Set(fields.monthly_charges_cents),
        deposit_cents: Set(fields.deposit_cents),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let row = leases::Entity::insert(row)
        .exec_with_returning(db)
        .await
        .map_err(|err| RepoError::on_constraint(err, &LEASE_RULES))?;
    Ok(lease(row))
}

pub async fn update_lease(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: Option<i32>,
    fields: LeaseFields,
    now: DateTime<Utc>,
) -> Result<Lease, RepoError> {
    let current = find_lease(db, id).await?;
    let update = Versioned::<leases::Entity>::new(id, current.version, expected_version, now);
    update.check()?;
    check_no_overlap(db, current.unit_id, fields.span, Some(id)).await?;
    let row = leases::ActiveModel {
        starts_on: Set(fields.span.start),
        ends_on: Set(fields.span.end),
        monthly_rent_cents: Set(fields.monthly_rent_cents),
        monthly_charges_cents: Set(fields.monthly_charges_cents),
        deposit_cents: Set(fields.deposit_cents),
        ..Default::default()
    };
    update
        .apply(db, row, Condition::all(), |err| {
            RepoError::on_constraint(err, &LEASE_RULES)
        })
        .await?;
    find_lease(db, id).await
}

/// Leases of the units of the sites `reader` reads whose end falls in
/// `[from, to]`.
pub async fn leases_ending(
    db: &impl ConnectionTrait,
    reader: Reader,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Lease>, DbErr> {
    Ok(leases::Entity::find()
        .filter(leases_seen(reader))
        .filter(leases::Column::EndsOn.gte(from))
        .filter(leases::Column::EndsOn.lte(to))
        .order_by_asc(leases::Column::EndsOn)
        .all(db)
        .await?
        .into_iter()
        .map(lease)
        .collect())
}
