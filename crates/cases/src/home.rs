//! The home page of a staff member or coordinator: her open follow-up
//! actions, the families she accompanies, and what falls due soon.

use std::collections::HashMap;

use nido_domain::intervention::Action;
use nido_persistence::{families, interventions};
use uuid::Uuid;

use crate::due_dates::{self, DuePage, DueQuery};
use crate::family_list::{self, ListedFamily};
use crate::interventions::action_viewer;
use crate::{Caller, CaseResult, Cases};

/// A follow-up action and the family it is for.
#[derive(Debug, Clone)]
pub struct ActionToDo {
    pub action: Action,
    pub mother_name: String,
}

/// What the home page shows of the caller's case work.
#[derive(Debug, Clone)]
pub struct CaseWork {
    /// Her open actions, overdue first, then by due date.
    pub actions: Vec<ActionToDo>,
    /// The families she accompanies (as referent or in the team).
    pub families: Vec<ListedFamily>,
    /// What falls due within `due_within_days`, or is overdue: the whole
    /// centre's for a coordinator, her families' for staff; the first
    /// page, and the counts of the whole window.
    pub due: DuePage,
}

/// The caller's case work (coordinators and staff). Each of the three
/// reads is audited: `action.list`, `family.list`, then the due dates'.
pub async fn case_work(
    cases: &Cases,
    caller: &Caller,
    due_within_days: u32,
    due_shown: u64,
) -> CaseResult<CaseWork> {
    let today = cases.today();
    let mut open = Vec::new();
    if let Some(viewer) = action_viewer(cases, caller).await? {
        let mut actions = interventions::actions_assigned(&cases.db, viewer, true).await?;
        actions.sort_by_key(|action| (!action.is_overdue(today), action.due_on));
        let ids: Vec<Uuid> = actions.iter().map(|action| action.family_id).collect();
        let names: HashMap<Uuid, String> = families::find_many(&cases.db, ids.clone())
            .await?
            .into_iter()
            .map(|(id, family)| (id, family.mother.full_name()))
            .collect();
        cases.audit_read(caller, "action.list", ids, "/").await?;
        open = actions
            .into_iter()
            .map(|action| ActionToDo {
                mother_name: names.get(&action.family_id).cloned().unwrap_or_default(),
                action,
            })
            .collect();
    }
    let families = family_list::accompanied(cases, caller).await?;
    let due = due_dates::screen(
        cases,
        caller,
        DueQuery {
            as_of: Some(today),
            within_days: Some(due_within_days),
            limit: due_shown,
            ..DueQuery::default()
        },
    )
    .await?;
    Ok(CaseWork {
        actions: open,
        families,
        due,
    })
}
