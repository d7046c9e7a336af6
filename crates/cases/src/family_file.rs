//! A family's file as its page shows it: the family, its newest events, its
//! current (or last) placement, where it lives today, and the colleagues
//! named or offered on the page. One read, under the need-to-know rule,
//! audited once as `family.read` (the timeline audits its own read).

use std::collections::HashMap;

use chrono::NaiveDate;
use nido_domain::User;
use nido_domain::document::Document;
use nido_domain::family::Family;
use nido_domain::housing::Unit;
use nido_domain::pathway::{FollowUp, HousingStep};
use nido_domain::placement::Placement;
use nido_persistence::{housing, occupancies, pathway, placements};
use uuid::Uuid;

use crate::families::visible_family;
use crate::timeline::{Event, family_timeline};
use crate::{Caller, CaseResult, Cases, team};

/// Where the family lives today.
#[derive(Debug, Clone)]
pub struct CurrentHome {
    pub unit: Unit,
    /// The day it moved in.
    pub since: NaiveDate,
}

/// Everything the family's page reads.
#[derive(Debug, Clone)]
pub struct FamilyFile {
    pub family: Family,
    /// The newest events, as many as asked at most, newest first.
    pub events: Vec<Event>,
    /// The current placement, or the last one.
    pub placement: Option<Placement>,
    pub home: Option<CurrentHome>,
    /// The accounts of the people the page names: referent, team, and the
    /// authors, staff present and assignees of the interventions shown.
    pub people: HashMap<Uuid, User>,
    /// The labels of the units the events name.
    pub unit_labels: HashMap<Uuid, String>,
    /// The active staff members and coordinators, whom the forms offer.
    pub members: Vec<User>,
    /// The paper file's documents the caller may see, newest first.
    pub documents: Vec<Document>,
    /// The shown placement's steps towards a home, oldest first.
    pub housing_steps: Vec<HousingStep>,
    /// The follow-ups its exit owes, made or not.
    pub follow_ups: Vec<FollowUp>,
}

/// The family's file with its `newest` events (coordinators; staff for
/// their families).
pub async fn page(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    newest: usize,
) -> CaseResult<FamilyFile> {
    let family = visible_family(&cases.db, caller, family_id).await?;
    let events = family_timeline(cases, caller, family_id, Some(newest)).await?;
    let placement = current_placement(cases, &family).await?;
    let home = match &placement {
        Some(placement) => home_of(cases, placement, cases.today()).await?,
        None => None,
    };
    cases
        .audit(
            caller,
            "family.read",
            Some(family_id),
            &format!("/familles/{family_id}"),
        )
        .await?;
    let documents = nido_persistence::documents::of_family(&cases.db, family_id, caller.id).await?;
    let mut named: Vec<Uuid> = family.referent_id.into_iter().collect();
    named.extend(documents.iter().map(|document| document.author_id));
    named.extend(family.team_ids.iter().copied());
    for event in &events {
        if let Event::Intervention {
            intervention,
            actions,
            ..
        } = event
        {
            named.push(intervention.author_id);
            named.extend(intervention.staff_ids.iter().copied());
            named.extend(actions.iter().map(|action| action.assignee_id));
        }
    }
    let (housing_steps, follow_ups) = match &placement {
        Some(placement) => (
            pathway::steps_of(&cases.db, placement.id).await?,
            pathway::follow_ups_of(&cases.db, placement.id).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let people = team::names(cases, caller, named).await?;
    let unit_labels = unit_labels(cases, &events).await?;
    let members = team::members(cases, caller).await?;
    Ok(FamilyFile {
        family,
        events,
        placement,
        home,
        people,
        unit_labels,
        members,
        documents,
        housing_steps,
        follow_ups,
    })
}

/// The family's current placement, or its last one.
async fn current_placement(cases: &Cases, family: &Family) -> CaseResult<Option<Placement>> {
    let mut all = placements::for_family(&cases.db, family.id).await?;
    let current = match family.current_placement_id {
        Some(id) => all.iter().position(|placement| placement.id == id),
        None => None,
    };
    Ok(match current {
        Some(index) => Some(all.swap_remove(index)),
        None => all.pop(),
    })
}

/// The unit the placement's family lives in on `today`, if any.
async fn home_of(
    cases: &Cases,
    placement: &Placement,
    today: NaiveDate,
) -> CaseResult<Option<CurrentHome>> {
    let stays = occupancies::of_placement(&cases.db, placement.id).await?;
    let Some(stay) = stays
        .into_iter()
        .filter(|stay| stay.span.start <= today)
        .find(|stay| stay.span.end.is_none_or(|end| end >= today))
    else {
        return Ok(None);
    };
    let unit = housing::find_unit(&cases.db, stay.unit_id).await?;
    Ok(Some(CurrentHome {
        unit,
        since: stay.span.start,
    }))
}

async fn unit_labels(cases: &Cases, events: &[Event]) -> CaseResult<HashMap<Uuid, String>> {
    let mut labels = HashMap::new();
    let moves = events.iter().filter_map(|event| match event {
        Event::Move { unit_id, .. } => Some(*unit_id),
        _ => None,
    });
    for unit_id in moves {
        if let std::collections::hash_map::Entry::Vacant(entry) = labels.entry(unit_id) {
            let unit = housing::find_unit(&cases.db, unit_id).await?;
            entry.insert(unit.label);
        }
    }
    Ok(labels)
}
