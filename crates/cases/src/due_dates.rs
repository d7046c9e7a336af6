//! The one screen of what must be done: every open obligation of every
//! active placement (renewal report, period end, contract, projet
//! personnalisé), for the families the caller may see, and the incidents
//! not yet reported to the authority. Its cost grows with
//! the active placements, never with the history: ended placements are not
//! read, and of a placement's contract and reviews only the contract's row
//! and the latest review's date are.

use chrono::{DateTime, Days, NaiveDate, Utc};
use nido_domain::Refusal;
use nido_domain::Role;
use nido_domain::due_dates::{DueKind, PlacementDuties, open_duties};
use nido_domain::incident::report_due_at;
use nido_domain::placement::latest_end_on;
use nido_persistence::{families, placements, projects};
use uuid::Uuid;

use crate::{Caller, CaseResult, Cases};

/// One obligation on the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    pub kind: DueKind,
    pub due_on: NaiveDate,
    pub family_id: Option<Uuid>,
    pub placement_id: Option<Uuid>,
    pub mother_name: Option<String>,
    /// The mother's initials, for calendars that leave the centre.
    pub mother_initials: Option<String>,
    pub referent_id: Option<Uuid>,
    pub incident_id: Option<Uuid>,
    /// The instant an incident's report falls due (48 hours after it):
    /// overdue from then on, not from the next midnight.
    pub due_at: Option<DateTime<Utc>>,
}

impl DueItem {
    /// Whether it is overdue as of `as_of`: an obligation of a day from
    /// the day after `due_on`; an incident's report, when `as_of` is
    /// `today`, from the instant it fell due (`now` ≥ `due_at`), and for
    /// another day from the day after `due_on`.
    pub fn is_overdue(&self, as_of: NaiveDate, today: NaiveDate, now: DateTime<Utc>) -> bool {
        match self.due_at {
            Some(due_at) if as_of == today => now >= due_at,
            _ => self.due_on < as_of,
        }
    }
}

/// The longest look ahead, in days.
pub const MAX_WITHIN_DAYS: u32 = 3660;

/// The obligations due on or before `until` (overdue ones included), of
/// the families the caller may see (coordinators every family, staff the
/// families they accompany), by due date, then the mother's name and the
/// kind.
pub async fn open_until(
    cases: &Cases,
    caller: &Caller,
    until: NaiveDate,
    kind: Option<DueKind>,
) -> CaseResult<Vec<DueItem>> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let staff = (caller.role == Role::Staff).then_some(caller.id);
    let active = placements::active_of(&cases.db, staff).await?;
    let ids: Vec<Uuid> = active.iter().map(|placement| placement.id).collect();
    let contracts = projects::contracts_of(&cases.db, &ids).await?;
    let last_reviews = projects::last_reviews_of(&cases.db, &ids).await?;
    let mut families =
        families::find_many(&cases.db, active.iter().map(|p| p.family_id).collect()).await?;
    let mut items = Vec::new();
    for placement in active {
        let Some(current) = placement.current_period().copied() else {
            continue;
        };
        let Some(family) = families.remove(&placement.family_id) else {
            continue;
        };
        if caller.role == Role::Staff && !family.is_assigned(caller.id) {
            continue;
        }
        let contract = contracts.get(&placement.id);
        let duties = PlacementDuties {
            admitted_on: placement.admitted_on,
            current,
            latest_end_on: latest_end_on(&family.births()),
            contract_delivered_on: contract.and_then(|c| c.delivered_on),
            contract_signed_on: contract.and_then(|c| c.signed_on),
            last_review_on: last_reviews.get(&placement.id).copied(),
        };
        for (due_kind, due_on) in open_duties(&duties, cases.report_lead_days) {
            if due_on > until || kind.is_some_and(|wanted| wanted != due_kind) {
                continue;
            }
            items.push(DueItem {
                kind: due_kind,
                due_on,
                family_id: Some(family.id),
                placement_id: Some(placement.id),
                mother_name: Some(family.mother.full_name()),
                mother_initials: Some(initials(
                    &family.mother.first_name,
                    &family.mother.last_name,
                )),
                referent_id: family.referent_id,
                incident_id: None,
                due_at: None,
            });
        }
    }
    // Incidents not yet reported to the authority: overdue 48 hours after
    // they happened; shown to coordinators and to their declarer.
    for incident in crate::incidents::unreported_for(cases, caller).await? {
        let due_at = report_due_at(incident.occurred_at);
        let due_on = due_at.with_timezone(&cases.time_zone).date_naive();
        if due_on > until || kind.is_some_and(|wanted| wanted != DueKind::IncidentReport) {
            continue;
        }
        let family = match incident.family_id {
            Some(family_id) => Some(families::find(&cases.db, family_id).await?),
            None => None,
        }
        .filter(|family| caller.role == Role::Coordinator || family.is_assigned(caller.id));
        items.push(DueItem {
            kind: DueKind::IncidentReport,
            due_on,
            family_id: family.as_ref().map(|f| f.id),
            placement_id: family.as_ref().and_then(|f| f.current_placement_id),
            mother_name: family.as_ref().map(|f| f.mother.full_name()),
            mother_initials: family
                .as_ref()
                .map(|f| initials(&f.mother.first_name, &f.mother.last_name)),
            referent_id: family.as_ref().and_then(|f| f.referent_id),
            incident_id: Some(incident.id),
            due_at: Some(due_at),
        });
    }
    items.sort_by(|a, b| {
        (a.due_on, &a.mother_name, a.kind.as_str(), a.placement_id).cmp(&(
            b.due_on,
            &b.mother_name,
            b.kind.as_str(),
            b.placement_id,
        ))
    });
    Ok(items)
}

