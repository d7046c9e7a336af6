//! A placement's life: renewals of its six-month periods, and its exit.

use chrono::NaiveDate;
use nido_domain::Refusal;
use nido_domain::pathway::StepStatus;
use nido_domain::placement::{
    ChildBirth, DECIDED_BY_MAX, DECISION_REF_MAX, EXIT_NOTES_MAX, Period, RenewalRefusal,
    latest_end_on, next_period,
};
use nido_domain::placement::{Exit, ExitDestination, Placement, PlacementStatus};
use nido_domain::{Conflict, Role};
use nido_persistence::placements::Decision;
use nido_persistence::{
    RepoError, begin_write, creche, families, is_contention, occupancies, pathway, placements,
};
use uuid::Uuid;

use crate::families::readable_family;
use crate::{Caller, CaseError, CaseResult, Cases, Invalid, bounds, optional_text};

/// A placement, with its family's children's births now: no period may
/// run past the youngest child's third birthday.
#[derive(Debug, Clone)]
pub struct PlacementRecord {
    pub placement: Placement,
    pub births: Vec<ChildBirth>,
}

/// One placement with its periods, if the caller may see its family
/// (coordinators; staff for their families), audited as `placement.read`.
pub async fn read(
    cases: &Cases,
    caller: &Caller,
    placement_id: Uuid,
) -> CaseResult<PlacementRecord> {
    caller.require(crate::FAMILY_READERS)?;
    let placement = placements::find(&cases.db, placement_id).await?;
    let family = readable_family(&cases.db, caller, placement.family_id).await?;
    cases
        .audit(
            caller,
            "placement.read",
            Some(placement.family_id),
            &format!("/placements/{placement_id}"),
        )
        .await?;
    Ok(PlacementRecord {
        placement,
        births: family.births(),
    })
}

/// The département's decision renewing period `period_number`.
#[derive(Debug, Clone)]
pub struct Renewal {
    pub placement_id: Uuid,
    pub period_number: i32,
    /// Not in the future.
    pub decided_on: NaiveDate,
    pub decided_by: String,
    pub decision_ref: Option<String>,
}

/// Records the decision on the current period and appends the next one
/// (coordinators). Who decided is 1 to [`DECIDED_BY_MAX`] characters, not
/// blank; the reference at most [`DECISION_REF_MAX`]. Of two renewals of
/// one period at once, exactly one wins; the other answers `stale_period`.
pub async fn renew(cases: &Cases, caller: &Caller, renewal: Renewal) -> CaseResult<Period> {
    caller.require(&[Role::Coordinator])?;
    let id = renewal.placement_id;
    let mut invalid = Invalid::default();
    bounds::text(
        &mut invalid,
        "decided_by",
        &renewal.decided_by,
        1,
        DECIDED_BY_MAX,
    );
    bounds::optional_text(
        &mut invalid,
        "decision_ref",
        renewal.decision_ref.as_deref(),
        DECISION_REF_MAX,
    );
    if renewal.decided_on > cases.today() {
        invalid.add("decided_on", Refusal::AfterToday);
    }
    invalid.finish()?;
    crate::pathway::visible_placement(cases, caller, id).await?;
    let txn = begin_write(&cases.writer).await?;
    let placement = placements::find(&txn, id).await?;
    if placement.status != PlacementStatus::Active {
        return Err(CaseError::Conflict(Conflict::PlacementEnded));
    }
    let family = families::find(&txn, placement.family_id).await?;
    let current = *placement
        .current_period()
        .ok_or(CaseError::Conflict(Conflict::PlacementEnded))?;
    let next = next_period(
        &current,
        renewal.period_number,
        latest_end_on(&family.births()),
    )
    .map_err(|refusal| match refusal {
        RenewalRefusal::CapReached => CaseError::Conflict(Conflict::CapReached),
        RenewalRefusal::StalePeriod => CaseError::Conflict(Conflict::StalePeriod),
    })?;
    let decision = Decision {
        decided_on: renewal.decided_on,
        decided_by: renewal.decided_by.trim().to_owned(),
        decision_ref: optional_text(renewal.decision_ref.as_deref()),
    };
    let now = cases.now();
    // Both writes are guarded by the database: the decision only on an
    // undecided period, the next period by the unique period number.
    placements::record_decision(&txn, id, current.number, decision)
        .await
        .map_err(lost_race)?;
    placements::insert_period(&txn, id, next, caller.id, now)
        .await
        .map_err(lost_race)?;
    placements::touch(&txn, id, None, now).await?;
    txn.commit().await.map_err(|err| lost_race(err.into()))?;
    let resource = format!("/placements/{id}/renewals/{}", next.number);
    cases
        .audit(caller, "placement.renew", Some(family.id), &resource)
        .await?;
    Ok(next)
}

