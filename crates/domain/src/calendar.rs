//! Calendar arithmetic as the centre counts it.

use chrono::{Months, NaiveDate};

/// `date` plus `months`, clamped to the last day of the target month:
/// 2025-08-31 + 6 months = 2026-02-28. When the result would fall past
/// chrono's last date (`NaiveDate::MAX`, year 262,142) it saturates there
/// rather than panicking.
pub fn add_months_clamped(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The day before `date` (chrono's first day stays put rather than panic).
pub fn day_before(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap_or(NaiveDate::MIN)
}

/// The day after `date` (chrono's last day stays put rather than panic).
pub fn day_after(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(NaiveDate::MAX)
}

/// The third birthday (*troisième anniversaire*, end of the *prise en
/// charge*): birth + 36 months, clamped (2024-02-29 → 2027-02-28).
pub fn third_birthday(birth: NaiveDate) -> NaiveDate {
    add_months_clamped(birth, 36)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().expect("date")
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        assert_eq!(
            add_months_clamped(date("2025-08-31"), 6),
            date("2026-02-28")
        );
        assert_eq!(
            add_months_clamped(date("2027-08-31"), 6),
            date("2028-02-29")
        );
        assert_eq!(
            add_months_clamped(date("2025-01-15"), 6),
            date("2025-07-15")
        );
        assert_eq!(
            add_months_clamped(date("2025-03-31"), 1),
            date("2025-04-30")
        );
    }

    #[test]
    fn no_months_leaves_the_date_alone_and_leap_days_clamp() {
        assert_eq!(
            add_months_clamped(date("2024-02-29"), 0),
            date("2024-02-29")
        );
        assert_eq!(
            add_months_clamped(date("2024-02-29"), 12),
            date("2025-02-28")
        );
        assert_eq!(
            add_months_clamped(date("2024-02-29"), 48),
            date("2028-02-29")
        );
        assert_eq!(
            add_months_clamped(date("2025-12-31"), 2),
            date("2026-02-28")
        );
    }

    #[test]
    fn past_the_last_date_it_saturates() {
        let near_end = NaiveDate::MAX - chrono::Days::new(10);
        assert_eq!(add_months_clamped(near_end, 1), NaiveDate::MAX);
        assert_eq!(add_months_clamped(NaiveDate::MIN, u32::MAX), NaiveDate::MAX);
        assert_eq!(third_birthday(near_end), NaiveDate::MAX);
    }

    #[test]
    fn a_third_birthday_on_29_february_falls_on_28_february() {
        assert_eq!(third_birthday(date("2024-02-29")), date("2027-02-28"));
        assert_eq!(third_birthday(date("2023-03-10")), date("2026-03-10"));
    }
}
