//! Where a family lives: the housing stock (landlords, units and the
//! leases that make them the centre's), changed by admins and read by
//! admins and coordinators, and the moves into its apartments.

use chrono::{DateTime, NaiveDate, Utc};
use nido_domain::calendar::day_before;
use nido_domain::family::Family;
use nido_domain::housing::{
    self as rules, DateSpan, Landlord, LandlordFields, LandlordInput, Lease, LeaseFields,
    LeaseInput, Occupancy, Unit, UnitFields, UnitInput,
};
use nido_domain::placement::PlacementStatus;
use nido_domain::{Conflict, Email, Role};
use nido_domain::{Refusal, refusal};
use nido_persistence::housing;
use nido_persistence::{
    ConnectionTrait, RepoError, begin_write, families, is_contention, occupancies, placements,
};
use uuid::Uuid;

use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds, optional_text};

/// Who changes the housing stock (landlords, units, leases): admins. The
/// API's gate, the pages and the use cases all ask this.
pub const EDITORS: &[Role] = &[Role::Admin];

/// Who reads the housing stock and its reports, and moves a family from
/// one unit to another: admins and coordinators (*chefs de service*).
pub const READERS: &[Role] = &[Role::Admin, Role::Coordinator];

/// The unit, if it houses the families of one of the caller's sites
/// (another site's is not found).
async fn visible_unit(cases: &Cases, caller: &Caller, unit_id: Uuid) -> CaseResult<Unit> {
    let unit = housing::find_unit(&cases.db, unit_id).await?;
    if crate::sites::caller_in(&cases.db, caller, unit.site_id).await? {
        Ok(unit)
    } else {
        Err(CaseError::NotFound)
    }
}

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
    // A unit houses its own site's families only.
    match housing::find_unit(txn, unit_id).await {
        Ok(unit) if unit.site_id == family.site_id => {}
        Ok(_) | Err(RepoError::NotFound) => {
            return Err(CaseError::invalid("unit_id", Refusal::NoSuchUnit));
        }
        Err(err) => return Err(err.into()),
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
    crate::families::in_callers_sites(&txn, caller, &family).await?;
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
    input: LeaseInput,
) -> CaseResult<Lease> {
    caller.require(EDITORS)?;
    visible_unit(cases, caller, unit_id).await?;
    let fields = lease_fields(input)?;
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
    input: LeaseInput,
) -> CaseResult<Lease> {
    caller.require(EDITORS)?;
    let lease = housing::find_lease(&cases.db, lease_id).await?;
    visible_unit(cases, caller, lease.unit_id).await?;
    let fields = lease_fields(input)?;
    let txn = begin_write(&cases.writer).await?;
    let lease = housing::update_lease(&txn, lease_id, expected_version, fields, cases.now())
        .await
        .map_err(overlap_when_contended)?;
    txn.commit().await?;
    Ok(lease)
}

/// A lease's bounds: amounts from 0 to [`rules::LEASE_AMOUNT_MAX_CENTS`],
/// an end not before the start.
fn lease_fields(input: LeaseInput) -> CaseResult<LeaseFields> {
    let mut invalid = Invalid::default();
    for (field, cents) in [
        ("deposit_cents", input.deposit_cents),
        ("monthly_charges_cents", input.monthly_charges_cents),
        ("monthly_rent_cents", input.monthly_rent_cents),
    ] {
        bounds::number(
            &mut invalid,
            field,
            cents,
            0,
            rules::LEASE_AMOUNT_MAX_CENTS,
            refusal::Unit::Cents,
        );
    }
    if input.ends_on.is_some_and(|end| end < input.starts_on) {
        invalid.add("ends_on", Refusal::LeaseEndsBeforeStart);
    }
    invalid.finish()?;
    Ok(LeaseFields {
        span: DateSpan::new(input.starts_on, input.ends_on),
        monthly_rent_cents: input.monthly_rent_cents,
        monthly_charges_cents: input.monthly_charges_cents,
        deposit_cents: input.deposit_cents,
    })
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
    input: LandlordInput,
) -> CaseResult<Landlord> {
    caller.require(EDITORS)?;
    let fields = landlord_fields(input, true)?;
    Ok(housing::insert_landlord(&cases.writer, fields, cases.now()).await?)
}

/// Changes a landlord (admins).
pub async fn update_landlord(
    cases: &Cases,
    caller: &Caller,
    landlord_id: Uuid,
    expected_version: Option<i32>,
    input: LandlordInput,
) -> CaseResult<Landlord> {
    caller.require(EDITORS)?;
    let fields = landlord_fields(input, false)?;
    Ok(housing::update_landlord(
        &cases.writer,
        landlord_id,
        expected_version,
        fields,
        cases.now(),
    )
    .await?)
}

