//! The crèche (*multi-accueil*): its settings, the slots a child may be
//! booked in, a child's age in whole months, how many bookings overlap at
//! once, weekly series and the monthly occupancy rate. Pure rules: the
//! database decides the races (see `docs/creche.md`).

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::Invalid;
use crate::family::FieldInvalid;
use crate::refusal::Refusal;
pub use crate::time_of_day::TimeOfDay;

string_enum! {
    /// What the mother is freed for while her child is at the crèche.
    BookingPurpose {
        JobInterview => "job_interview",
        Training => "training",
        Employment => "employment",
        Appointment => "appointment",
        Workshop => "workshop",
        Respite => "respite",
        Other => "other",
    }
}

string_enum! {
    /// `booked` → `cancelled` | `attended` | `absent`.
    BookingStatus {
        Booked => "booked",
        Cancelled => "cancelled",
        Attended => "attended",
        Absent => "absent",
    }
}

impl BookingStatus {
    /// Booked and attended bookings hold a place; cancelled and absent ones
    /// no longer do.
    pub fn holds_a_place(self) -> bool {
        matches!(self, BookingStatus::Booked | BookingStatus::Attended)
    }
}

/// `[starts_at, ends_at)` on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub starts_at: TimeOfDay,
    pub ends_at: TimeOfDay,
}

impl Slot {
    pub fn minutes(self) -> i32 {
        self.ends_at.minutes() - self.starts_at.minutes()
    }

    pub fn overlaps(self, other: Slot) -> bool {
        self.starts_at < other.ends_at && other.starts_at < self.ends_at
    }
}

/// The longest reason of a closure, in characters.
pub const CLOSURE_REASON_MAX: u64 = 200;

/// The most children the crèche's settings may take at once.
pub const CAPACITY_MAX: i32 = 200;

/// The oldest age, in months, the crèche's settings may name (either
/// bound).
pub const AGE_MONTHS_MAX: i32 = 72;

/// A day the crèche is closed (a holiday, a training day); as typed, it is
/// checked by `nido_cases::creche::close_day` (its reason 1 to
/// [`CLOSURE_REASON_MAX`] characters, not blank) and stored trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    pub on: NaiveDate,
    pub reason: String,
}

/// A child's place at the crèche on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: uuid::Uuid,
    pub family_id: uuid::Uuid,
    pub child_id: uuid::Uuid,
    pub on: NaiveDate,
    pub slot: Slot,
    pub purpose: BookingPurpose,
    pub notes: Option<String>,
    pub status: BookingStatus,
    /// When the child arrived and left, once attended.
    pub arrived_at: Option<TimeOfDay>,
    pub left_at: Option<TimeOfDay>,
    /// The weekly series it was booked in, if any.
    pub series_id: Option<uuid::Uuid>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Booking {
    /// Minutes the child was there, once attended.
    pub fn attended_minutes(&self) -> i32 {
        match (self.status, self.arrived_at, self.left_at) {
            (BookingStatus::Attended, Some(arrived), Some(left)) => {
                (left.minutes() - arrived.minutes()).max(0)
            }
            _ => 0,
        }
    }
}

/// The longest notes of a booking, in characters.
pub const BOOKING_NOTES_MAX: u64 = 2000;

/// An attendance as typed: `arrived_at` and `left_at` ("09:05") when the
/// child came, `absent: Some(true)` alone when not. Read by
/// `nido_cases::creche::record_attendance` into an [`Attendance`].
#[derive(Debug, Clone, Default)]
pub struct AttendanceInput {
    pub arrived_at: Option<String>,
    pub left_at: Option<String>,
    pub absent: Option<bool>,
}

/// What happened to a booked child on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    Came {
        arrived_at: TimeOfDay,
        left_at: TimeOfDay,
    },
    Absent,
}

/// The crèche's settings (changed by admins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrecheSettings {
    /// Places: the agrément.
    pub capacity: i32,
    pub opens_at: TimeOfDay,
    pub closes_at: TimeOfDay,
    /// ISO weekdays, 1 (Monday) to 7, ascending, no repeats.
    pub open_weekdays: Vec<u8>,
    /// The youngest age taken, in whole months (included).
    pub min_age_months: i32,
    /// The age from which a child is no longer taken (excluded).
    pub max_age_months: i32,
    pub version: i32,
}

