//! What time it is. The server reads the system clock; the test suite fixes
//! it, so that every date it expects is derived from one known instant and
//! the suite passes on any day, midnight included.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// Always this instant (tests only).
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => *at,
        }
    }

    /// Today's date in `zone`.
    pub fn today_in<Z: TimeZone>(&self, zone: &Z) -> NaiveDate {
        self.now().with_timezone(zone).date_naive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    #[test]
    fn a_fixed_clock_stays_put_and_gives_the_local_date() {
        let at: DateTime<Utc> = "2027-02-28T23:30:00Z".parse().expect("instant");
        let clock = Clock::Fixed(at);
        assert_eq!(clock.now(), at);
        assert_eq!(clock.now(), at);
        let paris_winter = FixedOffset::east_opt(3600).expect("offset");
        assert_eq!(clock.today_in(&paris_winter).to_string(), "2027-03-01");
        assert_eq!(clock.today_in(&Utc).to_string(), "2027-02-28");
    }
}