/// A landlord's bounds, every refusal at once; `creating` requires the
/// name and the kind. An empty optional text clears it.
fn landlord_fields(input: LandlordInput, creating: bool) -> CaseResult<LandlordFields> {
    let mut invalid = Invalid::default();
    if let Some(name) = &input.name {
        bounds::text(&mut invalid, "name", name, 1, rules::LANDLORD_NAME_MAX);
    }
    let optional = [
        (
            "contact_name",
            &input.contact_name,
            rules::LANDLORD_CONTACT_NAME_MAX,
        ),
        ("phone", &input.phone, rules::LANDLORD_PHONE_MAX),
        ("address", &input.address, rules::LANDLORD_ADDRESS_MAX),
    ];
    for (field, text, max) in optional {
        bounds::optional_text(&mut invalid, field, text.as_deref(), max);
    }
    if creating {
        if input.name.is_none() {
            invalid.add("name", Refusal::Required);
        }
        if input.kind.is_none() {
            invalid.add("kind", Refusal::Required);
        }
    }
    let email = match input.email.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(raw) => invalid
            .check("email", Email::parse(raw))
            .map(|email| Some(email.as_str().to_owned())),
    };
    invalid.finish()?;
    let clearable = |value: Option<String>| value.map(|text| optional_text(Some(&text)));
    Ok(LandlordFields {
        name: input.name.map(|name| name.trim().to_owned()),
        kind: input.kind,
        contact_name: clearable(input.contact_name),
        phone: clearable(input.phone),
        email,
        address: clearable(input.address),
    })
}

/// A unit's bounds and its landlord, every refusal at once; `creating`
/// requires every field.
async fn unit_fields(cases: &Cases, input: UnitInput, creating: bool) -> CaseResult<UnitFields> {
    let mut invalid = Invalid::default();
    let texts = [
        ("label", &input.label, rules::UNIT_LABEL_MAX),
        ("street", &input.street, rules::UNIT_STREET_MAX),
        (
            "postal_code",
            &input.postal_code,
            rules::UNIT_POSTAL_CODE_MAX,
        ),
        ("city", &input.city, rules::UNIT_CITY_MAX),
    ];
    for (field, text, max) in texts {
        if let Some(text) = text {
            bounds::text(&mut invalid, field, text, 1, max);
        }
    }
    if input
        .surface_m2
        .is_some_and(|surface| !(surface > 0.0 && surface <= rules::UNIT_SURFACE_M2_MAX))
    {
        invalid.add(
            "surface_m2",
            Refusal::Surface {
                max: rules::UNIT_SURFACE_M2_MAX as i64,
            },
        );
    }
    if let Some(capacity) = input.capacity {
        bounds::number(
            &mut invalid,
            "capacity",
            i64::from(capacity),
            rules::UNIT_CAPACITY_MIN,
            rules::UNIT_CAPACITY_MAX,
            refusal::Unit::Occupants,
        );
    }
    if creating {
        let present = [
            ("landlord_id", input.landlord_id.is_some()),
            ("label", input.label.is_some()),
            ("street", input.street.is_some()),
            ("postal_code", input.postal_code.is_some()),
            ("city", input.city.is_some()),
            ("typology", input.typology.is_some()),
            ("surface_m2", input.surface_m2.is_some()),
            ("capacity", input.capacity.is_some()),
        ];
        for (field, _) in present.iter().filter(|(_, present)| !present) {
            invalid.add(*field, Refusal::Required);
        }
    }
    if let Some(landlord_id) = input.landlord_id {
        match housing::find_landlord(&cases.db, landlord_id).await {
            Ok(_) => {}
            Err(RepoError::NotFound) => invalid.add("landlord_id", Refusal::NoSuchLandlord),
            Err(err) => return Err(err.into()),
        }
    }
    invalid.finish()?;
    let trimmed = |value: Option<String>| value.map(|text| text.trim().to_owned());
    Ok(UnitFields {
        landlord_id: input.landlord_id,
        label: trimmed(input.label),
        street: trimmed(input.street),
        postal_code: trimmed(input.postal_code),
        city: trimmed(input.city),
        typology: input.typology,
        surface_m2: input.surface_m2,
        capacity: input.capacity,
    })
}

/// Adds a housing unit (admins).
pub async fn add_unit(cases: &Cases, caller: &Caller, input: UnitInput) -> CaseResult<Unit> {
    caller.require(EDITORS)?;
    let mut invalid = Invalid::default();
    let site_id =
        crate::sites::for_new_record(cases, caller, &mut invalid, "site_id", input.site_id).await?;
    invalid.finish()?;
    let site_id = site_id.ok_or(CaseError::Invalid(Vec::new()))?;
    let fields = unit_fields(cases, input, true).await?;
    Ok(housing::insert_unit(&cases.writer, site_id, fields, cases.now()).await?)
}

