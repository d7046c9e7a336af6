//! How long a family's file is kept (*durée de conservation*). A family with
//! no active placement and no pending referral, whose last contact (exit,
//! declined or withdrawn referral, last intervention) is more than
//! `active_years` ago, is anonymised for good: nothing kept can single her
//! out to someone who knew her. Her file's rows go; what they added to the
//! activity report stays as the centre's kept figures (`kept_figures`), so
//! the reports give the same figures before and after.

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

/// The activity-report figures an anonymised file leaves behind. Its rows
/// go (dates, units, team, EDS: all that could single her out); what it
/// added to each figure of each year is added into the centre's kept
/// totals, one row per (year, month, figure, item) for all anonymised
/// files together, so the reports give the same figures as before.
pub mod figure {
    pub const REFERRALS: &str = "referrals";
    pub const REFERRALS_BY_SOURCE: &str = "referrals.source";
    pub const REFERRALS_BY_EDS: &str = "referrals.eds";
    pub const REFERRALS_BY_REASON: &str = "referrals.reason";
    pub const REFERRALS_BY_OUTCOME: &str = "referrals.outcome";
    pub const ADMISSIONS: &str = "admissions";
    /// Days from referral to admission, added up; `WAITS` counts them.
    pub const WAIT_DAYS: &str = "wait_days";
    pub const WAITS: &str = "waits";
    pub const EXITS: &str = "exits";
    pub const EXITS_BY_DESTINATION: &str = "exits.destination";
    /// Days of the stays that ended, added up; `EXITS` counts them.
    pub const STAY_DAYS: &str = "stay_days";
    /// A month's figures (month 1 to 12).
    pub const FAMILY_DAYS: &str = "family_days";
    pub const CHILD_DAYS: &str = "child_days";
    /// On 31 December.
    pub const FAMILIES_PRESENT: &str = "present.families";
    pub const CHILDREN_PRESENT: &str = "present.children";
    pub const INTERVENTIONS_BY_KIND: &str = "interventions.kind";
    pub const CONCERNS: &str = "concerns";
    pub const CRECHE_MINUTES_BY_PURPOSE: &str = "creche.minutes";
    /// Exits by the kind of the step the family left by.
    pub const EXITS_BY_STEP_KIND: &str = "exits.step_kind";
    /// Waits for a home in days (the item), counted: a median needs them
    /// one by one, not their sum.
    pub const HOUSING_WAITS: &str = "housing.wait_days";
    /// Follow-ups after the exit made, by `months:outcome`.
    pub const FOLLOW_UPS: &str = "follow_ups";
}

/// One figure kept: `value` added to `figure` (for `item`, a source, an
/// EDS, a kind…, or empty) of `year`, and of `month` (1 to 12) or of the
/// whole year (0).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeptFigure {
    pub year: i32,
    pub month: u32,
    pub figure: String,
    pub item: String,
    pub value: i64,
}

/// A referral as the activity report counts it.
#[derive(Debug, Clone)]
pub struct CountedReferral {
    pub referred_on: NaiveDate,
    pub source: String,
    pub eds: String,
    pub reason: String,
    pub status: String,
}

/// An ended placement as the activity report counts it.
#[derive(Debug, Clone)]
pub struct CountedStay {
    pub admitted_on: NaiveDate,
    pub exited_on: NaiveDate,
    pub destination: String,
    /// When its referral was received.
    pub referred_on: Option<NaiveDate>,
}

/// What of a closed file the activity report counts.
#[derive(Debug, Clone, Default)]
pub struct CountedFile {
    pub referrals: Vec<CountedReferral>,
    pub stays: Vec<CountedStay>,
    /// The children's birth days (none while expected).
    pub births: Vec<Option<NaiveDate>>,
    /// Each intervention's day (in the centre's time zone) and kind.
    pub interventions: Vec<(NaiveDate, String)>,
    /// The days informations préoccupantes were transmitted.
    pub concerns: Vec<NaiveDate>,
    /// Each crèche booking not cancelled: its day, purpose and minutes.
    pub creche: Vec<(NaiveDate, String, i64)>,
    /// Each exit that named a housing step: its day and the step's kind.
    pub exit_steps: Vec<(NaiveDate, String)>,
    /// Each wait for a home (`pathway::housing_wait`): the acceptance's
    /// day and the days waited.
    pub housing_waits: Vec<(NaiveDate, i64)>,
    /// Each follow-up made: its day, the months after the exit, the outcome.
    pub follow_ups: Vec<(NaiveDate, u32, String)>,
}

