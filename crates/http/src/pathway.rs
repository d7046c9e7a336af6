//! The exit to housing: each placement's steps towards a home, and the
//! follow-ups after its exit (coordinators; staff for their families).

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases::pathway::{self as cases, FollowUpInput, StepChanges, StepInput};
use nido_domain::due_dates::DueKind;
use nido_domain::pathway::{FollowUp, HousingStep};
use nido_domain::pathway::{
    FollowUpOutcome, FslItem, Recourse, SiaoDemand, StepFields, StepFieldsPatch, StepKind,
    StepStatus, step_due,
};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{ApiPath, JsonBody, ValidQuery};
use crate::gate::{Allowed, Team};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::versioning::{IfMatch, created, versioned};

/// One line of an FSL request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FslItemBody {
    #[schema(
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 200,
        example = "Dépôt de garantie"
    )]
    pub label: String,
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub amount_cents: i64,
}

impl From<FslItemBody> for FslItem {
    fn from(body: FslItemBody) -> Self {
        FslItem {
            label: body.label,
            amount_cents: body.amount_cents,
        }
    }
}

impl From<FslItem> for FslItemBody {
    fn from(item: FslItem) -> Self {
        FslItemBody {
            label: item.label,
            amount_cents: item.amount_cents,
        }
    }
}

