//! The exit to housing (SPEC "Exit to housing (the pathway)"): the steps
//! of each placement towards a home, their moves, and the follow-ups after
//! the exit (coordinators; staff for the families they accompany). The
//! rules are `nido_domain::pathway`'s; the due dates they owe are kept
//! with the rows and read by the due-dates screen.

use chrono::NaiveDate;
use nido_domain::pathway::{
    AMOUNT_MAX_CENTS, FSL_ITEMS_MAX, FollowUpOutcome, NAME_MAX, NOTES_MAX, REFERENCE_MAX,
    StepDetails, StepFields, StepFieldsPatch, StepKind, StepStatus, TYPOLOGY_MAX, follow_up_months,
    is_a_home, post_exit_follow_up_due,
};
use nido_domain::placement::{Placement, PlacementStatus};
use nido_domain::refusal::{Counted, Unit};
use nido_domain::{Conflict, Refusal, Role};
use nido_persistence::pathway::{self as store, FollowUp, FollowUpMade, HousingStep, StepContent};
use nido_persistence::{ConnectionTrait, RepoError, begin_write, placements};
use uuid::Uuid;

use crate::families::visible_family;
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds, optional_text};

/// The exit's settings (`[exit]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitPolicy {
    /// A cap this many months away, with no step accepted, owes a
    /// `no_housing_solution`.
    pub warn_months: u32,
    /// The months after the exit at which the family is followed up, each
    /// once, in order.
    pub follow_up_months: Vec<u32>,
}

impl ExitPolicy {
    pub fn new(warn_months: u32, months: &[u32]) -> Self {
        Self {
            warn_months,
            follow_up_months: follow_up_months(months),
        }
    }

    /// The follow-ups an exit on `exited_on` owes: each month and its day.
    pub fn owed_after(&self, exited_on: NaiveDate) -> Vec<(u32, NaiveDate)> {
        self.follow_up_months
            .iter()
            .map(|months| (*months, post_exit_follow_up_due(exited_on, *months)))
            .collect()
    }
}

/// The placement, if the caller may see its family (coordinators; staff
/// for the families they accompany).
pub(crate) async fn visible_placement(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
) -> CaseResult<Placement> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let placement = placements::find(&cases.db, id).await?;
    visible_family(&cases.db, caller, placement.family_id).await?;
    Ok(placement)
}

/// A step as a form or the API gives it.
#[derive(Debug, Clone)]
pub struct StepInput {
    pub kind: StepKind,
    pub status: StepStatus,
    pub reference: Option<String>,
    pub filed_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub notes: Option<String>,
    /// The fields of its kind (and none of another's).
    pub fields: StepFields,
}

/// A change of a step: each part left alone (`None`), set, or cleared
/// (`Some(None)`). Its kind never changes.
#[derive(Debug, Clone, Default)]
pub struct StepChanges {
    pub status: Option<StepStatus>,
    pub reference: Option<Option<String>>,
    pub filed_on: Option<Option<NaiveDate>>,
    pub decided_on: Option<Option<NaiveDate>>,
    pub notes: Option<Option<String>>,
    pub fields: StepFieldsPatch,
}

/// A day that has come: not after today.
fn not_after_today(invalid: &mut Invalid, field: &str, day: Option<NaiveDate>, today: NaiveDate) {
    if day.is_some_and(|day| day > today) {
        invalid.add(field, Refusal::AfterToday);
    }
}

/// A required text of a step's kind, trimmed.
fn name(invalid: &mut Invalid, field: &str, raw: &str, max: u64) -> String {
    let text = optional_text(Some(raw)).unwrap_or_default();
    bounds::text(invalid, field, &text, 1, max);
    text
}

