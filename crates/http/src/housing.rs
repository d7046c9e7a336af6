//! Housing: landlords, units and leases. Admins write; coordinators read;
//! staff have no access.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use nido_domain::housing::{DateSpan, Landlord, LandlordKind, Lease, Typology, Unit};
use nido_domain::{Email, Role};
use nido_persistence::RepoError;
use nido_persistence::housing::{self, LandlordFields, LeaseFields, UnitFields};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use validator::Validate;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::extract::{ApiPath, JsonBody, ValidQuery};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::validation::{Errors, optional_text};
use crate::versioning::{IfMatch, etag};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_landlord, list_landlords))
        .routes(routes!(get_landlord, update_landlord))
        .routes(routes!(create_unit, list_units))
        .routes(routes!(get_unit, update_unit))
        .routes(routes!(create_lease, list_leases))
        .routes(routes!(update_lease))
}

const READERS: [Role; 2] = [Role::Admin, Role::Coordinator];
const WRITERS: [Role; 1] = [Role::Admin];

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
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LandlordRequest {
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(example = "Valophis Habitat", min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(schema_with = crate::schema::landlord_kind)]
    pub kind: Option<LandlordKind>,
    #[validate(length(max = 200, message = "must be at most 200 characters"))]
    #[schema(max_length = 200)]
    pub contact_name: Option<String>,
    #[validate(length(max = 40, message = "must be at most 40 characters"))]
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    #[schema(max_length = 254)]
    pub email: Option<String>,
    #[validate(length(max = 300, message = "must be at most 300 characters"))]
    #[schema(max_length = 300)]
    pub address: Option<String>,
}

impl LandlordRequest {
    fn fields(self, creating: bool) -> Result<LandlordFields> {
        let mut errors = Errors::default();
        errors.validate(&self);
        if creating {
            if self.name.is_none() {
                errors.add("name", "is required");
            }
            if self.kind.is_none() {
                errors.add("kind", "is required");
            }
        }
        let email = match self.email.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(raw) => errors
                .check("email", Email::parse(raw))
                .map(|email| Some(email.as_str().to_owned())),
        };
        errors.finish()?;
        let clearable = |value: Option<String>| value.map(|text| optional_text(Some(&text)));
        Ok(LandlordFields {
            name: self.name.map(|name| name.trim().to_owned()),
            kind: self.kind,
            contact_name: clearable(self.contact_name),
            phone: clearable(self.phone),
            email,
            address: clearable(self.address),
        })
    }
}

/// Add a landlord (admin).
#[utoipa::path(post, path = "/landlords", tag = "housing", request_body = LandlordRequest,
    responses((status = 201, description = "The landlord", body = LandlordResponse)))]
async fn create_landlord(
    State(state): State<AppState>,
    caller: CurrentUser,
    JsonBody(body): JsonBody<LandlordRequest>,
) -> Result<impl IntoResponse> {
    caller.require(&WRITERS)?;
    let landlord = housing::insert_landlord(&state.db, body.fields(true)?, state.now()).await?;
    Ok((
        StatusCode::CREATED,
        etag(landlord.version),
        Json(LandlordResponse::from(landlord)),
    ))
}

/// List landlords (admin, coordinator).
#[utoipa::path(get, path = "/landlords", tag = "housing", params(PageParams),
    responses((status = 200, description = "A page of landlords", body = Page<LandlordResponse>)))]
