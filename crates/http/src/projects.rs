//! Loi 2002-2: a placement's contract of stay and its projet personnalisé,
//! and the due-dates screen of every open obligation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases::due_dates::{self, DueItem, DueQuery};
use nido_cases::projects::{self as cases, ContractView, Project};
use nido_domain::due_dates::DueKind;
use nido_domain::project::{
    ContractKind, Objective, ObjectiveDomain, ObjectiveStatus, ProjectReview, ReviewRequest,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{ApiPath, JsonBody, ValidQuery};
use crate::gate::{Allowed, FamilyReaders, Team};
use crate::pagination::PageParams;
use crate::state::AppState;
use crate::versioning::{IfMatch, versioned};

#[derive(Debug, Serialize, ToSchema)]
pub struct ContractResponse {
    pub placement_id: Uuid,
    /// `null` until the contract is recorded.
    #[schema(schema_with = crate::schema::contract_kind_or_null)]
    pub kind: Option<ContractKind>,
    pub delivered_on: Option<NaiveDate>,
    pub signed_on: Option<NaiveDate>,
    /// Admission + 15 days.
    pub delivery_due_on: NaiveDate,
    /// Admission + one month (clamped to the month's end).
    pub signature_due_on: NaiveDate,
    /// 0 until the contract is recorded.
    pub version: i32,
}

impl ContractResponse {
    fn new(placement_id: Uuid, view: ContractView) -> Self {
        let contract = view.contract;
        Self {
            placement_id,
            kind: contract.as_ref().map(|c| c.kind),
            delivered_on: contract.as_ref().and_then(|c| c.delivered_on),
            signed_on: contract.as_ref().and_then(|c| c.signed_on),
            delivery_due_on: view.delivery_due_on,
            signature_due_on: view.signature_due_on,
            version: contract.as_ref().map_or(0, |c| c.version),
        }
    }
}

/// The placement's contract of stay and its due dates (coordinator; staff
/// for their families).
#[utoipa::path(get, path = "/placements/{id}/contract", tag = "projects", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The contract", body = ContractResponse, headers(("ETag" = String)))))]
pub(crate) async fn get_contract(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    let view = cases::contract(&state.cases, &caller.case_caller(), id).await?;
    let response = ContractResponse::new(id, view);
    Ok(versioned(response.version, response))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractRequest {
    #[schema(schema_with = crate::schema::contract_kind)]
    pub kind: ContractKind,
    /// Handed to the mother: on or after admission, not in the future.
    pub delivered_on: Option<NaiveDate>,
    /// Signed: once delivered, not before, not in the future.
    pub signed_on: Option<NaiveDate>,
}

/// Record the contract of stay (or DIPC) whole (coordinator; staff for
/// their families). Accepts `If-Match` (version 0 before the first).
#[utoipa::path(put, path = "/placements/{id}/contract", tag = "projects", request_body = ContractRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The contract", body = ContractResponse, headers(("ETag" = String)))))]
pub(crate) async fn put_contract(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<ContractRequest>,
) -> Result<impl IntoResponse> {
    let view = cases::set_contract(
        &state.cases,
        &caller.case_caller(),
        id,
        body.kind,
        body.delivered_on,
        body.signed_on,
        expected,
    )
    .await?;
    let response = ContractResponse::new(id, view);
    Ok(versioned(response.version, response))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveBody {
    #[schema(schema_with = crate::schema::objective_domain)]
    pub domain: ObjectiveDomain,
    /// Checked by the use case (1 to 2000 characters once trimmed).
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 2000)]
    pub description: String,
    #[schema(schema_with = crate::schema::objective_status)]
    pub status: ObjectiveStatus,
    /// Not before the review.
    pub target_on: Option<NaiveDate>,
}

impl From<Objective> for ObjectiveBody {
    fn from(objective: Objective) -> Self {
        Self {
            domain: objective.domain,
            description: objective.description,
            status: objective.status,
            target_on: objective.target_on,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// On or after admission and the latest review, not in the future.
    pub reviewed_on: NaiveDate,
    pub mother_present: bool,
    /// The professionals who took part: active staff or coordinators.
    #[schema(max_items = 20)]
    pub participant_ids: Vec<Uuid>,
    /// The whole set of objectives at this review. The use case checks the
    /// counts and each description, so that a 422 names them all once.
    #[schema(min_items = 1, max_items = 30)]
    pub objectives: Vec<ObjectiveBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewResponse {
    pub id: Uuid,
    pub placement_id: Uuid,
    pub reviewed_on: NaiveDate,
    pub mother_present: bool,
    pub participant_ids: Vec<Uuid>,
    pub objectives: Vec<ObjectiveBody>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<ProjectReview> for ReviewResponse {
    fn from(review: ProjectReview) -> Self {
        Self {
            id: review.id,
            placement_id: review.placement_id,
            reviewed_on: review.reviewed_on,
            mother_present: review.mother_present,
            participant_ids: review.participant_ids,
            objectives: review
                .objectives
                .into_iter()
                .map(ObjectiveBody::from)
                .collect(),
            created_by: review.created_by,
            created_at: review.created_at,
        }
    }
}

/// Write the next version of the projet personnalisé, whole (coordinator;
/// staff for their families). A version is never changed afterwards.
#[utoipa::path(post, path = "/placements/{id}/project-reviews", tag = "projects", request_body = ReviewBody,
    params(("id" = Uuid, Path)),
    responses((status = 201, description = "The review", body = ReviewResponse)))]
pub(crate) async fn add_review(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<ReviewBody>,
) -> Result<impl IntoResponse> {
    let request = ReviewRequest {
        reviewed_on: body.reviewed_on,
        mother_present: body.mother_present,
        participant_ids: body.participant_ids,
        objectives: body
            .objectives
            .into_iter()
            .map(|objective| Objective {
                domain: objective.domain,
                description: objective.description,
                status: objective.status,
                target_on: objective.target_on,
            })
            .collect(),
    };
    let review = cases::add_review(&state.cases, &caller.case_caller(), id, request).await?;
    Ok((StatusCode::CREATED, Json(ReviewResponse::from(review))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDate {
    pub id: Uuid,
    pub reviewed_on: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectResponse {
    /// The current version; `null` before the first review.
    pub latest: Option<ReviewResponse>,
    /// Every version, oldest first.
    pub reviews: Vec<ReviewDate>,
    /// The first project six months after admission, then a review twelve
    /// months after the latest.
    pub next_review_due_on: NaiveDate,
}

/// The projet personnalisé: its current version and the dates of all
/// (coordinator; staff for their families).
#[utoipa::path(get, path = "/placements/{id}/project", tag = "projects", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The project", body = ProjectResponse)))]
pub(crate) async fn get_project(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ProjectResponse>> {
    let Project {
        mut reviews,
        next_review_due_on,
    } = cases::project(&state.cases, &caller.case_caller(), id).await?;
    let dates = reviews
        .iter()
        .map(|review| ReviewDate {
            id: review.id,
            reviewed_on: review.reviewed_on,
        })
        .collect();
    Ok(Json(ProjectResponse {
        latest: reviews.pop().map(ReviewResponse::from),
        reviews: dates,
        next_review_due_on,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueDateParams {
    /// The day to look from; default today (in the configured time zone).
    pub as_of: Option<NaiveDate>,
    /// How far ahead to look, in days (default 60); overdue ones always show.
    #[param(minimum = 0, maximum = 3660)]
    pub within_days: Option<u32>,
    /// Only this kind.
    #[param(schema_with = crate::schema::due_kind)]
    pub kind: Option<DueKind>,
    /// How many items to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1000, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueDateItem {
    #[schema(schema_with = crate::schema::due_kind)]
    pub kind: DueKind,
    pub due_on: NaiveDate,
    /// `due_on` − `as_of`; negative when overdue.
    pub days_remaining: i64,
    /// From the day after `due_on`; an `incident_report` from the instant
    /// 48 hours after the incident when `as_of` is today.
    pub overdue: bool,
    pub family_id: Option<Uuid>,
    pub placement_id: Option<Uuid>,
    pub mother_name: Option<String>,
    pub referent_id: Option<Uuid>,
    /// For `incident_report`.
    pub incident_id: Option<Uuid>,
}

impl DueDateItem {
    fn new(item: DueItem, as_of: NaiveDate, state: &AppState) -> Self {
        Self {
            overdue: item.is_overdue(as_of, state.today(), state.now()),
            kind: item.kind,
            due_on: item.due_on,
            days_remaining: (item.due_on - as_of).num_days(),
            family_id: item.family_id,
            placement_id: item.placement_id,
            mother_name: item.mother_name,
            referent_id: item.referent_id,
            incident_id: item.incident_id,
        }
    }
}

/// How many due dates the whole window holds (not the page's), with the
/// `kind` asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueDateCounts {
    pub overdue: u64,
    pub upcoming: u64,
}

/// One page of due dates, and the counts of the whole window.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueDates {
    pub items: Vec<DueDateItem>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    pub counts: DueDateCounts,
}

/// Every open obligation of the active placements that falls due within
/// `within_days` of `as_of`, or is overdue, by due date, then kind, then
/// placement or incident (coordinator; staff for their families): renewal
/// reports, period ends, contracts to deliver and sign, projects to set and
/// review, incidents to report. Paged (`limit`, `cursor`), with the counts
/// of the whole window.
#[utoipa::path(get, path = "/due-dates", tag = "projects", params(DueDateParams),
    responses((status = 200, description = "The due dates", body = DueDates)))]
pub(crate) async fn list_due_dates(
    State(state): State<AppState>,
    caller: Allowed<FamilyReaders>,
    ValidQuery(params): ValidQuery<DueDateParams>,
) -> Result<Json<DueDates>> {
    let as_of = params.as_of.unwrap_or_else(|| state.today());
    let limit = PageParams {
        limit: params.limit,
        cursor: None,
    }
    .limit()?;
    let page = due_dates::screen(
        &state.cases,
        &caller.case_caller(),
        DueQuery {
            as_of: Some(as_of),
            within_days: params.within_days,
            kind: params.kind,
            limit,
            cursor: params.cursor,
        },
    )
    .await?;
    Ok(Json(DueDates {
        items: page
            .items
            .into_iter()
            .map(|item| DueDateItem::new(item, as_of, &state))
            .collect(),
        next_cursor: page.next_cursor,
        counts: DueDateCounts {
            overdue: page.counts.overdue,
            upcoming: page.counts.upcoming,
        },
    }))
}
