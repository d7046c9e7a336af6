//! The coordinators' screen: renewal deadlines, so no family's care lapses.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use nido_domain::Role;
use nido_domain::placement::{DeadlineStatus, deadline, falls_due_within, latest_end_on};
use nido_persistence::{families, placements};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiError, Result};
use crate::extract::ValidQuery;
use crate::gate::{Allowed, Team};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_deadlines))
}

pub const DEFAULT_WITHIN_DAYS: u32 = 60;
const MAX_WITHIN_DAYS: u32 = 3660;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineParams {
    /// The day to look from; default today (in the configured time zone).
    pub as_of: Option<NaiveDate>,
    /// How far ahead to look, in days (default 60).
    #[param(minimum = 0, maximum = 3660)]
    pub within_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentPeriod {
    pub number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineItem {
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub mother_name: String,
    pub referent_id: Option<Uuid>,
    pub current_period: CurrentPeriod,
    /// `ends_on` − `as_of`; negative when overdue.
    pub days_remaining: i64,
    /// When the renewal report is due: `ends_on` + 1 day − `report_lead_days`.
    pub report_due_on: NaiveDate,
    /// False when the period ends at the cap (the day before the third birthday).
    pub renewable: bool,
    #[schema(schema_with = crate::schema::deadline_status)]
    pub status: DeadlineStatus,
    #[serde(skip)]
    last_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deadlines {
    pub items: Vec<DeadlineItem>,
}

/// Active placements whose current period ends within `within_days` of
/// `as_of`, or has already ended; by `ends_on`, then the mother's last name.
/// Staff see only their own families.
#[utoipa::path(get, path = "/deadlines", tag = "placements", params(DeadlineParams),
    responses((status = 200, description = "The deadlines", body = Deadlines)))]
#[tracing::instrument(skip_all)]
async fn list_deadlines(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ValidQuery(params): ValidQuery<DeadlineParams>,
) -> Result<Json<Deadlines>> {
    caller.require(&[Role::Coordinator, Role::Staff])?;
    let within_days = params.within_days.unwrap_or(DEFAULT_WITHIN_DAYS);
    if within_days > MAX_WITHIN_DAYS {
        return Err(ApiError::invalid(
            "within_days",
            "must be between 0 and 3660",
        ));
    }
    let as_of = params.as_of.unwrap_or_else(|| state.today());
    let staff = (caller.role() == Role::Staff).then_some(caller.user.id);
    let until = as_of
        .checked_add_days(chrono::Days::new(within_days.into()))
        .unwrap_or(NaiveDate::MAX);
    let active = placements::active_ending_by(&state.db, staff, until).await?;
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
    let mut families = families::find_many(&state.db, family_ids).await?;
    let mut items = Vec::new();
    for (placement, current) in due {
        let Some(family) = families.remove(&placement.family_id) else {
            continue;
        };
        if caller.role() == Role::Staff && !family.is_assigned(caller.user.id) {
            continue;
        }
        let computed = deadline(
            &current,
            latest_end_on(&family.births()),
            as_of,
            state.cases.report_lead_days,
        );
        items.push(DeadlineItem {
            placement_id: placement.id,
            family_id: family.id,
            mother_name: family.mother.full_name(),
            referent_id: family.referent_id,
            current_period: CurrentPeriod {
                number: current.number,
                starts_on: current.starts_on,
                ends_on: current.ends_on,
            },
            days_remaining: computed.days_remaining,
            report_due_on: computed.report_due_on,
            renewable: computed.renewable,
            status: computed.status,
            last_name: family.mother.last_name,
        });
    }
    items.sort_by(|a, b| {
        (a.current_period.ends_on, &a.last_name, a.placement_id).cmp(&(
            b.current_period.ends_on,
            &b.last_name,
            b.placement_id,
        ))
    });
    let listed = items.iter().map(|item| item.family_id);
    state
        .audit_many(&caller, "deadlines.read", listed, "/deadlines")
        .await?;
    Ok(Json(Deadlines { items }))
}
