//! A time of day to the minute, as the crèche and the workshops write it.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::{Invalid, Refusal};

/// A time of day to the minute, written `"HH:MM"`, from 00:00 to 24:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(24 * 60);

    /// `hours:minutes`, for constants (a time past 24:00 is 24:00).
    pub const fn at(hours: u16, minutes: u16) -> TimeOfDay {
        let total = hours * 60 + minutes;
        TimeOfDay(if total > 24 * 60 { 24 * 60 } else { total })
    }

    pub fn from_minutes(minutes: i32) -> Result<Self, Invalid> {
        u16::try_from(minutes)
            .ok()
            .filter(|minutes| *minutes <= 24 * 60)
            .map(TimeOfDay)
            .ok_or_else(|| Invalid::new(Refusal::TimeOutOfDay))
    }

    /// `"HH:MM"`, two digits each.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let invalid = || Invalid::new(Refusal::TimeWritten);
        let bytes = raw.as_bytes();
        if bytes.len() != 5 || bytes[2] != b':' {
            return Err(invalid());
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u16> {
            let part = raw.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let (Some(hours), Some(minutes)) = (digits(0..2), digits(3..5)) else {
            return Err(invalid());
        };
        if minutes >= 60 || hours > 24 || (hours == 24 && minutes > 0) {
            return Err(invalid());
        }
        Ok(TimeOfDay(hours * 60 + minutes))
    }

    /// `"HH:MM"` from 00:00 to 23:59: a moment of the day, which 24:00 (an
    /// end of the day) is not.
    pub fn parse_clock(raw: &str) -> Result<Self, Invalid> {
        match Self::parse(raw) {
            Ok(time) if time < Self::END_OF_DAY => Ok(time),
            _ => Err(Invalid::new(Refusal::TimeOfDayWritten)),
        }
    }

    pub fn minutes(self) -> i32 {
        i32::from(self.0)
    }

    pub fn is_quarter_hour(self) -> bool {
        self.0.is_multiple_of(15)
    }

    /// This time plus `minutes`, if still within the day.
    pub fn plus(self, minutes: i32) -> Option<TimeOfDay> {
        TimeOfDay::from_minutes(self.minutes() + minutes).ok()
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl TimeOfDay {
    /// This time on `day`, in local (wall-clock) time; 24:00 is the next
    /// day's midnight.
    pub fn on(self, day: NaiveDate) -> NaiveDateTime {
        let midnight = day.and_time(NaiveTime::MIN);
        midnight + chrono::TimeDelta::minutes(i64::from(self.0))
    }
}

impl FromStr for TimeOfDay {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        Self::parse(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(raw: &str) -> TimeOfDay {
        TimeOfDay::parse(raw).expect("a time")
    }

    #[test]
    fn times_are_written_hh_mm_within_the_day() {
        assert_eq!(time("08:30").minutes(), 510);
        assert_eq!(time("24:00"), TimeOfDay::END_OF_DAY);
        assert_eq!(time("00:00").to_string(), "00:00");
        assert_eq!(time("17:45").to_string(), "17:45");
        for bad in [
            "8:30", "08:60", "24:15", "25:00", "0830", "08-30", "+8:30", " 8:30", "08:3x", "é8:30",
        ] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
        assert!(time("08:15").is_quarter_hour());
        assert!(!time("08:10").is_quarter_hour());
    }

    #[test]
    fn constants_and_sums_stay_within_the_day_and_a_clock_stops_at_23_59() {
        assert_eq!(TimeOfDay::at(8, 30), time("08:30"));
        assert_eq!(TimeOfDay::at(24, 0), TimeOfDay::END_OF_DAY);
        assert_eq!(TimeOfDay::at(25, 10), TimeOfDay::END_OF_DAY, "past 24:00");
        assert_eq!(time("08:30").plus(60), Some(time("09:30")));
        assert_eq!(time("23:00").plus(60), Some(TimeOfDay::END_OF_DAY));
        assert_eq!(time("23:30").plus(60), None);
        assert_eq!(time("00:10").plus(-10), Some(TimeOfDay::MIDNIGHT));
        assert_eq!(time("00:10").plus(-11), None);
        assert_eq!(TimeOfDay::parse_clock("23:59"), Ok(time("23:59")));
        assert!(TimeOfDay::parse_clock("24:00").is_err());
        assert!(TimeOfDay::parse_clock("9:00").is_err());
    }

    #[test]
    fn a_time_on_a_day_is_that_wall_clock_time() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).expect("day");
        assert_eq!(time("14:30").on(day).to_string(), "2026-12-02 14:30:00");
        assert_eq!(time("24:00").on(day).to_string(), "2026-12-03 00:00:00");
    }
}