async fn list_landlords(
    State(state): State<AppState>,
    caller: CurrentUser,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<LandlordResponse>>> {
    caller.require(&READERS)?;
    let limit = page.limit()?;
    let rows = housing::list_landlords(&state.db, page.position()?, limit + 1).await?;
    Ok(Json(Page::from_rows(
        rows,
        limit,
        |row| row.id,
        LandlordResponse::from,
    )))
}

/// One landlord (admin, coordinator).
#[utoipa::path(get, path = "/landlords/{id}", tag = "housing", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The landlord", body = LandlordResponse)))]
async fn get_landlord(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    caller.require(&READERS)?;
    let landlord = housing::find_landlord(&state.db, id).await?;
    Ok((
        etag(landlord.version),
        Json(LandlordResponse::from(landlord)),
    ))
}

/// Change a landlord (admin). Accepts `If-Match`.
#[utoipa::path(patch, path = "/landlords/{id}", tag = "housing", request_body = LandlordRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The landlord", body = LandlordResponse)))]
async fn update_landlord(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<LandlordRequest>,
) -> Result<impl IntoResponse> {
    caller.require(&WRITERS)?;
    let fields = body.fields(false)?;
    let landlord = housing::update_landlord(&state.db, id, expected, fields, state.now()).await?;
    Ok((
        etag(landlord.version),
        Json(LandlordResponse::from(landlord)),
    ))
}

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
            version: unit.version,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitRequest {
    pub landlord_id: Option<Uuid>,
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    #[schema(
        example = "Alfortville, bât. B, 3e gauche",
        min_length = 1,
        max_length = 100
    )]
    pub label: Option<String>,
    #[validate(length(min = 1, max = 200, message = "must be 1 to 200 characters"))]
    #[schema(min_length = 1, max_length = 200)]
    pub street: Option<String>,
    #[validate(length(min = 1, max = 10, message = "must be 1 to 10 characters"))]
    #[schema(example = "94140", min_length = 1, max_length = 10)]
    pub postal_code: Option<String>,
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    pub city: Option<String>,
    #[schema(schema_with = crate::schema::typology)]
    pub typology: Option<Typology>,
    #[validate(range(
        exclusive_min = 0.0,
        max = 1000.0,
        message = "must be more than 0 and at most 1000"
    ))]
    #[schema(exclusive_minimum = 0.0, maximum = 1000.0)]
    pub surface_m2: Option<f64>,
    #[validate(range(min = 1, max = 20, message = "must be 1 to 20"))]
    #[schema(minimum = 1, maximum = 20)]
    pub capacity: Option<i32>,
}

impl UnitRequest {
    async fn fields(self, state: &AppState, creating: bool) -> Result<UnitFields> {
        let mut errors = Errors::default();
        errors.validate(&self);
        if creating {
            let present = [
                ("landlord_id", self.landlord_id.is_some()),
                ("label", self.label.is_some()),
                ("street", self.street.is_some()),
                ("postal_code", self.postal_code.is_some()),
                ("city", self.city.is_some()),
                ("typology", self.typology.is_some()),
                ("surface_m2", self.surface_m2.is_some()),
                ("capacity", self.capacity.is_some()),
            ];
            for (field, _) in present.iter().filter(|(_, present)| !present) {
                errors.add(*field, "is required");
            }
        }
        if let Some(landlord_id) = self.landlord_id {
            match housing::find_landlord(&state.db, landlord_id).await {
                Ok(_) => {}
                Err(RepoError::NotFound) => errors.add("landlord_id", "no such landlord"),
                Err(err) => return Err(err.into()),
            }
        }
        errors.finish()?;
        let trimmed = |value: Option<String>| value.map(|text| text.trim().to_owned());
        Ok(UnitFields {
            landlord_id: self.landlord_id,
            label: trimmed(self.label),
            street: trimmed(self.street),
            postal_code: trimmed(self.postal_code),
            city: trimmed(self.city),
            typology: self.typology,
            surface_m2: self.surface_m2,
            capacity: self.capacity,
        })
    }
}

/// Add a housing unit (admin).
#[utoipa::path(post, path = "/units", tag = "housing", request_body = UnitRequest,
    responses((status = 201, description = "The unit", body = UnitResponse)))]
async fn create_unit(
    State(state): State<AppState>,
    caller: CurrentUser,
    JsonBody(body): JsonBody<UnitRequest>,
) -> Result<impl IntoResponse> {
    caller.require(&WRITERS)?;
    let fields = body.fields(&state, true).await?;
    let unit = housing::insert_unit(&state.db, fields, state.now()).await?;
    Ok((
        StatusCode::CREATED,
        etag(unit.version),
        Json(UnitResponse::from(unit)),
    ))
}

/// List housing units (admin, coordinator).
#[utoipa::path(get, path = "/units", tag = "housing", params(PageParams),
    responses((status = 200, description = "A page of units", body = Page<UnitResponse>)))]
