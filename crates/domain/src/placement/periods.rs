//! Placements (*prises en charge*) are granted in six-month periods
//! (*périodes*), renewed (*renouvellement*) on the département's decision,
//! and never past the day before the youngest child's third birthday.
//!
//! Dates are inclusive. Near the ends of chrono's calendar (years ±262,000)
//! the arithmetic saturates at `NaiveDate::MIN`/`NaiveDate::MAX` instead of
//! panicking; no real placement comes anywhere near them.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

use crate::calendar::{day_after, day_before, third_birthday};

/// The length of a period (*période*) in calendar months.
pub const PERIOD_MONTHS: u32 = 6;

/// A child as the rules see it: born, or expected (unborn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildBirth {
    Born(NaiveDate),
    Expected(NaiveDate),
}

impl ChildBirth {
    /// The birth date, or the expected one (*date prévue d'accouchement*).
    pub fn date(self) -> NaiveDate {
        match self {
            ChildBirth::Born(date) | ChildBirth::Expected(date) => date,
        }
    }

    /// The birth date, once born.
    pub fn born_on(self) -> Option<NaiveDate> {
        match self {
            ChildBirth::Born(date) => Some(date),
            ChildBirth::Expected(_) => None,
        }
    }
}

/// The cap (*fin de prise en charge au plus tard*): the day before the
/// third birthday of the youngest child (born, or expected, then from the
/// expected date). `None` without children.
pub fn latest_end_on(children: &[ChildBirth]) -> Option<NaiveDate> {
    children
        .iter()
        .map(|child| child.date())
        .max()
        .map(|youngest| day_before(third_birthday(youngest)))
}

/// Admission eligibility: some child, born or expected, whose third birthday
/// is after `on` (a child of two years and 364 days is still eligible; on
/// the third birthday, no longer).
pub fn is_eligible(children: &[ChildBirth], on: NaiveDate) -> bool {
    children
        .iter()
        .any(|child| on < third_birthday(child.date()))
}

/// A period (*période de prise en charge*), numbered from 1; dates inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// min(starts_on + 6 months − 1 day, the cap), months clamped as in
/// [`add_months_clamped`](crate::calendar::add_months_clamped): a period
/// starting 2025-08-31 ends 2026-02-27.
/// When six months later is past chrono's last date, the full period runs
/// to `NaiveDate::MAX` (so it never ends before it starts).
pub fn period_ends_on(starts_on: NaiveDate, latest_end_on: Option<NaiveDate>) -> NaiveDate {
    let full = starts_on
        .checked_add_months(Months::new(PERIOD_MONTHS))
        .map_or(NaiveDate::MAX, day_before);
    match latest_end_on {
        Some(cap) => full.min(cap),
        None => full,
    }
}

/// The first period (number 1), starting on the day of admission.
pub fn first_period(admitted_on: NaiveDate, latest_end_on: Option<NaiveDate>) -> Period {
    Period {
        number: 1,
        starts_on: admitted_on,
        ends_on: period_ends_on(admitted_on, latest_end_on),
    }
}

/// Why a renewal (*renouvellement*) is refused; the API answers both with
/// 409 and the codes `cap_reached` and `stale_period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RenewalRefusal {
    #[error("the current period already ends at the cap")]
    CapReached,
    #[error("the period to renew is not the current one")]
    StalePeriod,
}

/// The period that renews (*renouvelle*) `current`: number + 1, starting the
/// day after `current` ends, even when the decision arrives after that day,
/// and ending per [`period_ends_on`] under the cap as it is now.
///
/// `StalePeriod` when `requested_number` is not `current.number` (checked
/// first); `CapReached` when `current` already ends at (or past) the cap.
/// Saturates rather than panics: the number stops at `i32::MAX`, and a
/// period ending on `NaiveDate::MAX` is followed by one starting that day.
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
        number: current.number.saturating_add(1),
        starts_on,
        ends_on: period_ends_on(starts_on, latest_end_on),
    })
}

/// False when the period ends at (or past) the cap.
pub fn is_renewable(current: &Period, latest_end_on: Option<NaiveDate>) -> bool {
    latest_end_on.is_none_or(|cap| current.ends_on < cap)
}

/// Where the current period stands on the coordinators' screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// The period has ended (`as_of` > `ends_on`) without a renewal.
    Overdue,
    /// The renewal report (*rapport de renouvellement*) is due:
    /// `report_due_on` ≤ `as_of` ≤ `ends_on`.
    ReportDue,
    /// Before `report_due_on`.
    Upcoming,
}

/// Where a placement stands against its renewal deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// `ends_on` − `as_of`; negative when overdue.
    pub days_remaining: i64,
    /// `ends_on` + 1 day − `report_lead_days`.
    pub report_due_on: NaiveDate,
    /// False when the period ends at the cap.
    pub renewable: bool,
    pub status: DeadlineStatus,
}