/// Checks a step whole: its common facts, then those of its kind.
fn checked(input: StepInput, today: NaiveDate) -> CaseResult<StepContent> {
    let mut invalid = Invalid::default();
    bounds::optional_text(
        &mut invalid,
        "reference",
        input.reference.as_deref(),
        REFERENCE_MAX,
    );
    bounds::optional_text(&mut invalid, "notes", input.notes.as_deref(), NOTES_MAX);
    not_after_today(&mut invalid, "filed_on", input.filed_on, today);
    not_after_today(&mut invalid, "decided_on", input.decided_on, today);
    if let (Some(filed), Some(decided)) = (input.filed_on, input.decided_on)
        && decided < filed
    {
        invalid.add("decided_on", Refusal::DecidedBeforeFiled);
    }
    if matches!(
        input.kind,
        StepKind::SocialHousingApplication | StepKind::DaloRecourse
    ) && input.filed_on.is_none()
    {
        invalid.add("filed_on", Refusal::Required);
    }
    // An accepted offer or bail glissant is a lease signed: on which day.
    if is_a_home(input.kind, input.status) && input.decided_on.is_none() {
        invalid.add("decided_on", Refusal::Required);
    }
    let details = match StepDetails::from_fields(input.kind, input.fields.clone()) {
        Ok(details) => Some(details),
        Err(refused) => {
            for (field, refusal) in refused {
                invalid.add(field, refusal);
            }
            None
        }
    };
    let details = details.map(|details| checked_details(&mut invalid, details, &input, today));
    invalid.finish()?;
    let details = details.ok_or_else(|| CaseError::invalid("kind", Refusal::Required))?;
    Ok(StepContent {
        status: input.status,
        reference: optional_text(input.reference.as_deref()),
        filed_on: input.filed_on,
        decided_on: input.decided_on,
        notes: optional_text(input.notes.as_deref()),
        details,
    })
}

/// The facts of a step's kind: bounded texts and amounts, days that have
/// come, and their order.
fn checked_details(
    invalid: &mut Invalid,
    details: StepDetails,
    input: &StepInput,
    today: NaiveDate,
) -> StepDetails {
    match details {
        StepDetails::SiaoApplication {
            demand,
            evaluated_on,
        } => {
            not_after_today(invalid, "evaluated_on", evaluated_on, today);
            StepDetails::SiaoApplication {
                demand,
                evaluated_on,
            }
        }
        StepDetails::SocialHousingApplication { renewed_on } => {
            not_after_today(invalid, "renewed_on", renewed_on, today);
            if let (Some(renewed), Some(filed)) = (renewed_on, input.filed_on)
                && renewed < filed
            {
                invalid.add("renewed_on", Refusal::RenewedBeforeFiled);
            }
            StepDetails::SocialHousingApplication { renewed_on }
        }
        StepDetails::DaloRecourse { recourse } => StepDetails::DaloRecourse { recourse },
        StepDetails::FslRequest { items } => {
            bounds::count(
                invalid,
                "items",
                items.len(),
                1,
                FSL_ITEMS_MAX,
                Counted::Lines,
            );
            let items = items
                .into_iter()
                .enumerate()
                .map(|(n, item)| {
                    bounds::number(
                        invalid,
                        &format!("items[{n}].amount_cents"),
                        item.amount_cents,
                        1,
                        AMOUNT_MAX_CENTS,
                        Unit::Cents,
                    );
                    nido_domain::pathway::FslItem {
                        label: name(invalid, &format!("items[{n}].label"), &item.label, NAME_MAX),
                        amount_cents: item.amount_cents,
                    }
                })
                .collect();
            StepDetails::FslRequest { items }
        }
        StepDetails::Visale { valid_until } => StepDetails::Visale { valid_until },
        StepDetails::HousingOffer {
            landlord,
            commune,
            typology,
            rent_cents,
            refusal_reason,
        } => {
            bounds::number(
                invalid,
                "rent_cents",
                rent_cents,
                0,
                AMOUNT_MAX_CENTS,
                Unit::Cents,
            );
            bounds::optional_text(
                invalid,
                "refusal_reason",
                refusal_reason.as_deref(),
                NOTES_MAX,
            );
            let refusal_reason = optional_text(refusal_reason.as_deref());
            if refusal_reason.is_some() && input.status != StepStatus::Refused {
                invalid.add("refusal_reason", Refusal::ReasonWithoutRefusal);
            }
            StepDetails::HousingOffer {
                landlord: name(invalid, "landlord", &landlord, NAME_MAX),
                commune: name(invalid, "commune", &commune, NAME_MAX),
                typology: name(invalid, "typology", &typology, TYPOLOGY_MAX),
                rent_cents,
                refusal_reason,
            }
        }
        StepDetails::BailGlissant {
            landlord,
            sublease_starts_on,
            slides_on,
            reviewed_on,
        } => {
            not_after_today(invalid, "reviewed_on", reviewed_on, today);
            // The day it slid, not a day planned: until then, it is reviewed.
            not_after_today(invalid, "slides_on", slides_on, today);
            for (field, day) in [("slides_on", slides_on), ("reviewed_on", reviewed_on)] {
                if day.is_some_and(|day| day < sublease_starts_on) {
                    invalid.add(field, Refusal::BeforeSublease);
                }
            }
            StepDetails::BailGlissant {
                landlord: name(invalid, "landlord", &landlord, NAME_MAX),
                sublease_starts_on,
                slides_on,
                reviewed_on,
            }
        }
    }
}