/// Changes a housing unit (admins).
pub async fn update_unit(
    cases: &Cases,
    caller: &Caller,
    unit_id: Uuid,
    expected_version: Option<i32>,
    input: UnitInput,
) -> CaseResult<Unit> {
    caller.require(EDITORS)?;
    let unit = visible_unit(cases, caller, unit_id).await?;
    if input.site_id.is_some_and(|site| site != unit.site_id) {
        return Err(CaseError::invalid("site_id", Refusal::UnitStaysInItsSite));
    }
    let fields = unit_fields(cases, input, false).await?;
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
    let reader = crate::families::site_reader(&cases.db, caller).await?;
    Ok(housing::list_units(&cases.db, reader, after, limit).await?)
}

/// One housing unit (admins, coordinators).
pub async fn unit(cases: &Cases, caller: &Caller, unit_id: Uuid) -> CaseResult<Unit> {
    caller.require(READERS)?;
    visible_unit(cases, caller, unit_id).await
}

/// Every lease of a unit, oldest first (admins, coordinators): a unit has
/// a handful, so the caller pages them itself.
pub async fn leases_of_unit(
    cases: &Cases,
    caller: &Caller,
    unit_id: Uuid,
) -> CaseResult<Vec<Lease>> {
    caller.require(READERS)?;
    visible_unit(cases, caller, unit_id).await?;
    Ok(housing::leases_of(&cases.db, unit_id).await?)
}

/// One lease (admins, coordinators).
pub async fn lease(cases: &Cases, caller: &Caller, lease_id: Uuid) -> CaseResult<Lease> {
    caller.require(READERS)?;
    let lease = housing::find_lease(&cases.db, lease_id).await?;
    visible_unit(cases, caller, lease.unit_id).await?;
    Ok(lease)
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
    visible_unit(cases, caller, unit_id).await?;
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
    let reader = crate::families::site_reader(&cases.db, caller).await?;
    Ok(HousingStock {
        landlords: housing::all_landlords(&cases.db).await?,
        units: housing::all_units(&cases.db, reader).await?,
        leases: housing::all_leases(&cases.db, reader).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusals<T: std::fmt::Debug>(result: CaseResult<T>) -> Vec<(String, String)> {
        match result {
            Err(CaseError::Invalid(errors)) => errors
                .into_iter()
                .map(|error| (error.field, error.refusal.english()))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_landlord_is_refused_every_bound_at_once_in_the_apis_words() {
        let input = LandlordInput {
            name: Some("   ".to_owned()),
            phone: Some("0".repeat(41)),
            email: Some("nobody".to_owned()),
            ..LandlordInput::default()
        };
        let refused = refusals(landlord_fields(input, true));
        let fields: Vec<&str> = refused.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(fields, ["email", "kind", "name", "phone"], "{refused:?}");
        assert!(refused.contains(&("name".to_owned(), "must not be blank".to_owned())));
        assert!(refused.contains(&(
            "phone".to_owned(),
            "must be at most 40 characters".to_owned()
        )));
    }

    #[test]
    fn a_landlord_change_clears_an_empty_optional_text_and_trims_the_name() {
        let input = LandlordInput {
            name: Some(" Valophis ".to_owned()),
            phone: Some(String::new()),
            email: Some(" ".to_owned()),
            ..LandlordInput::default()
        };
        let Ok(fields) = landlord_fields(input, false) else {
            panic!("accepted");
        };
        assert_eq!(fields.name.as_deref(), Some("Valophis"));
        assert_eq!(fields.phone, Some(None));
        assert_eq!(fields.email, Some(None));
        assert_eq!(fields.address, None, "an absent field stays as it is");
    }

    #[test]
    fn a_lease_keeps_its_amounts_in_bounds_and_ends_after_it_starts() {
        let day = |raw: &str| raw.parse::<NaiveDate>().expect("a day");
        let input = LeaseInput {
            starts_on: day("2026-01-01"),
            ends_on: Some(day("2025-12-31")),
            monthly_rent_cents: -1,
            monthly_charges_cents: 0,
            deposit_cents: rules::LEASE_AMOUNT_MAX_CENTS + 1,
        };
        assert_eq!(
            refusals(lease_fields(input)),
            [
                ("deposit_cents", "must be 0 to 10000000 cents"),
                ("ends_on", "must not be before starts_on"),
                ("monthly_rent_cents", "must be 0 to 10000000 cents"),
            ]
            .map(|(field, message)| (field.to_owned(), message.to_owned()))
        );
    }
}
