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