/// A lease signed (an offer or a bail glissant accepted, `decided_on` the
/// signature) must fall while a Visale visa the placement obtained is
/// valid, when it has any granted (decided or accepted): the guarantee
/// comes before the lease, so a visa counts when it was granted on or
/// before the signature (or its day is not known) and runs until then.
/// Checked when the lease is recorded.
async fn visale_still_valid(
    db: &impl ConnectionTrait,
    placement_id: Uuid,
    content: &StepContent,
    skip: Option<Uuid>,
) -> CaseResult<()> {
    let signed = match (&content.details, content.status, content.decided_on) {
        (
            StepDetails::HousingOffer { .. } | StepDetails::BailGlissant { .. },
            StepStatus::Accepted,
            Some(signed),
        ) => signed,
        _ => return Ok(()),
    };
    let visas: Vec<(Option<NaiveDate>, NaiveDate)> = store::steps_of(db, placement_id)
        .await?
        .into_iter()
        .filter(|step| Some(step.id) != skip)
        .filter(|step| matches!(step.status, StepStatus::Decided | StepStatus::Accepted))
        .filter_map(|step| match step.details {
            StepDetails::Visale { valid_until } => Some((step.decided_on, valid_until)),
            _ => None,
        })
        .collect();
    let covers = |(granted, valid_until): &(Option<NaiveDate>, NaiveDate)| {
        granted.is_none_or(|granted| granted <= signed) && signed <= *valid_until
    };
    if !visas.is_empty() && !visas.iter().any(covers) {
        return Err(CaseError::Conflict(Conflict::VisaleExpired));
    }
    Ok(())
}

/// Up to `limit` of `rows` (a placement's few, read whole) after the one
/// whose id is `after`, in their order: none after an id not among them.
fn page_after<R>(rows: Vec<R>, after: Option<Uuid>, limit: u64, id: impl Fn(&R) -> Uuid) -> Vec<R> {
    let start = match after {
        None => 0,
        Some(after) => rows
            .iter()
            .position(|row| id(row) == after)
            .map_or(rows.len(), |at| at + 1),
    };
    rows.into_iter()
        .skip(start)
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect()
}