impl Default for CrecheSettings {
    fn default() -> Self {
        Self {
            capacity: 10,
            opens_at: TimeOfDay::at(8, 30),
            closes_at: TimeOfDay::at(18, 0),
            open_weekdays: vec![1, 2, 3, 4, 5],
            min_age_months: 2,
            max_age_months: 36,
            version: 1,
        }
    }
}

/// The crèche's settings as typed, times as text ("08:30"). Read by
/// `nido_cases::creche::change_settings` into [`CrecheSettings`].
#[derive(Debug, Clone)]
pub struct CrecheSettingsInput {
    pub capacity: i32,
    pub opens_at: String,
    pub closes_at: String,
    /// ISO weekdays, 1 (Monday) to 7 (Sunday), each once.
    pub open_weekdays: Vec<i64>,
    pub min_age_months: i32,
    pub max_age_months: i32,
}

impl CrecheSettings {
    /// The settings' own coherence: opening before closing, on quarter
    /// hours, at least one open weekday, ages that leave a range.
    pub fn check(&self) -> Result<(), Vec<FieldInvalid>> {
        let mut refused = Vec::new();
        if !(1..=CAPACITY_MAX).contains(&self.capacity) {
            refused.push(FieldInvalid::new(
                "capacity",
                Refusal::Between {
                    min: 1,
                    max: i64::from(CAPACITY_MAX),
                },
            ));
        }
        if !self.opens_at.is_quarter_hour() {
            refused.push(FieldInvalid::new("opens_at", Refusal::SettingQuarterHour));
        }
        if !self.closes_at.is_quarter_hour() {
            refused.push(FieldInvalid::new("closes_at", Refusal::SettingQuarterHour));
        }
        if self.closes_at <= self.opens_at {
            refused.push(FieldInvalid::new("closes_at", Refusal::ClosesBeforeOpening));
        }
        let mut days = self.open_weekdays.clone();
        days.sort_unstable();
        days.dedup();
        if days.is_empty()
            || days.len() != self.open_weekdays.len()
            || days.iter().any(|day| !(1..=7).contains(day))
        {
            refused.push(FieldInvalid::new("open_weekdays", Refusal::OpeningDays));
        }
        if !(0..=AGE_MONTHS_MAX).contains(&self.min_age_months) {
            refused.push(FieldInvalid::new(
                "min_age_months",
                Refusal::Between {
                    min: 0,
                    max: i64::from(AGE_MONTHS_MAX),
                },
            ));
        }
        if !(1..=AGE_MONTHS_MAX).contains(&self.max_age_months) {
            refused.push(FieldInvalid::new(
                "max_age_months",
                Refusal::Between {
                    min: 1,
                    max: i64::from(AGE_MONTHS_MAX),
                },
            ));
        } else if self.max_age_months <= self.min_age_months {
            refused.push(FieldInvalid::new(
                "max_age_months",
                Refusal::MaxAgeNotAboveMin,
            ));
        }
        if refused.is_empty() {
            Ok(())
        } else {
            Err(refused)
        }
    }

    /// Whether the crèche opens on that weekday (closures apart).
    pub fn opens_on_weekday(&self, on: NaiveDate) -> bool {
        let weekday = u8::try_from(on.weekday().number_from_monday()).unwrap_or(0);
        self.open_weekdays.contains(&weekday)
    }

    /// Minutes open on one open day.
    pub fn open_minutes_a_day(&self) -> i32 {
        self.closes_at.minutes() - self.opens_at.minutes()
    }

    /// The slot's own refusals: quarter hours, start before end, within
    /// opening hours.
    pub fn check_slot(&self, slot: Slot) -> Result<(), Vec<FieldInvalid>> {
        let mut refused = Vec::new();
        for (field, time) in [("starts_at", slot.starts_at), ("ends_at", slot.ends_at)] {
            if !time.is_quarter_hour() {
                refused.push(FieldInvalid::new(field, Refusal::QuarterHour));
            } else if time < self.opens_at || time > self.closes_at {
                refused.push(FieldInvalid::new(
                    field,
                    Refusal::OutsideOpeningHours {
                        opens: self.opens_at,
                        closes: self.closes_at,
                    },
                ));
            }
        }
        if slot.ends_at <= slot.starts_at {
            refused.push(FieldInvalid::new("ends_at", Refusal::EndsBeforeStart));
        }
        if refused.is_empty() {
            Ok(())
        } else {
            Err(refused)
        }
    }

