//! Workshops (*ateliers*) and the families taking part: coordinators and
//! staff create and list workshops; staff register and see only the
//! families they accompany; attendance is recorded once the day has come.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases as cases;
use nido_cases::workshops::Position;
use nido_domain::Refusal;
use nido_domain::workshop::{
    AttendanceInput, Participation, ParticipationStatus, TimeOfDay, Workshop, WorkshopDraft,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{ApiPath, JsonBody, ValidQuery};
use crate::gate::{Allowed, Team};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::versioning::{created, versioned};

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopResponse {
    pub id: Uuid,
    pub title: String,
    pub on: NaiveDate,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "14:00")]
    pub starts_at: String,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "15:30")]
    pub ends_at: String,
    pub partner: Option<String>,
    /// The most families it takes; null: no limit.
    pub capacity: Option<i32>,
    pub facilitator_ids: Vec<Uuid>,
    /// Every family taking part, also those the caller does not see.
    pub participants_count: i32,
    /// Where it is held.
    pub site_id: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl From<Workshop> for WorkshopResponse {
    fn from(workshop: Workshop) -> Self {
        Self {
            id: workshop.id,
            title: workshop.title,
            on: workshop.on,
            starts_at: workshop.starts_at.to_string(),
            ends_at: workshop.ends_at.to_string(),
            partner: workshop.partner,
            capacity: workshop.capacity,
            facilitator_ids: workshop.facilitator_ids,
            participants_count: workshop.participants_count,
            site_id: workshop.site_id,
            version: workshop.version,
            created_at: workshop.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationResponse {
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub family_id: Uuid,
    /// The children who come with their mother.
    pub child_ids: Vec<Uuid>,
    #[schema(schema_with = crate::schema::participation_status)]
    pub status: ParticipationStatus,
    /// When the family attended.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub arrived_at: Option<String>,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub left_at: Option<String>,
    pub registered_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl From<Participation> for ParticipationResponse {
    fn from(participation: Participation) -> Self {
        let time = |time: Option<TimeOfDay>| time.map(|time| time.to_string());
        Self {
            id: participation.id,
            workshop_id: participation.workshop_id,
            family_id: participation.family_id,
            child_ids: participation.child_ids,
            status: participation.status,
            arrived_at: time(participation.arrived_at),
            left_at: time(participation.left_at),
            registered_by: participation.registered_by,
            version: participation.version,
            created_at: participation.created_at,
        }
    }
}

/// A workshop and the participants the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopDetail {
    #[serde(flatten)]
    pub workshop: WorkshopResponse,
    /// Every participant for a coordinator; a staff member's own families.
    pub participants: Vec<ParticipationResponse>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkshopRequest {
    #[schema(
        example = "Lecture d'albums avec la Médiathèque Boris Vian",
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 200
    )]
    pub title: String,
    pub on: NaiveDate,
    /// `"HH:MM"`, before `ends_at`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "14:00")]
    pub starts_at: String,
    /// `"HH:MM"`, after `starts_at`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "15:30")]
    pub ends_at: String,
    /// Who runs it with the centre, if anyone; blank is none.
    #[schema(example = "Médiathèque Boris Vian", max_length = 200)]
    pub partner: Option<String>,
    /// The most families it takes (1 to 100); absent or null: no limit.
    #[schema(minimum = 1, maximum = 100)]
    pub capacity: Option<i64>,
    /// Who leads it: 1 to 10 active staff members or coordinators.
    #[schema(min_items = 1, max_items = 10)]
    pub facilitator_ids: Vec<Uuid>,
    /// Where it is held: one of the creator's sites (absent: hers when she
    /// belongs to one).
    pub site_id: Option<Uuid>,
}

/// Create a workshop (coordinator, staff).
#[utoipa::path(post, path = "/workshops", tag = "workshops", request_body = WorkshopRequest,
    responses((status = 201, description = "The workshop", body = WorkshopResponse)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn create_workshop(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    JsonBody(body): JsonBody<WorkshopRequest>,
) -> Result<impl IntoResponse> {
    let draft = WorkshopDraft {
        title: &body.title,
        on: body.on,
        starts_at: &body.starts_at,
        ends_at: &body.ends_at,
        partner: body.partner.as_deref(),
        capacity: body.capacity,
        facilitator_ids: &body.facilitator_ids,
        site_id: body.site_id,
    };
    let workshop =
        cases::workshops::create_workshop(&state.cases, &caller.case_caller(), draft).await?;
    Ok(created(workshop.version, WorkshopResponse::from(workshop)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkshopParams {
    /// From this day, inclusive; default today.
    pub from: Option<NaiveDate>,
    /// Up to this day, inclusive; default no end.
    pub to: Option<NaiveDate>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1000, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

/// The workshops from a day on, in the order they take place (coordinator,
/// staff), by pages of `limit` (default 50, at most 200).
#[utoipa::path(get, path = "/workshops", tag = "workshops", params(WorkshopParams),
    responses((status = 200, description = "A page of workshops", body = Page<WorkshopResponse>)))]
pub(crate) async fn list_workshops(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ValidQuery(params): ValidQuery<WorkshopParams>,
) -> Result<Json<Page<WorkshopResponse>>> {
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let caller = caller.case_caller();
    let from = params.from.unwrap_or_else(|| state.today());
    page.read(
        |after: Option<Position>, limit| async move {
            if params.to.is_some_and(|to| to < from) {
                return Err(cases::CaseError::invalid(
                    "to",
                    Refusal::RangeEndsBeforeStart,
                ));
            }
            let to = params.to;
            cases::workshops::list_workshops(&state.cases, &caller, from, to, after, limit + 1)
                .await
        },
        |workshop| (workshop.on, workshop.starts_at.minutes(), workshop.id),
        WorkshopResponse::from,
    )
    .await
}

/// A workshop with the participants the caller may see: every one for a
/// coordinator, a staff member's own families for her.
#[utoipa::path(get, path = "/workshops/{id}", tag = "workshops", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The workshop", body = WorkshopDetail, headers(("ETag" = String)))))]
pub(crate) async fn get_workshop(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    let (workshop, participants) =
        cases::workshops::workshop_with_participants(&state.cases, &caller.case_caller(), id)
            .await?;
    Ok(versioned(
        workshop.version,
        WorkshopDetail {
            workshop: workshop.into(),
            participants: participants.into_iter().map(Into::into).collect(),
        },
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantRequest {
    /// A family the caller accompanies (any family for a coordinator).
    pub family_id: Uuid,
    /// The children who come: the family's, born by the workshop's day.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub child_ids: Vec<Uuid>,
}

/// Register a family for a workshop (coordinator; staff for their
/// families). 409 `already_participating`, 409 `workshop_full`.
#[utoipa::path(post, path = "/workshops/{id}/participants", tag = "workshops",
    request_body = ParticipantRequest, params(("id" = Uuid, Path)),
    responses((status = 201, description = "The participation", body = ParticipationResponse)))]
#[tracing::instrument(skip_all, fields(workshop_id = %workshop_id))]
pub(crate) async fn add_participant(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(workshop_id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<ParticipantRequest>,
) -> Result<impl IntoResponse> {
    let participation = cases::workshops::add_participant(
        &state.cases,
        &caller.case_caller(),
        workshop_id,
        body.family_id,
        &body.child_ids,
    )
    .await?;
    Ok(created(
        participation.version,
        ParticipationResponse::from(participation),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkshopAttendanceRequest {
    /// A family taking part in the workshop.
    pub family_id: Uuid,
    /// `true`: the family did not come (`false` is refused: a presence
    /// gives `arrived_at` and `left_at`).
    pub absent: Option<bool>,
    /// When the family arrived, `"HH:MM"`; with `left_at`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "14:05")]
    pub arrived_at: Option<String>,
    /// When the family left, `"HH:MM"`, after `arrived_at`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "15:30")]
    pub left_at: Option<String>,
}

/// Record whether a family came, from the workshop's day on: `{family_id,
/// arrived_at, left_at}` or `{family_id, absent: true}`; recording again
/// corrects it (coordinator, the workshop's facilitators, staff for their
/// families).
#[utoipa::path(post, path = "/workshops/{id}/attendance", tag = "workshops",
    request_body = WorkshopAttendanceRequest, params(("id" = Uuid, Path)),
    responses((status = 200, description = "The participation", body = ParticipationResponse)))]
#[tracing::instrument(skip_all, fields(workshop_id = %workshop_id))]
pub(crate) async fn record_attendance(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(workshop_id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<WorkshopAttendanceRequest>,
) -> Result<impl IntoResponse> {
    let attendance = AttendanceInput {
        absent: body.absent,
        arrived_at: body.arrived_at,
        left_at: body.left_at,
    };
    let participation = cases::workshops::record_attendance(
        &state.cases,
        &caller.case_caller(),
        workshop_id,
        body.family_id,
        attendance,
    )
    .await?;
    Ok(versioned(
        participation.version,
        ParticipationResponse::from(participation),
    ))
}
