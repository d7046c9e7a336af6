//! Interventions and follow-up actions: the social workers' daily log.
//! A restricted intervention is visible only to its author and the staff
//! present; the filter is in the database query (see the persistence crate).

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases as cases;
use nido_domain::intervention::{
    self, Action, Confidentiality, Intervention, InterventionInput, InterventionKind,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::extract::{ApiPath, JsonBody, ValidQuery};
use crate::gate::{Allowed, Team};
use crate::pagination::{Page, PageParams};
use crate::schema::ActionStatus;
use crate::state::AppState;
use crate::versioning::{IfMatch, created, versioned};

#[derive(Debug, Serialize, ToSchema)]
pub struct ActionResponse {
    pub id: Uuid,
    pub family_id: Uuid,
    pub intervention_id: Option<Uuid>,
    pub description: String,
    pub due_on: NaiveDate,
    pub assignee_id: Uuid,
    pub done_on: Option<NaiveDate>,
    /// Open and past its due date.
    pub overdue: bool,
    pub version: i32,
}

impl ActionResponse {
    fn new(action: Action, today: NaiveDate) -> Self {
        Self {
            overdue: action.is_overdue(today),
            id: action.id,
            family_id: action.family_id,
            intervention_id: action.intervention_id,
            description: action.description,
            due_on: action.due_on,
            assignee_id: action.assignee_id,
            done_on: action.done_on,
            version: action.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InterventionResponse {
    pub id: Uuid,
    pub family_id: Uuid,
    pub author_id: Uuid,
    #[schema(schema_with = crate::schema::intervention_kind)]
    pub kind: InterventionKind,
    pub occurred_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub staff_ids: Vec<Uuid>,
    pub summary: String,
    #[schema(schema_with = crate::schema::confidentiality)]
    pub confidentiality: Confidentiality,
    pub actions: Vec<ActionResponse>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl InterventionResponse {
    pub fn new(intervention: Intervention, actions: Vec<Action>, today: NaiveDate) -> Self {
        Self {
            id: intervention.id,
            family_id: intervention.family_id,
            author_id: intervention.author_id,
            kind: intervention.kind,
            occurred_at: intervention.occurred_at,
            duration_minutes: intervention.duration_minutes,
            staff_ids: intervention.staff_ids,
            summary: intervention.summary,
            confidentiality: intervention.confidentiality,
            actions: actions
                .into_iter()
                .filter(|action| action.intervention_id == Some(intervention.id))
                .map(|action| ActionResponse::new(action, today))
                .collect(),
            version: intervention.version,
            created_at: intervention.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    #[schema(
        example = "Accompagner Mme à la CAF pour le dossier d'allocations",
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 2000
    )]
    pub description: String,
    pub due_on: NaiveDate,
    pub assignee_id: Uuid,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterventionRequest {
    #[schema(schema_with = crate::schema::intervention_kind)]
    pub kind: InterventionKind,
    /// RFC 3339.
    pub occurred_at: DateTime<Utc>,
    #[schema(minimum = 1, maximum = 1440)]
    pub duration_minutes: i32,
    /// The staff present: at least one, all active.
    #[schema(min_items = 1, max_items = 20)]
    pub staff_ids: Vec<Uuid>,
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 10000)]
    pub summary: String,
    #[schema(schema_with = crate::schema::confidentiality)]
    pub confidentiality: Confidentiality,
    /// Follow-up actions coming out of it, at most 20.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub actions: Vec<ActionInput>,
}

impl From<ActionInput> for intervention::ActionInput {
    fn from(action: ActionInput) -> Self {
        intervention::ActionInput {
            description: action.description,
            due_on: action.due_on,
            assignee_id: action.assignee_id,
        }
    }
}

impl From<InterventionRequest> for InterventionInput {
    fn from(request: InterventionRequest) -> Self {
        InterventionInput {
            kind: request.kind,
            occurred_at: request.occurred_at,
            duration_minutes: request.duration_minutes,
            staff_ids: request.staff_ids,
            summary: request.summary,
            confidentiality: request.confidentiality,
            actions: request.actions.into_iter().map(Into::into).collect(),
        }
    }
}

/// Log an intervention on a family (coordinator; staff for their families).
#[utoipa::path(post, path = "/families/{id}/interventions", tag = "interventions",
    request_body = InterventionRequest, params(("id" = Uuid, Path)),
    responses((status = 201, description = "The intervention", body = InterventionResponse)))]
#[tracing::instrument(skip_all, fields(family_id = %family_id))]
pub(crate) async fn create_intervention(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(family_id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<InterventionRequest>,
) -> Result<impl IntoResponse> {
    let (intervention, actions) = cases::interventions::log_intervention(
        &state.cases,
        &caller.case_caller(),
        family_id,
        body.into(),
    )
    .await?;
    Ok(created(
        intervention.version,
        InterventionResponse::new(intervention, actions, state.today()),
    ))
}

/// A family's interventions the caller may see, newest first.
#[utoipa::path(get, path = "/families/{id}/interventions", tag = "interventions",
    params(("id" = Uuid, Path), PageParams),
    responses((status = 200, description = "A page of interventions", body = Page<InterventionResponse>)))]
pub(crate) async fn list_interventions(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(family_id): ApiPath<Uuid>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<InterventionResponse>>> {
    let parsed = page
        .limit()
        .and_then(|limit| Ok((limit, page.position::<(DateTime<Utc>, Uuid)>()?)));
    let (limit, before) = match parsed {
        Ok(parsed) => parsed,
        Err(invalid) => {
            // A family the caller may not see is hidden before the page's
            // parameters are judged: a bad cursor must not tell it exists.
            cases::families::find_visible(&state.cases, &caller.case_caller(), family_id).await?;
            return Err(invalid);
        }
    };
    let (rows, actions) = cases::interventions::of_family(
        &state.cases,
        &caller.case_caller(),
        family_id,
        before,
        limit,
    )
    .await?;
    let today = state.today();
    Ok(Json(Page::from_rows(
        rows,
        limit,
        |row| (row.occurred_at, row.id),
        |row| InterventionResponse::new(row, actions.clone(), today),
    )))
}

/// One intervention, if the caller may see it.
#[utoipa::path(get, path = "/interventions/{id}", tag = "interventions", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The intervention", body = InterventionResponse, headers(("ETag" = String)))))]
pub(crate) async fn get_intervention(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    let (intervention, actions) =
        cases::interventions::read(&state.cases, &caller.case_caller(), id).await?;
    Ok(versioned(
        intervention.version,
        InterventionResponse::new(intervention, actions, state.today()),
    ))
}

/// Change an intervention (its author, or a coordinator who may see it).
/// The whole intervention is given again, without actions. Accepts `If-Match`.
#[utoipa::path(patch, path = "/interventions/{id}", tag = "interventions", request_body = InterventionRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The intervention", body = InterventionResponse, headers(("ETag" = String)))))]
pub(crate) async fn update_intervention(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<InterventionRequest>,
) -> Result<impl IntoResponse> {
    let (intervention, actions) = cases::interventions::update_intervention(
        &state.cases,
        &caller.case_caller(),
        id,
        expected,
        body.into(),
    )
    .await?;
    Ok(versioned(
        intervention.version,
        InterventionResponse::new(intervention, actions, state.today()),
    ))
}

/// Add a follow-up action to a family, outside any intervention.
#[utoipa::path(post, path = "/families/{id}/actions", tag = "interventions", request_body = ActionInput,
    params(("id" = Uuid, Path)),
    responses((status = 201, description = "The action", body = ActionResponse)))]