/// A housing step, with the fields of its own kind at the top level (the
/// others absent).
#[derive(Debug, Serialize, ToSchema)]
pub struct HousingStepResponse {
    pub id: Uuid,
    pub placement_id: Uuid,
    pub family_id: Uuid,
    #[schema(schema_with = crate::schema::step_kind)]
    pub kind: StepKind,
    #[schema(schema_with = crate::schema::step_status)]
    pub status: StepStatus,
    pub reference: Option<String>,
    pub filed_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub notes: Option<String>,
    /// `siao_application`: what the SIAO is asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = crate::schema::siao_demand)]
    pub demand: Option<SiaoDemand>,
    /// `siao_application`: when the SIAO evaluated the situation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluated_on: Option<NaiveDate>,
    /// `social_housing_application`: the latest yearly renewal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewed_on: Option<NaiveDate>,
    /// `dalo_recourse`: for a home or a shelter.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = crate::schema::recourse)]
    pub recourse: Option<Recourse>,
    /// `fsl_request`: what is asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<FslItemBody>>,
    /// `visale`: the visa's last day (the lease must be signed by then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    /// `housing_offer`, `bail_glissant`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landlord: Option<String>,
    /// `housing_offer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    /// `housing_offer`: T1, T2…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typology: Option<String>,
    /// `housing_offer`: the monthly rent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rent_cents: Option<i64>,
    /// `housing_offer`, refused: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal_reason: Option<String>,
    /// `bail_glissant`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sublease_starts_on: Option<NaiveDate>,
    /// `bail_glissant`: the day the lease slid to her name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slides_on: Option<NaiveDate>,
    /// `bail_glissant`: the latest six-monthly review with the landlord.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<NaiveDate>,
    /// What the step owes next, if anything (`social_housing_renewal`,
    /// `dalo_decision`, `bail_glissant_review`).
    #[schema(schema_with = crate::schema::due_kind_or_null)]
    pub due_kind: Option<DueKind>,
    pub due_on: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<HousingStep> for HousingStepResponse {
    fn from(step: HousingStep) -> Self {
        let due = step_due(&step.facts());
        let fields = step.details.fields();
        Self {
            id: step.id,
            placement_id: step.placement_id,
            family_id: step.family_id,
            kind: step.kind(),
            status: step.status,
            reference: step.reference,
            filed_on: step.filed_on,
            decided_on: step.decided_on,
            notes: step.notes,
            demand: fields.demand,
            evaluated_on: fields.evaluated_on,
            renewed_on: fields.renewed_on,
            recourse: fields.recourse,
            items: fields
                .items
                .map(|items| items.into_iter().map(FslItemBody::from).collect()),
            valid_until: fields.valid_until,
            landlord: fields.landlord,
            commune: fields.commune,
            typology: fields.typology,
            rent_cents: fields.rent_cents,
            refusal_reason: fields.refusal_reason,
            sublease_starts_on: fields.sublease_starts_on,
            slides_on: fields.slides_on,
            reviewed_on: fields.reviewed_on,
            due_kind: due.map(|(kind, _)| kind),
            due_on: due.map(|(_, day)| day),
            version: step.version,
            created_at: step.created_at,
            updated_at: step.updated_at,
        }
    }
}

/// A step to record: the common facts, then its kind's own fields (those
/// of another kind are refused, 422).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HousingStepRequest {
    #[schema(schema_with = crate::schema::step_kind)]
    pub kind: StepKind,
    #[schema(schema_with = crate::schema::step_status)]
    pub status: StepStatus,
    /// The external number: SI-SIAO id, numéro unique, DALO file, Visale visa.
    #[schema(max_length = 100)]
    pub reference: Option<String>,
    /// Not after today; required for `social_housing_application` and
    /// `dalo_recourse`.
    pub filed_on: Option<NaiveDate>,
    /// Not after today, nor before `filed_on`; for an accepted offer or
    /// bail glissant, the lease's signature.
    pub decided_on: Option<NaiveDate>,
    #[schema(max_length = 5000)]
    pub notes: Option<String>,
    /// `siao_application`, required.
    #[schema(schema_with = crate::schema::siao_demand)]
    pub demand: Option<SiaoDemand>,
    /// `siao_application`, not after today.
    pub evaluated_on: Option<NaiveDate>,
    /// `social_housing_application`: not before `filed_on`, not after today.
    pub renewed_on: Option<NaiveDate>,
    /// `dalo_recourse`, required.
    #[schema(schema_with = crate::schema::recourse)]
    pub recourse: Option<Recourse>,
    /// `fsl_request`, 1 to 20 lines.
    #[schema(min_items = 1, max_items = 20)]
    pub items: Option<Vec<FslItemBody>>,
    /// `visale`, required.
    pub valid_until: Option<NaiveDate>,
    /// `housing_offer` and `bail_glissant`, required.
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 200)]
    pub landlord: Option<String>,
    /// `housing_offer`, required.
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 200)]
    pub commune: Option<String>,
    /// `housing_offer`, required.
    #[schema(
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 20,
        example = "T2"
    )]
    pub typology: Option<String>,
    /// `housing_offer`, required: the monthly rent.
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub rent_cents: Option<i64>,
    /// `housing_offer`, only with the status `refused`.
    #[schema(max_length = 5000)]
    pub refusal_reason: Option<String>,
    /// `bail_glissant`, required.
    pub sublease_starts_on: Option<NaiveDate>,
    /// `bail_glissant`: not before `sublease_starts_on`.
    pub slides_on: Option<NaiveDate>,
    /// `bail_glissant`: not before `sublease_starts_on`, not after today.
    pub reviewed_on: Option<NaiveDate>,
}

impl From<HousingStepRequest> for StepInput {
    fn from(body: HousingStepRequest) -> Self {
        StepInput {
            kind: body.kind,
            status: body.status,
            reference: body.reference,
            filed_on: body.filed_on,
            decided_on: body.decided_on,
            notes: body.notes,
            fields: StepFields {
                demand: body.demand,
                evaluated_on: body.evaluated_on,
                renewed_on: body.renewed_on,
                recourse: body.recourse,
                items: body
                    .items
                    .map(|items| items.into_iter().map(FslItem::from).collect()),
                valid_until: body.valid_until,
                landlord: body.landlord,
                commune: body.commune,
                typology: body.typology,
                rent_cents: body.rent_cents,
                refusal_reason: body.refusal_reason,
                sublease_starts_on: body.sublease_starts_on,
                slides_on: body.slides_on,
                reviewed_on: body.reviewed_on,
            },
        }
    }
}

