//! Families (*dossiers*): a mother and her children, and the referrals
//! (*orientations*) and placements (*prises en charge*) that concern them.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::placement::{ChildBirth, Period};

string_enum! {
    /// Who referred the family: *Aide sociale à l'enfance* or *Mission hébergement logement*.
    ReferralSource { Ase => "ase", Mhl => "mhl" }
}

string_enum! {
    /// Why the family was referred.
    ReferralReason {
        Distress => "distress",
        EducationalDifficulties => "educational_difficulties",
        Other => "other",
    }
}

string_enum! {
    /// Pending referrals are the waiting list.
    ReferralStatus {
        Pending => "pending",
        Admitted => "admitted",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mother {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Mother {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: Option<String>,
    /// Born, or expected (unborn).
    pub birth: ChildBirth,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    pub id: Uuid,
    pub mother: Mother,
    pub children: Vec<Child>,
    /// The *référent*: the staff member who leads the family's accompaniment.
    pub referent_id: Option<Uuid>,
    /// The other staff members who work with the family.
    pub team_ids: Vec<Uuid>,
    pub current_placement_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Family {
    /// The people living in the apartment on `on`: the mother and the
    /// children born by then (an expected child takes no room yet).
    pub fn persons_on(&self, on: NaiveDate) -> i32 {
        let born = self
            .children
            .iter()
            .filter(|child| matches!(child.birth, ChildBirth::Born(date) if date <= on))
            .count();
        1 + i32::try_from(born).unwrap_or(i32::MAX - 1)
    }

    pub fn births(&self) -> Vec<ChildBirth> {
        self.children.iter().map(|child| child.birth).collect()
    }

    /// Whether `user_id` is the referent or in the team.
    pub fn is_assigned(&self, user_id: Uuid) -> bool {
        self.referent_id == Some(user_id) || self.team_ids.contains(&user_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: Uuid,
    pub family_id: Uuid,
    pub source: ReferralSource,
    /// The *Espace départemental des solidarités*, named by its commune.
    pub eds: String,
    pub referred_on: NaiveDate,
    pub referrer_name: String,
    pub referrer_contact: String,
    pub reason: ReferralReason,
    pub reason_details: Option<String>,
    pub status: ReferralStatus,
    /// Why it was declined or withdrawn.
    pub closed_reason: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

/// A period with the département's renewal decision, once recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRecord {
    pub period: Period,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<String>,
    pub decision_ref: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    pub exited_on: NaiveDate,
    pub destination: ExitDestination,
    pub notes: Option<String>,
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

    #[test]
    fn an_apartment_holds_the_mother_and_the_children_born_by_then() {
        let date = |raw: &str| raw.parse::<NaiveDate>().expect("date");
        let child = |birth| Child {
            id: Uuid::nil(),
            first_name: "Inaya".into(),
            last_name: None,
            birth,
            version: 1,
        };
        let family = Family {
            id: Uuid::nil(),
            mother: Mother {
                first_name: "Awa".into(),
                last_name: "Diallo".into(),
                birth_date: date("2001-05-17"),
                phone: None,
                email: None,
            },
            children: vec![
                child(ChildBirth::Born(date("2025-09-01"))),
                child(ChildBirth::Expected(date("2026-12-20"))),
            ],
            referent_id: None,
            team_ids: Vec::new(),
            current_placement_id: None,
            version: 1,
            created_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
        };
        assert_eq!(family.persons_on(date("2025-08-31")), 1);
        assert_eq!(family.persons_on(date("2025-09-01")), 2);
        assert_eq!(
            family.persons_on(date("2027-01-01")),
            2,
            "expected: no room yet"
        );
    }

    #[test]
    fn vocabularies_round_trip_and_refuse_strangers() {
        for source in ReferralSource::ALL {
            assert_eq!(source.as_str().parse::<ReferralSource>(), Ok(*source));
        }
        for destination in ExitDestination::ALL {
            assert_eq!(
                destination.as_str().parse::<ExitDestination>(),
                Ok(*destination)
            );
        }
        let refused = "asE".parse::<ReferralSource>().expect_err("unknown");
        assert_eq!(refused.0, "must be one of ase, mhl");
        assert_eq!(
            serde_json_like(ReferralReason::EducationalDifficulties),
            "educational_difficulties"
        );
    }

    fn serde_json_like(reason: ReferralReason) -> String {
        reason.to_string()
    }
}
