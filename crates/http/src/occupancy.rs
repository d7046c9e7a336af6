//! Who lives where: moves into units and the occupancy history of a unit.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use nido_domain::housing::Occupancy;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{ApiPath, JsonBody};
use crate::gate::{Allowed, HousingReaders};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct OccupancyResponse {
    pub id: Uuid,
    pub placement_id: Uuid,
    pub family_id: Uuid,
    pub unit_id: Uuid,
    pub starts_on: NaiveDate,
    /// `null` while the family still lives there.
    pub ends_on: Option<NaiveDate>,
}

impl From<Occupancy> for OccupancyResponse {
    fn from(occupancy: Occupancy) -> Self {
        Self {
            id: occupancy.id,
            placement_id: occupancy.placement_id,
            family_id: occupancy.family_id,
            unit_id: occupancy.unit_id,
            starts_on: occupancy.span.start,
            ends_on: occupancy.span.end,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    pub unit_id: Uuid,
    /// The first night in the new unit; the current occupancy ends the day before.
    pub on: NaiveDate,
}

/// Move a family into a unit (coordinator, admin).
#[utoipa::path(post, path = "/placements/{id}/move", tag = "housing", request_body = MoveRequest,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, description = "The new occupancy", body = OccupancyResponse),
        (status = 409, description = "`unit_occupied`, `no_active_lease`, `over_capacity` or `placement_ended`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(placement_id = %id))]
pub(crate) async fn move_family(
    State(state): State<AppState>,
    caller: Allowed<HousingReaders>,
    ApiPath(id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<MoveRequest>,
) -> Result<impl IntoResponse> {
    let occupancy = nido_cases::housing::move_family(
        &state.cases,
        &caller.case_caller(),
        id,
        body.unit_id,
        body.on,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(OccupancyResponse::from(occupancy)),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Occupancies {
    pub items: Vec<OccupancyResponse>,
}

/// Who lived in a unit, and when (admin, coordinator).
#[utoipa::path(get, path = "/units/{id}/occupancies", tag = "housing", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The unit's occupancies, oldest first", body = Occupancies)))]
pub(crate) async fn unit_occupancies(
    State(state): State<AppState>,
    caller: Allowed<HousingReaders>,
    ApiPath(unit_id): ApiPath<Uuid>,
) -> Result<Json<Occupancies>> {
    let rows =
        nido_cases::housing::occupancies_of_unit(&state.cases, &caller.case_caller(), unit_id)
            .await?;
    Ok(Json(Occupancies {
        items: rows.into_iter().map(OccupancyResponse::from).collect(),
    }))
}
