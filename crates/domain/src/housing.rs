//! Housing (*logements*): the apartments the centre rents from private and
//! social landlords (*bailleurs sociaux*), their leases (*baux*), and the
//! arithmetic of vacancies and costs. Money is integer euro cents.

use chrono::{Datelike, Days, NaiveDate};
use uuid::Uuid;

use crate::calendar::add_months_clamped;

string_enum! {
    /// A private landlord (*particulier*) or a social landlord (*bailleur social*).
    LandlordKind { Private => "private", Social => "social" }
}

string_enum! {
    /// The size of an apartment, as French listings count rooms.
    Typology {
        Studio => "studio",
        T1 => "t1",
        T2 => "t2",
        T3 => "t3",
        T4Plus => "t4_plus",
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Landlord {
    pub id: Uuid,
    pub name: String,
    pub kind: LandlordKind,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub id: Uuid,
    pub landlord_id: Uuid,
    pub label: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub typology: Typology,
    pub surface_m2: f64,
    /// How many people may live there (the mother and her born children).
    pub capacity: i32,
    /// The site whose families it houses.
    pub site_id: Uuid,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub span: DateSpan,
    pub monthly_rent_cents: i64,
    pub monthly_charges_cents: i64,
    pub deposit_cents: i64,
    pub version: i32,
}

/// The longest landlord's name, in characters.
pub const LANDLORD_NAME_MAX: u64 = 200;
/// The longest name of a landlord's contact person.
pub const LANDLORD_CONTACT_NAME_MAX: u64 = 200;
/// The longest landlord's phone number.
pub const LANDLORD_PHONE_MAX: u64 = 40;
/// The longest landlord's postal address.
pub const LANDLORD_ADDRESS_MAX: u64 = 300;

/// A landlord as typed, to create (every field but the optional texts) or
/// to change (any field; an empty optional text clears it). Checked by
/// `nido_cases::housing` into [`LandlordFields`].
#[derive(Debug, Clone, Default)]
pub struct LandlordInput {
    pub name: Option<String>,
    pub kind: Option<LandlordKind>,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A landlord's fields to store, checked and trimmed: `None` leaves a field
/// as it is, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct LandlordFields {
    pub name: Option<String>,
    pub kind: Option<LandlordKind>,
    pub contact_name: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub address: Option<Option<String>>,
}

/// The longest unit's label (the way the team names it), in characters.
pub const UNIT_LABEL_MAX: u64 = 100;
/// The longest unit's street address.
pub const UNIT_STREET_MAX: u64 = 200;
/// The longest postal code.
pub const UNIT_POSTAL_CODE_MAX: u64 = 10;
/// The longest city name.
pub const UNIT_CITY_MAX: u64 = 100;
/// The largest surface of a unit, in m² (it must be more than 0).
pub const UNIT_SURFACE_M2_MAX: f64 = 1000.0;
/// The fewest people a unit houses.
pub const UNIT_CAPACITY_MIN: i64 = 1;
/// The most people a unit houses.
pub const UNIT_CAPACITY_MAX: i64 = 20;

/// A housing unit as typed, to create (every field) or change (any field).
/// Checked by `nido_cases::housing` into [`UnitFields`].
#[derive(Debug, Clone, Default)]
pub struct UnitInput {
    pub landlord_id: Option<Uuid>,
    pub label: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub typology: Option<Typology>,
    pub surface_m2: Option<f64>,
    pub capacity: Option<i32>,
    /// The site whose families it houses, at creation only: one of the
    /// admin's sites (absent: hers when she belongs to one).
    pub site_id: Option<Uuid>,
}

/// A unit's fields to store, checked and trimmed: `None` leaves a field as
/// it is.
#[derive(Debug, Clone, Default)]
pub struct UnitFields {
    pub landlord_id: Option<Uuid>,
    pub label: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub typology: Option<Typology>,
    pub surface_m2: Option<f64>,
    pub capacity: Option<i32>,
}

/// The largest monthly rent, monthly charges or deposit of a lease, in
/// cents (the smallest is 0).
pub const LEASE_AMOUNT_MAX_CENTS: i64 = 10_000_000;

/// A lease as typed (the whole lease, to create or rewrite it); amounts in
/// integer euro cents. Checked by `nido_cases::housing` into [`LeaseFields`].
#[derive(Debug, Clone, Copy)]
pub struct LeaseInput {
    pub starts_on: NaiveDate,
    /// `None` for a lease with no end date.
    pub ends_on: Option<NaiveDate>,
    pub monthly_rent_cents: i64,
    pub monthly_charges_cents: i64,
    pub deposit_cents: i64,
}

/// A lease's fields to store, checked.
#[derive(Debug, Clone, Copy)]
pub struct LeaseFields {
    pub span: DateSpan,
    pub monthly_rent_cents: i64,
    pub monthly_charges_cents: i64,
    pub deposit_cents: i64,
}

/// A placement living in a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occupancy {
    pub id: Uuid,
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub unit_id: Uuid,
    pub span: DateSpan,
}

/// An inclusive range of days; `end: None` runs on with no end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl DateSpan {
    pub fn new(start: NaiveDate, end: Option<NaiveDate>) -> Self {
        Self { start, end }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|end| day <= end)
    }

    pub fn overlaps(&self, other: &DateSpan) -> bool {
        let starts_before_other_ends = other.end.is_none_or(|end| self.start <= end);
        let other_starts_before_self_ends = self.end.is_none_or(|end| other.start <= end);
        starts_before_other_ends && other_starts_before_self_ends
    }

    /// The days both spans share, within `[from, to]`.
    pub fn clip(&self, from: NaiveDate, to: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let start = self.start.max(from);
        let end = self.end.map_or(to, |end| end.min(to));
        (start <= end).then_some((start, end))
    }
}

