//! Property tests of the date arithmetic (periods and the cap, a child's age
//! in whole months, a rent prorated by day) against an independent
//! computation: plain year/month/day arithmetic written here, sharing no
//! code with chrono's month addition.

use chrono::{Datelike, NaiveDate};
use nido_domain::calendar::{add_months_clamped, third_birthday};
use nido_domain::creche::age_in_months;
use nido_domain::housing::prorated_cents;
use nido_domain::placement::{
    ChildBirth, DeadlineStatus, Period, RenewalRefusal, deadline, first_period, is_eligible,
    latest_end_on, next_period, period_ends_on,
};
use proptest::prelude::*;

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month, day) + months, clamped to the month's last day.
fn oracle_add_months(date: (i32, u32, u32), months: u32) -> (i32, u32, u32) {
    let (year, month, day) = date;
    let index = year * 12 + (month as i32 - 1) + months as i32;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    (year, month, day.min(days_in_month(year, month)))
}

fn oracle_previous_day(date: (i32, u32, u32)) -> (i32, u32, u32) {
    match date {
        (year, 1, 1) => (year - 1, 12, 31),
        (year, month, 1) => (year, month - 1, days_in_month(year, month - 1)),
        (year, month, day) => (year, month, day - 1),
    }
}

fn oracle_next_day(date: (i32, u32, u32)) -> (i32, u32, u32) {
    match date {
        (year, 12, 31) => (year + 1, 1, 1),
        (year, month, day) if day == days_in_month(year, month) => (year, month + 1, 1),
        (year, month, day) => (year, month, day + 1),
    }
}

fn parts(date: NaiveDate) -> (i32, u32, u32) {
    (date.year(), date.month(), date.day())
}

fn make(date: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.0, date.1, date.2).expect("the oracle makes valid dates")
}

/// Dates from 1900 to 2200, with month ends and 29 February well represented.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    (
        1900i32..2200,
        1u32..=12,
        prop_oneof![1u32..=28, Just(29), Just(30), Just(31)],
    )
        .prop_map(|(year, month, day)| make((year, month, day.min(days_in_month(year, month)))))
}

fn oracle_period_end(start: NaiveDate, cap: Option<NaiveDate>) -> NaiveDate {
    let full = make(oracle_previous_day(oracle_add_months(parts(start), 6)));
    cap.map_or(full, |cap| full.min(cap))
}

/// The day before the third birthday, by hand.
fn oracle_cap(birth: NaiveDate) -> NaiveDate {
    make(oracle_previous_day(oracle_add_months(parts(birth), 36)))
}

/// `days` days before `date`, one day at a time.
fn oracle_days_before(date: NaiveDate, days: u64) -> NaiveDate {
    let mut day = parts(date);
    for _ in 0..days {
        day = oracle_previous_day(day);
    }
    make(day)
}

/// `days` days after `date`, one day at a time.
fn oracle_days_after(date: NaiveDate, days: u64) -> NaiveDate {
    let mut day = parts(date);
    for _ in 0..days {
        day = oracle_next_day(day);
    }
    make(day)
}

/// When a child's mother is admitted, relative to the child's birth: any
/// day of the three years and a little more, the last 95 days before the
/// third birthday explicitly (where the cap cuts the first period short)
/// and the first days after it, or before an expected birth; in days.
#[derive(Debug, Clone, Copy)]
enum Admission {
    AfterBirth(u64),
    /// Negative: after the cap.
    BeforeCap(i64),
    BeforeBirth(u64),
}

impl Admission {
    fn day(self, birth: NaiveDate) -> NaiveDate {
        match self {
            Admission::AfterBirth(days) => oracle_days_after(birth, days),
            Admission::BeforeCap(days) if days < 0 => {
                oracle_days_after(oracle_cap(birth), days.unsigned_abs())
            }
            Admission::BeforeCap(days) => {
                oracle_days_before(oracle_cap(birth), days.unsigned_abs())
            }
            Admission::BeforeBirth(days) => oracle_days_before(birth, days),
        }
    }
}

