//! A family's timeline: referral, admission, periods, renewals, moves,
//! the interventions the caller may see, and exit, newest first.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use nido_persistence::{interventions, occupancies, placements, referrals};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::access;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::extract::{ApiPath, ValidQuery};
use crate::interventions::InterventionResponse;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(timeline))
}

/// One event. `kind` says which of the optional fields are set.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEvent {
    /// `referral`, `admission`, `period`, `renewal`, `move`, `intervention` or `exit`.
    pub kind: &'static str,
    /// The day it happened (in the centre's time zone for interventions).
    pub date: NaiveDate,
    /// The instant, for interventions.
    pub at: Option<DateTime<Utc>>,
    pub referral_id: Option<Uuid>,
    pub placement_id: Option<Uuid>,
    /// For `referral`: its status; for `exit`: the destination.
    pub status: Option<String>,
    /// For `period` (the new one) and `renewal` (the one renewed).
    pub period_number: Option<i32>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// For `move`.
    pub unit_id: Option<Uuid>,
    /// For `intervention`.
    pub intervention: Option<InterventionResponse>,
}

impl TimelineEvent {
    fn new(kind: &'static str, date: NaiveDate) -> Self {
        Self {
            kind,
            date,
            at: None,
            referral_id: None,
            placement_id: None,
            status: None,
            period_number: None,
            starts_on: None,
            ends_on: None,
            unit_id: None,
            intervention: None,
        }
    }
}

/// Everything that happened to the family, newest first (coordinator; staff
/// for their families). Restricted interventions appear only to their author
/// and the staff present.
#[utoipa::path(get, path = "/families/{id}/timeline", tag = "interventions",
    params(("id" = Uuid, Path), PageParams),
    responses((status = 200, description = "A page of events", body = Page<TimelineEvent>)))]
async fn timeline(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(family_id): ApiPath<Uuid>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<TimelineEvent>>> {
    access::family(&state.db, &caller, family_id).await?;
    let limit = page.limit()?;
    let offset: usize = page.position()?.unwrap_or(0);
    let mut events = Vec::new();
    for referral in referrals::for_family(&state.db, family_id).await? {
        let mut event = TimelineEvent::new("referral", referral.referred_on);
        event.referral_id = Some(referral.id);
        event.status = Some(referral.status.to_string());
        events.push(event);
    }
    for placement in placements::for_family(&state.db, family_id).await? {
        let mut admission = TimelineEvent::new("admission", placement.admitted_on);
        admission.placement_id = Some(placement.id);
        admission.referral_id = Some(placement.referral_id);
        events.push(admission);
        for record in &placement.periods {
            let period = record.period;
            let mut event = TimelineEvent::new("period", period.starts_on);
            event.placement_id = Some(placement.id);
            event.period_number = Some(period.number);
            event.starts_on = Some(period.starts_on);
            event.ends_on = Some(period.ends_on);
            events.push(event);
            if let Some(decided_on) = record.decided_on {
                let mut renewal = TimelineEvent::new("renewal", decided_on);
                renewal.placement_id = Some(placement.id);
                renewal.period_number = Some(period.number);
                events.push(renewal);
            }
        }
        for occupancy in occupancies::of_placement(&state.db, placement.id).await? {
            let mut event = TimelineEvent::new("move", occupancy.span.start);
            event.placement_id = Some(placement.id);
            event.unit_id = Some(occupancy.unit_id);
            event.starts_on = Some(occupancy.span.start);
            event.ends_on = occupancy.span.end;
            events.push(event);
        }
        if let Some(exit) = placement.exit {
            let mut event = TimelineEvent::new("exit", exit.exited_on);
            event.placement_id = Some(placement.id);
            event.status = Some(exit.destination.to_string());
            events.push(event);
        }
    }
    let visible =
        interventions::list_visible(&state.db, family_id, caller.user.id, None, None).await?;
    let ids = visible.iter().map(|row| row.id).collect();
    let actions = interventions::actions_of(&state.db, ids).await?;
    let today = state.today();
    for intervention in visible {
        let at = intervention.occurred_at;
        let date = at.with_timezone(&state.cases.time_zone).date_naive();
        let mut event = TimelineEvent::new("intervention", date);
        event.at = Some(at);
        event.intervention = Some(InterventionResponse::new(
            intervention,
            actions.clone(),
            today,
        ));
        events.push(event);
    }
    // Newest first; on one day, in the order things happen in a placement.
    let rank = |kind: &str| match kind {
        "referral" => 0,
        "admission" => 1,
        "period" => 2,
        "move" => 3,
        "intervention" => 4,
        "renewal" => 5,
        _ => 6,
    };
    events.sort_by(|a, b| {
        (b.date, b.at, rank(b.kind), b.period_number).cmp(&(
            a.date,
            a.at,
            rank(a.kind),
            a.period_number,
        ))
    });
    let rows: Vec<(usize, TimelineEvent)> = events
        .into_iter()
        .enumerate()
        .skip(offset)
        .take(usize::try_from(limit + 1).unwrap_or(usize::MAX))
        .collect();
    let page = Page::from_rows(rows, limit, |(index, _)| index + 1, |(_, event)| event);
    let resource = format!("/families/{family_id}/timeline");
    state
        .audit(&caller, "family.timeline", Some(family_id), &resource)
        .await?;
    Ok(Json(page))
}
