//! The coordinators' screen: renewal deadlines, so no family's care lapses.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use nido_cases as cases;
use nido_cases::deadlines::{DeadlinesQuery, RenewalDeadline};
use nido_domain::placement::DeadlineStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::ValidQuery;
use crate::gate::{Allowed, FamilyReaders};
use crate::pagination::PageParams;
use crate::state::AppState;

pub use nido_cases::deadlines::DEFAULT_WITHIN_DAYS;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineParams {
    /// The day to look from; default today (in the configured time zone).
    pub as_of: Option<NaiveDate>,
    /// How far ahead to look, in days (default 60).
    #[param(minimum = 0, maximum = 3660)]
    pub within_days: Option<u32>,
    /// How many items to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1000, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
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
}

impl From<RenewalDeadline> for DeadlineItem {
    fn from(due: RenewalDeadline) -> Self {
        Self {
            placement_id: due.placement_id,
            family_id: due.family_id,
            mother_name: due.mother_name,
            referent_id: due.referent_id,
            current_period: CurrentPeriod {
                number: due.current_period.number,
                starts_on: due.current_period.starts_on,
                ends_on: due.current_period.ends_on,
            },
            days_remaining: due.deadline.days_remaining,
            report_due_on: due.deadline.report_due_on,
            renewable: due.deadline.renewable,
            status: due.deadline.status,
        }
    }
}

/// How many deadlines the whole window holds, by status (not the page's).
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineCounts {
    pub overdue: u64,
    pub report_due: u64,
    pub upcoming: u64,
}

/// One page of deadlines, and the counts of the whole window.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deadlines {
    pub items: Vec<DeadlineItem>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    pub counts: DeadlineCounts,
}

/// Active placements whose current period ends within `within_days` of
/// `as_of`, or has already ended; by `ends_on`, then the mother's last name,
/// then the placement; paged (`limit`, `cursor`), with the counts by status
/// of the whole window. Staff see only their own families.
#[utoipa::path(get, path = "/deadlines", tag = "placements", params(DeadlineParams),
    responses((status = 200, description = "The deadlines", body = Deadlines)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list_deadlines(
    State(state): State<AppState>,
    caller: Allowed<FamilyReaders>,
    ValidQuery(params): ValidQuery<DeadlineParams>,
) -> Result<Json<Deadlines>> {
    let limit = PageParams {
        limit: params.limit,
        cursor: None,
    }
    .limit()?;
    let page = cases::deadlines::renewals_due(
        &state.cases,
        &caller.case_caller(),
        DeadlinesQuery {
            as_of: params.as_of,
            within_days: params.within_days,
            limit,
            cursor: params.cursor,
        },
    )
    .await?;
    Ok(Json(Deadlines {
        items: page.items.into_iter().map(DeadlineItem::from).collect(),
        next_cursor: page.next_cursor,
        counts: DeadlineCounts {
            overdue: page.counts.overdue,
            report_due: page.counts.report_due,
            upcoming: page.counts.upcoming,
        },
    }))
}