/// The due-dates screen: what falls due within `within_days` of `as_of`,
/// or is overdue. Audited: one entry naming the families listed.
pub async fn screen(
    cases: &Cases,
    caller: &Caller,
    as_of: NaiveDate,
    within_days: u32,
    kind: Option<DueKind>,
) -> CaseResult<Vec<DueItem>> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    if within_days > MAX_WITHIN_DAYS {
        return Err(crate::CaseError::invalid(
            "within_days",
            Refusal::Between { min: 0, max: 3660 },
        ));
    }
    let until = as_of
        .checked_add_days(Days::new(within_days.into()))
        .unwrap_or(NaiveDate::MAX);
    let items = open_until(cases, caller, until, kind).await?;
    let (own, for_incidents) = families_shown(&items);
    cases
        .audit_many(caller, "due_dates.read", own, "/due-dates")
        .await?;
    cases
        .audit_many(
            caller,
            "incident.due_dates.read",
            for_incidents,
            "/due-dates",
        )
        .await?;
    Ok(items)
}

/// The families a list of due dates shows: those shown for a due date of
/// their own, and those shown for an incident naming them. The second are
/// audited apart, under an `incident.` action, which the mother's export
/// withholds: otherwise the reading of a list would tell her that an
/// incident names her (SPEC "Privacy").
pub fn families_shown(items: &[DueItem]) -> (Vec<Uuid>, Vec<Uuid>) {
    let (mut own, mut for_incidents) = (Vec::new(), Vec::new());
    for item in items {
        if let Some(family_id) = item.family_id {
            if item.kind == DueKind::IncidentReport {
                for_incidents.push(family_id);
            } else {
                own.push(family_id);
            }
        }
    }
    for list in [&mut own, &mut for_incidents] {
        list.sort_unstable();
        list.dedup();
    }
    (own, for_incidents)
}

/// "Awa Diallo" → "A. D.": enough for a calendar that syncs to a
/// third-party cloud, no more.
pub fn initials(first_name: &str, last_name: &str) -> String {
    [first_name, last_name]
        .iter()
        .filter_map(|name| name.trim().chars().next())
        .map(|letter| format!("{}.", letter.to_uppercase()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_name_no_one() {
        assert_eq!(initials("Awa", "Diallo"), "A. D.");
        assert_eq!(initials("élodie", " Ngoma"), "É. N.");
        assert_eq!(initials("", "Diallo"), "D.");
    }
}
