//! The coordinators' screen of renewal deadlines, so that no family's care
//! lapses: the active placements whose current period ends soon, or has
//! ended without a renewal.

use chrono::{Days, NaiveDate};
use nido_domain::Refusal;
use nido_domain::Role;
use nido_domain::placement::{Deadline, Period, deadline, falls_due_within, latest_end_on};
use nido_persistence::{families, placements};
use uuid::Uuid;

use crate::due_dates::MAX_WITHIN_DAYS;
use crate::{Caller, CaseError, CaseResult, Cases};

/// How far ahead the screen looks when not told, in days.
pub const DEFAULT_WITHIN_DAYS: u32 = 60;

/// The renewal deadline of one active placement.
#[derive(Debug, Clone)]
pub struct RenewalDeadline {
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub mother_name: String,
    pub mother_last_name: String,
    pub referent_id: Option<Uuid>,
    pub current_period: Period,
    pub deadline: Deadline,
}

/// Active placements whose current period ends within `within_days`
/// (default 60) of `as_of` (default today), or has already ended; by the
/// period's end, then the mother's last name (coordinators every family,
/// staff their own). Audited as `deadlines.read`, naming the families listed.
pub async fn renewals_due(
    cases: &Cases,
    caller: &Caller,
    as_of: Option<NaiveDate>,
    within_days: Option<u32>,
) -> CaseResult<Vec<RenewalDeadline>> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let within_days = within_days.unwrap_or(DEFAULT_WITHIN_DAYS);
    if within_days > MAX_WITHIN_DAYS {
        return Err(CaseError::invalid(
            "within_days",
            Refusal::Between { min: 0, max: 3660 },
        ));
    }
    let as_of = as_of.unwrap_or_else(|| cases.today());
    let staff = (caller.role == Role::Staff).then_some(caller.id);
    let until = as_of
        .checked_add_days(Days::new(within_days.into()))
        .unwrap_or(NaiveDate::MAX);
    let active = placements::active_ending_by(&cases.db, staff, until).await?;
    let due: Vec<_> = active
        .into_iter()
        .filter_map(|placement| {
            let current = *placement.current_period()?;
            falls_due_within(&current, as_of, within_days).then_some((placement, current))
        })
        .collect();
    let family_ids: Vec<Uuid> = due
        .iter()
        .map(|(placement, _)| placement.family_id)
        .collect();
    let mut families = families::find_many(&cases.db, family_ids).await?;
    let mut items = Vec::new();
    for (placement, current) in due {
        let Some(family) = families.remove(&placement.family_id) else {
            continue;
        };
        if caller.role == Role::Staff && !family.is_assigned(caller.id) {
            continue;
        }
        items.push(RenewalDeadline {
            placement_id: placement.id,
            family_id: family.id,
            mother_name: family.mother.full_name(),
            referent_id: family.referent_id,
            current_period: current,
            deadline: deadline(
                &current,
                latest_end_on(&family.births()),
                as_of,
                cases.report_lead_days,
            ),
            mother_last_name: family.mother.last_name,
        });
    }
    items.sort_by(|a, b| {
        (
            a.current_period.ends_on,
            &a.mother_last_name,
            a.placement_id,
        )
            .cmp(&(
                b.current_period.ends_on,
                &b.mother_last_name,
                b.placement_id,
            ))
    });
    let listed = items.iter().map(|item| item.family_id);
    cases
        .audit_many(caller, "deadlines.read", listed, "/deadlines")
        .await?;
    Ok(items)
}