/// Days from `start` to `end`, both included.
pub fn days_inclusive(start: NaiveDate, end: NaiveDate) -> i64 {
    (end - start).num_days() + 1
}

fn days_in_month(day: NaiveDate) -> i64 {
    let first = day.with_day(1).unwrap_or(day);
    let next = add_months_clamped(first, 1);
    (next - first).num_days()
}

/// A monthly amount prorated by day over `[from, to]`: in each calendar month
/// the range touches, amount × days in range ÷ days in that month. The sum of
/// the exact fractions is rounded once, to the nearest cent (half up).
pub fn prorated_cents(monthly_cents: i64, from: NaiveDate, to: NaiveDate) -> i64 {
    if from > to {
        return 0;
    }
    // Exact sum as a fraction over the months' lengths: a ÷ 28, 29, 30, 31.
    // Their least common multiple keeps the arithmetic in integers.
    const LCM: i128 = 28 * 29 * 30 * 31 / 2;
    let mut numerator: i128 = 0;
    let mut day = from;
    while day <= to {
        let month_length = days_in_month(day);
        let month_end = day
            .with_day(1)
            .and_then(|first| first.checked_add_days(Days::new(month_length as u64 - 1)))
            .unwrap_or(to);
        let segment_end = month_end.min(to);
        let days = days_inclusive(day, segment_end);
        numerator +=
            i128::from(monthly_cents) * i128::from(days) * (LCM / i128::from(month_length));
        match segment_end.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    let rounded = (2 * numerator + LCM) / (2 * LCM);
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// Leased days, occupied days (within the lease) and prorated cost of one
/// lease over `[from, to]`.
pub fn lease_figures(
    lease: &Lease,
    occupancies: &[Occupancy],
    from: NaiveDate,
    to: NaiveDate,
) -> (i64, i64, i64) {
    let Some((start, end)) = lease.span.clip(from, to) else {
        return (0, 0, 0);
    };
    let leased = DateSpan::new(start, Some(end));
    let occupied: i64 = occupancies
        .iter()
        .filter(|occupancy| occupancy.unit_id == lease.unit_id)
        .filter_map(|occupancy| occupancy.span.clip(start, end))
        .map(|(a, b)| days_inclusive(a, b))
        .sum();
    let monthly = lease.monthly_rent_cents + lease.monthly_charges_cents;
    let leased_days = leased
        .end
        .map_or(0, |end| days_inclusive(leased.start, end));
    (leased_days, occupied, prorated_cents(monthly, start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().expect("date")
    }

    #[test]
    fn a_lease_over_february_counts_its_days_its_nights_lived_in_and_its_cost() {
        let unit_id = Uuid::nil();
        let lease = Lease {
            id: Uuid::nil(),
            unit_id,
            span: DateSpan::new(date("2026-02-10"), None),
            monthly_rent_cents: 52_000,
            monthly_charges_cents: 4_000,
            deposit_cents: 0,
            version: 1,
        };
        let stay = Occupancy {
            id: Uuid::nil(),
            placement_id: Uuid::nil(),
            family_id: Uuid::nil(),
            unit_id,
            span: DateSpan::new(date("2026-02-20"), Some(date("2026-03-05"))),
        };
        let (leased, occupied, cost) =
            lease_figures(&lease, &[stay], date("2026-02-01"), date("2026-02-28"));
        assert_eq!(leased, 19, "10 to 28 February");
        assert_eq!(occupied, 9, "20 to 28 February");
        assert_eq!(cost, 56_000 * 19 / 28, "rent and charges: 19 of 28 days");
    }

    #[test]
    fn a_whole_month_costs_the_monthly_amount_whatever_its_length() {
        for (from, to) in [
            ("2026-02-01", "2026-02-28"),
            ("2028-02-01", "2028-02-29"),
            ("2026-04-01", "2026-04-30"),
            ("2026-01-01", "2026-01-31"),
        ] {
            assert_eq!(
                prorated_cents(65_000, date(from), date(to)),
                65_000,
                "{from}"
            );
        }
    }

    #[test]
    fn part_of_a_month_costs_its_share_of_that_month() {
        // 28 days: 14 days are half.
        assert_eq!(
            prorated_cents(56_000, date("2026-02-01"), date("2026-02-14")),
            28_000
        );
        // 29 days (leap year): 1 day is 1/29.
        assert_eq!(
            prorated_cents(58_000, date("2028-02-29"), date("2028-02-29")),
            2_000
        );
        // 30 days: 10 days are a third.
        assert_eq!(
            prorated_cents(90_000, date("2026-06-11"), date("2026-06-20")),
            30_000
        );
        // 31 days: 1 day of 62,000 is 2,000.
        assert_eq!(
            prorated_cents(62_000, date("2026-03-31"), date("2026-03-31")),
            2_000
        );
    }

    #[test]
    fn a_range_across_months_adds_each_months_share() {
        // 31 Jan (1/31 of January) + all of February (28 days).
        assert_eq!(
            prorated_cents(62_000, date("2026-01-31"), date("2026-02-28")),
            2_000 + 62_000
        );
        // A day in a 30-day month and a day in a 31-day month.
        let cost = prorated_cents(93_000, date("2026-04-30"), date("2026-05-01"));
        assert_eq!(cost, 3_100 + 3_000);
        // Rounded once: a third of a cent does not accumulate.
        assert_eq!(
            prorated_cents(100, date("2026-06-01"), date("2026-06-10")),
            33
        );
        assert_eq!(
            prorated_cents(100, date("2026-06-01"), date("2026-06-20")),
            67
        );
        assert_eq!(prorated_cents(0, date("2026-06-01"), date("2026-06-20")), 0);
        assert_eq!(
            prorated_cents(100, date("2026-06-20"), date("2026-06-01")),
            0
        );
    }

    #[test]
    fn spans_overlap_when_they_share_a_day() {
        let lease = DateSpan::new(date("2026-01-01"), Some(date("2026-06-30")));
        assert!(lease.overlaps(&DateSpan::new(date("2026-06-30"), None)));
        assert!(!lease.overlaps(&DateSpan::new(date("2026-07-01"), None)));
        assert!(DateSpan::new(date("2020-01-01"), None).overlaps(&lease));
        assert!(lease.contains(date("2026-06-30")));
        assert!(!lease.contains(date("2025-12-31")));
        assert_eq!(
            lease.clip(date("2026-06-01"), date("2026-12-31")),
            Some((date("2026-06-01"), date("2026-06-30")))
        );
        assert_eq!(lease.clip(date("2026-07-01"), date("2026-12-31")), None);
    }
}
