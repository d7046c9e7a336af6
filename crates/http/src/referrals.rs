//! Referrals (*orientations*), the waiting list, and admission.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases as cases;
use nido_cases::referrals::{Admission, ReferralInput};
use nido_domain::family::{
    FamilyDraft, Referral, ReferralDraft, ReferralReason, ReferralSource, ReferralStatus,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::extract::{ApiPath, JsonBody, ValidQuery};
use crate::family_input::{ChildInput, MotherInput};
use crate::gate::{Allowed, Coordinators};
use crate::identity::CandidateResponse;
use crate::pagination::{Page, PageParams};
use crate::placements::PlacementResponse;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralResponse {
    pub id: Uuid,
    pub family_id: Uuid,
    #[schema(schema_with = crate::schema::referral_source)]
    pub source: ReferralSource,
    pub eds: String,
    pub referred_on: NaiveDate,
    pub referrer_name: String,
    pub referrer_contact: String,
    #[schema(schema_with = crate::schema::referral_reason)]
    pub reason: ReferralReason,
    pub reason_details: Option<String>,
    #[schema(schema_with = crate::schema::referral_status)]
    pub status: ReferralStatus,
    /// Why it was declined or withdrawn.
    pub closed_reason: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl From<Referral> for ReferralResponse {
    fn from(referral: Referral) -> Self {
        Self {
            id: referral.id,
            family_id: referral.family_id,
            source: referral.source,
            eds: referral.eds,
            referred_on: referral.referred_on,
            referrer_name: referral.referrer_name,
            referrer_contact: referral.referrer_contact,
            reason: referral.reason,
            reason_details: referral.reason_details,
            status: referral.status,
            closed_reason: referral.closed_reason,
            closed_at: referral.closed_at,
            version: referral.version,
            created_at: referral.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFamilyInput {
    pub mother: MotherInput,
    #[serde(default)]
    /// At most 12.
    #[schema(max_items = 12)]
    pub children: Vec<ChildInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReferralRequest {
    /// A new family; or give `family_id` for a family nido already knows.
    pub family: Option<NewFamilyInput>,
    pub family_id: Option<Uuid>,
    #[schema(schema_with = crate::schema::referral_source)]
    pub source: ReferralSource,
    /// The *Espace départemental des solidarités*, by its commune.
    #[schema(
        example = "Alfortville",
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 100
    )]
    pub eds: String,
    /// Not after today.
    pub referred_on: NaiveDate,
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 200)]
    pub referrer_name: String,
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 200)]
    pub referrer_contact: String,
    #[schema(schema_with = crate::schema::referral_reason)]
    pub reason: ReferralReason,
    #[schema(max_length = 5000)]
    pub reason_details: Option<String>,
    /// With a new family that probably has a file already (409
    /// `possible_duplicate`): why she is someone else. Audited; the files
    /// named are recorded as another woman's.
    pub confirm_new: Option<ConfirmNewInput>,
    /// The site whose team takes her in: one the coordinator belongs to;
    /// absent, hers when she belongs to one. A family nido knows stays in
    /// her site: leave it out (another named is 422).
    pub site_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmNewInput {
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 2000)]
    pub reason: String,
}

/// A referral just recorded, and the files that look like its new
/// family's (below the probable threshold: a person should look).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedReferralResponse {
    #[serde(flatten)]
    pub referral: ReferralResponse,
    /// Always present; empty when no file looks like hers.
    pub possible_duplicates: Vec<CandidateResponse>,
}

