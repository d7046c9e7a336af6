//! How long a family's file is kept (*durée de conservation*). A family with
//! no active placement and no pending referral, whose last contact (exit,
//! declined or withdrawn referral, last intervention) is more than
//! `active_years` ago, is anonymised: what names or describes her is erased
//! for good; dates, kinds, durations, destinations and amounts stay, so the
//! reports still add up.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use crate::calendar::add_months_clamped;

/// What replaces an erased name or text that cannot be empty.
pub const ERASED: &str = "[anonymisé]";

/// The day the file may be kept until: `active_years` after the last
/// contact, clamped (a contact on 29 February 2024 is kept until 28 February
/// 2026).
pub fn kept_until(last_contact: NaiveDate, active_years: u32) -> NaiveDate {
    add_months_clamped(last_contact, active_years.saturating_mul(12))
}

/// Whether a closed file whose last contact was `last_contact` is due for
/// anonymisation on `today`: more than `active_years` have passed.
pub fn is_due(last_contact: NaiveDate, today: NaiveDate, active_years: u32) -> bool {
    today > kept_until(last_contact, active_years)
}

/// The last contact with a family: the latest of its dates that count
/// (exits, declined or withdrawn referrals, interventions).
pub fn last_contact(dates: impl IntoIterator<Item = NaiveDate>) -> Option<NaiveDate> {
    dates.into_iter().max()
}

/// A birth date reduced to its year (1 January): the age stays roughly
/// known for statistics, the person no longer identifiable by it.
pub fn year_only(date: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.year(), 1, 1).unwrap_or(date)
}

/// Audit entries written before this instant are deleted:
/// `retention_months` before `now`, clamped to month ends.
pub fn audit_cutoff(now: DateTime<Utc>, retention_months: u32) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(retention_months))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().expect("date")
    }

    #[test]
    fn a_file_is_kept_exactly_the_years_and_then_due() {
        let last = date("2024-11-26");
        assert!(
            !is_due(last, date("2026-11-26"), 2),
            "two years: still kept"
        );
        assert!(is_due(last, date("2026-11-27"), 2), "one day more: due");
        assert!(!is_due(last, date("2025-06-01"), 2));
    }

    #[test]
    fn a_contact_on_29_february_is_kept_until_28_february() {
        let last = date("2024-02-29");
        assert_eq!(kept_until(last, 2), date("2026-02-28"));
        assert!(!is_due(last, date("2026-02-28"), 2));
        assert!(is_due(last, date("2026-03-01"), 2));
        // And a contact on 28 February is due on 29 February four years on.
        assert!(is_due(date("2026-02-28"), date("2028-02-29"), 2));
    }

    #[test]
    fn the_last_contact_is_the_latest_date() {
        let dates = [date("2023-05-01"), date("2024-01-10"), date("2022-12-31")];
        assert_eq!(last_contact(dates), Some(date("2024-01-10")));
        assert_eq!(last_contact([]), None);
    }

    #[test]
    fn a_birth_date_keeps_its_year_only() {
        assert_eq!(year_only(date("1999-07-14")), date("1999-01-01"));
        assert_eq!(year_only(date("2024-02-29")), date("2024-01-01"));
    }

    #[test]
    fn audit_entries_are_kept_the_months_clamped() {
        let now: DateTime<Utc> = "2027-03-31T10:00:00Z".parse().expect("instant");
        let cutoff: DateTime<Utc> = "2026-02-28T10:00:00Z".parse().expect("instant");
        assert_eq!(audit_cutoff(now, 13), cutoff);
        assert_eq!(audit_cutoff(now, 0), now);
    }
}
