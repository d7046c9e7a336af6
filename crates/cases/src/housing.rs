//! Where a family lives: the housing stock (landlords, units and the
//! leases that make them the centre's), changed by admins and read by
//! admins and coordinators, and the moves into its apartments.

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::Refusal;
use nido_domain::calendar::day_before;
use nido_domain::family::{Family, PlacementStatus};
use nido_domain::housing::{Landlord, Lease, Occupancy, Unit};
use nido_domain::{Conflict, Role};
use nido_persistence::housing;
use nido_persistence::{
    ConnectionTrait, RepoError, begin_write, families, is_contention, occupancies, placements,
};
use uuid::Uuid;

use crate::{Caller, CaseError, CaseResult, Cases};

pub use nido_persistence::housing::{LandlordFields, LeaseFields, UnitFields};

/// Who changes the housing stock (landlords, units, leases): admins. The
/// API's gate, the pages and the use cases all ask this.
pub const EDITORS: &[Role] = &[Role::Admin];

/// Who reads the housing stock and its reports, and moves a family from
/// one unit to another: admins and coordinators (*chefs de service*).
pub const READERS: &[Role] = &[Role::Admin, Role::Coordinator];

/// Moves the family of `placement_id` into `unit_id` from `on`, ending its
/// current occupancy the day before. A step of a larger operation: call it
/// inside that operation's write transaction.
pub(crate) async fn move_into(
    txn: &impl ConnectionTrait,
    placement_id: Uuid,
    family: &Family,
    unit_id: Uuid,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> CaseResult<Occupancy> {
    if let Some(current) = occupancies::open_of_placement(txn, placement_id).await? {
        if on <= current.span.start {
            return Err(CaseError::invalid("on", Refusal::MoveBeforeCurrentUnit));
        }
        occupancies::end(txn, current.id, day_before(on)).await?;
    }
    occupancies::start(txn, placement_id, unit_id, on, family.persons_on(on), now)
        .await
        .map_err(|err| match err {
            RepoError::NotFound => CaseError::invalid("unit_id", Refusal::NoSuchUnit),
            // PostgreSQL may settle two moves racing for one unit with a
            // deadlock between its unique index and its exclusion
            // constraint rather than a violation: the loser is told the
            // unit is taken.
            RepoError::Db(db) if is_contention(&db) => CaseError::Conflict(Conflict::UnitOccupied),
            other => other.into(),
        })
}

/// A move (*déménagement*): the family of a placement leaves its apartment
/// the night before `on` and lives in `unit_id` from `on` (coordinators,
/// admins).
pub async fn move_family(
    cases: &Cases,
    caller: &Caller,
    placement_id: Uuid,
    unit_id: Uuid,
    on: NaiveDate,
) -> CaseResult<Occupancy> {
    caller.require(READERS)?;
    let txn = begin_write(&cases.writer).await?;
    let placement = placements::find(&txn, placement_id).await?;
    if placement.status != PlacementStatus::Active {
        return Err(CaseError::Conflict(Conflict::PlacementEnded));
    }
    if on < placement.admitted_on {
        return Err(CaseError::invalid("on", Refusal::MoveBeforeAdmission));
    }
    let family = families::find(&txn, placement.family_id).await?;
    let occupancy = move_into(&txn, placement_id, &family, unit_id, on, cases.now()).await?;
    txn.commit().await?;
    let resource = format!("/placements/{placement_id}/move");
    cases
        .audit(caller, "placement.move", Some(family.id), &resource)
        .await?;
    Ok(occupancy)
}

/// Adds a lease to a unit (admins). Leases of one unit never overlap: the
/// check and the write share one transaction, and the database backs it.
pub async fn add_lease(
    cases: &Cases,
    caller: &Caller,
    unit_id: Uuid,
    fields: LeaseFields,
) -> CaseResult<Lease> {
    caller.require(EDITORS)?;
    housing::find_unit(&cases.db, unit_id).await?;
    let txn = begin_write(&cases.writer).await?;
    let lease = housing::insert_lease(&txn, unit_id, fields, cases.now())
        .await
        .map_err(overlap_when_contended)?;
    txn.commit().await?;
    Ok(lease)
}

/// Rewrites a lease (admins), under the same rule.
pub async fn update_lease(
    cases: &Cases,
    caller: &Caller,
    lease_id: Uuid,
    expected_version: Option<i32>,
    fields: LeaseFields,
) -> CaseResult<Lease> {
    caller.require(EDITORS)?;
    housing::find_lease(&cases.db, lease_id).await?;
    let txn = begin_write(&cases.writer).await?;
    let lease = housing::update_lease(&txn, lease_id, expected_version, fields, cases.now())
        .await
        .map_err(overlap_when_contended)?;
    txn.commit().await?;
    Ok(lease)
}

/// PostgreSQL may settle two overlapping leases written at once with a
/// deadlock between their exclusion-constraint checks rather than a
/// violation: the loser is told of the overlap, not of a server error.
fn overlap_when_contended(err: RepoError) -> CaseError {
    match err {
        RepoError::Db(db) if is_contention(&db) => CaseError::Conflict(Conflict::LeaseOverlap),
        other => other.into(),
    }
}

/// Adds a landlord (admins).
pub async fn add_landlord(
    cases: &Cases,
    caller: &Caller,
    fields: LandlordFields,
) -> CaseResult<Landlord> {
    caller.require(EDITORS)?;
    Ok(housing::insert_landlord(&cases.writer, fields, cases.now()).await?)
}

/// Changes a landlord (admins).
pub async fn update_landlord(
    cases: &Cases,
    caller: &Caller,
    landlord_id: Uuid,
    expected_version: Option<i32>,
    fields: LandlordFields,
) -> CaseResult<Landlord> {
    caller.require(EDITORS)?;
    Ok(housing::update_landlord(
        &cases.writer,
        landlord_id,
        expected_version,
        fields,
        cases.now(),
    )
    .await?)
}

/// Adds a housing unit (admins).
pub async fn add_unit(cases: &Cases, caller: &Caller, fields: UnitFields) -> CaseResult<Unit> {
    caller.require(EDITORS)?;
    Ok(housing::insert_unit(&cases.writer, fields, cases.now()).await?)
}

/// Changes a housing unit (admins).
pub async fn update_unit(
    cases: &Cases,
    caller: &Caller,
    unit_id: Uuid,
    expected_version: Option<i32>,
    fields: UnitFields,
) -> CaseResult<Unit> {
    caller.require(EDITORS)?;
    Ok(housing::update_unit(
        &cases.writer,
        unit_id,
        expected_version,
        fields,
        cases.now(),
    )
    .await?)
}

/// A page of landlords: `limit` of them after `after`, in creation order
/// (admins, coordinators).
pub async fn landlords(
    cases: &Cases,
    caller: &Caller,
    after: Option<Uuid>,
    limit: u64,
) -> CaseResult<Vec<Landlord>> {
    caller.require(READERS)?;
    Ok(housing::list_landlords(&cases.db, after, limit).await?)
}

/// One landlord (admins, coordinators).
pub async fn landlord(cases: &Cases, caller: &Caller, landlord_id: Uuid) -> CaseResult<Landlord> {
    caller.require(READERS)?;
    Ok(housing::find_landlord(&cases.db, landlord_id).await?)
}

/// A page of housing units: `limit` of them after `after`, in creation
/// order (admins, coordinators).
pub async fn units(
    cases: &Cases,
    caller: &Caller,
    after: Option<Uuid>,
    limit: u64,
) -> CaseResult<Vec<Unit>> {
    caller.require(READERS)?;
    Ok(housing::list_units(&cases.db, after, limit).await?)
}

/// One housing unit (admins, coordinators).
pub async fn unit(cases: &Cases, caller: &Caller, unit_id: Uuid) -> CaseResult<Unit> {
    caller.require(READERS)?;
    Ok(housing::find_unit(&cases.db, unit_id).await?)
}

/// Every lease of a unit, oldest first (admins, coordinators): a unit has
/// a handful, so the caller pages them itself.
pub async fn leases_of_unit(
    cases: &Cases,
    caller: &Caller,
    unit_id: Uuid,
) -> CaseResult<Vec<Lease>> {
    caller.require(READERS)?;
    housing::find_unit(&cases.db, unit_id).await?;
    Ok(housing::leases_of(&cases.db, unit_id).await?)
}

/// One lease (admins, coordinators).
pub async fn lease(cases: &Cases, caller: &Caller, lease_id: Uuid) -> CaseResult<Lease> {
    caller.require(READERS)?;
    Ok(housing::find_lease(&cases.db, lease_id).await?)
}

/// Who lived in a unit, and when, oldest first (admins, coordinators).
/// Audited as family data (`occupancy.list`, one entry naming the families
/// that lived there; none for a unit nobody ever lived in).
pub async fn occupancies_of_unit(
    cases: &Cases,
    caller: &Caller,
    unit_id: Uuid,
) -> CaseResult<Vec<Occupancy>> {
    caller.require(READERS)?;
    housing::find_unit(&cases.db, unit_id).await?;
    let occupancies = occupancies::of_unit(&cases.db, unit_id).await?;
    let families = occupancies.iter().map(|occupancy| occupancy.family_id);
    let resource = format!("/units/{unit_id}/occupancies");
    cases
        .audit_many(caller, "occupancy.list", families, &resource)
        .await?;
    Ok(occupancies)
}

/// The whole housing stock, as the admins' page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct HousingStock {
    pub landlords: Vec<Landlord>,
    pub units: Vec<Unit>,
    pub leases: Vec<Lease>,
}

/// Every landlord, unit and lease (admins, coordinators): a centre has a
/// few dozen apartments. No family in it, so no audit entry.
pub async fn stock(cases: &Cases, caller: &Caller) -> CaseResult<HousingStock> {
    caller.require(READERS)?;
    Ok(HousingStock {
        landlords: housing::all_landlords(&cases.db).await?,
        units: housing::all_units(&cases.db).await?,
        leases: housing::all_leases(&cases.db).await?,
    })
}
