//! The coordinators' forms as the family page shows them: renewal of the
//! current period, exit, and the referent and team, blank or sent back
//! with their errors. Their answers are in [`super::placement`]; the
//! family page and those answers both name this module, which names
//! neither.

use nido_cases::labels;
use nido_domain::family::Family;
use nido_domain::pathway::{HousingStep, StepStatus};
use nido_domain::placement::{ExitDestination, Placement, PlacementStatus};
use nido_domain::{Role, User};
use uuid::Uuid;

use crate::Web;
use crate::form::{FieldErrors, FormData};
use crate::french;
use crate::pages::family::value_choices;
use crate::pages::{Choice, people};
use crate::session::SignedIn;

/// Which of the coordinators' forms was sent back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Renewal,
    Exit,
    Assignment,
}

/// A coordinators' form sent back with what was typed and its errors.
pub struct CoordinationAttempt {
    pub which: Which,
    pub fields: FormData,
    pub errors: FieldErrors,
}

pub struct RenewalView {
    pub period_number: i32,
    pub period: String,
    pub decided_on: String,
    pub decided_by: String,
    pub decision_ref: String,
    pub errors: FieldErrors,
    pub open: bool,
}

pub struct ExitView {
    pub version: i32,
    pub exited_on: String,
    pub destinations: Vec<Choice>,
    /// The accepted housing steps she may leave by.
    pub steps: Vec<Choice>,
    pub notes: String,
    pub errors: FieldErrors,
    pub open: bool,
}

pub struct AssignmentView {
    pub version: i32,
    pub referents: Vec<Choice>,
    pub team: Vec<Choice>,
    pub errors: FieldErrors,
    pub open: bool,
}

/// The coordinators' part of the family page.
pub struct CoordinationView {
    pub renewal_action: String,
    pub exit_action: String,
    pub assignment_action: String,
    pub renewal: Option<RenewalView>,
    pub exit: Option<ExitView>,
    pub assignment: AssignmentView,
}

/// The forms for a coordinator (`None` for anyone else), blank or as sent
/// back in `attempt`; the referent and the team are chosen among `members`.
pub fn view(
    web: &Web,
    signed_in: &SignedIn,
    family: &Family,
    placement: Option<&Placement>,
    steps: &[HousingStep],
    members: &[User],
    attempt: Option<CoordinationAttempt>,
) -> Option<CoordinationView> {
    if signed_in.user().role != Role::Coordinator {
        return None;
    }
    let today = web.today().to_string();
    let sent = |which: Which| attempt.as_ref().filter(|a| a.which == which);
    let typed = |which: Which, name: &str, blank: &str| {
        sent(which).map_or_else(|| blank.to_owned(), |a| a.fields.get(name).to_owned())
    };
    let errors = |which: Which| sent(which).map(|a| a.errors.clone()).unwrap_or_default();
    let active = placement.filter(|p| p.status == PlacementStatus::Active);
    let renewal = active
        .and_then(|p| p.current_period())
        .map(|current| RenewalView {
            period_number: current.number,
            period: format!(
                "période n° {} (du {} au {})",
                current.number,
                french::date(current.starts_on),
                french::date(current.ends_on)
            ),
            decided_on: typed(Which::Renewal, "decided_on", &today),
            decided_by: typed(Which::Renewal, "decided_by", ""),
            decision_ref: typed(Which::Renewal, "decision_ref", ""),
            errors: errors(Which::Renewal),
            open: sent(Which::Renewal).is_some(),
        });
    let exit = active.map(|p| {
        let chosen = typed(Which::Exit, "destination", "");
        ExitView {
            version: p.version,
            exited_on: typed(Which::Exit, "exited_on", &today),
            destinations: value_choices(
                ExitDestination::ALL,
                ExitDestination::as_str,
                french::exit_destination,
                &chosen,
            ),
            steps: {
                let chosen = typed(Which::Exit, "housing_step_id", "");
                steps
                    .iter()
                    .filter(|step| step.status == StepStatus::Accepted)
                    .map(|step| Choice {
                        value: step.id.to_string(),
                        label: labels::step_kind(step.kind()).to_owned(),
                        selected: chosen == step.id.to_string(),
                    })
                    .collect()
            },
            notes: typed(Which::Exit, "notes", ""),
            errors: errors(Which::Exit),
            open: sent(Which::Exit).is_some(),
        }
    });
    let members = people::by_name(members);
    let (referent, team): (Vec<String>, Vec<String>) = match sent(Which::Assignment) {
        Some(a) => (
            vec![a.fields.get("referent_id").to_owned()],
            a.fields
                .all("team_ids")
                .into_iter()
                .map(str::to_owned)
                .collect(),
        ),
        None => (
            family.referent_id.iter().map(Uuid::to_string).collect(),
            family.team_ids.iter().map(Uuid::to_string).collect(),
        ),
    };
    Some(CoordinationView {
        renewal_action: format!("/familles/{}/renouvellement", family.id),
        exit_action: format!("/familles/{}/sortie", family.id),
        assignment_action: format!("/familles/{}/equipe", family.id),
        renewal,
        exit,
        assignment: AssignmentView {
            version: family.version,
            referents: people::choices(&members, &referent),
            team: people::choices(&members, &team),
            errors: errors(Which::Assignment),
            open: sent(Which::Assignment).is_some(),
        },
    })
}