    /// Whether a child of `age_months` is taken.
    pub fn takes_age(&self, age_months: i32) -> bool {
        (self.min_age_months..self.max_age_months).contains(&age_months)
    }
}

/// A child's age in whole months on `on`: the most months that, added to
/// the birth date, do not pass `on`. A month added to the 31st ends on the
/// last day of a shorter month (born 31 January, one month old on
/// 28 February, or 29 in a leap year). Negative before birth.
pub fn age_in_months(birth: NaiveDate, on: NaiveDate) -> i32 {
    if on < birth {
        return -age_in_months(on, birth) - 1;
    }
    let mut months = (on.year() - birth.year()) * 12 + on.month() as i32 - birth.month() as i32;
    while months > 0 && add_months(birth, months).is_none_or(|date| date > on) {
        months -= 1;
    }
    months
}

fn add_months(date: NaiveDate, months: i32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(u32::try_from(months).ok()?))
}

/// The most of `slots` that overlap at any one instant.
pub fn most_at_once(slots: impl IntoIterator<Item = Slot>) -> usize {
    // Ends sort before starts at the same minute: [9, 10) and [10, 11) do
    // not overlap.
    let mut edges: Vec<(i32, i8)> = slots
        .into_iter()
        .filter(|slot| slot.minutes() > 0)
        .flat_map(|slot| [(slot.starts_at.minutes(), 1), (slot.ends_at.minutes(), -1)])
        .collect();
    edges.sort_unstable();
    let (mut now, mut most) = (0usize, 0usize);
    for (_, step) in edges {
        if step > 0 {
            now += 1;
            most = most.max(now);
        } else {
            now = now.saturating_sub(1);
        }
    }
    most
}

/// The longest weekly series: 26 weeks after the first day.
pub const MAX_SERIES_WEEKS: u64 = 26;

/// `on`, then every 7 days up to `until` included: at most 27 dates (the
/// first day and 26 weeks).
pub fn weekly_dates(on: NaiveDate, until: NaiveDate) -> Result<Vec<NaiveDate>, Invalid> {
    if until < on {
        return Err(Invalid::new(Refusal::RepeatEndsBeforeDay));
    }
    let last = on
        .checked_add_days(Days::new(7 * MAX_SERIES_WEEKS))
        .unwrap_or(NaiveDate::MAX);
    if until > last {
        return Err(Invalid::new(Refusal::RepeatTooLong { weeks: 26 }));
    }
    Ok(
        std::iter::successors(Some(on), |date| date.checked_add_days(Days::new(7)))
            .take_while(|date| *date <= until)
            .collect(),
    )
}

