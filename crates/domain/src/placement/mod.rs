//! Placements (*prises en charge*): a family's stay at the centre from its
//! admission to its exit, granted in periods (the rules of which are in
//! [`periods`], re-exported here).

mod periods;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub use periods::*;

string_enum! {
    PlacementStatus { Active => "active", Ended => "ended" }
}

string_enum! {
    /// Where a family went when its placement ended (*sortie*).
    ExitDestination {
        SocialHousing => "social_housing",
        PrivateHousing => "private_housing",
        FamilyOrFriends => "family_or_friends",
        OtherFacility => "other_facility",
        Unknown => "unknown",
    }
}

/// A period with the département's renewal decision, once recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRecord {
    pub period: Period,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<String>,
    pub decision_ref: Option<String>,
}

/// The longest name of who decided a renewal (the département's service
/// or officer), in characters.
pub const DECIDED_BY_MAX: u64 = 200;
/// The longest reference of a renewal decision, in characters.
pub const DECISION_REF_MAX: u64 = 100;
/// The longest notes on a family's exit, in characters.
pub const EXIT_NOTES_MAX: u64 = 5000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    pub exited_on: NaiveDate,
    pub destination: ExitDestination,
    pub notes: Option<String>,
    /// The accepted housing step the family left by, when the exit names
    /// one (`nido_domain::pathway`).
    pub housing_step_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub id: Uuid,
    pub family_id: Uuid,
    pub referral_id: Uuid,
    pub status: PlacementStatus,
    pub admitted_on: NaiveDate,
    /// In order; the last is the current period.
    pub periods: Vec<PeriodRecord>,
    pub exit: Option<Exit>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl Placement {
    pub fn current_period(&self) -> Option<&Period> {
        self.periods.last().map(|record| &record.period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().expect("date")
    }

    #[test]
    fn a_placements_current_period_is_its_last() {
        let record = |number, starts_on, ends_on| PeriodRecord {
            period: Period {
                number,
                starts_on: day(starts_on),
                ends_on: day(ends_on),
            },
            decided_on: None,
            decided_by: None,
            decision_ref: None,
        };
        let mut placement = Placement {
            id: Uuid::nil(),
            family_id: Uuid::nil(),
            referral_id: Uuid::nil(),
            status: PlacementStatus::Active,
            admitted_on: day("2026-01-10"),
            periods: Vec::new(),
            exit: None,
            version: 1,
            created_at: DateTime::<Utc>::MIN_UTC,
        };
        assert_eq!(placement.current_period(), None);
        placement.periods = vec![
            record(1, "2026-01-10", "2026-07-09"),
            record(2, "2026-07-10", "2027-01-09"),
        ];
        assert_eq!(
            placement.current_period().map(|period| period.number),
            Some(2)
        );
    }
}
