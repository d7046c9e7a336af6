//! Families: the mother, her children (born or expected), and who
//! accompanies them.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases as cases;
use nido_cases::families::{ChildUpdate, MotherUpdate};
use nido_domain::family::{Child, Family};
use nido_domain::placement::ChildBirth;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{ApiPath, JsonBody, ValidQuery};
use crate::family_input::ChildInput;
use crate::gate::{Allowed, Coordinators, FamilyReaders, Team};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::versioning::{IfMatch, created, versioned};

#[derive(Debug, Serialize, ToSchema)]
pub struct MotherResponse {
    pub first_name: String,
    /// The name she uses.
    pub last_name: String,
    /// Her name at birth, when she uses another.
    pub birth_last_name: Option<String>,
    pub birth_date: NaiveDate,
    pub birth_place: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChildResponse {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: Option<String>,
    /// Set once the child is born.
    pub birth_date: Option<NaiveDate>,
    /// Set while the child is expected.
    pub expected_birth_date: Option<NaiveDate>,
    pub version: i32,
}

impl From<Child> for ChildResponse {
    fn from(child: Child) -> Self {
        let (birth_date, expected_birth_date) = match child.birth {
            ChildBirth::Born(date) => (Some(date), None),
            ChildBirth::Expected(date) => (None, Some(date)),
        };
        Self {
            id: child.id,
            first_name: child.first_name,
            last_name: child.last_name,
            birth_date,
            expected_birth_date,
            version: child.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FamilyResponse {
    pub id: Uuid,
    pub mother: MotherResponse,
    pub children: Vec<ChildResponse>,
    pub referent_id: Option<Uuid>,
    pub team_ids: Vec<Uuid>,
    pub current_placement_id: Option<Uuid>,
    /// The site whose team accompanies her.
    pub site_id: Uuid,
    /// How many interventions the caller may see (on single reads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intervention_count: Option<u64>,
    /// Her other files, found to be the same mother's by a coordinator
    /// (linked, never merged; on single reads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_family_ids: Option<Vec<Uuid>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Family> for FamilyResponse {
    fn from(family: Family) -> Self {
        Self {
            id: family.id,
            mother: MotherResponse {
                first_name: family.mother.first_name,
                last_name: family.mother.last_name,
                birth_last_name: family.mother.birth_last_name,
                birth_date: family.mother.birth_date,
                birth_place: family.mother.birth_place,
                phone: family.mother.phone,
                email: family.mother.email,
            },
            children: family
                .children
                .into_iter()
                .map(ChildResponse::from)
                .collect(),
            referent_id: family.referent_id,
            team_ids: family.team_ids,
            current_placement_id: family.current_placement_id,
            site_id: family.site_id,
            intervention_count: None,
            linked_family_ids: None,
            version: family.version,
            created_at: family.created_at,
            updated_at: family.updated_at,
        }
    }
}

/// List families: coordinators see all, staff those they accompany.
#[utoipa::path(get, path = "/families", tag = "families", params(PageParams),
    responses((status = 200, description = "A page of families", body = Page<FamilyResponse>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list_families(
    State(state): State<AppState>,
    caller: Allowed<FamilyReaders>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<FamilyResponse>>> {
    let caller = caller.case_caller();
    page.read(
        |after, limit| cases::family_list::page(&state.cases, &caller, after, limit),
        |family| family.id,
        FamilyResponse::from,
    )
    .await
}

/// One family.
#[utoipa::path(get, path = "/families/{id}", tag = "families", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The family", body = FamilyResponse, headers(("ETag" = String)))))]
#[tracing::instrument(skip_all, fields(family_id = %id))]
pub(crate) async fn get_family(
    State(state): State<AppState>,
    caller: Allowed<FamilyReaders>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    let (family, count) = cases::families::read(&state.cases, &caller.case_caller(), id).await?;
    let version = family.version;
    let linked = cases::identity::linked_files(&state.cases, &caller.case_caller(), id).await?;
    let mut response = FamilyResponse::from(family);
    response.intervention_count = Some(count);
    response.linked_family_ids = Some(linked.into_iter().map(|(other, _)| other).collect());
    Ok(versioned(version, response))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MotherChangesInput {
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 100)]
    pub first_name: Option<String>,
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 100)]
    pub last_name: Option<String>,
    /// Her name at birth; an empty string clears it.
    #[schema(max_length = 100)]
    pub birth_last_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// An empty string clears it.
    #[schema(max_length = 100)]
    pub birth_place: Option<String>,
    /// An empty string clears it.
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    #[schema(schema_with = crate::schema::email_or_empty)]
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFamilyRequest {
    pub mother: MotherChangesInput,
}

/// Change the mother's details. Accepts `If-Match`.
#[utoipa::path(patch, path = "/families/{id}", tag = "families", request_body = UpdateFamilyRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, description = "The family", body = FamilyResponse, headers(("ETag" = String)))))]
#[tracing::instrument(skip_all, fields(family_id = %id))]
pub(crate) async fn update_family(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<UpdateFamilyRequest>,
) -> Result<impl IntoResponse> {
    let input = body.mother;
    let update = MotherUpdate {
        first_name: input.first_name,
        last_name: input.last_name,
        birth_last_name: input.birth_last_name,
        birth_date: input.birth_date,
        birth_place: input.birth_place,
        phone: input.phone,
        email: input.email,
    };
    let family =
        cases::families::update_mother(&state.cases, &caller.case_caller(), id, expected, update)
            .await?;
    Ok(versioned(family.version, FamilyResponse::from(family)))
}

/// Add a child, born or expected.
#[utoipa::path(post, path = "/families/{id}/children", tag = "families", request_body = ChildInput,
    params(("id" = Uuid, Path)),
    responses((status = 201, description = "The child", body = ChildResponse)))]
#[tracing::instrument(skip_all, fields(family_id = %id))]
pub(crate) async fn add_child(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<ChildInput>,
) -> Result<impl IntoResponse> {
    let child =
        cases::families::add_child(&state.cases, &caller.case_caller(), id, body.into()).await?;
    Ok(created(child.version, ChildResponse::from(child)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChildRequest {
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 100)]
    pub first_name: Option<String>,
    /// An empty string clears it.
    #[schema(max_length = 100)]
    pub last_name: Option<String>,
    /// Records the birth: sets `birth_date` and clears `expected_birth_date`.
    pub birth_date: Option<NaiveDate>,
    /// Moves the expected date of a child not yet born.
    pub expected_birth_date: Option<NaiveDate>,
}

/// Change a child; recording a birth sets `birth_date`. Accepts `If-Match`.
#[utoipa::path(patch, path = "/families/{id}/children/{child_id}", tag = "families",
    request_body = UpdateChildRequest,
    params(("id" = Uuid, Path), ("child_id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The child", body = ChildResponse)))]
#[tracing::instrument(skip_all, fields(family_id = %id, child_id = %child_id))]
pub(crate) async fn update_child(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath((id, child_id)): ApiPath<(Uuid, Uuid)>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<UpdateChildRequest>,
) -> Result<impl IntoResponse> {
    let update = ChildUpdate {
        first_name: body.first_name,
        last_name: body.last_name,
        birth_date: body.birth_date,
        expected_birth_date: body.expected_birth_date,
    };
    let child = cases::families::update_child(
        &state.cases,
        &caller.case_caller(),
        id,
        child_id,
        expected,
        update,
    )
    .await?;
    Ok(versioned(child.version, ChildResponse::from(child)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRequest {
    /// The *référent*; `null` for none.
    pub referent_id: Option<Uuid>,
    /// The rest of the team.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub team_ids: Vec<Uuid>,
}

/// Assign the referent and the team (coordinator). Accepts `If-Match`.
#[utoipa::path(put, path = "/families/{id}/assignment", tag = "families", request_body = AssignmentRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The family", body = FamilyResponse, headers(("ETag" = String)))))]
#[tracing::instrument(skip_all, fields(family_id = %id))]
pub(crate) async fn assign(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<AssignmentRequest>,
) -> Result<impl IntoResponse> {
    let family = cases::families::assign(
        &state.cases,
        &caller.case_caller(),
        id,
        expected,
        body.referent_id,
        body.team_ids,
    )
    .await?;
    Ok(versioned(family.version, FamilyResponse::from(family)))
}
