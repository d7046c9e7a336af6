//! Identity vigilance (SPEC "Identity and duplicates"): the search before
//! create, the files that look alike, and the decisions on them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases as cases;
use nido_cases::identity::{Candidate, DecisionInput, Found, PossiblePair, SearchQuery};
use nido_domain::family::Family;
use nido_domain::identity::{DuplicateDecision, DuplicateVerdict, FileStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::{JsonBody, ValidQuery};
use crate::gate::{Allowed, Coordinators, FamilyReaders};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// A file as a search or the duplicate check shows it: the family's id,
/// who the mother is, and where her file stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileSummary {
    /// The family's id.
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_last_name: Option<String>,
    pub birth_date: NaiveDate,
    #[schema(schema_with = crate::schema::file_status)]
    pub status: FileStatus,
}

impl FileSummary {
    fn new(family: &Family, status: FileStatus) -> Self {
        let mother = &family.mother;
        Self {
            id: family.id,
            first_name: mother.first_name.clone(),
            last_name: mother.last_name.clone(),
            birth_last_name: mother.birth_last_name.clone(),
            birth_date: mother.birth_date,
            status,
        }
    }
}

/// A file that looks like another mother's, and how alike (0 to 1).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateResponse {
    #[serde(flatten)]
    pub file: FileSummary,
    /// 0 to 1; `docs/identity.md` gives the formula.
    pub score: f64,
}

impl From<Candidate> for CandidateResponse {
    fn from(candidate: Candidate) -> Self {
        Self {
            file: FileSummary::new(&candidate.family, candidate.status),
            score: (candidate.score * 1000.0).round() / 1000.0,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Name fragments (used, at birth, first), accents, case and hyphens
    /// aside, or by sound (Lefèvre finds Le Febvre).
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Her birth date, also read with the day and month swapped.
    pub birth_date: Option<NaiveDate>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(min_length = 1, max_length = 1000, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

/// A file a search found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitResponse {
    #[serde(flatten)]
    pub file: FileSummary,
    pub current_placement_id: Option<Uuid>,
    pub referent_id: Option<Uuid>,
    /// How well it answers, the higher the better: the list's order.
    pub rank: u32,
}

impl From<Found> for SearchHitResponse {
    fn from(found: Found) -> Self {
        Self {
            file: FileSummary::new(&found.family, found.status),
            current_placement_id: found.family.current_placement_id,
            referent_id: found.family.referent_id,
            rank: found.rank,
        }
    }
}

/// Search the files by name and birth date (coordinator: every file,
/// closed ones included; staff: the families they accompany), the best
/// first. At least one of `q` and `birth_date`.
#[utoipa::path(get, path = "/families/search", tag = "families", params(SearchParams),
    responses((status = 200, description = "A page of files, the best first", body = Page<SearchHitResponse>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn search_families(
    State(state): State<AppState>,
    caller: Allowed<FamilyReaders>,
    ValidQuery(params): ValidQuery<SearchParams>,
) -> Result<Json<Page<SearchHitResponse>>> {
    let query = SearchQuery {
        q: params.q.unwrap_or_default(),
        birth_date: params.birth_date,
    };
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let caller = caller.case_caller();
    page.read(
        |after, limit| cases::identity::search(&state.cases, &caller, &query, after, limit),
        Found::position,
        SearchHitResponse::from,
    )
    .await
}

/// Two files that look alike, not decided on yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct PossiblePairResponse {
    /// The two files, the smaller id first.
    pub families: [CandidateResponse; 2],
    /// 0 to 1.
    pub score: f64,
}

impl From<PossiblePair> for PossiblePairResponse {
    fn from(pair: PossiblePair) -> Self {
        let score = (pair.score * 1000.0).round() / 1000.0;
        Self {
            families: [pair.first.into(), pair.second.into()],
            score,
        }
    }
}

/// The pairs of files scoring from `identity.possible` that nobody
/// decided on yet, the most alike first (coordinator).
#[utoipa::path(get, path = "/duplicates", tag = "families", params(PageParams),
    responses((status = 200, description = "A page of pairs", body = Page<PossiblePairResponse>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list_duplicates(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<PossiblePairResponse>>> {
    let caller = caller.case_caller();
    page.read(
        |after, limit| cases::identity::possible_pairs(&state.cases, &caller, after, limit),
        PossiblePair::position,
        PossiblePairResponse::from,
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Two different files.
    #[schema(min_items = 2, max_items = 2)]
    pub family_ids: Vec<Uuid>,
    #[schema(schema_with = crate::schema::duplicate_verdict)]
    pub decision: DuplicateVerdict,
    /// Why: what was checked.
    #[schema(min_length = 1, pattern = r"[^\s\x85]", max_length = 2000)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionResponse {
    pub id: Uuid,
    /// The smaller id first.
    pub family_ids: [Uuid; 2],
    #[schema(schema_with = crate::schema::duplicate_verdict)]
    pub decision: DuplicateVerdict,
    pub note: String,
    pub decided_by: Uuid,
    pub decided_at: DateTime<Utc>,
}

impl From<DuplicateDecision> for DecisionResponse {
    fn from(decision: DuplicateDecision) -> Self {
        Self {
            id: decision.id,
            family_ids: [decision.family_id, decision.other_family_id],
            decision: decision.verdict,
            note: decision.note,
            decided_by: decision.decided_by,
            decided_at: decision.decided_at,
        }
    }
}

/// Decide on two files (coordinator): `same_person` links them (each
/// shows the other on its page and timeline; never merged), `different`
/// keeps them off the list. A pair is decided once (409 `pair_decided`).
#[utoipa::path(post, path = "/duplicates/decisions", tag = "families", request_body = DecisionRequest,
    responses((status = 201, description = "The decision", body = DecisionResponse)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn decide(
    State(state): State<AppState>,
    caller: Allowed<Coordinators>,
    JsonBody(body): JsonBody<DecisionRequest>,
) -> Result<impl IntoResponse> {
    let input = DecisionInput {
        family_ids: body.family_ids,
        verdict: body.decision,
        note: body.note,
    };
    let decision = cases::identity::decide(&state.cases, &caller.case_caller(), input).await?;
    Ok((StatusCode::CREATED, Json(DecisionResponse::from(decision))))
}
