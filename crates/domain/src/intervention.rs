//! Interventions (*interventions, entretiens, visites à domicile*) and the
//! follow-up actions (*actions de suivi*) that come out of them.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

string_enum! {
    InterventionKind {
        /// *Visite à domicile*.
        HomeVisit => "home_visit",
        /// *Entretien*.
        Interview => "interview",
        PhoneCall => "phone_call",
        /// Going with the mother to an appointment (*accompagnement*).
        Accompaniment => "accompaniment",
        /// *Atelier*.
        Workshop => "workshop",
        /// Time at the crèche.
        Childcare => "childcare",
        Other => "other",
    }
}

string_enum! {
    /// `team`: everyone who accompanies the family; `restricted`: only the
    /// author and the staff present.
    Confidentiality { Team => "team", Restricted => "restricted" }
}

/// The longest summary of an intervention, in characters.
pub const MAX_SUMMARY_CHARS: u64 = 10_000;
/// The shortest intervention, in minutes.
pub const MIN_DURATION_MINUTES: i64 = 1;
/// The longest intervention, in minutes: a whole day.
pub const MAX_DURATION_MINUTES: i64 = 1440;
/// The fewest staff present at an intervention.
pub const MIN_STAFF_PRESENT: u64 = 1;
/// The most staff present at an intervention.
pub const MAX_STAFF_PRESENT: u64 = 20;
/// The most follow-up actions logged with one intervention.
pub const MAX_ACTIONS: u64 = 20;
/// The longest description of a follow-up action, in characters.
pub const MAX_ACTION_DESCRIPTION_CHARS: u64 = 2000;

/// An intervention as typed, to log (with its follow-up actions) or to
/// rewrite (without). Checked by `nido_cases::interventions` into
/// [`InterventionFields`] and [`NewAction`]s.
#[derive(Debug, Clone)]
pub struct InterventionInput {
    pub kind: InterventionKind,
    pub occurred_at: DateTime<Utc>,
    pub duration_minutes: i32,
    /// The staff present.
    pub staff_ids: Vec<Uuid>,
    pub summary: String,
    pub confidentiality: Confidentiality,
    pub actions: Vec<ActionInput>,
}

/// A follow-up action as typed.
#[derive(Debug, Clone)]
pub struct ActionInput {
    pub description: String,
    pub due_on: NaiveDate,
    pub assignee_id: Uuid,
}

/// An intervention's fields to store, checked.
#[derive(Debug, Clone)]
pub struct InterventionFields {
    pub kind: InterventionKind,
    pub occurred_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub summary: String,
    pub confidentiality: Confidentiality,
    pub staff_ids: Vec<Uuid>,
}

/// A follow-up action to store, checked, its description trimmed.
#[derive(Debug, Clone)]
pub struct NewAction {
    pub description: String,
    pub due_on: NaiveDate,
    pub assignee_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intervention {
    pub id: Uuid,
    pub family_id: Uuid,
    pub author_id: Uuid,
    pub kind: InterventionKind,
    pub occurred_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub summary: String,
    pub confidentiality: Confidentiality,
    /// The staff present.
    pub staff_ids: Vec<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub id: Uuid,
    pub family_id: Uuid,
    pub intervention_id: Option<Uuid>,
    pub description: String,
    pub due_on: NaiveDate,
    pub assignee_id: Uuid,
    pub done_on: Option<NaiveDate>,
    pub version: i32,
}

impl Action {
    /// Open and past its due date.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.done_on.is_none() && self.due_on < today
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_action_past_its_day_is_overdue() {
        let day = |raw: &str| raw.parse::<NaiveDate>().expect("date");
        let mut action = Action {
            id: Uuid::nil(),
            family_id: Uuid::nil(),
            intervention_id: None,
            description: "Appeler la CAF".into(),
            due_on: day("2026-11-20"),
            assignee_id: Uuid::nil(),
            done_on: None,
            version: 1,
        };
        assert!(action.is_overdue(day("2026-11-21")));
        assert!(!action.is_overdue(day("2026-11-20")));
        action.done_on = Some(day("2026-11-22"));
        assert!(!action.is_overdue(day("2026-11-24")));
    }
}
