//! Serious incidents (arrêté du 28 décembre 2016) and informations
//! préoccupantes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases::incidents::{self as cases, ShownIncident};
use nido_domain::incident::{
    Concern, ConcernInput, Declaration, IncidentCategory, IncidentChanges, report_due_at,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::extract::{ApiPath, JsonBody, ValidQuery};
use crate::gate::{Allowed, Team};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::versioning::{IfMatch, created, versioned};

#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentResponse {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    #[schema(schema_with = crate::schema::incident_category)]
    pub category: IncidentCategory,
    /// Null for an admin when the incident names a family: she reads its
    /// category and dates, not its text.
    pub description: Option<String>,
    pub family_id: Option<Uuid>,
    /// Null when `description` is.
    pub measures_taken: Option<String>,
    pub declared_by: Uuid,
    /// Where it happened.
    pub site_id: Uuid,
    /// When a coordinator or an admin reported it to the authority.
    pub authority_notified_at: Option<DateTime<Utc>>,
    /// 48 hours after `occurred_at`.
    pub report_due_at: DateTime<Utc>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl From<ShownIncident> for IncidentResponse {
    fn from(shown: ShownIncident) -> Self {
        let ShownIncident {
            incident,
            text_withheld,
        } = shown;
        let text = |text: String| (!text_withheld).then_some(text);
        Self {
            report_due_at: report_due_at(incident.occurred_at),
            id: incident.id,
            occurred_at: incident.occurred_at,
            category: incident.category,
            description: text(incident.description),
            family_id: incident.family_id,
            measures_taken: text(incident.measures_taken),
            declared_by: incident.declared_by,
            site_id: incident.site_id,
            authority_notified_at: incident.authority_notified_at,
            version: incident.version,
            created_at: incident.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentRequest {
    /// Not in the future.
    pub occurred_at: DateTime<Utc>,
    #[schema(schema_with = crate::schema::incident_category)]
    pub category: IncidentCategory,
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 5000)]
    pub description: String,
    /// The family concerned, if any: one the declarer may see.
    pub family_id: Option<Uuid>,
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 5000)]
    pub measures_taken: String,
    /// Where it happened: the family's site when it names one; else one of
    /// the declarer's sites (absent: hers when she belongs to one).
    pub site_id: Option<Uuid>,
}

/// Declare a serious incident (anyone). It must be reported to the
/// authority within 48 hours: until a coordinator or an admin records it,
/// it is an `incident_report` due date.
#[utoipa::path(post, path = "/incidents", tag = "incidents", request_body = IncidentRequest,
    responses((status = 201, description = "The incident", body = IncidentResponse)))]
pub(crate) async fn declare(
    State(state): State<AppState>,
    caller: CurrentUser,
    JsonBody(body): JsonBody<IncidentRequest>,
) -> Result<impl IntoResponse> {
    let incident = cases::declare(
        &state.cases,
        &caller.case_caller(),
        Declaration {
            occurred_at: body.occurred_at,
            category: body.category,
            description: body.description,
            family_id: body.family_id,
            measures_taken: body.measures_taken,
            site_id: body.site_id,
        },
    )
    .await?;
    Ok(created(
        incident.incident.version,
        IncidentResponse::from(incident),
    ))
}

/// Incidents, newest first: every one for coordinators and admins, one's
/// own declarations for the others.
#[utoipa::path(get, path = "/incidents", tag = "incidents", params(PageParams),
    responses((status = 200, description = "A page of incidents", body = Page<IncidentResponse>)))]
pub(crate) async fn list_incidents(
    State(state): State<AppState>,
    caller: CurrentUser,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<IncidentResponse>>> {
    let caller = caller.case_caller();
    page.read(
        |after, limit| cases::list(&state.cases, &caller, after, limit + 1),
        |row| row.incident.id,
        IncidentResponse::from,
    )
    .await
}

/// One incident (coordinators, admins, its declarer).
#[utoipa::path(get, path = "/incidents/{id}", tag = "incidents", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The incident", body = IncidentResponse, headers(("ETag" = String)))))]
pub(crate) async fn get_incident(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    let incident = cases::read(&state.cases, &caller.case_caller(), id).await?;
    Ok(versioned(
        incident.incident.version,
        IncidentResponse::from(incident),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentUpdate {
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 5000)]
    pub description: Option<String>,
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 5000)]
    pub measures_taken: Option<String>,
    /// Coordinators and admins only: when the authority was notified.
    pub authority_notified_at: Option<DateTime<Utc>>,
}

/// Change an incident: its description and measures (its declarer,
/// coordinators, admins), the authority's notification (coordinators,
/// admins). Accepts `If-Match`.
#[utoipa::path(patch, path = "/incidents/{id}", tag = "incidents", request_body = IncidentUpdate,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The incident", body = IncidentResponse, headers(("ETag" = String)))))]
pub(crate) async fn update_incident(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<IncidentUpdate>,
) -> Result<impl IntoResponse> {
    let incident = cases::update(
        &state.cases,
        &caller.case_caller(),
        id,
        expected,
        IncidentChanges {
            description: body.description,
            measures_taken: body.measures_taken,
            authority_notified_at: body.authority_notified_at,
        },
    )
    .await?;
    Ok(versioned(
        incident.incident.version,
        IncidentResponse::from(incident),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConcernResponse {
    pub id: Uuid,
    pub family_id: Uuid,
    pub child_ids: Vec<Uuid>,
    pub summary: String,
    pub transmitted_on: NaiveDate,
    pub transmitted_to: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<Concern> for ConcernResponse {
    fn from(concern: Concern) -> Self {
        Self {
            id: concern.id,
            family_id: concern.family_id,
            child_ids: concern.child_ids,
            summary: concern.summary,
            transmitted_on: concern.transmitted_on,
            transmitted_to: concern.transmitted_to,
            created_by: concern.created_by,
            created_at: concern.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConcernRequest {
    /// The children of the family believed in danger.
    #[schema(min_items = 1, max_items = 12)]
    pub child_ids: Vec<Uuid>,
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 5000)]
    pub summary: String,
    /// Not after today.
    pub transmitted_on: NaiveDate,
    /// To whom: the CRIP, the judge.
    #[schema(
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 200,
        example = "CRIP du Val-de-Marne"
    )]
    pub transmitted_to: String,
}

/// Record an information préoccupante transmitted about children of the
/// family (coordinator; staff for their families).
#[utoipa::path(post, path = "/families/{id}/concerns", tag = "incidents", request_body = ConcernRequest,
    params(("id" = Uuid, Path)),
    responses((status = 201, description = "The concern", body = ConcernResponse)))]
pub(crate) async fn add_concern(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(family_id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<ConcernRequest>,
) -> Result<impl IntoResponse> {
    let concern = cases::add_concern(
        &state.cases,
        &caller.case_caller(),
        family_id,
        ConcernInput {
            child_ids: body.child_ids,
            summary: body.summary,
            transmitted_on: body.transmitted_on,
            transmitted_to: body.transmitted_to,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ConcernResponse::from(concern))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Concerns {
    pub items: Vec<ConcernResponse>,
}

/// The family's informations préoccupantes, newest first (coordinator;
/// staff for their families).
#[utoipa::path(get, path = "/families/{id}/concerns", tag = "incidents", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The concerns", body = Concerns)))]
pub(crate) async fn list_concerns(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(family_id): ApiPath<Uuid>,
) -> Result<Json<Concerns>> {
    let concerns = cases::concerns(&state.cases, &caller.case_caller(), family_id).await?;
    Ok(Json(Concerns {
        items: concerns.into_iter().map(ConcernResponse::from).collect(),
    }))
}
