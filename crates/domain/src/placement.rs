//! Placements (*prises en charge*) are granted in six-month periods
//! (*périodes*), renewed (*renouvellement*) on the département's decision,
//! and never past the day before the youngest child's third birthday.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::calendar::{add_months_clamped, third_birthday};

pub const PERIOD_MONTHS: u32 = 6;

/// A child as the rules see it: born, or expected (unborn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildBirth {
    Born(NaiveDate),
    Expected(NaiveDate),
}

impl ChildBirth {
    pub fn date(self) -> NaiveDate {
        match self {
            ChildBirth::Born(date) | ChildBirth::Expected(date) => date,
        }
    }
}

fn day_before(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap_or(NaiveDate::MIN)
}

fn day_after(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(NaiveDate::MAX)
}

/// The cap: the day before the third birthday of the youngest child (born,
/// or expected, then from the expected date). `None` without children.
pub fn latest_end_on(children: &[ChildBirth]) -> Option<NaiveDate> {
    children
        .iter()
        .map(|child| child.date())
        .max()
        .map(|youngest| day_before(third_birthday(youngest)))
}

/// Admission is open to a family with a child under three on that day, or
/// an expected child.
pub fn is_eligible(children: &[ChildBirth], on: NaiveDate) -> bool {
    children
        .iter()
        .any(|child| on < third_birthday(child.date()))
}

/// A period; dates inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// min(starts_on + 6 months − 1 day, the cap).
pub fn period_ends_on(starts_on: NaiveDate, latest_end_on: Option<NaiveDate>) -> NaiveDate {
    let full = day_before(add_months_clamped(starts_on, PERIOD_MONTHS));
    match latest_end_on {
        Some(cap) => full.min(cap),
        None => full,
    }
}

/// The first period, starting on the day of admission.
pub fn first_period(admitted_on: NaiveDate, latest_end_on: Option<NaiveDate>) -> Period {
    Period {
        number: 1,
        starts_on: admitted_on,
        ends_on: period_ends_on(admitted_on, latest_end_on),
    }
}

/// Why a renewal is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RenewalRefusal {
    #[error("the current period already ends at the cap")]
    CapReached,
    #[error("the period to renew is not the current one")]
    StalePeriod,
}

/// The period that renews `current`, starting the day after it ends (even
/// when the decision arrives after that day).
pub fn next_period(
    current: &Period,
    requested_number: i32,
    latest_end_on: Option<NaiveDate>,
) -> Result<Period, RenewalRefusal> {
    if requested_number != current.number {
        return Err(RenewalRefusal::StalePeriod);
    }
    if !is_renewable(current, latest_end_on) {
        return Err(RenewalRefusal::CapReached);
    }
    let starts_on = day_after(current.ends_on);
    Ok(Period {
        number: current.number + 1,
        starts_on,
        ends_on: period_ends_on(starts_on, latest_end_on),
    })
}

/// False when the period ends at (or past) the cap.
pub fn is_renewable(current: &Period, latest_end_on: Option<NaiveDate>) -> bool {
    latest_end_on.is_none_or(|cap| current.ends_on < cap)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    Overdue,
    ReportDue,
    Upcoming,
}

/// Where a placement stands against its renewal deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// `ends_on` − `as_of`; negative when overdue.
    pub days_remaining: i64,
    /// `ends_on` + 1 day − `report_lead_days`.
    pub report_due_on: NaiveDate,
    pub renewable: bool,
    pub status: DeadlineStatus,
}

pub fn deadline(
    current: &Period,
    latest_end_on: Option<NaiveDate>,
    as_of: NaiveDate,
    report_lead_days: u32,
) -> Deadline {
    let report_due_on = day_after(current.ends_on)
        .checked_sub_days(Days::new(report_lead_days.into()))
        .unwrap_or(NaiveDate::MIN);
    let status = if as_of > current.ends_on {
        DeadlineStatus::Overdue
    } else if as_of >= report_due_on {
        DeadlineStatus::ReportDue
    } else {
        DeadlineStatus::Upcoming
    };
    Deadline {
        days_remaining: (current.ends_on - as_of).num_days(),
        report_due_on,
        renewable: is_renewable(current, latest_end_on),
        status,
    }
}