/// The placement's steps, in the order they were recorded, after the step
/// `after` (a page's cursor).
pub async fn steps(
    cases: &Cases,
    caller: &Caller,
    placement_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> CaseResult<Vec<HousingStep>> {
    let placement = visible_placement(cases, caller, placement_id).await?;
    let steps = store::steps_of(&cases.db, placement_id).await?;
    let resource = format!("/placements/{placement_id}/housing-steps");
    cases
        .audit(
            caller,
            "housing_step.list",
            Some(placement.family_id),
            &resource,
        )
        .await?;
    Ok(page_after(steps, after, limit, |step| step.id))
}

/// Records a step of an active placement.
pub async fn add_step(
    cases: &Cases,
    caller: &Caller,
    placement_id: Uuid,
    input: StepInput,
) -> CaseResult<HousingStep> {
    let placement = visible_placement(cases, caller, placement_id).await?;
    let content = checked(input, cases.today())?;
    if placement.status != PlacementStatus::Active {
        return Err(CaseError::Conflict(Conflict::PlacementEnded));
    }
    let txn = begin_write(&cases.writer).await?;
    visale_still_valid(&txn, placement_id, &content, None).await?;
    let step = store::insert_step(
        &txn,
        placement_id,
        placement.family_id,
        &content,
        caller.id,
        cases.now(),
    )
    .await?;
    txn.commit().await?;
    cases
        .audit(
            caller,
            "housing_step.create",
            Some(placement.family_id),
            &format!("/housing-steps/{}", step.id),
        )
        .await?;
    Ok(step)
}

/// The step, if the caller may see its family.
async fn visible_step(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<HousingStep> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let step = store::find_step(&cases.db, id).await?;
    visible_family(&cases.db, caller, step.family_id).await?;
    Ok(step)
}

/// One step (`GET /housing-steps/{id}`).
pub async fn step(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<HousingStep> {
    let step = visible_step(cases, caller, id).await?;
    cases
        .audit(
            caller,
            "housing_step.read",
            Some(step.family_id),
            &format!("/housing-steps/{id}"),
        )
        .await?;
    Ok(step)
}

/// Changes a step of an active placement: its facts, and its status as
/// far as it may move (`StepStatus::may_move_to`; 409 `step_status_move`).
pub async fn update_step(
    cases: &Cases,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
    changes: StepChanges,
) -> CaseResult<HousingStep> {
    let current = visible_step(cases, caller, id).await?;
    let input = StepInput {
        kind: current.kind(),
        status: changes.status.unwrap_or(current.status),
        reference: changes.reference.unwrap_or(current.reference.clone()),
        filed_on: changes.filed_on.unwrap_or(current.filed_on),
        decided_on: changes.decided_on.unwrap_or(current.decided_on),
        notes: changes.notes.unwrap_or(current.notes.clone()),
        fields: current.details.fields().overlay(changes.fields),
    };
    let content = checked(input, cases.today())?;
    // Past its input's checks, a caller who read an older version is told
    // so before the move is judged: she asked it of what she saw.
    if expected_version.is_some_and(|expected| expected != current.version) {
        return Err(RepoError::StaleVersion.into());
    }
    let txn = begin_write(&cases.writer).await?;
    let placement = placements::find(&txn, current.placement_id).await?;
    if placement.status != PlacementStatus::Active {
        return Err(CaseError::Conflict(Conflict::PlacementEnded));
    }
    if !current.status.may_move_to(content.status) {
        return Err(CaseError::Conflict(Conflict::StepStatusMove));
    }
    if (current.status, current.decided_on) != (content.status, content.decided_on) {
        visale_still_valid(&txn, current.placement_id, &content, Some(id)).await?;
    }
    let step = store::update_step(&txn, &current, expected_version, &content, cases.now()).await?;
    txn.commit().await?;
    cases
        .audit(
            caller,
            "housing_step.update",
            Some(step.family_id),
            &format!("/housing-steps/{id}"),
        )
        .await?;
    Ok(step)
}

/// The follow-ups the placement's exit owes, made or not, by month, after
/// the follow-up `after` (a page's cursor).
pub async fn follow_ups(
    cases: &Cases,
    caller: &Caller,
    placement_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> CaseResult<Vec<FollowUp>> {
    let placement = visible_placement(cases, caller, placement_id).await?;
    let follow_ups = store::follow_ups_of(&cases.db, placement_id).await?;
    cases
        .audit(
            caller,
            "follow_up.list",
            Some(placement.family_id),
            &format!("/placements/{placement_id}/follow-ups"),
        )
        .await?;
    Ok(page_after(follow_ups, after, limit, |follow_up| {
        follow_up.id
    }))
}

/// What a follow-up found, as a form or the API gives it.
#[derive(Debug, Clone)]
pub struct FollowUpInput {
    pub after_months: u32,
    pub done_on: NaiveDate,
    pub outcome: FollowUpOutcome,
    pub notes: Option<String>,
}

/// Records a follow-up the exit owes, once (409 `follow_up_recorded`
/// after): made on or after the exit, not after today.
pub async fn record_follow_up(
    cases: &Cases,
    caller: &Caller,
    placement_id: Uuid,
    input: FollowUpInput,
) -> CaseResult<FollowUp> {
    let placement = visible_placement(cases, caller, placement_id).await?;
    let Some(exit) = placement
        .exit
        .as_ref()
        .filter(|_| placement.status == PlacementStatus::Ended)
    else {
        return Err(CaseError::Conflict(Conflict::PlacementActive));
    };
    let owed = store::follow_ups_of(&cases.db, placement_id).await?;
    let mut invalid = Invalid::default();
    if !owed
        .iter()
        .any(|owed| owed.after_months == input.after_months)
    {
        invalid.add(
            "after_months",
            Refusal::NotAFollowUpMonth {
                months: owed.iter().map(|owed| owed.after_months).collect(),
            },
        );
    }
    if input.done_on < exit.exited_on {
        invalid.add("done_on", Refusal::FollowUpBeforeExit);
    }
    not_after_today(&mut invalid, "done_on", Some(input.done_on), cases.today());
    bounds::optional_text(&mut invalid, "notes", input.notes.as_deref(), NOTES_MAX);
    invalid.finish()?;
    let txn = begin_write(&cases.writer).await?;
    let follow_up = store::record_follow_up(
        &txn,
        placement_id,
        input.after_months,
        FollowUpMade {
            done_on: input.done_on,
            outcome: input.outcome,
            notes: optional_text(input.notes.as_deref()),
            recorded_by: caller.id,
            recorded_at: cases.now(),
        },
    )
    .await
    .map_err(|err| match err {
        RepoError::NotFound => CaseError::invalid(
            "after_months",
            Refusal::NotAFollowUpMonth { months: Vec::new() },
        ),
        err => err.into(),
    })?;
    txn.commit().await?;
    cases
        .audit(
            caller,
            "follow_up.record",
            Some(placement.family_id),
            &format!("/placements/{placement_id}/follow-ups"),
        )
        .await?;
    Ok(follow_up)
}
