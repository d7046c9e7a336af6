//! Leases (*baux*): what makes a unit the centre's, and what it costs.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use nido_cases::housing;
use nido_domain::housing::{Lease, LeaseInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{ApiPath, JsonBody, ValidQuery};
use crate::gate::{Allowed, HousingEditors, HousingReaders};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::versioning::{IfMatch, created, versioned};

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaseResponse {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// Integer euro cents.
    pub monthly_rent_cents: i64,
    pub monthly_charges_cents: i64,
    pub deposit_cents: i64,
    pub version: i32,
}

impl From<Lease> for LeaseResponse {
    fn from(lease: Lease) -> Self {
        Self {
            id: lease.id,
            unit_id: lease.unit_id,
            starts_on: lease.span.start,
            ends_on: lease.span.end,
            monthly_rent_cents: lease.monthly_rent_cents,
            monthly_charges_cents: lease.monthly_charges_cents,
            deposit_cents: lease.deposit_cents,
            version: lease.version,
        }
    }
}

/// A lease (*bail*); amounts in integer euro cents.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaseRequest {
    pub starts_on: NaiveDate,
    /// `null` for a lease with no end date.
    pub ends_on: Option<NaiveDate>,
    #[schema(minimum = 0, maximum = 10_000_000, example = 68_000)]
    pub monthly_rent_cents: i64,
    #[schema(minimum = 0, maximum = 10_000_000, example = 9_500)]
    pub monthly_charges_cents: i64,
    #[schema(minimum = 0, maximum = 10_000_000, example = 68_000)]
    pub deposit_cents: i64,
}

impl From<LeaseRequest> for LeaseInput {
    fn from(request: LeaseRequest) -> Self {
        LeaseInput {
            starts_on: request.starts_on,
            ends_on: request.ends_on,
            monthly_rent_cents: request.monthly_rent_cents,
            monthly_charges_cents: request.monthly_charges_cents,
            deposit_cents: request.deposit_cents,
        }
    }
}

/// Add a lease to a unit (admin). Leases of one unit never overlap.
#[utoipa::path(post, path = "/units/{id}/leases", tag = "housing", request_body = LeaseRequest,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, description = "The lease", body = LeaseResponse),
        (status = 409, description = "`lease_overlap`", body = crate::error::Problem, content_type = "application/problem+json")))]
pub(crate) async fn create_lease(
    State(state): State<AppState>,
    caller: Allowed<HousingEditors>,
    ApiPath(unit_id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<LeaseRequest>,
) -> Result<impl IntoResponse> {
    let lease =
        housing::add_lease(&state.cases, &caller.case_caller(), unit_id, body.into()).await?;
    Ok(created(lease.version, LeaseResponse::from(lease)))
}

/// A unit's leases, oldest first (admin, coordinator).
#[utoipa::path(get, path = "/units/{id}/leases", tag = "housing", params(("id" = Uuid, Path), PageParams),
    responses((status = 200, description = "The leases", body = Page<LeaseResponse>)))]
pub(crate) async fn list_leases(
    State(state): State<AppState>,
    caller: Allowed<HousingReaders>,
    ApiPath(unit_id): ApiPath<Uuid>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<LeaseResponse>>> {
    let leases = housing::leases_of_unit(&state.cases, &caller.case_caller(), unit_id).await?;
    let limit = page.limit()?;
    let after: Option<(NaiveDate, Uuid)> = page.position()?;
    let rows: Vec<Lease> = leases
        .into_iter()
        .filter(|lease| after.is_none_or(|position| (lease.span.start, lease.id) > position))
        .take(usize::try_from(limit + 1).unwrap_or(usize::MAX))
        .collect();
    Ok(Json(Page::from_rows(
        rows,
        limit,
        |lease| (lease.span.start, lease.id),
        LeaseResponse::from,
    )))
}

/// Change a lease (admin): the whole lease is given again. Accepts `If-Match`.
#[utoipa::path(patch, path = "/leases/{id}", tag = "housing", request_body = LeaseRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The lease", body = LeaseResponse)))]
pub(crate) async fn update_lease(
    State(state): State<AppState>,
    caller: Allowed<HousingEditors>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<LeaseRequest>,
) -> Result<impl IntoResponse> {
    let lease = housing::update_lease(
        &state.cases,
        &caller.case_caller(),
        id,
        expected,
        body.into(),
    )
    .await?;
    Ok(versioned(lease.version, LeaseResponse::from(lease)))
}