/// The most months that, added to `birth` by hand, do not pass `on`,
/// counted one month at a time (`on` not before `birth`).
fn oracle_age_in_months(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut months = 0;
    while oracle_add_months(parts(birth), months + 1) <= parts(on) {
        months += 1;
    }
    months
}

/// `monthly` × (days in range ÷ days in their month), summed day by day as
/// an exact fraction, then rounded to the nearest cent, half up.
fn oracle_prorated(monthly: i64, from: NaiveDate, days: u64) -> i64 {
    fn gcd(a: i128, b: i128) -> i128 {
        if b == 0 { a.abs() } else { gcd(b, a % b) }
    }
    let (mut numerator, mut denominator) = (0i128, 1i128);
    let mut day = parts(from);
    for _ in 0..days {
        let length = i128::from(days_in_month(day.0, day.1));
        numerator = numerator * length + i128::from(monthly) * denominator;
        denominator *= length;
        let common = gcd(numerator, denominator).max(1);
        (numerator, denominator) = (numerator / common, denominator / common);
        day = oracle_next_day(day);
    }
    i64::try_from((2 * numerator + denominator).div_euclid(2 * denominator)).expect("cents")
}

fn any_admission() -> impl Strategy<Value = Admission> {
    prop_oneof![
        (0u64..1200).prop_map(Admission::AfterBirth),
        (-3i64..95).prop_map(Admission::BeforeCap),
        (0u64..200).prop_map(Admission::BeforeBirth),
    ]
}

