//! Housing units (*logements*): the apartments the centre rents.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use nido_cases::housing;
use nido_domain::housing::{Typology, Unit, UnitInput};
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
pub struct UnitResponse {
    pub id: Uuid,
    pub landlord_id: Uuid,
    pub label: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    #[schema(schema_with = crate::schema::typology)]
    pub typology: Typology,
    pub surface_m2: f64,
    pub capacity: i32,
    /// The site whose families it houses.
    pub site_id: Uuid,
    pub version: i32,
}

impl From<Unit> for UnitResponse {
    fn from(unit: Unit) -> Self {
        Self {
            id: unit.id,
            landlord_id: unit.landlord_id,
            label: unit.label,
            street: unit.street,
            postal_code: unit.postal_code,
            city: unit.city,
            typology: unit.typology,
            surface_m2: unit.surface_m2,
            capacity: unit.capacity,
            site_id: unit.site_id,
            version: unit.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitRequest {
    pub landlord_id: Option<Uuid>,
    #[schema(
        example = "Alfortville, bât. B, 3e gauche",
        min_length = 1,
        max_length = 100
    )]
    pub label: Option<String>,
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 200)]
    pub street: Option<String>,
    #[schema(
        example = "94140",
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 10
    )]
    pub postal_code: Option<String>,
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 100)]
    pub city: Option<String>,
    #[schema(schema_with = crate::schema::typology_or_null)]
    pub typology: Option<Typology>,
    #[schema(exclusive_minimum = 0.0, maximum = 1000.0)]
    pub surface_m2: Option<f64>,
    #[schema(minimum = 1, maximum = 20)]
    pub capacity: Option<i32>,
    /// The site whose families it houses, given at creation: one of the
    /// admin's sites (absent: hers when she belongs to one). A unit stays
    /// in its site.
    pub site_id: Option<Uuid>,
}

impl From<UnitRequest> for UnitInput {
    fn from(request: UnitRequest) -> Self {
        UnitInput {
            landlord_id: request.landlord_id,
            label: request.label,
            street: request.street,
            postal_code: request.postal_code,
            city: request.city,
            typology: request.typology,
            surface_m2: request.surface_m2,
            capacity: request.capacity,
            site_id: request.site_id,
        }
    }
}

/// Add a housing unit (admin).
#[utoipa::path(post, path = "/units", tag = "housing", request_body = UnitRequest,
    responses((status = 201, description = "The unit", body = UnitResponse)))]
pub(crate) async fn create_unit(
    State(state): State<AppState>,
    caller: Allowed<HousingEditors>,
    JsonBody(body): JsonBody<UnitRequest>,
) -> Result<impl IntoResponse> {
    let unit = housing::add_unit(&state.cases, &caller.case_caller(), body.into()).await?;
    Ok(created(unit.version, UnitResponse::from(unit)))
}

/// List housing units (admin, coordinator).
#[utoipa::path(get, path = "/units", tag = "housing", params(PageParams),
    responses((status = 200, description = "A page of units", body = Page<UnitResponse>)))]
pub(crate) async fn list_units(
    State(state): State<AppState>,
    caller: Allowed<HousingReaders>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<UnitResponse>>> {
    let caller = caller.case_caller();
    page.read(
        |after, limit| housing::units(&state.cases, &caller, after, limit + 1),
        |row| row.id,
        UnitResponse::from,
    )
    .await
}

/// One housing unit (admin, coordinator).
#[utoipa::path(get, path = "/units/{id}", tag = "housing", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The unit", body = UnitResponse)))]
pub(crate) async fn get_unit(
    State(state): State<AppState>,
    caller: Allowed<HousingReaders>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    let unit = housing::unit(&state.cases, &caller.case_caller(), id).await?;
    Ok(versioned(unit.version, UnitResponse::from(unit)))
}

/// Change a housing unit (admin). Accepts `If-Match`.
#[utoipa::path(patch, path = "/units/{id}", tag = "housing", request_body = UnitRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The unit", body = UnitResponse)))]
pub(crate) async fn update_unit(
    State(state): State<AppState>,
    caller: Allowed<HousingEditors>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<UnitRequest>,
) -> Result<impl IntoResponse> {
    let unit = housing::update_unit(
        &state.cases,
        &caller.case_caller(),
        id,
        expected,
        body.into(),
    )
    .await?;
    Ok(versioned(unit.version, UnitResponse::from(unit)))
}