/// The renewal deadline of `current` seen on `as_of`, with the report due
/// `report_lead_days` before the day after it ends (config, default 30).
/// `report_due_on` saturates at chrono's first and last dates.
pub fn deadline(
    current: &Period,
    latest_end_on: Option<NaiveDate>,
    as_of: NaiveDate,
    report_lead_days: u32,
) -> Deadline {
    // ends_on + 1 day − lead, computed as ends_on − (lead − 1) so that it is
    // exact even when ends_on is NaiveDate::MAX.
    let report_due_on = match report_lead_days.checked_sub(1) {
        Some(back) => current
            .ends_on
            .checked_sub_days(Days::new(back.into()))
            .unwrap_or(NaiveDate::MIN),
        None => day_after(current.ends_on),
    };
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

/// Whether the deadlines screen lists it: `ends_on` ≤ `as_of` +
/// `within_days`, so periods already ended are listed too.
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
        // Only a born child has a birth date (the crèche takes no other).
        assert_eq!(
            unborn.map(ChildBirth::born_on),
            [Some(date("2023-01-10")), None]
        );
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
    fn the_first_period_starts_on_admission_and_may_end_at_the_cap() {
        assert_eq!(
            first_period(date("2025-08-31"), None),
            period(1, "2025-08-31", "2026-02-27")
        );
        // Child born 2024-02-29: third birthday 2027-02-28, cap 2027-02-27.
        let cap = latest_end_on(&[ChildBirth::Born(date("2024-02-29"))]);
        assert_eq!(cap, Some(date("2027-02-27")));
        let only = first_period(date("2026-11-02"), cap);
        assert_eq!(only, period(1, "2026-11-02", "2027-02-27"));
        assert_eq!(next_period(&only, 1, cap), Err(RenewalRefusal::CapReached));
    }

    #[test]
    fn a_period_ending_past_the_cap_is_not_renewable() {
        // A cap moved earlier by a recorded birth: the period is not rewritten.
        let current = period(2, "2026-06-01", "2026-11-30");
        let cap = Some(date("2026-10-15"));
        assert!(!is_renewable(&current, cap));
        assert_eq!(
            next_period(&current, 2, cap),
            Err(RenewalRefusal::CapReached)
        );
    }

    #[test]
    fn a_stale_number_is_refused_before_the_cap_is_looked_at() {
        let at_cap = period(3, "2026-12-01", "2027-02-27");
        assert_eq!(
            next_period(&at_cap, 2, Some(date("2027-02-27"))),
            Err(RenewalRefusal::StalePeriod)
        );
    }

    #[test]
    fn a_renewal_recorded_after_the_period_ended_stays_contiguous() {
        let current = period(1, "2025-08-31", "2026-02-27");
        // The decision arrives in April: the period is overdue by then...
        assert_eq!(
            deadline(&current, None, date("2026-04-10"), 30).status,
            DeadlineStatus::Overdue
        );
        // ...and the next period still starts the day after it ended.
        assert_eq!(
            next_period(&current, 1, None),
            Ok(period(2, "2026-02-28", "2026-08-27"))
        );
    }

    #[test]
    fn an_expected_child_sets_the_cap_until_the_birth_is_recorded() {
        // Admitted before the birth, expected on 2024-03-15: cap 2027-03-14.
        let expected = [ChildBirth::Expected(date("2024-03-15"))];
        let cap = latest_end_on(&expected);
        assert_eq!(cap, Some(date("2027-03-14")));
        assert!(is_eligible(&expected, date("2024-01-10")));
        let mut current = first_period(date("2024-01-10"), cap);
        while let Ok(next) = next_period(&current, current.number, cap) {
            current = next;
        }
        assert_eq!(current, period(7, "2027-01-10", "2027-03-14"));

        // Born three weeks early: the cap moves to 2027-02-21, before the
        // current period ends, so no further renewal.
        let early = latest_end_on(&[ChildBirth::Born(date("2024-02-22"))]);
        assert_eq!(early, Some(date("2027-02-21")));
        let sixth = period(6, "2026-07-10", "2027-01-09");
        assert_eq!(
            next_period(&current, 7, early),
            Err(RenewalRefusal::CapReached)
        );
        // Renewing the sixth period under the new cap ends at the new cap.
        assert_eq!(
            next_period(&sixth, 6, early),
            Ok(period(7, "2027-01-10", "2027-02-21"))
        );

        // Born late: the cap moves to 2027-04-01, one more renewal fits.
        let late = latest_end_on(&[ChildBirth::Born(date("2024-04-02"))]);
        assert_eq!(
            next_period(&current, 7, late),
            Ok(period(8, "2027-03-15", "2027-04-01"))
        );
    }

    #[test]
    fn the_report_lead_counts_back_from_the_day_after_the_end() {
        let current = period(1, "2025-08-31", "2026-02-27");
        let on = date("2026-01-01");
        assert_eq!(
            deadline(&current, None, on, 1).report_due_on,
            date("2026-02-27")
        );
        assert_eq!(
            deadline(&current, None, on, 0).report_due_on,
            date("2026-02-28")
        );
        assert_eq!(
            deadline(&current, None, on, 30).report_due_on,
            date("2026-01-29")
        );
    }

    #[test]
    fn the_arithmetic_saturates_at_the_ends_of_the_calendar() {
        let near_end = NaiveDate::MAX - chrono::Days::new(10);
        assert_eq!(period_ends_on(near_end, None), NaiveDate::MAX);
        let last = Period {
            number: i32::MAX,
            starts_on: near_end,
            ends_on: NaiveDate::MAX,
        };
        let next = next_period(&last, i32::MAX, None).expect("no cap");
        assert_eq!(next.number, i32::MAX);
        assert_eq!(next.starts_on, NaiveDate::MAX);
        let seen = deadline(&last, None, NaiveDate::MIN, 30);
        assert_eq!(seen.report_due_on, NaiveDate::MAX - chrono::Days::new(29));
        assert_eq!(seen.status, DeadlineStatus::Upcoming);
        assert!(falls_due_within(&last, NaiveDate::MAX, u32::MAX));
        let first = Period {
            number: 1,
            starts_on: NaiveDate::MIN,
            ends_on: NaiveDate::MIN,
        };
        assert_eq!(
            deadline(&first, None, NaiveDate::MAX, u32::MAX).report_due_on,
            NaiveDate::MIN
        );
        assert_eq!(
            latest_end_on(&[ChildBirth::Born(near_end)]),
            Some(NaiveDate::MAX - chrono::Days::new(1))
        );
    }

    #[test]
    fn the_screen_lists_periods_ending_within_the_window_or_past() {
        let current = period(1, "2025-08-31", "2026-02-27");
        assert!(falls_due_within(&current, date("2026-01-28"), 30));
        assert!(!falls_due_within(&current, date("2026-01-28"), 29));
        assert!(falls_due_within(&current, date("2026-03-15"), 0));
    }
}

