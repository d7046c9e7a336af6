//! Serious incidents, reported to the authority within 48 hours, and the
//! informations préoccupantes transmitted about a child.

use nido_domain::Refusal;
use nido_domain::Role;
use nido_domain::incident::{
    CONCERN_CHILDREN_MAX, CONCERN_RECIPIENT_MAX, Concern, ConcernInput, Declaration,
    INCIDENT_TEXT_MAX, Incident, IncidentChanges, report_due_at,
};
use nido_domain::refusal::Counted;
use nido_persistence::incidents::{self as store, NewConcern, NewIncident};
use nido_persistence::need_to_know::Reader;
use nido_persistence::{RepoError, begin_write, families};
use uuid::Uuid;

use crate::families::visible_family;
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds, optional_text};

/// A required text, trimmed: 1 to `max` characters once trimmed (one of
/// spaces is refused by its length).
fn required_text(invalid: &mut Invalid, field: &str, raw: &str, max: u64) -> String {
    let text = optional_text(Some(raw)).unwrap_or_default();
    bounds::text(invalid, field, &text, 1, max);
    text
}

/// Declares an incident (anyone). A family named must be one the declarer
/// may see (coordinators and admins: any that exists).
pub async fn declare(
    cases: &Cases,
    caller: &Caller,
    declaration: Declaration,
) -> CaseResult<ShownIncident> {
    caller.require(CENTRE)?;
    let mut invalid = Invalid::default();
    if declaration.occurred_at > cases.now() {
        invalid.add("occurred_at", Refusal::InFuture);
    }
    let description = required_text(
        &mut invalid,
        "description",
        &declaration.description,
        INCIDENT_TEXT_MAX,
    );
    let measures_taken = required_text(
        &mut invalid,
        "measures_taken",
        &declaration.measures_taken,
        INCIDENT_TEXT_MAX,
    );
    let site_id = match declaration.family_id {
        // Another team's or site's family is answered like one that does
        // not exist.
        Some(family_id) => {
            let known = match caller.role {
                Role::Admin => match families::find(&cases.db, family_id).await {
                    Ok(family) => crate::families::in_callers_sites(&cases.db, caller, &family)
                        .await
                        .is_ok()
                        .then_some(family.site_id),
                    Err(RepoError::NotFound) => None,
                    Err(err) => return Err(err.into()),
                },
                _ => match visible_family(&cases.db, caller, family_id).await {
                    Ok(family) => Some(family.site_id),
                    Err(CaseError::NotFound | CaseError::Hidden { .. }) => None,
                    Err(err) => return Err(err),
                },
            };
            if known.is_none() {
                invalid.add("family_id", Refusal::NoSuchFamily);
            } else if declaration
                .site_id
                .is_some_and(|named| Some(named) != known)
            {
                invalid.add("site_id", Refusal::NotTheFamilysSite);
            }
            known
        }
        None => {
            crate::sites::for_new_record(
                cases,
                caller,
                &mut invalid,
                "site_id",
                declaration.site_id,
            )
            .await?
        }
    };
    invalid.finish()?;
    let site_id = site_id.ok_or_else(|| anyhow::anyhow!("checked site missing"))?;
    let incident = store::insert(
        &cases.writer,
        NewIncident {
            occurred_at: declaration.occurred_at,
            category: declaration.category,
            description,
            family_id: declaration.family_id,
            measures_taken,
            declared_by: caller.id,
            site_id,
            report_due_on: report_due_at(declaration.occurred_at)
                .with_timezone(&cases.time_zone)
                .date_naive(),
        },
        cases.now(),
    )
    .await?;
    let resource = format!("/incidents/{}", incident.id);
    cases
        .audit(caller, "incident.create", incident.family_id, &resource)
        .await?;
    Ok(shown_to(caller, incident))
}

/// Whether the caller reads every incident (coordinators and admins) or
/// only those she declared, while she may see the family they name.
fn reads_all(caller: &Caller) -> bool {
    matches!(caller.role, Role::Coordinator | Role::Admin)
}

