//! How the reports to the département count: days of presence and the
//! billing statement's amounts.

use chrono::NaiveDate;

use crate::housing::days_inclusive;

/// The days a placement is present within `[from, to]`, both included:
/// from `admitted_on` to `exited_on`, or to `today` while it is active (so a
/// month still running counts up to today, and a month to come counts 0).
/// A placement admitted and exited the same day is present that day.
pub fn days_present(
    admitted_on: NaiveDate,
    exited_on: Option<NaiveDate>,
    today: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> i64 {
    let last_day = exited_on.unwrap_or(today);
    let start = admitted_on.max(from);
    let end = last_day.min(to);
    if start > end {
        0
    } else {
        days_inclusive(start, end)
    }
}

/// A child's days within `[from, to]`: from the later of the admission and
/// her birth (an expected child counts none), to the exit or `today`.
pub fn child_days_present(
    admitted_on: NaiveDate,
    exited_on: Option<NaiveDate>,
    born_on: Option<NaiveDate>,
    today: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> i64 {
    born_on.map_or(0, |birth| {
        days_present(admitted_on.max(birth), exited_on, today, from, to)
    })
}

/// Family-days ÷ (places × days), with four decimals; 0 without places.
pub fn occupancy(family_days: i64, places: i64, days: i64) -> f64 {
    let offered = places.saturating_mul(days);
    if offered <= 0 {
        return 0.0;
    }
    (family_days as f64 / offered as f64 * 10_000.0).round() / 10_000.0
}

/// What the département owes for `days` at the prix de journée: days ×
/// the daily rate, in cents (saturating rather than wrapping).
pub fn amount_cents(days: i64, daily_rate_cents: i64) -> i64 {
    days.saturating_mul(daily_rate_cents)
}

#[cfg(test)]
mod tests {
    use chrono::Days;
    use proptest::prelude::*;

    use super::*;
    use crate::calendar::Month;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().expect("a date")
    }

    fn in_month(admitted_on: &str, exited_on: Option<&str>, today: &str, month: &str) -> i64 {
        let month = Month::parse(month).expect("a month");
        days_present(
            date(admitted_on),
            exited_on.map(date),
            date(today),
            month.first_day(),
            month.last_day(),
        )
    }

    #[test]
    fn a_whole_month_counts_each_of_its_days() {
        assert_eq!(in_month("2026-01-15", None, "2026-06-01", "2026-02"), 28);
        assert_eq!(in_month("2026-01-15", None, "2028-06-01", "2028-02"), 29);
        assert_eq!(in_month("2026-01-15", None, "2026-06-01", "2026-03"), 31);
        assert_eq!(in_month("2026-01-15", None, "2026-06-01", "2026-04"), 30);
    }

    #[test]
    fn admission_and_exit_days_both_count_at_the_month_ends() {
        assert_eq!(in_month("2026-01-31", None, "2026-06-01", "2026-01"), 1);
        assert_eq!(
            in_month("2025-12-01", Some("2026-01-01"), "2026-06-01", "2026-01"),
            1
        );
        assert_eq!(
            in_month("2025-12-31", Some("2026-01-01"), "2026-06-01", "2025-12"),
            1
        );
        assert_eq!(
            in_month("2026-02-28", Some("2026-03-01"), "2026-06-01", "2026-02"),
            1
        );
        assert_eq!(
            in_month("2026-01-10", Some("2026-01-20"), "2026-06-01", "2026-01"),
            11
        );
    }

    #[test]
    fn a_placement_admitted_and_exited_the_same_day_counts_one_day() {
        assert_eq!(
            in_month("2026-03-31", Some("2026-03-31"), "2026-06-01", "2026-03"),
            1
        );
        assert_eq!(
            in_month("2026-03-31", Some("2026-03-31"), "2026-06-01", "2026-04"),
            0
        );
    }

    #[test]
    fn a_running_month_counts_up_to_today_and_a_month_to_come_counts_nothing() {
        assert_eq!(in_month("2026-01-15", None, "2026-05-10", "2026-05"), 10);
        assert_eq!(in_month("2026-05-10", None, "2026-05-10", "2026-05"), 1);
        assert_eq!(in_month("2026-01-15", None, "2026-05-31", "2026-06"), 0);
        assert_eq!(in_month("2026-01-15", None, "2026-05-10", "2027-01"), 0);
        assert_eq!(in_month("2026-01-15", None, "2026-05-10", "2025-12"), 0);
    }

    #[test]
    fn amounts_are_days_times_the_rate_and_a_rate_not_set_owes_nothing() {
        assert_eq!(amount_cents(31, 12_000), 372_000);
        assert_eq!(amount_cents(31, 0), 0);
        assert_eq!(amount_cents(0, 12_000), 0);
        assert_eq!(amount_cents(i64::MAX, 2), i64::MAX);
    }

    /// A placement drawn at random around 2025–2027: admitted on some day,
    /// exited some days later or still active.
    fn placement() -> impl Strategy<Value = (NaiveDate, Option<NaiveDate>)> {
        (0u64..1100, proptest::option::of(0u64..500)).prop_map(|(admitted, stay)| {
            let admitted_on = date("2025-01-01") + Days::new(admitted);
            (admitted_on, stay.map(|stay| admitted_on + Days::new(stay)))
        })
    }

    /// The independent count: one day at a time, is the placement there?
    fn present_on(
        day: NaiveDate,
        (admitted_on, exited_on): (NaiveDate, Option<NaiveDate>),
        today: NaiveDate,
    ) -> bool {
        admitted_on <= day && day <= exited_on.unwrap_or(today)
    }

    fn today_in_range() -> impl Strategy<Value = NaiveDate> {
        (0u64..1100).prop_map(|offset| date("2025-01-01") + Days::new(offset))
    }

    proptest! {
        #[test]
        fn the_twelve_months_of_a_year_add_up_to_the_year(
            stay in placement(),
            today in today_in_range(),
            year in 2025i32..=2027,
        ) {
            let (admitted_on, exited_on) = stay;
            let months: i64 = (1..=12)
                .map(|m| Month::new(year, m).expect("a month"))
                .map(|month| days_present(admitted_on, exited_on, today, month.first_day(), month.last_day()))
                .sum();
            let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January");
            let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December");
            let year_days = days_present(admitted_on, exited_on, today, first, last);
            prop_assert_eq!(months, year_days);
            let counted = first
                .iter_days()
                .take_while(|day| *day <= last)
                .filter(|day| present_on(*day, stay, today))
                .count() as i64;
            prop_assert_eq!(year_days, counted);
        }

        #[test]
        fn total_days_are_the_day_and_placement_pairs_present(
            stays in proptest::collection::vec(placement(), 0..8),
            today in today_in_range(),
            year in 2025i32..=2027,
            month in 1u32..=12,
        ) {
            let month = Month::new(year, month).expect("a month");
            let total: i64 = stays
                .iter()
                .map(|(admitted_on, exited_on)| {
                    days_present(*admitted_on, *exited_on, today, month.first_day(), month.last_day())
                })
                .sum();
            let pairs = month
                .days()
                .flat_map(|day| stays.iter().map(move |stay| (day, *stay)))
                .filter(|(day, stay)| present_on(*day, *stay, today))
                .count() as i64;
            prop_assert_eq!(total, pairs);
        }
    }

    proptest! {
        #[test]
        fn child_days_are_the_days_the_child_is_both_born_and_placed(
            admitted in 0u64..800,
            stay in 0u64..600,
            exited in proptest::bool::ANY,
            birth in proptest::option::of(0u64..1200),
        ) {
            let origin = date("2026-01-01");
            let admitted_on = origin + Days::new(admitted);
            let exited_on = exited.then(|| admitted_on + Days::new(stay));
            let born_on = birth.map(|b| origin + Days::new(b));
            let today = date("2027-09-15");
            let (from, to) = (date("2027-01-01"), date("2027-12-31"));
            // Day by day: placed, born, within the year, not after today.
            let counted = from
                .iter_days()
                .take_while(|day| *day <= to)
                .filter(|day| {
                    *day >= admitted_on
                        && *day <= exited_on.unwrap_or(today)
                        && born_on.is_some_and(|birth| birth <= *day)
                })
                .count() as i64;
            prop_assert_eq!(
                child_days_present(admitted_on, exited_on, born_on, today, from, to),
                counted
            );
        }
    }

    #[test]
    fn occupancy_is_family_days_over_places_times_days() {
        assert_eq!(occupancy(0, 20, 365), 0.0);
        assert_eq!(occupancy(20 * 365, 20, 365), 1.0);
        assert_eq!(occupancy(3650, 20, 365), 0.5);
        assert_eq!(occupancy(10, 0, 365), 0.0);
    }
}
