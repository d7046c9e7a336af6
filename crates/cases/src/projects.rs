//! Loi 2002-2 for one placement: its contract of stay and its projet
//! personnalisé (coordinators; staff for the families they accompany).

use chrono::NaiveDate;
use nido_domain::Refusal;
use nido_domain::due_dates::{
    contract_delivery_due, contract_signature_due, project_initial_due, project_review_due,
};
use nido_domain::placement::{Placement, PlacementStatus};
use nido_domain::project::{
    Contract, ContractKind, MAX_DESCRIPTION_CHARS, MAX_OBJECTIVES, MAX_PARTICIPANTS, Objective,
    ProjectReview, ReviewRequest,
};
use nido_domain::refusal::Counted;
use nido_domain::{Conflict, Role};
use nido_persistence::projects::{self as store, NewReview};
use nido_persistence::{begin_write, placements};
use uuid::Uuid;

use crate::families::visible_family;
use crate::users::is_team_member;
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds};

/// The placement, if the caller may see its family.
async fn visible_placement(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<Placement> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let placement = placements::find(&cases.db, id).await?;
    visible_family(&cases.db, caller, placement.family_id).await?;
    Ok(placement)
}

/// A day of the placement's life: not after today, not before admission.
fn within_the_stay(
    invalid: &mut Invalid,
    field: &str,
    day: Option<NaiveDate>,
    placement: &Placement,
    today: NaiveDate,
) {
    let Some(day) = day else { return };
    if day > today {
        invalid.add(field, Refusal::AfterToday);
    }
    if day < placement.admitted_on {
        invalid.add(field, Refusal::ProjectBeforeAdmission);
    }
}

/// The contract as recorded, with its two due dates.
#[derive(Debug, Clone)]
pub struct ContractView {
    pub contract: Option<Contract>,
    pub delivery_due_on: NaiveDate,
    pub signature_due_on: NaiveDate,
}

fn view(placement: &Placement, contract: Option<Contract>) -> ContractView {
    ContractView {
        contract,
        delivery_due_on: contract_delivery_due(placement.admitted_on),
        signature_due_on: contract_signature_due(placement.admitted_on),
    }
}

/// The placement's contract, recorded or not yet.
pub async fn contract(
    cases: &Cases,
    caller: &Caller,
    placement_id: Uuid,
) -> CaseResult<ContractView> {
    let placement = visible_placement(cases, caller, placement_id).await?;
    let contract = store::find_contract(&cases.db, placement_id).await?;
    let resource = format!("/placements/{placement_id}/contract");
    cases
        .audit(
            caller,
            "contract.read",
            Some(placement.family_id),
            &resource,
        )
        .await?;
    Ok(view(&placement, contract))
}

/// Records the contract whole: its kind, when it was delivered and signed
/// (on or after admission, not in the future; signed only once delivered,
/// not before).
pub async fn set_contract(
    cases: &Cases,
    caller: &Caller,
    placement_id: Uuid,
    kind: ContractKind,
    delivered_on: Option<NaiveDate>,
    signed_on: Option<NaiveDate>,
    expected_version: Option<i32>,
) -> CaseResult<ContractView> {
    let placement = visible_placement(cases, caller, placement_id).await?;
    if placement.status != PlacementStatus::Active {
        return Err(CaseError::Conflict(Conflict::PlacementEnded));
    }
    let today = cases.today();
    let mut invalid = Invalid::default();
    within_the_stay(
        &mut invalid,
        "delivered_on",
        delivered_on,
        &placement,
        today,
    );
    within_the_stay(&mut invalid, "signed_on", signed_on, &placement, today);
    match (delivered_on, signed_on) {
        (None, Some(_)) => invalid.add("delivered_on", Refusal::DeliveredRequiredWhenSigned),
        (Some(delivered), Some(signed)) if signed < delivered => {
            invalid.add("signed_on", Refusal::SignedBeforeDelivered);
        }
        _ => {}
    }
    invalid.finish()?;
    let txn = begin_write(&cases.writer).await?;
    let contract = store::save_contract(
        &txn,
        placement_id,
        kind,
        delivered_on,
        signed_on,
        expected_version,
        cases.now(),
    )
    .await?;
    txn.commit().await?;
    let resource = format!("/placements/{placement_id}/contract");
    cases
        .audit(
            caller,
            "contract.update",
            Some(placement.family_id),
            &resource,
        )
        .await?;
    Ok(view(&placement, Some(contract)))
}

