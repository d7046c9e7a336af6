//! Serious incidents (*événements indésirables graves*, arrêté du
//! 28 décembre 2016), which the centre reports to the authority at once, and
//! *informations préoccupantes*: a child believed in danger, transmitted to
//! the département's CRIP.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use uuid::Uuid;

string_enum! {
    /// The arrêté's eleven categories.
    IncidentCategory {
        Disaster => "disaster",
        EquipmentFailure => "equipment_failure",
        StaffingDisruption => "staffing_disruption",
        CareOrSupervisionFailure => "care_or_supervision_failure",
        RelationalDifficulties => "relational_difficulties",
        AccidentalDeath => "accidental_death",
        SuicideOrAttempt => "suicide_or_attempt",
        Mistreatment => "mistreatment",
        Disappearance => "disappearance",
        ViolentBehaviour => "violent_behaviour",
        MaliciousAct => "malicious_act",
    }
}

/// How long the authority may wait for the report.
pub const REPORT_WITHIN: TimeDelta = TimeDelta::hours(48);

/// When the report to the authority is overdue: 48 hours after the
/// incident.
pub fn report_due_at(occurred_at: DateTime<Utc>) -> DateTime<Utc> {
    occurred_at
        .checked_add_signed(REPORT_WITHIN)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The longest description or measures of an incident, and summary of an
/// information préoccupante (characters, once trimmed).
pub const INCIDENT_TEXT_MAX: u64 = 5000;

/// The longest recipient of an information préoccupante (characters).
pub const CONCERN_RECIPIENT_MAX: u64 = 200;

/// The most children one information préoccupante is about.
pub const CONCERN_CHILDREN_MAX: u64 = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub category: IncidentCategory,
    pub description: String,
    pub family_id: Option<Uuid>,
    pub measures_taken: String,
    pub declared_by: Uuid,
    pub authority_notified_at: Option<DateTime<Utc>>,
    /// The site where it happened: the family's when it names one.
    pub site_id: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

/// An information préoccupante, as transmitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concern {
    pub id: Uuid,
    pub family_id: Uuid,
    pub child_ids: Vec<Uuid>,
    pub summary: String,
    pub transmitted_on: NaiveDate,
    /// To whom: the CRIP, the judge.
    pub transmitted_to: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// An incident as declared; checked by the use case.
#[derive(Debug, Clone)]
pub struct Declaration {
    pub occurred_at: DateTime<Utc>,
    pub category: IncidentCategory,
    pub description: String,
    pub family_id: Option<Uuid>,
    pub measures_taken: String,
    /// Where it happened, for an incident naming no family: one of the
    /// declarer's sites (absent: hers when she belongs to one).
    pub site_id: Option<Uuid>,
}

/// What a change of an incident sets; `None` leaves a field as it is. As
/// typed, then as checked (its texts trimmed).
#[derive(Debug, Clone, Default)]
pub struct IncidentChanges {
    pub description: Option<String>,
    pub measures_taken: Option<String>,
    pub authority_notified_at: Option<DateTime<Utc>>,
}

/// An information préoccupante as written; checked by the use case.
#[derive(Debug, Clone)]
pub struct ConcernInput {
    pub child_ids: Vec<Uuid>,
    pub summary: String,
    pub transmitted_on: NaiveDate,
    pub transmitted_to: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_is_due_48_hours_later_across_a_month_end() {
        let occurred: DateTime<Utc> = "2028-02-28T22:30:00Z".parse().expect("instant");
        let due: DateTime<Utc> = "2028-03-01T22:30:00Z".parse().expect("instant");
        assert_eq!(report_due_at(occurred), due);
        assert_eq!(
            report_due_at(DateTime::<Utc>::MAX_UTC),
            DateTime::<Utc>::MAX_UTC
        );
    }
}
