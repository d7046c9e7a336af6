//! Workshops (*ateliers*) and the families taking part. A workshop itself
//! (its title, day, partner, facilitators, how many families come) is not
//! case data: coordinators and staff see every one. Who takes part is:
//! staff see and register only the families they accompany.

use chrono::NaiveDate;
use nido_domain::Refusal;
use nido_domain::Role;
use nido_domain::refusal::Counted;
use nido_domain::workshop::{
    Attendance, AttendanceInput, MAX_CHILDREN, NewWorkshop, Participation, Workshop, WorkshopDraft,
    may_attend,
};
use nido_persistence::workshops;
use nido_persistence::{RepoError, begin_write};
use uuid::Uuid;

use crate::families::visible_family;
use crate::users::is_team_member;
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds};

/// Where a page of workshops ends: the next page starts after it.
pub use nido_domain::workshop::Position;

const TEAM: &[Role] = &[Role::Coordinator, Role::Staff];

/// The workshop, if it is held at one of the caller's sites (another
/// site's is not found).
async fn visible_workshop(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<Workshop> {
    let workshop = workshops::find(&cases.db, id).await?;
    if crate::sites::caller_in(&cases.db, caller, workshop.site_id).await? {
        Ok(workshop)
    } else {
        Err(CaseError::NotFound)
    }
}

/// Creates a workshop (coordinators and staff). Its facilitators are
/// active staff members or coordinators.
pub async fn create_workshop(
    cases: &Cases,
    caller: &Caller,
    draft: WorkshopDraft<'_>,
) -> CaseResult<Workshop> {
    caller.require(TEAM)?;
    let mut invalid = Invalid::default();
    let site_id =
        crate::sites::for_new_record(cases, caller, &mut invalid, "site_id", draft.site_id).await?;
    let workshop = NewWorkshop::parse(draft)
        .map_err(|refused| invalid.add_all(refused))
        .ok();
    for (index, id) in draft.facilitator_ids.iter().enumerate() {
        if !is_team_member(cases, *id).await? {
            invalid.add(format!("facilitator_ids[{index}]"), Refusal::NotActiveStaff);
        }
    }
    invalid.finish()?;
    let workshop = workshop.ok_or(CaseError::Invalid(Vec::new()))?;
    let site_id = site_id.ok_or(CaseError::Invalid(Vec::new()))?;
    let txn = begin_write(&cases.writer).await?;
    let id = workshops::insert(&txn, workshop, (caller.id, site_id), cases.now()).await?;
    txn.commit().await?;
    cases
        .audit(caller, "workshop.create", None, &format!("/workshops/{id}"))
        .await?;
    Ok(workshops::find(&cases.db, id).await?)
}

/// The workshops held from `from` to `to`, in the order they take place,
/// `limit` of them after `after` (coordinators and staff).
pub async fn list_workshops(
    cases: &Cases,
    caller: &Caller,
    from: NaiveDate,
    to: Option<NaiveDate>,
    after: Option<Position>,
    limit: u64,
) -> CaseResult<Vec<Workshop>> {
    caller.require(TEAM)?;
    let reader = crate::families::site_reader(&cases.db, caller).await?;
    let found = workshops::list(&cases.db, reader, from, to, after, limit).await?;
    cases
        .audit(caller, "workshop.list", None, "/workshops")
        .await?;
    Ok(found)
}

/// The workshop and the participants the caller may see: every one for a
/// coordinator, a staff member's own families for her (the count stays
/// the total). Audited by one entry naming the families shown, or one without a family
/// when none is.
pub async fn workshop_with_participants(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
) -> CaseResult<(Workshop, Vec<Participation>)> {
    caller.require(TEAM)?;
    let workshop = visible_workshop(cases, caller, id).await?;
    let reader = crate::families::reader(&cases.db, caller).await?;
    let shown = workshops::participants(&cases.db, id, reader).await?;
    let families: Vec<Uuid> = shown.iter().map(|shown| shown.family_id).collect();
    let resource = format!("/workshops/{id}");
    cases
        .audit_read(caller, "workshop.read", families, &resource)
        .await?;
    Ok((workshop, shown))
}

/// Registers a family with the children who come (coordinators; staff for
/// the families they accompany). Each child is the family's and born by
/// the workshop's day, [`MAX_CHILDREN`] at most. The database refuses a
/// family twice
/// (`already_participating`) and a family more than the capacity
/// (`workshop_full`).
pub async fn add_participant(
    cases: &Cases,
    caller: &Caller,
    workshop_id: Uuid,
    family_id: Uuid,
    child_ids: &[Uuid],
) -> CaseResult<Participation> {
    caller.require(TEAM)?;
    let workshop = visible_workshop(cases, caller, workshop_id).await?;
    let family = visible_family(&cases.db, caller, family_id).await?;
    let mut invalid = Invalid::default();
    bounds::count(
        &mut invalid,
        "child_ids",
        child_ids.len(),
        0,
        MAX_CHILDREN,
        Counted::Children,
    );
    let mut coming = Vec::new();
    for (index, id) in child_ids.iter().enumerate() {
        let child = family.children.iter().find(|child| child.id == *id);
        if child.is_some_and(|child| may_attend(child, workshop.on)) {
            if !coming.contains(id) {
                coming.push(*id);
            }
        } else {
            invalid.add(format!("child_ids[{index}]"), Refusal::NotAWorkshopChild);
        }
    }
    invalid.finish()?;
    let txn = begin_write(&cases.writer).await?;
    let id = workshops::add_participant(
        &txn,
        workshop_id,
        family_id,
        &coming,
        caller.id,
        cases.now(),
    )
    .await?;
    txn.commit().await?;
    let resource = format!("/workshops/{workshop_id}/participants/{id}");
    cases
        .audit(
            caller,
            "workshop.participant.add",
            Some(family_id),
            &resource,
        )
        .await?;
    Ok(workshops::find_participation(&cases.db, id).await?)
}

/// Records whether a registered family came, once the workshop's day has
/// come; recording again corrects it (coordinators, the workshop's
/// facilitators, and staff for the families they accompany). What was
/// typed is read first: its refusals come before the workshop is looked at.
pub async fn record_attendance(
    cases: &Cases,
    caller: &Caller,
    workshop_id: Uuid,
    family_id: Uuid,
    input: AttendanceInput,
) -> CaseResult<Participation> {
    caller.require(TEAM)?;
    let attendance = Attendance::parse(
        input.absent,
        input.arrived_at.as_deref(),
        input.left_at.as_deref(),
    )
    .map_err(|refused| {
        let mut invalid = Invalid::default();
        invalid.add_all(refused);
        invalid
            .finish()
            .err()
            .unwrap_or(CaseError::Invalid(Vec::new()))
    })?;
    let workshop = visible_workshop(cases, caller, workshop_id).await?;
    if caller.role != Role::Coordinator && !workshop.is_facilitator(caller.id) {
        visible_family(&cases.db, caller, family_id).await?;
    }
    // The day before the family: a facilitator who may not see the family
    // must not learn from the refusal whether it takes part.
    if !workshop.is_held_by(cases.today()) {
        return Err(CaseError::Unprocessable {
            code: "workshop_not_held_yet",
            detail: "Attendance is recorded from the workshop's day on.",
        });
    }
    let current = match workshops::participation_of(&cases.db, workshop_id, family_id).await {
        Err(RepoError::NotFound) => {
            return Err(CaseError::invalid("family_id", Refusal::NotAParticipant));
        }
        other => other?,
    };
    let txn = begin_write(&cases.writer).await?;
    let participation =
        workshops::record_attendance(&txn, current.id, attendance, cases.now()).await?;
    txn.commit().await?;
    let resource = format!("/workshops/{workshop_id}/participants/{}", current.id);
    cases
        .audit(caller, "workshop.attendance", Some(family_id), &resource)
        .await?;
    Ok(participation)
}