/// A field given (`Some`), even as null (`Some(None)`): absent stays `None`.
fn given<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A change of a step: a field left out is left alone, `null` clears an
/// optional one. Its kind never changes; its status moves forward only.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HousingStepUpdate {
    #[schema(schema_with = crate::schema::step_status)]
    pub status: Option<StepStatus>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub reference: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<NaiveDate>)]
    pub filed_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<NaiveDate>)]
    pub decided_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(schema_with = crate::schema::siao_demand_or_null)]
    pub demand: Option<Option<SiaoDemand>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<NaiveDate>)]
    pub evaluated_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<NaiveDate>)]
    pub renewed_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(schema_with = crate::schema::recourse_or_null)]
    pub recourse: Option<Option<Recourse>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<Vec<FslItemBody>>, min_items = 1, max_items = 20)]
    pub items: Option<Option<Vec<FslItemBody>>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<NaiveDate>)]
    pub valid_until: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>, min_length = 1, pattern = r"[^\s\x85]", max_length = 200)]
    pub landlord: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>, min_length = 1, pattern = r"[^\s\x85]", max_length = 200)]
    pub commune: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>, min_length = 1, pattern = r"[^\s\x85]", max_length = 20)]
    pub typology: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 10_000_000)]
    pub rent_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub refusal_reason: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<NaiveDate>)]
    pub sublease_starts_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<NaiveDate>)]
    pub slides_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<NaiveDate>)]
    pub reviewed_on: Option<Option<NaiveDate>>,
}

impl From<HousingStepUpdate> for StepChanges {
    fn from(body: HousingStepUpdate) -> Self {
        StepChanges {
            status: body.status,
            reference: body.reference,
            filed_on: body.filed_on,
            decided_on: body.decided_on,
            notes: body.notes,
            fields: StepFieldsPatch {
                demand: body.demand,
                evaluated_on: body.evaluated_on,
                renewed_on: body.renewed_on,
                recourse: body.recourse,
                items: body
                    .items
                    .map(|items| items.map(|items| items.into_iter().map(FslItem::from).collect())),
                valid_until: body.valid_until,
                landlord: body.landlord,
                commune: body.commune,
                typology: body.typology,
                rent_cents: body.rent_cents,
                refusal_reason: body.refusal_reason,
                sublease_starts_on: body.sublease_starts_on,
                slides_on: body.slides_on,
                reviewed_on: body.reviewed_on,
            },
        }
    }
}

/// Record a step towards a home for an active placement (coordinator;
/// staff for their families).
#[utoipa::path(post, path = "/placements/{id}/housing-steps", tag = "pathway",
    request_body = HousingStepRequest, params(("id" = Uuid, Path)),
    responses((status = 201, description = "The step", body = HousingStepResponse, headers(("ETag" = String)))))]
pub(crate) async fn add_step(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(placement_id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<HousingStepRequest>,
) -> Result<impl IntoResponse> {
    let step = cases::add_step(
        &state.cases,
        &caller.case_caller(),
        placement_id,
        body.into(),
    )
    .await?;
    Ok(created(step.version, HousingStepResponse::from(step)))
}

/// The placement's steps towards a home, in the order they were recorded
/// (coordinator; staff for their families).
#[utoipa::path(get, path = "/placements/{id}/housing-steps", tag = "pathway",
    params(("id" = Uuid, Path), PageParams),
    responses((status = 200, description = "A page of steps", body = Page<HousingStepResponse>)))]