/// An incident as its reader may see it.
#[derive(Debug, Clone)]
pub struct ShownIncident {
    /// Its `description` and `measures_taken` are empty when withheld.
    pub incident: Incident,
    /// An admin reads the category and dates of an incident naming a
    /// family, not its text: it is case data.
    pub text_withheld: bool,
}

/// What `caller` may read of `incident`: the text goes, for good, when
/// she may not read it, so no adapter can show it by mistake.
pub fn shown_to(caller: &Caller, mut incident: Incident) -> ShownIncident {
    let text_withheld = caller.role == Role::Admin && incident.family_id.is_some();
    if text_withheld {
        incident.description.clear();
        incident.measures_taken.clear();
    }
    ShownIncident {
        incident,
        text_withheld,
    }
}

/// Incidents, newest first: every one for coordinators and admins (without
/// the text of those naming a family, for admins), one's own for the
/// others while she may see the family named.
pub async fn list(
    cases: &Cases,
    caller: &Caller,
    before: Option<Uuid>,
    limit: u64,
) -> CaseResult<Vec<ShownIncident>> {
    let incidents = store::list(&cases.db, reader(cases, caller).await?, before, limit).await?;
    let mut shown: Vec<Uuid> = incidents.iter().filter_map(|i| i.family_id).collect();
    shown.sort_unstable();
    shown.dedup();
    cases
        .audit_many(caller, "incident.list", shown, "/incidents")
        .await?;
    Ok(incidents
        .into_iter()
        .map(|incident| shown_to(caller, incident))
        .collect())
}

