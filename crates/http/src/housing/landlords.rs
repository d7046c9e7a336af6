//! Landlords (*bailleurs*): social landlords and private ones.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use nido_cases::housing;
use nido_domain::housing::{Landlord, LandlordInput, LandlordKind};
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
pub struct LandlordResponse {
    pub id: Uuid,
    pub name: String,
    #[schema(schema_with = crate::schema::landlord_kind)]
    pub kind: LandlordKind,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub version: i32,
}

impl From<Landlord> for LandlordResponse {
    fn from(landlord: Landlord) -> Self {
        Self {
            id: landlord.id,
            name: landlord.name,
            kind: landlord.kind,
            contact_name: landlord.contact_name,
            phone: landlord.phone,
            email: landlord.email,
            address: landlord.address,
            version: landlord.version,
        }
    }
}

/// A landlord to create (every field) or change (any field; an empty
/// optional text clears it).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LandlordRequest {
    #[schema(
        example = "Valophis Habitat",
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 200
    )]
    pub name: Option<String>,
    #[schema(schema_with = crate::schema::landlord_kind_or_null)]
    pub kind: Option<LandlordKind>,
    #[schema(max_length = 200)]
    pub contact_name: Option<String>,
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    #[schema(schema_with = crate::schema::email_or_empty)]
    pub email: Option<String>,
    #[schema(max_length = 300)]
    pub address: Option<String>,
}

impl From<LandlordRequest> for LandlordInput {
    fn from(request: LandlordRequest) -> Self {
        LandlordInput {
            name: request.name,
            kind: request.kind,
            contact_name: request.contact_name,
            phone: request.phone,
            email: request.email,
            address: request.address,
        }
    }
}

/// Add a landlord (admin).
#[utoipa::path(post, path = "/landlords", tag = "housing", request_body = LandlordRequest,
    responses((status = 201, description = "The landlord", body = LandlordResponse)))]
pub(crate) async fn create_landlord(
    State(state): State<AppState>,
    caller: Allowed<HousingEditors>,
    JsonBody(body): JsonBody<LandlordRequest>,
) -> Result<impl IntoResponse> {
    let landlord = housing::add_landlord(&state.cases, &caller.case_caller(), body.into()).await?;
    Ok(created(landlord.version, LandlordResponse::from(landlord)))
}

/// List landlords (admin, coordinator).
#[utoipa::path(get, path = "/landlords", tag = "housing", params(PageParams),
    responses((status = 200, description = "A page of landlords", body = Page<LandlordResponse>)))]
pub(crate) async fn list_landlords(
    State(state): State<AppState>,
    caller: Allowed<HousingReaders>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<LandlordResponse>>> {
    let caller = caller.case_caller();
    page.read(
        |after, limit| housing::landlords(&state.cases, &caller, after, limit + 1),
        |row| row.id,
        LandlordResponse::from,
    )
    .await
}

/// One landlord (admin, coordinator).
#[utoipa::path(get, path = "/landlords/{id}", tag = "housing", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The landlord", body = LandlordResponse)))]
pub(crate) async fn get_landlord(
    State(state): State<AppState>,
    caller: Allowed<HousingReaders>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    let landlord = housing::landlord(&state.cases, &caller.case_caller(), id).await?;
    Ok(versioned(
        landlord.version,
        LandlordResponse::from(landlord),
    ))
}

/// Change a landlord (admin). Accepts `If-Match`.
#[utoipa::path(patch, path = "/landlords/{id}", tag = "housing", request_body = LandlordRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The landlord", body = LandlordResponse)))]
pub(crate) async fn update_landlord(
    State(state): State<AppState>,
    caller: Allowed<HousingEditors>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<LandlordRequest>,
) -> Result<impl IntoResponse> {
    let landlord = housing::update_landlord(
        &state.cases,
        &caller.case_caller(),
        id,
        expected,
        body.into(),
    )
    .await?;
    Ok(versioned(
        landlord.version,
        LandlordResponse::from(landlord),
    ))
}