/// Whether the deadlines screen lists it: ending within `within_days` of
/// `as_of`, or already ended.
pub fn falls_due_within(current: &Period, as_of: NaiveDate, within_days: u32) -> bool {
    let horizon = as_of
        .checked_add_days(Days::new(within_days.into()))
        .unwrap_or(NaiveDate::MAX);
    current.ends_on <= horizon
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().expect("date")
    }

    fn period(number: i32, starts_on: &str, ends_on: &str) -> Period {
        Period {
            number,
            starts_on: date(starts_on),
            ends_on: date(ends_on),
        }
    }

    #[test]
    fn a_period_is_six_calendar_months_clamped() {
        // SPEC: 2025-08-31 + 6 months = 2026-02-28, so ends_on 2026-02-27.
        assert_eq!(period_ends_on(date("2025-08-31"), None), date("2026-02-27"));
        assert_eq!(period_ends_on(date("2025-01-01"), None), date("2025-06-30"));
    }

    #[test]
    fn the_next_period_starts_the_day_after() {
        let first = first_period(date("2025-08-31"), None);
        let second = next_period(&first, 1, None).expect("renewable");
        assert_eq!(second, period(2, "2026-02-28", "2026-08-27"));
    }

    #[test]
    fn the_cap_is_the_day_before_the_youngest_childs_third_birthday() {
        let children = [
            ChildBirth::Born(date("2023-01-10")),
            ChildBirth::Born(date("2024-02-29")),
        ];
        assert_eq!(latest_end_on(&children), Some(date("2027-02-27")));
        let unborn = [
            ChildBirth::Born(date("2023-01-10")),
            ChildBirth::Expected(date("2026-12-01")),
        ];
        assert_eq!(latest_end_on(&unborn), Some(date("2029-11-30")));
        assert_eq!(latest_end_on(&[]), None);
    }

    #[test]
    fn a_cap_inside_a_period_ends_it_and_stops_renewals() {
        let cap = Some(date("2027-02-27"));
        let current = period(2, "2026-06-01", "2026-11-30");
        let last = next_period(&current, 2, cap).expect("renewable");
        assert_eq!(last, period(3, "2026-12-01", "2027-02-27"));
        assert!(!is_renewable(&last, cap));
        assert_eq!(next_period(&last, 3, cap), Err(RenewalRefusal::CapReached));
    }

    #[test]
    fn only_the_current_period_is_renewed() {
        let current = period(2, "2026-06-01", "2026-11-30");
        assert_eq!(
            next_period(&current, 1, None),
            Err(RenewalRefusal::StalePeriod)
        );
        assert_eq!(
            next_period(&current, 3, None),
            Err(RenewalRefusal::StalePeriod)
        );
    }

    #[test]
    fn a_birth_recorded_during_a_placement_moves_the_cap() {
        let current = period(7, "2026-08-01", "2026-09-14");
        let expected = [ChildBirth::Expected(date("2023-09-15"))];
        assert_eq!(
            next_period(&current, 7, latest_end_on(&expected)),
            Err(RenewalRefusal::CapReached)
        );
        let born_later = [ChildBirth::Born(date("2023-10-02"))];
        assert_eq!(
            next_period(&current, 7, latest_end_on(&born_later)),
            Ok(period(8, "2026-09-15", "2026-10-01"))
        );
        let born_earlier = [ChildBirth::Born(date("2023-09-01"))];
        assert_eq!(
            next_period(&current, 7, latest_end_on(&born_earlier)),
            Err(RenewalRefusal::CapReached)
        );
    }

    #[test]
    fn eligibility_needs_a_child_under_three_or_expected() {
        let born = [ChildBirth::Born(date("2023-03-10"))];
        assert!(is_eligible(&born, date("2026-03-09")));
        assert!(!is_eligible(&born, date("2026-03-10")));
        assert!(is_eligible(
            &[ChildBirth::Expected(date("2027-01-01"))],
            date("2026-11-24")
        ));
        assert!(!is_eligible(&[], date("2026-11-24")));
    }

    #[test]
    fn deadline_statuses_at_their_boundaries() {
        let current = period(1, "2025-08-31", "2026-02-27");
        let at = |as_of: &str| deadline(&current, None, date(as_of), 30);
        assert_eq!(at("2026-01-28").report_due_on, date("2026-01-29"));
        assert_eq!(at("2026-01-28").status, DeadlineStatus::Upcoming);
        assert_eq!(at("2026-01-28").days_remaining, 30);
        assert_eq!(at("2026-01-29").status, DeadlineStatus::ReportDue);
        assert_eq!(at("2026-02-27").status, DeadlineStatus::ReportDue);
        assert_eq!(at("2026-02-27").days_remaining, 0);
        assert_eq!(at("2026-02-28").status, DeadlineStatus::Overdue);
        assert_eq!(at("2026-02-28").days_remaining, -1);
        assert!(at("2026-01-28").renewable);
        assert!(!deadline(&current, Some(date("2026-02-27")), date("2026-01-01"), 30).renewable);
    }

    #[test]
    fn the_screen_lists_periods_ending_within_the_window_or_past() {
        let current = period(1, "2025-08-31", "2026-02-27");
        assert!(falls_due_within(&current, date("2026-01-28"), 30));
        assert!(!falls_due_within(&current, date("2026-01-28"), 29));
        assert!(falls_due_within(&current, date("2026-03-15"), 0));
    }
}
