//! The retention rule against plain calendar arithmetic: a file is due on
//! the first day after the anniversary of its last contact, `years` later,
//! where an anniversary on a 29 February that does not exist is the 28th.

use chrono::{Datelike, NaiveDate};
use nido_domain::retention::{is_due, kept_until};
use proptest::prelude::*;

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The anniversary, computed by hand from year, month and day.
fn anniversary(date: NaiveDate, years: i32) -> NaiveDate {
    let year = date.year() + years;
    let day = if date.month() == 2 && date.day() == 29 && !is_leap(year) {
        28
    } else {
        date.day()
    };
    NaiveDate::from_ymd_opt(year, date.month(), day).expect("a valid anniversary")
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    // 1990-01-01 plus up to 60 years of days.
    (0i64..(60 * 366)).prop_map(|days| {
        NaiveDate::from_ymd_opt(1990, 1, 1).expect("date") + chrono::Days::new(days as u64)
    })
}

proptest! {
    #[test]
    fn kept_until_is_the_anniversary(last in any_date(), years in 0u32..10) {
        prop_assert_eq!(kept_until(last, years), anniversary(last, years as i32));
    }

    #[test]
    fn due_exactly_after_the_anniversary(last in any_date(), years in 0u32..10, after in -800i64..800) {
        let today = anniversary(last, years as i32) + chrono::TimeDelta::days(after);
        prop_assert_eq!(is_due(last, today, years), after > 0);
    }
}

#[test]
fn every_29_february_of_a_century() {
    for year in (2000..2100).filter(|year| is_leap(*year)) {
        let last = NaiveDate::from_ymd_opt(year, 2, 29).expect("leap day");
        for years in 1..=5 {
            assert_eq!(kept_until(last, years), anniversary(last, years as i32));
        }
    }
}