pub(crate) async fn list_steps(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(placement_id): ApiPath<Uuid>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<HousingStepResponse>>> {
    let caller = caller.case_caller();
    page.read(
        |after, limit| cases::steps(&state.cases, &caller, placement_id, after, limit + 1),
        |step| step.id,
        HousingStepResponse::from,
    )
    .await
}

/// One step (coordinator; staff for their families).
#[utoipa::path(get, path = "/housing-steps/{id}", tag = "pathway", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The step", body = HousingStepResponse, headers(("ETag" = String)))))]
pub(crate) async fn get_step(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    let step = cases::step(&state.cases, &caller.case_caller(), id).await?;
    Ok(versioned(step.version, HousingStepResponse::from(step)))
}

/// Change a step of an active placement (coordinator; staff for their
/// families): its status moves forward only, and once accepted, refused
/// or withdrawn not at all (409 `step_status_move`). Accepts `If-Match`.
#[utoipa::path(patch, path = "/housing-steps/{id}", tag = "pathway", request_body = HousingStepUpdate,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The step", body = HousingStepResponse, headers(("ETag" = String)))))]
pub(crate) async fn update_step(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<HousingStepUpdate>,
) -> Result<impl IntoResponse> {
    let step = cases::update_step(
        &state.cases,
        &caller.case_caller(),
        id,
        expected,
        body.into(),
    )
    .await?;
    Ok(versioned(step.version, HousingStepResponse::from(step)))
}

/// A follow-up after an exit: owed from the exit, made once.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpResponse {
    pub id: Uuid,
    pub placement_id: Uuid,
    /// How many months after the exit.
    pub after_months: u32,
    pub due_on: NaiveDate,
    /// Null while it is owed.
    pub done_on: Option<NaiveDate>,
    #[schema(schema_with = crate::schema::follow_up_outcome_or_null)]
    pub outcome: Option<FollowUpOutcome>,
    pub notes: Option<String>,
}

impl From<FollowUp> for FollowUpResponse {
    fn from(follow_up: FollowUp) -> Self {
        let made = follow_up.made;
        Self {
            id: follow_up.id,
            placement_id: follow_up.placement_id,
            after_months: follow_up.after_months,
            due_on: follow_up.due_on,
            done_on: made.as_ref().map(|made| made.done_on),
            outcome: made.as_ref().map(|made| made.outcome),
            notes: made.and_then(|made| made.notes),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRequest {
    /// One of the months the exit owes (`exit.follow_up_months`).
    #[schema(minimum = 1, maximum = 36)]
    pub after_months: u32,
    /// Not before the exit, not after today.
    pub done_on: NaiveDate,
    #[schema(schema_with = crate::schema::follow_up_outcome)]
    pub outcome: FollowUpOutcome,
    #[schema(max_length = 5000)]
    pub notes: Option<String>,
}

/// The follow-ups the placement's exit owes, made or not, by month
/// (coordinator; staff for their families).
#[utoipa::path(get, path = "/placements/{id}/follow-ups", tag = "pathway",
    params(("id" = Uuid, Path), PageParams),
    responses((status = 200, description = "A page of its follow-ups", body = Page<FollowUpResponse>)))]
pub(crate) async fn list_follow_ups(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(placement_id): ApiPath<Uuid>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<FollowUpResponse>>> {
    let caller = caller.case_caller();
    page.read(
        |after, limit| cases::follow_ups(&state.cases, &caller, placement_id, after, limit + 1),
        |follow_up| follow_up.id,
        FollowUpResponse::from,
    )
    .await
}

/// Record a follow-up after the exit (coordinator; staff for their
/// families), once: 409 `follow_up_recorded` after; 409
/// `placement_active` before the exit.
#[utoipa::path(post, path = "/placements/{id}/follow-ups", tag = "pathway",
    request_body = FollowUpRequest, params(("id" = Uuid, Path)),
    responses((status = 200, description = "The follow-up", body = FollowUpResponse)))]
pub(crate) async fn record_follow_up(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(placement_id): ApiPath<Uuid>,
    JsonBody(body): JsonBody<FollowUpRequest>,
) -> Result<Json<FollowUpResponse>> {
    let follow_up = cases::record_follow_up(
        &state.cases,
        &caller.case_caller(),
        placement_id,
        FollowUpInput {
            after_months: body.after_months,
            done_on: body.done_on,
            outcome: body.outcome,
            notes: body.notes,
        },
    )
    .await?;
    Ok(Json(FollowUpResponse::from(follow_up)))
}