pub(crate) async fn create_action(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(family_id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<ActionInput>,
) -> Result<impl IntoResponse> {
    let action = cases::interventions::add_action(
        &state.cases,
        &caller.case_caller(),
        family_id,
        body.into(),
    )
    .await?;
    Ok(created(
        action.version,
        ActionResponse::new(action, state.today()),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionParams {
    /// `open` (default) or `all`.
    #[param(schema_with = crate::schema::action_status)]
    pub status: Option<ActionStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Actions {
    pub items: Vec<ActionResponse>,
}

/// The caller's own follow-up actions: open ones first, by due date, overdue flagged.
#[utoipa::path(get, path = "/me/actions", tag = "interventions", params(ActionParams),
    responses((status = 200, description = "The caller's actions", body = Actions)))]
pub(crate) async fn my_actions(
    State(state): State<AppState>,
    caller: CurrentUser,
    ValidQuery(params): ValidQuery<ActionParams>,
) -> Result<Json<Actions>> {
    let open_only = params.status.unwrap_or_default() == ActionStatus::Open;
    let rows =
        cases::interventions::assigned_to_caller(&state.cases, &caller.case_caller(), open_only)
            .await?;
    let today = state.today();
    Ok(Json(Actions {
        items: rows
            .into_iter()
            .map(|action| ActionResponse::new(action, today))
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionUpdate {
    /// The day it was done; `null` opens it again. Not in the future.
    pub done_on: Option<NaiveDate>,
}

/// Mark an action done (its assignee, or a coordinator). Accepts `If-Match`.
#[utoipa::path(patch, path = "/actions/{id}", tag = "interventions", request_body = ActionUpdate,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The action", body = ActionResponse, headers(("ETag" = String)))))]
pub(crate) async fn update_action(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<ActionUpdate>,
) -> Result<impl IntoResponse> {
    let action = cases::interventions::set_action_done(
        &state.cases,
        &caller.case_caller(),
        id,
        expected,
        body.done_on,
    )
    .await?;
    Ok(versioned(
        action.version,
        ActionResponse::new(action, state.today()),
    ))
}