proptest! {
    #[test]
    fn adding_months_matches_plain_arithmetic(date in any_date(), months in 0u32..=60) {
        prop_assert_eq!(parts(add_months_clamped(date, months)), oracle_add_months(parts(date), months));
    }

    #[test]
    fn the_third_birthday_is_36_months_later(birth in any_date()) {
        prop_assert_eq!(parts(third_birthday(birth)), oracle_add_months(parts(birth), 36));
    }

    #[test]
    fn a_childs_age_is_the_most_whole_months_since_birth_and_negative_before(
        birth in any_date(),
        days in prop_oneof![0u64..100, 0u64..1200],
        before in any::<bool>(),
    ) {
        if before {
            let on = oracle_days_before(birth, days + 1);
            prop_assert!(age_in_months(birth, on) < 0, "{birth} → {on}");
        } else {
            let on = oracle_days_after(birth, days);
            let age = i32::try_from(oracle_age_in_months(birth, on)).expect("months");
            prop_assert_eq!(age_in_months(birth, on), age, "{} → {}", birth, on);
        }
    }

    #[test]
    fn a_rent_prorated_by_day_is_the_sum_of_each_days_share_of_its_month(
        monthly in prop_oneof![0i64..100, 0i64..2_000_000],
        from in any_date(),
        days in prop_oneof![1u64..62, 1u64..800],
    ) {
        let to = oracle_days_after(from, days - 1);
        prop_assert_eq!(prorated_cents(monthly, from, to), oracle_prorated(monthly, from, days));
    }

    #[test]
    fn a_period_ends_six_months_later_less_a_day_or_at_the_cap(
        start in any_date(),
        cap_offset in proptest::option::of(0i64..400),
    ) {
        let cap = cap_offset.map(|days| start + chrono::Days::new(days as u64));
        prop_assert_eq!(period_ends_on(start, cap), oracle_period_end(start, cap));
    }

    #[test]
    fn renewals_are_contiguous_capped_and_stop_exactly_at_the_cap(
        birth in any_date(),
        admission in any_admission(),
        expected in any::<bool>(),
    ) {
        let child = if expected { ChildBirth::Expected(birth) } else { ChildBirth::Born(birth) };
        let children = [child];
        let admitted_on = admission.day(birth);
        let cap = oracle_cap(birth);
        // Eligible until the day before the third birthday, that day included.
        let eligible = admitted_on <= cap;
        prop_assert_eq!(is_eligible(&children, admitted_on), eligible);
        prop_assume!(eligible);
        prop_assert_eq!(latest_end_on(&children), Some(cap));

        let mut current = first_period(admitted_on, Some(cap));
        prop_assert_eq!(current.starts_on, admitted_on);
        let mut count = 1;
        loop {
            prop_assert!(current.ends_on >= current.starts_on);
            prop_assert_eq!(current.ends_on, oracle_period_end(current.starts_on, Some(cap)));
            let renewed = next_period(&current, current.number, Some(cap));
            if current.ends_on < cap {
                let next = renewed.expect("renewable before the cap");
                prop_assert_eq!(parts(next.starts_on), oracle_next_day(parts(current.ends_on)));
                prop_assert_eq!(next.number, current.number + 1);
                current = next;
                count += 1;
            } else {
                prop_assert_eq!(current.ends_on, cap, "the last period ends on the cap");
                prop_assert_eq!(renewed, Err(RenewalRefusal::CapReached));
                break;
            }
            // 36 months fit in 7 periods; admitted up to 200 days before
            // the birth, in 8.
            let most = if admitted_on < birth { 8 } else { 7 };
            prop_assert!(count <= most, "{count} periods");
        }
        prop_assert_eq!(
            next_period(&current, current.number - 1, Some(cap)),
            Err(RenewalRefusal::StalePeriod)
        );
    }

    #[test]
    fn a_recorded_birth_applies_to_later_renewals_only(
        expected in any_date(),
        shift in -60i64..60,
        admission in prop_oneof![
            (0u64..200).prop_map(Admission::BeforeBirth),
            (0i64..300).prop_map(Admission::BeforeCap),
        ],
    ) {
        let born = if shift < 0 {
            oracle_days_before(expected, shift.unsigned_abs())
        } else {
            oracle_days_after(expected, shift.unsigned_abs())
        };
        let admitted_on = admission.day(expected);
        let before = [ChildBirth::Expected(expected)];
        let after = [ChildBirth::Born(born)];
        // The current period, as it was written under the expected date.
        let current = Period {
            number: 1,
            starts_on: admitted_on,
            ends_on: oracle_period_end(admitted_on, Some(oracle_cap(expected))),
        };
        prop_assert_eq!(first_period(admitted_on, latest_end_on(&before)), current);
        let new_cap = oracle_cap(born);
        prop_assert_eq!(latest_end_on(&after), Some(new_cap));
        let renewed = next_period(&current, 1, Some(new_cap));
        if current.ends_on < new_cap {
            let starts_on = make(oracle_next_day(parts(current.ends_on)));
            let expected_next = Period {
                number: 2,
                starts_on,
                ends_on: oracle_period_end(starts_on, Some(new_cap)),
            };
            prop_assert_eq!(renewed, Ok(expected_next));
        } else {
            prop_assert_eq!(renewed, Err(RenewalRefusal::CapReached));
        }
    }

    #[test]
    fn deadlines_match_their_definitions(
        start in any_date(),
        as_of_offset in -400i64..400,
        lead in 0u32..90,
        cap_offset in proptest::option::of(prop_oneof![-3i64..=3, -400i64..400]),
    ) {
        let ends_on = oracle_period_end(start, None);
        let current = Period { number: 1, starts_on: start, ends_on };
        let as_of = ends_on + chrono::TimeDelta::days(as_of_offset);
        // A cap before the end, on it, or after it (which leaves it renewable).
        let cap = cap_offset.map(|days| ends_on + chrono::TimeDelta::days(days));
        let computed = deadline(&current, cap, as_of, lead);
        prop_assert_eq!(computed.days_remaining, -as_of_offset);
        let mut due = oracle_next_day(parts(current.ends_on));
        for _ in 0..lead {
            due = oracle_previous_day(due);
        }
        prop_assert_eq!(parts(computed.report_due_on), due);
        let expected_status = if as_of > current.ends_on {
            DeadlineStatus::Overdue
        } else if as_of >= make(due) {
            DeadlineStatus::ReportDue
        } else {
            DeadlineStatus::Upcoming
        };
        prop_assert_eq!(computed.status, expected_status);
        let renewable = match cap_offset {
            None => true,
            Some(days) => days > 0,
        };
        prop_assert_eq!(computed.renewable, renewable);
    }
}
