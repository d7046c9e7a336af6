//! Placements (*prises en charge*): their periods, renewals and exit.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use nido_cases as cases;
use nido_cases::placements::{Departure, Renewal};
use nido_domain::placement::{ChildBirth, latest_end_on};
use nido_domain::placement::{ExitDestination, Placement, PlacementStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{ApiPath, JsonBody};
use crate::gate::{Allowed, Coordinators, FamilyReaders};
use crate::state::AppState;
use crate::versioning::{IfMatch, versioned};

/// A six-month period (*période*), with the renewal decision once recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodResponse {
    pub number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub decided_by: Option<String>,
    pub decision_ref: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExitResponse {
    pub exited_on: NaiveDate,
    #[schema(schema_with = crate::schema::exit_destination)]
    pub destination: ExitDestination,
    pub notes: Option<String>,
    /// The accepted housing step she left by, if the exit named one.
    pub housing_step_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlacementResponse {
    pub id: Uuid,
    pub family_id: Uuid,
    pub referral_id: Uuid,
    #[schema(schema_with = crate::schema::placement_status)]
    pub status: PlacementStatus,
    pub admitted_on: NaiveDate,
    /// The day before the youngest child's third birthday: no period runs past it.
    pub latest_end_on: Option<NaiveDate>,
    pub periods: Vec<PeriodResponse>,
    pub exit: Option<ExitResponse>,
    pub version: i32,
}

impl PlacementResponse {
    /// `births` are the family's children now: the cap is computed from them.
    pub fn new(placement: Placement, births: &[ChildBirth]) -> Self {
        Self {
            id: placement.id,
            family_id: placement.family_id,
            referral_id: placement.referral_id,
            status: placement.status,
            admitted_on: placement.admitted_on,
            latest_end_on: latest_end_on(births),
            periods: placement.periods.into_iter().map(period_response).collect(),
            exit: placement.exit.map(|exit| ExitResponse {
                exited_on: exit.exited_on,
                destination: exit.destination,
                notes: exit.notes,
                housing_step_id: exit.housing_step_id,
            }),
            version: placement.version,
        }
    }
}

fn period_response(record: nido_domain::placement::PeriodRecord) -> PeriodResponse {
    PeriodResponse {
        number: record.period.number,
        starts_on: record.period.starts_on,
        ends_on: record.period.ends_on,
        decided_on: record.decided_on,
        decided_by: record.decided_by,
        decision_ref: record.decision_ref,
    }
}

/// One placement with its periods (coordinator; staff for their families).
#[utoipa::path(get, path = "/placements/{id}", tag = "placements", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The placement", body = PlacementResponse, headers(("ETag" = String)))))]
#[tracing::instrument(skip_all, fields(placement_id = %id))]
pub(crate) async fn get_placement(
    State(state): State<AppState>,
    caller: Allowed<FamilyReaders>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    let read = cases::placements::read(&state.cases, &caller.case_caller(), id).await?;
    Ok(versioned(
        read.placement.version,
        PlacementResponse::new(read.placement, &read.births),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewalRequest {
    /// The period being renewed: it must be the current, last one.
    #[schema(minimum = 1)]
    pub period_number: i32,
    /// When the département decided; not in the future.
    pub decided_on: NaiveDate,
    /// Who decided (the département's service or officer).
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 200)]
    pub decided_by: String,
    #[schema(max_length = 100)]
    pub decision_ref: Option<String>,
}

/// Record the département's renewal decision on the current period and
/// append the next one (coordinator).
#[utoipa::path(post, path = "/placements/{id}/renewals", tag = "placements", request_body = RenewalRequest,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, description = "The new period", body = PeriodResponse),
        (status = 409, description = "`cap_reached`, `stale_period` or `placement_ended`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(placement_id = %id))]
pub(crate) async fn renew(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    ApiPath(id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<RenewalRequest>,
) -> Result<impl IntoResponse> {
    let renewal = Renewal {
        placement_id: id,
        period_number: body.period_number,
        decided_on: body.decided_on,
        decided_by: body.decided_by,
        decision_ref: body.decision_ref,
    };
    let next = cases::placements::renew(&state.cases, &caller.case_caller(), renewal).await?;
    Ok((
        StatusCode::CREATED,
        Json(PeriodResponse {
            number: next.number,
            starts_on: next.starts_on,
            ends_on: next.ends_on,
            decided_on: None,
            decided_by: None,
            decision_ref: None,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExitRequest {
    /// Not before the admission, not after today.
    pub exited_on: NaiveDate,
    #[schema(schema_with = crate::schema::exit_destination)]
    pub destination: ExitDestination,
    #[schema(max_length = 5000)]
    pub notes: Option<String>,
    /// The accepted housing step she leaves by (one of this placement's).
    pub housing_step_id: Option<Uuid>,
}

/// End a placement (*sortie*) (coordinator). Accepts `If-Match`. The exit
/// may name the accepted housing step she leaves by; it owes the
/// follow-ups after the exit (`exit.follow_up_months`).
#[utoipa::path(post, path = "/placements/{id}/exit", tag = "placements", request_body = ExitRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The ended placement", body = PlacementResponse, headers(("ETag" = String)))))]
#[tracing::instrument(skip_all, fields(placement_id = %id))]
pub(crate) async fn exit(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<ExitRequest>,
) -> Result<impl IntoResponse> {
    let departure = Departure {
        placement_id: id,
        expected_version: expected,
        exited_on: body.exited_on,
        destination: body.destination,
        notes: body.notes,
        housing_step_id: body.housing_step_id,
    };
    let ended = cases::placements::exit(&state.cases, &caller.case_caller(), departure).await?;
    Ok(versioned(
        ended.placement.version,
        PlacementResponse::new(ended.placement, &ended.births),
    ))
}