/// Writes the next version of the projet personnalisé, whole: on or after
/// admission and the latest review, not in the future; the participants
/// active members of the team; each objective described, its target not
/// before the review.
pub async fn add_review(
    cases: &Cases,
    caller: &Caller,
    placement_id: Uuid,
    request: ReviewRequest,
) -> CaseResult<ProjectReview> {
    let placement = visible_placement(cases, caller, placement_id).await?;
    if placement.status != PlacementStatus::Active {
        return Err(CaseError::Conflict(Conflict::PlacementEnded));
    }
    let mut invalid = Invalid::default();
    let today = cases.today();
    within_the_stay(
        &mut invalid,
        "reviewed_on",
        Some(request.reviewed_on),
        &placement,
        today,
    );
    if let Some(last) = store::last_reviews_of(&cases.db, &[placement_id])
        .await?
        .get(&placement_id)
        && request.reviewed_on < *last
    {
        invalid.add("reviewed_on", Refusal::BeforeLatestReview { last: *last });
    }
    bounds::count(
        &mut invalid,
        "participant_ids",
        request.participant_ids.len(),
        0,
        MAX_PARTICIPANTS,
        Counted::People,
    );
    let mut participants: Vec<Uuid> = Vec::new();
    for (index, user_id) in request.participant_ids.iter().enumerate() {
        if !is_team_member(cases, *user_id).await? {
            invalid.add(format!("participant_ids[{index}]"), Refusal::NotActiveStaff);
        } else if !participants.contains(user_id) {
            participants.push(*user_id);
        }
    }
    bounds::count(
        &mut invalid,
        "objectives",
        request.objectives.len(),
        1,
        MAX_OBJECTIVES,
        Counted::Objectives,
    );
    let mut objectives = Vec::with_capacity(request.objectives.len());
    for (index, objective) in request.objectives.into_iter().enumerate() {
        let description = objective.description.trim().to_owned();
        bounds::text(
            &mut invalid,
            &format!("objectives[{index}].description"),
            &description,
            1,
            MAX_DESCRIPTION_CHARS,
        );
        if objective
            .target_on
            .is_some_and(|target| target < request.reviewed_on)
        {
            invalid.add(
                format!("objectives[{index}].target_on"),
                Refusal::TargetBeforeReview,
            );
        }
        objectives.push(Objective {
            description,
            ..objective
        });
    }
    invalid.finish()?;
    let txn = begin_write(&cases.writer).await?;
    let review = store::insert_review(
        &txn,
        NewReview {
            placement_id,
            reviewed_on: request.reviewed_on,
            mother_present: request.mother_present,
            participant_ids: participants,
            objectives,
            created_by: caller.id,
        },
        cases.now(),
    )
    .await?;
    txn.commit().await?;
    let resource = format!("/placements/{placement_id}/project-reviews");
    cases
        .audit(
            caller,
            "project.review",
            Some(placement.family_id),
            &resource,
        )
        .await?;
    Ok(review)
}

/// The projet personnalisé: every review, oldest first (the last is the
/// current version), and when the next one is due.
#[derive(Debug, Clone)]
pub struct Project {
    pub reviews: Vec<ProjectReview>,
    pub next_review_due_on: NaiveDate,
}

pub async fn project(cases: &Cases, caller: &Caller, placement_id: Uuid) -> CaseResult<Project> {
    let placement = visible_placement(cases, caller, placement_id).await?;
    let reviews = store::reviews_of(&cases.db, placement_id).await?;
    let next_review_due_on = reviews.last().map_or_else(
        || project_initial_due(placement.admitted_on),
        |last| project_review_due(last.reviewed_on),
    );
    let resource = format!("/placements/{placement_id}/project");
    cases
        .audit(caller, "project.read", Some(placement.family_id), &resource)
        .await?;
    Ok(Project {
        reviews,
        next_review_due_on,
    })
}
