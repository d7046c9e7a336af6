//! Workshops (*ateliers*): a session the centre runs with the mothers and
//! their children, often with a partner (the médiathèque, the PMI), led by
//! members of the team. Families take part (*participation*); the capacity
//! counts families, not persons.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::family::{Child, FieldInvalid, optional_text, text};
use crate::placement::ChildBirth;
use crate::refusal::{Counted, Refusal, Unit};
pub use crate::time_of_day::TimeOfDay;

pub const MAX_TITLE_CHARS: u64 = 200;
pub const MAX_PARTNER_CHARS: u64 = 200;
/// At most this many families in one workshop.
pub const MAX_CAPACITY: i64 = 100;
pub const MAX_FACILITATORS: usize = 10;
/// At most this many children with their mother in one participation.
pub const MAX_CHILDREN: u64 = 10;

/// Where a list of workshops stands: the day, the start and the id of the
/// last one given.
pub type Position = (NaiveDate, i32, Uuid);

string_enum! {
    /// Where a family's participation stands: registered, then marked
    /// attended or absent once the workshop has been held.
    ParticipationStatus {
        Registered => "registered",
        Attended => "attended",
        Absent => "absent",
    }
}

/// A workshop as typed, before it is checked.
#[derive(Debug, Clone, Copy)]
pub struct WorkshopDraft<'a> {
    pub title: &'a str,
    pub on: NaiveDate,
    pub starts_at: &'a str,
    pub ends_at: &'a str,
    pub partner: Option<&'a str>,
    pub capacity: Option<i64>,
    pub facilitator_ids: &'a [Uuid],
    /// Where it is held: one of the creator's sites (absent: hers when
    /// she belongs to one); checked by the use case.
    pub site_id: Option<Uuid>,
}

/// A workshop to create, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWorkshop {
    pub title: String,
    pub on: NaiveDate,
    pub starts_at: TimeOfDay,
    pub ends_at: TimeOfDay,
    pub partner: Option<String>,
    /// The most families it takes; `None`: no limit.
    pub capacity: Option<i32>,
    /// Who leads it, each once.
    pub facilitator_ids: Vec<Uuid>,
}