/// A renewal that lost a race to another answers `stale_period`, whether
/// the database said so with a constraint, a version or a serialization
/// failure.
fn lost_race(err: RepoError) -> CaseError {
    match err {
        RepoError::Conflict(_) | RepoError::StaleVersion => {
            CaseError::Conflict(Conflict::StalePeriod)
        }
        RepoError::Db(db) if is_contention(&db) => CaseError::Conflict(Conflict::StalePeriod),
        other => other.into(),
    }
}

/// A family leaving the centre (*sortie*).
#[derive(Debug, Clone)]
pub struct Departure {
    pub placement_id: Uuid,
    /// The version the caller read, if she sent `If-Match`.
    pub expected_version: Option<i32>,
    /// Not before the admission, not after today.
    pub exited_on: NaiveDate,
    pub destination: ExitDestination,
    pub notes: Option<String>,
    /// The accepted housing step she leaves by, if any: one of this
    /// placement's.
    pub housing_step_id: Option<Uuid>,
}

/// Ends a placement and the family's occupancy on the same day
/// (coordinators). The notes are at most [`EXIT_NOTES_MAX`] characters.
pub async fn exit(
    cases: &Cases,
    caller: &Caller,
    departure: Departure,
) -> CaseResult<PlacementRecord> {
    caller.require(&[Role::Coordinator])?;
    let id = departure.placement_id;
    let mut bounded = Invalid::default();
    bounds::optional_text(
        &mut bounded,
        "notes",
        departure.notes.as_deref(),
        EXIT_NOTES_MAX,
    );
    bounded.finish()?;
    crate::pathway::visible_placement(cases, caller, id).await?;
    let txn = begin_write(&cases.writer).await?;
    let placement = placements::find(&txn, id).await?;
    if placement.status != PlacementStatus::Active {
        return Err(CaseError::Conflict(Conflict::PlacementEnded));
    }
    let mut invalid = Invalid::default();
    if departure.exited_on > cases.today() {
        invalid.add("exited_on", Refusal::AfterToday);
    }
    if departure.exited_on < placement.admitted_on {
        invalid.add("exited_on", Refusal::ExitBeforeAdmission);
    }
    if let Some(step_id) = departure.housing_step_id {
        let accepted = match pathway::find_step(&txn, step_id).await {
            Ok(step) => step.placement_id == id && step.status == StepStatus::Accepted,
            Err(RepoError::NotFound) => false,
            Err(err) => return Err(err.into()),
        };
        if !accepted {
            invalid.add("housing_step_id", Refusal::NotAnAcceptedStep);
        }
    }
    invalid.finish()?;
    let exit = Exit {
        exited_on: departure.exited_on,
        destination: departure.destination,
        notes: optional_text(departure.notes.as_deref()),
        housing_step_id: departure.housing_step_id,
    };
    placements::end(&txn, id, departure.expected_version, exit, cases.now()).await?;
    // The referent follows the family up at the months the centre set.
    pathway::owe_follow_ups(
        &txn,
        id,
        placement.family_id,
        &cases.exit.owed_after(departure.exited_on),
    )
    .await?;
    // The family leaves its apartment on the day it leaves the centre.
    if let Some(occupancy) = occupancies::open_of_placement(&txn, id).await? {
        let last_night = departure.exited_on.max(occupancy.span.start);
        occupancies::end(&txn, occupancy.id, last_night).await?;
    }
    // Nor does the crèche keep places for a family that has left.
    creche::cancel_bookings_after(&txn, placement.family_id, departure.exited_on, cases.now())
        .await?;
    txn.commit().await?;
    let resource = format!("/placements/{id}/exit");
    cases
        .audit(
            caller,
            "placement.exit",
            Some(placement.family_id),
            &resource,
        )
        .await?;
    let placement = placements::find(&cases.db, id).await?;
    let family = families::find(&cases.db, placement.family_id).await?;
    Ok(PlacementRecord {
        placement,
        births: family.births(),
    })
}