impl From<NewFamilyInput> for FamilyDraft {
    fn from(input: NewFamilyInput) -> Self {
        FamilyDraft {
            mother: input.mother.into(),
            children: input.children.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<CreateReferralRequest> for ReferralInput {
    fn from(request: CreateReferralRequest) -> Self {
        ReferralInput {
            family: request.family.map(Into::into),
            family_id: request.family_id,
            details: ReferralDraft {
                source: request.source,
                eds: request.eds,
                referred_on: request.referred_on,
                referrer_name: request.referrer_name,
                referrer_contact: request.referrer_contact,
                reason: request.reason,
                reason_details: request.reason_details,
            },
            confirm_new: request.confirm_new.map(|confirm| confirm.reason),
            site_id: request.site_id,
        }
    }
}

/// Record a referral (coordinator), for a new family or a known one. A
/// new family is compared with every file first: 409
/// `possible_duplicate` with the `candidates` when one probably is hers,
/// unless `confirm_new` says why not; `possible_duplicates` lists the
/// files that only may be.
#[utoipa::path(post, path = "/referrals", tag = "referrals", request_body = CreateReferralRequest,
    responses((status = 201, description = "The pending referral", body = CreatedReferralResponse),
        (status = 409, description = "`possible_duplicate`: the candidates", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
pub(crate) async fn create_referral(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    JsonBody(body): JsonBody<CreateReferralRequest>,
) -> Result<impl IntoResponse> {
    let input = ReferralInput::from(body);
    let accepted = cases::referrals::refer(&state.cases, &caller.case_caller(), input).await?;
    let answer = CreatedReferralResponse {
        referral: ReferralResponse::from(accepted.value),
        possible_duplicates: accepted
            .warnings
            .into_iter()
            .map(CandidateResponse::from)
            .collect(),
    };
    Ok((StatusCode::CREATED, Json(answer)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralListParams {
    /// `pending` gives the waiting list.
    #[param(schema_with = crate::schema::referral_status)]
    pub status: Option<ReferralStatus>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1000, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

/// Referrals oldest first; `?status=pending` is the waiting list (coordinator).
#[utoipa::path(get, path = "/referrals", tag = "referrals", params(ReferralListParams),
    responses((status = 200, description = "A page of referrals", body = Page<ReferralResponse>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list_referrals(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    ValidQuery(params): ValidQuery<ReferralListParams>,
) -> Result<Json<Page<ReferralResponse>>> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let caller = caller.case_caller();
    page.read(
        |after, limit| cases::referrals::page(&state.cases, &caller, params.status, after, limit),
        |referral| (referral.referred_on, referral.id),
        ReferralResponse::from,
    )
    .await
}

/// One referral (coordinator).
#[utoipa::path(get, path = "/referrals/{id}", tag = "referrals", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The referral", body = ReferralResponse)))]
#[tracing::instrument(skip_all, fields(referral_id = %id))]
pub(crate) async fn get_referral(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ReferralResponse>> {
    let referral = cases::referrals::read(&state.cases, &caller.case_caller(), id).await?;
    Ok(Json(ReferralResponse::from(referral)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseReferralRequest {
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 2000)]
    pub reason: String,
}

async fn close(
    state: &AppState,
    caller: &CurrentUser,
    id: Uuid,
    status: ReferralStatus,
    reason: &str,
) -> Result<Json<ReferralResponse>> {
    let referral =
        cases::referrals::close(&state.cases, &caller.case_caller(), id, status, reason).await?;
    Ok(Json(ReferralResponse::from(referral)))
}

/// Decline a pending referral (coordinator).
#[utoipa::path(post, path = "/referrals/{id}/decline", tag = "referrals", request_body = CloseReferralRequest,
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The declined referral", body = ReferralResponse)))]
pub(crate) async fn decline(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    ApiPath(id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<CloseReferralRequest>,
) -> Result<Json<ReferralResponse>> {
    close(&state, &caller, id, ReferralStatus::Declined, &body.reason).await
}

/// Withdraw a pending referral (coordinator).
#[utoipa::path(post, path = "/referrals/{id}/withdraw", tag = "referrals", request_body = CloseReferralRequest,
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The withdrawn referral", body = ReferralResponse)))]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    ApiPath(id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<CloseReferralRequest>,
) -> Result<Json<ReferralResponse>> {
    close(&state, &caller, id, ReferralStatus::Withdrawn, &body.reason).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmissionRequest {
    pub admitted_on: NaiveDate,
    /// The family's *référent* from now on.
    pub referent_id: Option<Uuid>,
    /// The apartment the family moves into.
    pub unit_id: Option<Uuid>,
}

/// Admit the family of a pending referral (coordinator): the placement
/// starts on `admitted_on` with its first six-month period.
#[utoipa::path(post, path = "/referrals/{id}/admission", tag = "referrals", request_body = AdmissionRequest,
    params(("id" = Uuid, Path)),
    responses((status = 201, description = "The placement", body = PlacementResponse)))]
#[tracing::instrument(skip_all, fields(referral_id = %id))]
pub(crate) async fn admit(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    ApiPath(id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<AdmissionRequest>,
) -> Result<impl IntoResponse> {
    let admission = Admission {
        referral_id: id,
        admitted_on: body.admitted_on,
        referent_id: body.referent_id,
        unit_id: body.unit_id,
    };
    let admitted = cases::referrals::admit(&state.cases, &caller.case_caller(), admission).await?;
    Ok((
        StatusCode::CREATED,
        Json(PlacementResponse::new(admitted.placement, &admitted.births)),
    ))
}