impl NewWorkshop {
    /// Title trimmed, 1 to 200 characters; partner at most 200 (blank is
    /// none); `starts_at` before `ends_at`, both `"HH:MM"`; a capacity of 1
    /// to 100 families if any; 1 to 10 facilitators (a repeated one counts
    /// once). Whether each facilitator is an active member of the team is
    /// for the use case to check.
    pub fn parse(draft: WorkshopDraft<'_>) -> Result<NewWorkshop, Vec<FieldInvalid>> {
        let mut refused = Vec::new();
        let title = text(&mut refused, "title", draft.title, 1, MAX_TITLE_CHARS);
        let partner = optional_text(&mut refused, "partner", draft.partner, MAX_PARTNER_CHARS);
        let mut time = |field: &'static str, raw: &str| {
            TimeOfDay::parse_clock(raw)
                .map_err(|err| refused.push(FieldInvalid::new(field, err.0)))
                .ok()
        };
        let starts_at = time("starts_at", draft.starts_at);
        let ends_at = time("ends_at", draft.ends_at);
        if let (Some(starts), Some(ends)) = (starts_at, ends_at)
            && ends <= starts
        {
            refused.push(FieldInvalid::new("ends_at", Refusal::EndsBeforeStart));
        }
        let capacity = match draft.capacity {
            None => None,
            Some(capacity) if (1..=MAX_CAPACITY).contains(&capacity) => {
                i32::try_from(capacity).ok()
            }
            Some(_) => {
                refused.push(FieldInvalid::new(
                    "capacity",
                    Refusal::Range {
                        min: 1,
                        max: MAX_CAPACITY,
                        unit: Unit::Families,
                    },
                ));
                None
            }
        };
        if draft.facilitator_ids.is_empty() || draft.facilitator_ids.len() > MAX_FACILITATORS {
            refused.push(FieldInvalid::new(
                "facilitator_ids",
                Refusal::Count {
                    min: 1,
                    max: MAX_FACILITATORS as u64,
                    of: Counted::People,
                },
            ));
        }
        let mut facilitator_ids = Vec::new();
        for id in draft.facilitator_ids {
            if !facilitator_ids.contains(id) {
                facilitator_ids.push(*id);
            }
        }
        match (starts_at, ends_at) {
            (Some(starts_at), Some(ends_at)) if refused.is_empty() => Ok(NewWorkshop {
                title,
                on: draft.on,
                starts_at,
                ends_at,
                partner,
                capacity,
                facilitator_ids,
            }),
            _ => Err(refused),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workshop {
    pub id: Uuid,
    pub title: String,
    pub on: NaiveDate,
    pub starts_at: TimeOfDay,
    pub ends_at: TimeOfDay,
    pub partner: Option<String>,
    pub capacity: Option<i32>,
    pub facilitator_ids: Vec<Uuid>,
    /// Every family taking part, whoever looks.
    pub participants_count: i32,
    pub created_by: Uuid,
    /// Where it is held.
    pub site_id: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl Workshop {
    pub fn is_facilitator(&self, user_id: Uuid) -> bool {
        self.facilitator_ids.contains(&user_id)
    }

    /// Attendance is recorded once the workshop's day has come.
    pub fn is_held_by(&self, today: NaiveDate) -> bool {
        self.on <= today
    }
}

/// A child may come to a workshop if born by its day.
pub fn may_attend(child: &Child, on: NaiveDate) -> bool {
    matches!(child.birth, ChildBirth::Born(born) if born <= on)
}

/// A family's participation in a workshop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participation {
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub family_id: Uuid,
    /// The children who come with their mother.
    pub child_ids: Vec<Uuid>,
    pub status: ParticipationStatus,
    /// When the family attended.
    pub arrived_at: Option<TimeOfDay>,
    pub left_at: Option<TimeOfDay>,
    pub registered_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

/// An attendance as typed: `arrived_at` and `left_at` (`"HH:MM"`) when the
/// family came, `absent: Some(true)` alone when not. Read by
/// [`Attendance::parse`] where the use case takes it.
#[derive(Debug, Clone, Default)]
pub struct AttendanceInput {
    pub absent: Option<bool>,
    pub arrived_at: Option<String>,
    pub left_at: Option<String>,
}

/// What was recorded of a family at a held workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    Attended {
        arrived_at: TimeOfDay,
        left_at: TimeOfDay,
    },
    Absent,
}

impl Attendance {
    /// `{arrived_at, left_at}` (arrival before leaving) or `{absent: true}`,
    /// exactly one of the two.
    pub fn parse(
        absent: Option<bool>,
        arrived_at: Option<&str>,
        left_at: Option<&str>,
    ) -> Result<Attendance, Vec<FieldInvalid>> {
        let mut refused = Vec::new();
        match (absent, arrived_at, left_at) {
            (Some(true), None, None) => return Ok(Attendance::Absent),
            (Some(false), _, _) => {
                refused.push(FieldInvalid::new("absent", Refusal::AbsentMustBeTrue))
            }
            (Some(true), _, _) => refused.push(FieldInvalid::new("absent", Refusal::AbsentOrTimes)),
            (None, None, None) => {
                refused.push(FieldInvalid::new("arrived_at", Refusal::TimesOrAbsent))
            }
            (None, arrived, left) => {
                let mut time =
                    |field: &'static str, raw: Option<&str>, other: &'static str| match raw {
                        None => {
                            refused.push(FieldInvalid::new(field, Refusal::RequiredWith { other }));
                            None
                        }
                        Some(raw) => TimeOfDay::parse_clock(raw)
                            .map_err(|err| refused.push(FieldInvalid::new(field, err.0)))
                            .ok(),
                    };
                let arrived = time("arrived_at", arrived, "left_at");
                let left = time("left_at", left, "arrived_at");
                if let (Some(arrived_at), Some(left_at)) = (arrived, left) {
                    if left_at <= arrived_at {
                        refused.push(FieldInvalid::new("left_at", Refusal::LeavesBeforeArrival));
                    } else {
                        return Ok(Attendance::Attended {
                            arrived_at,
                            left_at,
                        });
                    }
                }
            }
        }
        Err(refused)
    }

    pub fn status(self) -> ParticipationStatus {
        match self {
            Attendance::Attended { .. } => ParticipationStatus::Attended,
            Attendance::Absent => ParticipationStatus::Absent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().expect("date")
    }

    fn draft<'a>(starts_at: &'a str, ends_at: &'a str, ids: &'a [Uuid]) -> WorkshopDraft<'a> {
        WorkshopDraft {
            title: "  Lecture d'albums  ",
            on: day("2026-12-02"),
            starts_at,
            ends_at,
            partner: Some("Médiathèque Boris Vian"),
            capacity: Some(8),
            facilitator_ids: ids,
            site_id: None,
        }
    }