async fn list_units(
    State(state): State<AppState>,
    caller: CurrentUser,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<UnitResponse>>> {
    caller.require(&READERS)?;
    let limit = page.limit()?;
    let rows = housing::list_units(&state.db, page.position()?, limit + 1).await?;
    Ok(Json(Page::from_rows(
        rows,
        limit,
        |row| row.id,
        UnitResponse::from,
    )))
}

/// One housing unit (admin, coordinator).
#[utoipa::path(get, path = "/units/{id}", tag = "housing", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The unit", body = UnitResponse)))]
async fn get_unit(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    caller.require(&READERS)?;
    let unit = housing::find_unit(&state.db, id).await?;
    Ok((etag(unit.version), Json(UnitResponse::from(unit))))
}

/// Change a housing unit (admin). Accepts `If-Match`.
#[utoipa::path(patch, path = "/units/{id}", tag = "housing", request_body = UnitRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The unit", body = UnitResponse)))]
async fn update_unit(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<UnitRequest>,
) -> Result<impl IntoResponse> {
    caller.require(&WRITERS)?;
    housing::find_unit(&state.db, id).await?;
    let fields = body.fields(&state, false).await?;
    let unit = housing::update_unit(&state.db, id, expected, fields, state.now()).await?;
    Ok((etag(unit.version), Json(UnitResponse::from(unit))))
}

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
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaseRequest {
    pub starts_on: NaiveDate,
    /// `null` for a lease with no end date.
    pub ends_on: Option<NaiveDate>,
    #[validate(range(min = 0, max = 10_000_000, message = "must be 0 to 10000000 cents"))]
    #[schema(minimum = 0, maximum = 10_000_000, example = 68_000)]
    pub monthly_rent_cents: i64,
    #[validate(range(min = 0, max = 10_000_000, message = "must be 0 to 10000000 cents"))]
    #[schema(minimum = 0, maximum = 10_000_000, example = 9_500)]
    pub monthly_charges_cents: i64,
    #[validate(range(min = 0, max = 10_000_000, message = "must be 0 to 10000000 cents"))]
    #[schema(minimum = 0, maximum = 10_000_000, example = 68_000)]
    pub deposit_cents: i64,
}

impl LeaseRequest {
    fn fields(&self) -> Result<LeaseFields> {
        let mut errors = Errors::default();
        errors.validate(self);
        if self.ends_on.is_some_and(|end| end < self.starts_on) {
            errors.add("ends_on", "must not be before starts_on");
        }
        errors.finish()?;
        Ok(LeaseFields {
            span: DateSpan::new(self.starts_on, self.ends_on),
            monthly_rent_cents: self.monthly_rent_cents,
            monthly_charges_cents: self.monthly_charges_cents,
            deposit_cents: self.deposit_cents,
        })
    }
}

/// Add a lease to a unit (admin). Leases of one unit never overlap.
#[utoipa::path(post, path = "/units/{id}/leases", tag = "housing", request_body = LeaseRequest,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, description = "The lease", body = LeaseResponse),
        (status = 409, description = "`lease_overlap`", body = crate::error::Problem, content_type = "application/problem+json")))]
async fn create_lease(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(unit_id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<LeaseRequest>,
) -> Result<impl IntoResponse> {
    caller.require(&WRITERS)?;
    housing::find_unit(&state.db, unit_id).await?;
    let fields = body.fields()?;
    let lease =
        nido_cases::housing::add_lease(&state.operations, &caller.case_caller(), unit_id, fields)
            .await?;
    Ok((
        StatusCode::CREATED,
        etag(lease.version),
        Json(LeaseResponse::from(lease)),
    ))
}

/// A unit's leases, oldest first (admin, coordinator).
#[utoipa::path(get, path = "/units/{id}/leases", tag = "housing", params(("id" = Uuid, Path), PageParams),
    responses((status = 200, description = "The leases", body = Page<LeaseResponse>)))]
async fn list_leases(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(unit_id): ApiPath<Uuid>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<LeaseResponse>>> {
    caller.require(&READERS)?;
    housing::find_unit(&state.db, unit_id).await?;
    let limit = page.limit()?;
    let after: Option<(NaiveDate, Uuid)> = page.position()?;
    let rows: Vec<Lease> = housing::leases_of(&state.db, unit_id)
        .await?
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
async fn update_lease(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<LeaseRequest>,
) -> Result<impl IntoResponse> {
    caller.require(&WRITERS)?;
    housing::find_lease(&state.db, id).await?;
    let fields = body.fields()?;
    let lease = nido_cases::housing::update_lease(
        &state.operations,
        &caller.case_caller(),
        id,
        expected,
        fields,
    )
    .await?;
    Ok((etag(lease.version), Json(LeaseResponse::from(lease))))
}
