//! Landlords, units and leases for the scale families.

use chrono::{Datelike, Days, NaiveDate};
use nido_domain::housing::{DateSpan, Landlord, LandlordKind, Lease, Typology, Unit};
use nido_persistence::bulk::Rows;
use uuid::Uuid;

use super::dice::{Dice, LANDLORD, UNIT};
use super::words::{CITIES, LAST_NAMES, SOCIAL_LANDLORDS, STREETS};
use crate::demo::days_before;

/// The units of the scale families. Family `i` lives in unit `i` (sized
/// for her); one unit more per ten families is where the families that
/// moved lived first (family `i` with `i % 10 == 3`, in spare `i / 10`),
/// empty since, some with a lease ending soon. `born_children` holds, for
/// each family in order, how many of her children are born (the size of
/// her home follows). Answers the homes, then the spares.
pub(super) fn housing(born_children: &[usize], today: NaiveDate, rows: &mut Rows) -> Homes {
    let spares = born_children.len() / 10 + 1;
    let units = born_children.len() + spares;
    let social = (units / 150).max(3);
    let private = (units / 300).max(2);
    for index in 0..social + private {
        let mut dice = Dice::for_item(LANDLORD, index);
        let (name, kind) = if index < social {
            let name = SOCIAL_LANDLORDS[index % SOCIAL_LANDLORDS.len()];
            let name = if index < SOCIAL_LANDLORDS.len() {
                name.to_owned()
            } else {
                format!("{name} ({})", index / SOCIAL_LANDLORDS.len() + 1)
            };
            (name, LandlordKind::Social)
        } else {
            let title = dice.pick(&["M.", "Mme"]);
            let name = format!("{title} {}", dice.pick(&LAST_NAMES));
            (name, LandlordKind::Private)
        };
        rows.landlords.push(Landlord {
            id: Uuid::now_v7(),
            name,
            kind,
            contact_name: Some("Service gestion locative".to_owned()),
            phone: Some("01 00 00 00 00".to_owned()),
            email: None,
            address: None,
            version: 1,
        });
    }
    let mut ids = Vec::with_capacity(units);
    for index in 0..units {
        let mut dice = Dice::for_item(UNIT, index);
        let home_of = born_children.get(index);
        let typology = match home_of {
            Some(born) if *born >= 2 => dice.pick(&[Typology::T2, Typology::T3]),
            Some(_) => dice.pick(&[Typology::Studio, Typology::T1, Typology::T1, Typology::T2]),
            // A spare holds any family: three persons at least.
            None => dice.pick(&[Typology::T1, Typology::T2, Typology::T3]),
        };
        let (surface, capacity, rent) = match typology {
            Typology::Studio => (20.0, 2, 50_000),
            Typology::T1 => (28.0, if home_of.is_some() { 2 } else { 3 }, 57_000),
            Typology::T2 => (40.0, 3, 67_000),
            Typology::T3 => (55.0, 4, 80_000),
            Typology::T4Plus => (70.0, 5, 95_000),
        };
        let rent = rent + 100 * dice.below(80) as i64;
        let (postal_code, city) = dice.pick(&CITIES);
        let street = format!("{} {}", 1 + dice.below(120), dice.pick(&STREETS));
        let id = Uuid::now_v7();
        rows.units.push(Unit {
            id,
            landlord_id: rows.landlords[index % rows.landlords.len()].id,
            label: format!(
                "{} {street}, logement S{}",
                typology.as_str().to_uppercase(),
                index + 1
            ),
            street,
            postal_code: postal_code.to_owned(),
            city: city.to_owned(),
            typology,
            surface_m2: surface + dice.below(60) as f64 / 10.0,
            capacity,
            site_id: nido_domain::site::FIRST_SITE,
            version: 1,
        });
        // Leased before any scale family came (stays are under three years).
        let signed = days_before(today, 1_100 + dice.below(1_800));
        let starts_on = signed.with_day0(0).unwrap_or(signed);
        let ends_on =
            (home_of.is_none() && dice.chance(5)).then(|| today + Days::new(10 + dice.below(80)));
        rows.leases.push(Lease {
            id: Uuid::now_v7(),
            unit_id: id,
            span: DateSpan::new(starts_on, ends_on),
            monthly_rent_cents: rent,
            monthly_charges_cents: rent / 8,
            deposit_cents: rent,
            version: 1,
        });
        ids.push(id);
    }
    let spares = ids.split_off(born_children.len());
    Homes { homes: ids, spares }
}

/// The units of the scale families: family `i` lives in `homes[i]`.
pub(super) struct Homes {
    pub(super) homes: Vec<Uuid>,
    pub(super) spares: Vec<Uuid>,
}