/// What `file` adds to each figure of the activity report, counted as the
/// report counts (`reports::days_present`, `child_days_present`): the
/// figures an anonymisation keeps. Figures that add nothing are left out.
pub fn kept_figures(file: &CountedFile) -> Vec<KeptFigure> {
    use std::collections::BTreeMap;

    use crate::calendar::Month;
    use crate::housing::days_inclusive;
    use crate::reports::{child_days_present, days_present};

    let mut kept: BTreeMap<(i32, u32, &str, String), i64> = BTreeMap::new();
    let mut add = |on: NaiveDate, month: bool, figure: &'static str, item: &str, value: i64| {
        let month = if month { on.month() } else { 0 };
        *kept
            .entry((on.year(), month, figure, item.to_owned()))
            .or_default() += value;
    };
    for referral in &file.referrals {
        let on = referral.referred_on;
        add(on, false, figure::REFERRALS, "", 1);
        add(on, false, figure::REFERRALS_BY_SOURCE, &referral.source, 1);
        add(on, false, figure::REFERRALS_BY_EDS, &referral.eds, 1);
        add(on, false, figure::REFERRALS_BY_REASON, &referral.reason, 1);
        add(on, false, figure::REFERRALS_BY_OUTCOME, &referral.status, 1);
    }
    for stay in &file.stays {
        let (admitted, exited) = (stay.admitted_on, stay.exited_on);
        add(admitted, false, figure::ADMISSIONS, "", 1);
        if let Some(referred_on) = stay.referred_on {
            add(
                admitted,
                false,
                figure::WAIT_DAYS,
                "",
                (admitted - referred_on).num_days(),
            );
            add(admitted, false, figure::WAITS, "", 1);
        }
        add(exited, false, figure::EXITS, "", 1);
        add(
            exited,
            false,
            figure::EXITS_BY_DESTINATION,
            &stay.destination,
            1,
        );
        add(
            exited,
            false,
            figure::STAY_DAYS,
            "",
            days_inclusive(admitted, exited),
        );
        let mut month = Month::new(admitted.year(), admitted.month());
        while let Some(current) = month.filter(|m| m.first_day() <= exited) {
            let (from, to) = (current.first_day(), current.last_day());
            add(
                from,
                true,
                figure::FAMILY_DAYS,
                "",
                days_present(admitted, Some(exited), exited, from, to),
            );
            let child_days: i64 = file
                .births
                .iter()
                .map(|birth| child_days_present(admitted, Some(exited), *birth, exited, from, to))
                .sum();
            add(from, true, figure::CHILD_DAYS, "", child_days);
            let next = crate::calendar::day_after(to);
            month = Month::new(next.year(), next.month());
        }
        for year in admitted.year()..=exited.year() {
            let Some(december_31) = NaiveDate::from_ymd_opt(year, 12, 31) else {
                continue;
            };
            if days_present(admitted, Some(exited), exited, december_31, december_31) == 1 {
                add(december_31, false, figure::FAMILIES_PRESENT, "", 1);
                let born = file
                    .births
                    .iter()
                    .filter(|birth| birth.is_some_and(|birth| birth <= december_31))
                    .count();
                add(
                    december_31,
                    false,
                    figure::CHILDREN_PRESENT,
                    "",
                    born as i64,
                );
            }
        }
    }
    for (on, kind) in &file.interventions {
        add(*on, false, figure::INTERVENTIONS_BY_KIND, kind, 1);
    }
    for on in &file.concerns {
        add(*on, false, figure::CONCERNS, "", 1);
    }
    for (on, purpose, minutes) in &file.creche {
        add(
            *on,
            false,
            figure::CRECHE_MINUTES_BY_PURPOSE,
            purpose,
            *minutes,
        );
    }
    for (on, kind) in &file.exit_steps {
        add(*on, false, figure::EXITS_BY_STEP_KIND, kind, 1);
    }
    for (on, days) in &file.housing_waits {
        add(*on, false, figure::HOUSING_WAITS, &days.to_string(), 1);
    }
    for (on, months, outcome) in &file.follow_ups {
        add(
            *on,
            false,
            figure::FOLLOW_UPS,
            &format!("{months}:{outcome}"),
            1,
        );
    }
    kept.into_iter()
        .filter(|(_, value)| *value != 0)
        .map(|((year, month, figure, item), value)| KeptFigure {
            year,
            month,
            figure: figure.to_owned(),
            item,
            value,
        })
        .collect()
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
    fn a_stay_keeps_its_days_by_month_and_who_was_there_on_31_december() {
        let file = CountedFile {
            stays: vec![CountedStay {
                admitted_on: date("2023-12-30"),
                exited_on: date("2024-01-02"),
                destination: "social_housing".into(),
                referred_on: Some(date("2023-12-20")),
            }],
            births: vec![Some(date("2024-01-01")), None],
            ..CountedFile::default()
        };
        let kept = kept_figures(&file);
        let value = |year: i32, month: u32, figure: &str| {
            kept.iter()
                .filter(|k| k.year == year && k.month == month && k.figure == figure)
                .map(|k| k.value)
                .sum::<i64>()
        };
        assert_eq!(value(2023, 12, figure::FAMILY_DAYS), 2);
        assert_eq!(value(2024, 1, figure::FAMILY_DAYS), 2);
        assert_eq!(value(2023, 12, figure::CHILD_DAYS), 0);
        assert_eq!(value(2024, 1, figure::CHILD_DAYS), 2);
        assert_eq!(value(2023, 0, figure::FAMILIES_PRESENT), 1);
        assert_eq!(value(2023, 0, figure::CHILDREN_PRESENT), 0);
        assert_eq!(value(2023, 0, figure::WAIT_DAYS), 10);
        assert_eq!(value(2024, 0, figure::STAY_DAYS), 4);
        assert_eq!(value(2024, 0, figure::EXITS), 1);
        assert!(kept.iter().all(|k| k.value != 0));
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
