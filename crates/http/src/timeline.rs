//! A family's timeline: referral, admission, periods, renewals, moves,
//! the interventions the caller may see, workshops, and exit, newest first.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases::timeline::{self, Event};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::creche::BookingResponse;
use crate::error::Result;
use crate::extract::{ApiPath, ValidQuery};
use crate::gate::{Allowed, Team};
use crate::interventions::InterventionResponse;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(timeline))
}

/// One event. `kind` says which of the optional fields are set.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEvent {
    #[schema(schema_with = crate::schema::timeline_event_kind)]
    pub kind: &'static str,
    /// The day it happened (in the centre's time zone for interventions).
    pub date: NaiveDate,
    /// The instant, for interventions and workshops (when it starts).
    pub at: Option<DateTime<Utc>>,
    pub referral_id: Option<Uuid>,
    pub placement_id: Option<Uuid>,
    /// For `referral`: its status; for `exit`: the destination; for
    /// `workshop`: the participation's status (`registered`, `attended`,
    /// `absent`).
    pub status: Option<&'static str>,
    /// For `period` (the new one) and `renewal` (the one renewed).
    pub period_number: Option<i32>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// For `move`.
    pub unit_id: Option<Uuid>,
    /// For `intervention`.
    pub intervention: Option<InterventionResponse>,
    /// For `creche_booking`.
    pub creche_booking: Option<BookingResponse>,
    /// For `project_review`: read it with `GET /placements/{id}/project`.
    pub project_review_id: Option<Uuid>,
    /// For `concern`: read it with `GET /families/{id}/concerns`.
    pub concern_id: Option<Uuid>,
    /// For `workshop`: the workshop and its title.
    pub workshop_id: Option<Uuid>,
    #[schema(max_length = 200)]
    pub title: Option<String>,
}

impl TimelineEvent {
    fn new(event: Event, today: NaiveDate) -> Self {
        Self {
            kind: event.kind.as_str(),
            date: event.date,
            at: event.at,
            referral_id: event.referral_id,
            placement_id: event.placement_id,
            status: event.status,
            period_number: event.period_number,
            starts_on: event.starts_on,
            ends_on: event.ends_on,
            unit_id: event.unit_id,
            intervention: event.intervention.map(|(intervention, actions)| {
                InterventionResponse::new(intervention, actions, today)
            }),
            creche_booking: event.creche_booking.map(BookingResponse::from),
            project_review_id: event.project_review_id,
            concern_id: event.concern_id,
            workshop_id: event.workshop_id,
            title: event.title,
        }
    }
}

/// Everything that happened to the family, newest first (coordinator; staff
/// for their families). Restricted interventions appear only to their author
/// and the staff present; workshops the family takes part in appear at their
/// start.
#[utoipa::path(get, path = "/families/{id}/timeline", tag = "interventions",
    params(("id" = Uuid, Path), PageParams),
    responses((status = 200, description = "A page of events", body = Page<TimelineEvent>)))]
async fn timeline(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(family_id): ApiPath<Uuid>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<TimelineEvent>>> {
    let limit = page.limit()?;
    let offset: usize = page.position()?.unwrap_or(0);
    let wanted = usize::try_from(limit + 1).unwrap_or(usize::MAX);
    let events = timeline::family_timeline(
        &state.cases,
        &caller.case_caller(),
        family_id,
        Some(offset.saturating_add(wanted)),
    )
    .await?;
    let today = state.today();
    let rows: Vec<(usize, TimelineEvent)> = events
        .into_iter()
        .enumerate()
        .skip(offset)
        .take(wanted)
        .map(|(index, event)| (index, TimelineEvent::new(event, today)))
        .collect();
    Ok(Json(Page::from_rows(
        rows,
        limit,
        |(index, _)| index + 1,
        |(_, event)| event,
    )))
}
