//! Calendar arithmetic as the centre counts it.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

use crate::{Invalid, Refusal};

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

/// A calendar month, as reports ask for it (`YYYY-MM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    first_day: NaiveDate,
}

impl Month {
    /// The month `month` (1 to 12) of `year`, if chrono can hold it.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|first_day| Month { first_day })
    }

    /// `YYYY-MM`, exactly: four digits, a dash, a month from 01 to 12.
    pub fn parse(raw: &str) -> Result<Month, Invalid> {
        let refused = || Invalid::new(Refusal::MonthWritten);
        let (year, month) = raw.split_once('-').ok_or_else(refused)?;
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(refused());
        }
        let year = year.parse().map_err(|_| refused())?;
        let month = month.parse().map_err(|_| refused())?;
        Month::new(year, month).ok_or_else(refused)
    }

    pub fn first_day(self) -> NaiveDate {
        self.first_day
    }

    pub fn last_day(self) -> NaiveDate {
        day_before(add_months_clamped(self.first_day, 1))
    }

    /// Every day of the month, in order.
    pub fn days(self) -> impl Iterator<Item = NaiveDate> {
        let month = self.first_day.month();
        self.first_day
            .iter_days()
            .take_while(move |day| day.month() == month)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first_day.format("%Y-%m"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_written_yyyy_mm_and_nothing_else() {
        let february = Month::parse("2028-02").expect("a month");
        assert_eq!(february.first_day(), date("2028-02-01"));
        assert_eq!(february.last_day(), date("2028-02-29"));
        assert_eq!(february.days().count(), 29);
        assert_eq!(february.to_string(), "2028-02");
        assert_eq!(
            Month::parse("2026-12").expect("december").last_day(),
            date("2026-12-31")
        );
        for refused in [
            "2026-13",
            "2026-00",
            "abc",
            "2026-1",
            "26-01",
            "2026-01-01",
            "2026/01",
            "",
            "+202-01",
            "２026-01",
        ] {
            assert!(Month::parse(refused).is_err(), "{refused}");
        }
    }

    fn date(raw: &str) -> NaiveDate {
        raw.parse().expect("date")
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month_and_leap_days_too() {
        for (from, months, to) in [
            ("2025-08-31", 6, "2026-02-28"),
            ("2027-08-31", 6, "2028-02-29"),
            ("2025-01-15", 6, "2025-07-15"),
            ("2025-03-31", 1, "2025-04-30"),
            ("2024-02-29", 0, "2024-02-29"),
            ("2024-02-29", 12, "2025-02-28"),
            ("2024-02-29", 48, "2028-02-29"),
            ("2025-12-31", 2, "2026-02-28"),
        ] {
            assert_eq!(
                add_months_clamped(date(from), months),
                date(to),
                "{from} + {months}"
            );
        }
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