/// Over chrono's whole calendar, not only plausible dates: the rules never
/// panic and keep their shape where they saturate. (The arithmetic against an
/// independent oracle lives in `tests/period_properties.rs`.)
#[cfg(test)]
mod whole_calendar {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        let first = NaiveDate::MIN.num_days_from_ce();
        let last = NaiveDate::MAX.num_days_from_ce();
        prop_oneof![first..=last, first..=first + 800, last - 800..=last,]
            .prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).expect("in range"))
    }

    proptest! {
        #[test]
        fn periods_never_end_before_they_start_nor_past_the_cap(
            starts_on in any_date(),
            cap in proptest::option::of(any_date()),
        ) {
            let ends_on = period_ends_on(starts_on, cap);
            if cap.is_none_or(|cap| cap >= starts_on) {
                prop_assert!(ends_on >= starts_on);
            }
            if let Some(cap) = cap {
                prop_assert!(ends_on <= cap);
            }
        }

        #[test]
        fn renewals_follow_on_or_are_refused(
            (starts_on, ends_on) in (any_date(), any_date())
                .prop_map(|(a, b)| (a.min(b), a.max(b))),
            number in any::<i32>(),
            offset in prop_oneof![Just(0i32), any::<i32>()],
            cap in proptest::option::of(prop_oneof![any_date(), Just(NaiveDate::MAX)]),
            cap_near_end in proptest::option::of(-2i64..=2),
        ) {
            // A cap anywhere, or a day or two around the end of the period.
            let cap = match cap_near_end {
                Some(days) => Some(
                    ends_on
                        .checked_add_signed(chrono::TimeDelta::days(days))
                        .unwrap_or(ends_on),
                ),
                None => cap,
            };
            let requested = number.wrapping_add(offset);
            let current = Period { number, starts_on, ends_on };
            let below_cap = match cap {
                None => true,
                Some(cap) => ends_on < cap,
            };
            match next_period(&current, requested, cap) {
                Ok(next) => {
                    prop_assert_eq!(requested, number);
                    prop_assert!(below_cap);
                    let day_after = ends_on.succ_opt().unwrap_or(NaiveDate::MAX);
                    prop_assert_eq!(next.starts_on, day_after);
                    prop_assert_eq!(next.number, number.saturating_add(1));
                    prop_assert!(next.ends_on >= next.starts_on);
                    if let Some(cap) = cap {
                        prop_assert!(next.ends_on <= cap);
                    }
                }
                Err(RenewalRefusal::StalePeriod) => prop_assert_ne!(requested, number),
                Err(RenewalRefusal::CapReached) => {
                    prop_assert_eq!(requested, number);
                    prop_assert!(!below_cap);
                }
            }
        }

        #[test]
        fn deadlines_are_computed_everywhere(
            ends_on in any_date(),
            as_of in any_date(),
            lead in any::<u32>(),
            within in any::<u32>(),
        ) {
            let current = Period { number: 1, starts_on: ends_on, ends_on };
            let seen = deadline(&current, None, as_of, lead);
            let apart = i64::from(ends_on.num_days_from_ce()) - i64::from(as_of.num_days_from_ce());
            prop_assert_eq!(seen.days_remaining, apart);
            prop_assert!(seen.report_due_on <= ends_on.succ_opt().unwrap_or(NaiveDate::MAX));
            prop_assert_eq!(seen.status == DeadlineStatus::Overdue, seen.days_remaining < 0);
            if ends_on <= as_of {
                prop_assert!(falls_due_within(&current, as_of, within));
            }
        }
    }
}