    fn fields(refused: Vec<FieldInvalid>) -> Vec<&'static str> {
        refused.into_iter().map(|invalid| invalid.field).collect()
    }

    #[test]
    fn a_time_of_day_is_hh_mm_and_round_trips() {
        for raw in ["00:00", "09:05", "14:30", "23:59"] {
            assert_eq!(TimeOfDay::parse(raw).expect(raw).to_string(), raw);
        }
        for raw in [
            "24:01", "9:05", "09:60", "09h05", "09:05:00", "", "ab:cd", "+9:05",
        ] {
            assert!(TimeOfDay::parse_clock(raw).is_err(), "{raw}");
        }
        let time = TimeOfDay::parse("14:30").expect("time");
        assert_eq!(time.minutes(), 870);
        assert_eq!(TimeOfDay::from_minutes(870), Ok(time));
        assert!(TimeOfDay::from_minutes(1441).is_err());
        assert!(TimeOfDay::from_minutes(-1).is_err());
        assert_eq!(
            time.on(day("2026-12-02")).to_string(),
            "2026-12-02 14:30:00"
        );
    }

    #[test]
    fn a_workshop_is_trimmed_and_its_facilitators_counted_once() {
        let id = Uuid::now_v7();
        let workshop = NewWorkshop::parse(draft("14:00", "15:30", &[id, id])).expect("valid");
        assert_eq!(workshop.title, "Lecture d'albums");
        assert_eq!(workshop.facilitator_ids, vec![id]);
        assert_eq!(workshop.capacity, Some(8));
    }

    #[test]
    fn a_workshop_ends_after_it_starts() {
        let ids = [Uuid::now_v7()];
        for (starts, ends) in [("15:00", "15:00"), ("15:00", "14:59")] {
            let refused = NewWorkshop::parse(draft(starts, ends, &ids)).expect_err("refused");
            assert_eq!(fields(refused), ["ends_at"]);
        }
        let refused = NewWorkshop::parse(draft("25:00", "9h", &ids)).expect_err("refused");
        assert_eq!(fields(refused), ["starts_at", "ends_at"]);
    }

    #[test]
    fn every_bound_of_a_workshop_is_named() {
        let ids: Vec<Uuid> = (0..11).map(|_| Uuid::now_v7()).collect();
        let long = "é".repeat(201);
        let mut bad = draft("10:00", "11:00", &ids);
        bad.title = "   ";
        bad.partner = Some(&long);
        bad.capacity = Some(0);
        let refused = NewWorkshop::parse(bad).expect_err("refused");
        assert_eq!(
            fields(refused),
            ["title", "partner", "capacity", "facilitator_ids"]
        );
        let mut none = draft("10:00", "11:00", &[]);
        none.capacity = Some(101);
        assert_eq!(
            fields(NewWorkshop::parse(none).expect_err("refused")),
            ["capacity", "facilitator_ids"]
        );
        let mut open = draft("10:00", "11:00", &ids[..10]);
        open.capacity = None;
        open.partner = Some("  ");
        let workshop = NewWorkshop::parse(open).expect("valid");
        assert_eq!((workshop.capacity, workshop.partner), (None, None));
    }

    #[test]
    fn attendance_is_taken_from_the_workshops_day_by_its_facilitators() {
        let [leader, other] = [1, 2].map(Uuid::from_u128);
        let new = NewWorkshop::parse(draft("14:00", "15:30", &[leader])).expect("valid");
        let workshop = Workshop {
            id: Uuid::nil(),
            title: new.title,
            on: new.on,
            starts_at: new.starts_at,
            ends_at: new.ends_at,
            partner: new.partner,
            capacity: new.capacity,
            facilitator_ids: new.facilitator_ids,
            participants_count: 0,
            created_by: other,
            site_id: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::MIN_UTC,
        };
        assert!(workshop.is_facilitator(leader));
        assert!(
            !workshop.is_facilitator(other),
            "its creator does not lead it"
        );
        assert!(!workshop.is_held_by(day("2026-12-01")));
        assert!(workshop.is_held_by(day("2026-12-02")));
        assert!(workshop.is_held_by(day("2026-12-03")));
    }

    #[test]
    fn attendance_is_a_presence_with_times_or_an_absence() {
        assert_eq!(
            Attendance::parse(Some(true), None, None),
            Ok(Attendance::Absent)
        );
        let present = Attendance::parse(None, Some("14:10"), Some("15:20")).expect("present");
        assert_eq!(present.status(), ParticipationStatus::Attended);
        let refused = |absent, arrived, left| {
            fields(Attendance::parse(absent, arrived, left).expect_err("refused"))
        };
        assert_eq!(refused(Some(false), None, None), ["absent"]);
        assert_eq!(refused(Some(true), Some("14:00"), None), ["absent"]);
        assert_eq!(refused(None, None, None), ["arrived_at"]);
        assert_eq!(refused(None, Some("14:00"), None), ["left_at"]);
        assert_eq!(refused(None, None, Some("14:00")), ["arrived_at"]);
        assert_eq!(refused(None, Some("15:00"), Some("14:00")), ["left_at"]);
        assert_eq!(refused(None, Some("1500"), Some("14:00")), ["arrived_at"]);
    }

    #[test]
    fn only_a_child_born_by_the_day_may_attend() {
        let child = |birth| Child {
            id: Uuid::nil(),
            first_name: "Inaya".into(),
            last_name: None,
            birth,
            version: 1,
        };
        let on = day("2026-12-02");
        assert!(may_attend(&child(ChildBirth::Born(on)), on));
        assert!(!may_attend(&child(ChildBirth::Born(day("2026-12-03"))), on));
        assert!(!may_attend(&child(ChildBirth::Expected(on)), on));
    }
}