/// The incident, if the caller may read it: coordinators and admins every
/// one; its declarer while it names no family or one she still
/// accompanies (taken off the team, she loses it with the family).
async fn readable(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<Incident> {
    caller.require(CENTRE)?;
    let incident = store::find(&cases.db, id).await?;
    let hidden = CaseError::Hidden {
        family_id: incident.family_id,
    };
    // Another site's incident, whoever reads it.
    if !crate::sites::caller_in(&cases.db, caller, incident.site_id).await? {
        return Err(hidden);
    }
    if reads_all(caller) {
        return Ok(incident);
    }
    if incident.declared_by != caller.id {
        return Err(hidden);
    }
    if let Some(family_id) = incident.family_id {
        match visible_family(&cases.db, caller, family_id).await {
            Ok(_) => {}
            Err(CaseError::NotFound | CaseError::Hidden { .. }) => return Err(hidden),
            Err(err) => return Err(err),
        }
    }
    Ok(incident)
}

/// One incident (coordinators, admins, its declarer).
pub async fn read(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<ShownIncident> {
    let incident = readable(cases, caller, id).await?;
    cases
        .audit(
            caller,
            "incident.read",
            incident.family_id,
            &format!("/incidents/{id}"),
        )
        .await?;
    Ok(shown_to(caller, incident))
}

/// Changes an incident: its description and measures (its declarer,
/// coordinators, admins; not an admin when it names a family, since she
/// may not read that text), and when the authority was notified
/// (coordinators and admins only; between the incident and now).
pub async fn update(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
    changes: IncidentChanges,
) -> CaseResult<ShownIncident> {
    let incident = readable(cases, caller, id).await?;
    let changes_text = changes.description.is_some() || changes.measures_taken.is_some();
    if changes_text && shown_to(caller, incident.clone()).text_withheld {
        return Err(CaseError::Forbidden);
    }
    let mut invalid = Invalid::default();
    let mut checked = IncidentChanges::default();
    if let Some(raw) = &changes.description {
        checked.description = Some(required_text(
            &mut invalid,
            "description",
            raw,
            INCIDENT_TEXT_MAX,
        ));
    }
    if let Some(raw) = &changes.measures_taken {
        checked.measures_taken = Some(required_text(
            &mut invalid,
            "measures_taken",
            raw,
            INCIDENT_TEXT_MAX,
        ));
    }
    if let Some(at) = changes.authority_notified_at {
        if !reads_all(caller) {
            return Err(CaseError::Forbidden);
        }
        if at > cases.now() {
            invalid.add("authority_notified_at", Refusal::InFuture);
        }
        if at < incident.occurred_at {
            invalid.add("authority_notified_at", Refusal::NotifiedBeforeIncident);
        }
        checked.authority_notified_at = Some(at);
    }
    invalid.finish()?;
    let updated = store::update(&cases.writer, id, expected_version, checked, cases.now()).await?;
    cases
        .audit(
            caller,
            "incident.update",
            incident.family_id,
            &format!("/incidents/{id}"),
        )
        .await?;
    Ok(shown_to(caller, updated))
}

/// Whose incidents `caller` reads: every one of her sites for coordinators
/// and admins, for staff her own declarations that she may still read
/// (`nido_persistence::incidents::list`). The head office reads none: an
/// incident is its site's team's (need-to-know).
async fn reader(cases: &Cases, caller: &Caller) -> CaseResult<Reader> {
    caller.require(CENTRE)?;
    if reads_all(caller) {
        crate::families::site_reader(&cases.db, caller).await
    } else {
        own_declarations(cases, caller).await
    }
}

/// Who declares and reads incidents: every account of a centre.
const CENTRE: &[Role] = &[Role::Admin, Role::Coordinator, Role::Staff];

/// The caller's own declarations that she may still read.
async fn own_declarations(cases: &Cases, caller: &Caller) -> CaseResult<Reader> {
    Ok(Reader::Accompanying {
        user_id: caller.id,
        sites_only: !nido_persistence::sites::belongs_everywhere(&cases.db, caller.id).await?,
    })
}

/// The incidents not yet reported that the caller follows: every one for
/// coordinators, for the others her own declarations that she may still
/// read.
pub async fn unreported_for(cases: &Cases, caller: &Caller) -> CaseResult<Vec<Incident>> {
    let reader = match caller.role {
        Role::Coordinator => reader(cases, caller).await?,
        _ => own_declarations(cases, caller).await?,
    };
    Ok(store::unreported(&cases.db, reader).await?)
}

/// Records an information préoccupante transmitted about children of the
/// family (coordinators; staff for their families).
pub async fn add_concern(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    input: ConcernInput,
) -> CaseResult<Concern> {
    let family = visible_family(&cases.db, caller, family_id).await?;
    let mut invalid = Invalid::default();
    bounds::count(
        &mut invalid,
        "child_ids",
        input.child_ids.len(),
        1,
        CONCERN_CHILDREN_MAX,
        Counted::Children,
    );
    let mut children = Vec::new();
    for (index, child_id) in input.child_ids.iter().enumerate() {
        if !family.children.iter().any(|child| child.id == *child_id) {
            invalid.add(format!("child_ids[{index}]"), Refusal::NotAChildOfTheFamily);
        } else if !children.contains(child_id) {
            children.push(*child_id);
        }
    }
    let summary = required_text(&mut invalid, "summary", &input.summary, INCIDENT_TEXT_MAX);
    let transmitted_to = required_text(
        &mut invalid,
        "transmitted_to",
        &input.transmitted_to,
        CONCERN_RECIPIENT_MAX,
    );
    if input.transmitted_on > cases.today() {
        invalid.add("transmitted_on", Refusal::AfterToday);
    }
    invalid.finish()?;
    let txn = begin_write(&cases.writer).await?;
    let concern = store::insert_concern(
        &txn,
        NewConcern {
            family_id,
            child_ids: children,
            summary,
            transmitted_on: input.transmitted_on,
            transmitted_to,
            created_by: caller.id,
        },
        cases.now(),
    )
    .await?;
    txn.commit().await?;
    let resource = format!("/families/{family_id}/concerns");
    cases
        .audit(caller, "concern.create", Some(family_id), &resource)
        .await?;
    Ok(concern)
}

/// The family's informations préoccupantes, newest first (coordinators;
/// staff for their families).
pub async fn concerns(cases: &Cases, caller: &Caller, family_id: Uuid) -> CaseResult<Vec<Concern>> {
    visible_family(&cases.db, caller, family_id).await?;
    let concerns = store::concerns_of(&cases.db, family_id).await?;
    let resource = format!("/families/{family_id}/concerns");
    cases
        .audit(caller, "concern.list", Some(family_id), &resource)
        .await?;
    Ok(concerns)
}