/// Booked place-minutes ÷ (places × open minutes), with four decimals; 0
/// when the crèche never opened.
pub fn occupancy_rate(booked_place_minutes: i64, capacity: i32, open_minutes: i64) -> f64 {
    let offered = i64::from(capacity) * open_minutes;
    if offered <= 0 {
        return 0.0;
    }
    (booked_place_minutes as f64 / offered as f64 * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(raw: &str) -> NaiveDate {
        raw.parse().expect("a date")
    }

    fn time(raw: &str) -> TimeOfDay {
        TimeOfDay::parse(raw).expect("a time")
    }

    fn slot(from: &str, to: &str) -> Slot {
        Slot {
            starts_at: time(from),
            ends_at: time(to),
        }
    }

    #[test]
    fn age_in_whole_months_at_month_ends_and_29_february() {
        let cases = [
            ("2026-01-31", "2026-02-27", 0),
            ("2026-01-31", "2026-02-28", 1),
            ("2028-01-31", "2028-02-28", 0),
            ("2028-01-31", "2028-02-29", 1),
            ("2026-01-31", "2026-03-30", 1),
            ("2026-01-31", "2026-03-31", 2),
            ("2028-02-29", "2029-02-27", 11),
            ("2028-02-29", "2029-02-28", 12),
            ("2028-02-29", "2028-03-28", 0),
            ("2028-02-29", "2028-03-29", 1),
            ("2026-03-15", "2026-03-15", 0),
            ("2026-03-15", "2026-05-14", 1),
            ("2026-03-15", "2026-05-15", 2),
            ("2025-12-31", "2026-12-31", 12),
            ("2024-02-29", "2027-02-28", 36),
            ("2026-05-10", "2026-05-09", -1),
            ("2026-05-10", "2026-03-09", -3),
        ];
        for (birth, on, months) in cases {
            assert_eq!(
                age_in_months(date(birth), date(on)),
                months,
                "{birth} → {on}"
            );
        }
    }

    #[test]
    fn age_in_months_agrees_with_counting_month_by_month() {
        // Independent oracle: step one calendar month at a time, clamping
        // the day to the month's length, and count the steps that fit.
        fn oracle(birth: NaiveDate, on: NaiveDate) -> i32 {
            let mut months = 0;
            loop {
                let total = birth.month0() as i32 + months + 1;
                let year = birth.year() + total.div_euclid(12);
                let month = total.rem_euclid(12) as u32 + 1;
                let last_day = (28..=31)
                    .rev()
                    .find(|day| NaiveDate::from_ymd_opt(year, month, *day).is_some())
                    .expect("a month has 28 days");
                let next = NaiveDate::from_ymd_opt(year, month, birth.day().min(last_day))
                    .expect("clamped");
                if next > on {
                    return months;
                }
                months += 1;
            }
        }
        let start = date("2027-11-01");
        for birth_offset in 0..800u64 {
            let birth = start + Days::new(birth_offset);
            for on_offset in [0u64, 27, 28, 29, 30, 31, 59, 60, 365, 366, 1095, 1096] {
                let on = birth + Days::new(on_offset);
                assert_eq!(
                    age_in_months(birth, on),
                    oracle(birth, on),
                    "{birth} → {on}"
                );
            }
        }
    }

    #[test]
    fn slots_must_be_quarter_hours_within_opening_hours() {
        let settings = CrecheSettings::default();
        assert!(settings.check_slot(slot("08:30", "18:00")).is_ok());
        let fields = |result: Result<(), Vec<FieldInvalid>>| -> Vec<&'static str> {
            result
                .err()
                .unwrap_or_default()
                .iter()
                .map(|r| r.field)
                .collect()
        };
        assert_eq!(
            fields(settings.check_slot(slot("08:10", "10:00"))),
            ["starts_at"]
        );
        assert_eq!(
            fields(settings.check_slot(slot("08:00", "10:00"))),
            ["starts_at"]
        );
        assert_eq!(
            fields(settings.check_slot(slot("09:00", "18:15"))),
            ["ends_at"]
        );
        assert_eq!(
            fields(settings.check_slot(slot("10:00", "10:00"))),
            ["ends_at"]
        );
        assert_eq!(
            fields(settings.check_slot(slot("11:00", "10:00"))),
            ["ends_at"]
        );
    }

    #[test]
    fn slots_count_their_minutes_and_overlap_when_they_share_a_minute() {
        assert_eq!(slot("09:00", "10:30").minutes(), 90);
        assert_eq!(slot("08:30", "18:00").minutes(), 570);
        let cases = [
            (slot("09:00", "10:00"), slot("09:00", "10:00"), true),
            (slot("09:00", "10:00"), slot("09:30", "10:30"), true),
            (slot("09:00", "12:00"), slot("10:00", "11:00"), true),
            (slot("09:00", "10:00"), slot("09:45", "09:46"), true),
            (slot("09:00", "10:00"), slot("10:00", "11:00"), false),
            (slot("09:00", "10:00"), slot("11:00", "12:00"), false),
        ];
        for (one, other, overlap) in cases {
            assert_eq!(one.overlaps(other), overlap, "{one:?} {other:?}");
            assert_eq!(other.overlaps(one), overlap, "{other:?} {one:?}");
        }
        assert_eq!(most_at_once([slot("10:00", "10:00")]), 0, "empty slot");
    }

    #[test]
    fn booked_and_attended_bookings_hold_a_place_and_attended_ones_count_minutes() {
        let booking = |status, arrived: Option<&str>, left: Option<&str>| Booking {
            id: uuid::Uuid::nil(),
            family_id: uuid::Uuid::nil(),
            child_id: uuid::Uuid::nil(),
            on: date("2027-01-04"),
            slot: slot("09:00", "12:00"),
            purpose: BookingPurpose::JobInterview,
            notes: None,
            status,
            arrived_at: arrived.map(time),
            left_at: left.map(time),
            series_id: None,
            version: 1,
            created_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
        };
        use BookingStatus::*;
        let cases = [
            (Booked, true, None, None, 0),
            (Attended, true, Some("09:10"), Some("11:40"), 150),
            (Attended, true, Some("09:10"), None, 0),
            (Attended, true, Some("11:40"), Some("09:10"), 0),
            (Cancelled, false, Some("09:10"), Some("11:40"), 0),
            (Absent, false, None, None, 0),
        ];
        assert_eq!(cases.len(), BookingStatus::ALL.len() + 2);
        for (status, holds, arrived, left, minutes) in cases {
            assert_eq!(status.holds_a_place(), holds, "{status}");
            let booking = booking(status, arrived, left);
            assert_eq!(booking.attended_minutes(), minutes, "{booking:?}");
        }
    }

    #[test]
    fn ages_are_taken_from_the_minimum_up_to_but_not_the_maximum() {
        let settings = CrecheSettings::default();
        assert!(!settings.takes_age(1));
        assert!(settings.takes_age(2));
        assert!(settings.takes_age(35));
        assert!(!settings.takes_age(36));
    }

    #[test]
    fn settings_refuse_what_cannot_work() {
        assert!(CrecheSettings::default().check().is_ok());
        let bad = CrecheSettings {
            capacity: 0,
            opens_at: time("18:00"),
            closes_at: time("08:10"),
            open_weekdays: vec![1, 1, 8],
            min_age_months: 20,
            max_age_months: 18,
            version: 1,
        };
        let fields: Vec<&str> = bad
            .check()
            .expect_err("refused")
            .iter()
            .map(|r| r.field)
            .collect();
        assert_eq!(
            fields,
            [
                "capacity",
                "closes_at",
                "closes_at",
                "open_weekdays",
                "max_age_months"
            ]
        );
    }

    #[test]
    fn open_weekdays_are_one_to_seven_different_iso_days() {
        for (days, accepted) in [
            (vec![1, 2, 3, 4, 5], true),
            (vec![7], true),
            (vec![1, 2, 3, 4, 5, 6, 7], true),
            (vec![], false),
            (vec![1, 1], false),
            (vec![0, 1], false),
            (vec![5, 8], false),
        ] {
            let settings = CrecheSettings {
                open_weekdays: days.clone(),
                ..CrecheSettings::default()
            };
            let refused = settings.check().err().unwrap_or_default();
            let expected: &[&str] = if accepted { &[] } else { &["open_weekdays"] };
            let fields: Vec<&str> = refused.iter().map(|r| r.field).collect();
            assert_eq!(fields, expected, "{days:?}");
        }
    }

    #[test]
    fn the_most_at_once_counts_touching_slots_apart() {
        assert_eq!(most_at_once([]), 0);
        assert_eq!(
            most_at_once([slot("09:00", "10:00"), slot("10:00", "11:00")]),
            1
        );
        assert_eq!(
            most_at_once([
                slot("09:00", "12:00"),
                slot("10:00", "11:00"),
                slot("10:30", "13:00"),
                slot("12:00", "14:00"),
            ]),
            3
        );
    }

    #[test]
    fn a_weekly_series_runs_up_to_26_weeks() {
        let on = date("2027-01-04");
        assert_eq!(weekly_dates(on, on).expect("one day"), [on]);
        let series = weekly_dates(on, date("2027-01-24")).expect("series");
        assert_eq!(series, [on, date("2027-01-11"), date("2027-01-18")]);
        assert_eq!(
            weekly_dates(on, on + Days::new(182)).expect("max").len(),
            27
        );
        assert!(weekly_dates(on, on + Days::new(183)).is_err());
        assert!(weekly_dates(on, date("2027-01-03")).is_err());
    }

    #[test]
    fn occupancy_rate_over_a_month_with_29_february() {
        let month = |year, month| crate::calendar::Month::new(year, month).expect("a month");
        let february: Vec<NaiveDate> = month(2028, 2).days().collect();
        assert_eq!(february.len(), 29);
        assert_eq!(month(2027, 2).days().count(), 28);
        let settings = CrecheSettings::default();
        let open_days = february
            .iter()
            .filter(|day| settings.opens_on_weekday(**day))
            .count() as i64;
        assert_eq!(open_days, 21);
        assert_eq!(settings.open_minutes_a_day(), 570, "08:30 to 18:00");
        let open_minutes = open_days * i64::from(settings.open_minutes_a_day());
        assert_eq!(occupancy_rate(0, 10, open_minutes), 0.0);
        assert_eq!(occupancy_rate(10 * open_minutes, 10, open_minutes), 1.0);
        assert_eq!(occupancy_rate(open_minutes, 10, open_minutes), 0.1);
        assert_eq!(occupancy_rate(5, 10, 0), 0.0);
    }
}
