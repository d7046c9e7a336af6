//! The sites of the installation: `POST /sites`, `GET /sites`,
//! `GET /sites/{id}`, `PATCH /sites/{id}` (SPEC "Several centres in one installation").

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use nido_cases::sites;
use nido_domain::site::{Site, SiteInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::extract::{ApiPath, JsonBody};
use crate::gate::{Admins, Allowed};
use crate::state::AppState;
use crate::versioning::{IfMatch, created, versioned};

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteResponse {
    pub id: Uuid,
    pub name: String,
    /// As the site's papers print it; its town (after the postal code)
    /// is where they are signed.
    pub address: String,
    pub director: String,
    /// The places the département authorised: the activity report's
    /// occupancy is family-days over places × days.
    pub authorized_places: u32,
    /// The prix de journée in cents; 0 while not set. The billing
    /// statement's amounts are days × this.
    pub daily_rate_cents: i64,
    pub version: i32,
}

impl From<Site> for SiteResponse {
    fn from(site: Site) -> Self {
        Self {
            id: site.id,
            name: site.name,
            address: site.address,
            director: site.director,
            authorized_places: site.authorized_places,
            daily_rate_cents: site.daily_rate_cents,
            version: site.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Sites {
    pub items: Vec<SiteResponse>,
}

/// A change to a site: each field optional.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(min_length = 1, max_length = 300)]
    pub address: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub director: Option<String>,
    #[schema(minimum = 1, maximum = 10000)]
    pub authorized_places: Option<i64>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub daily_rate_cents: Option<i64>,
}

impl From<SiteRequest> for SiteInput {
    fn from(request: SiteRequest) -> Self {
        Self {
            name: request.name,
            address: request.address,
            director: request.director,
            authorized_places: request.authorized_places,
            daily_rate_cents: request.daily_rate_cents,
        }
    }
}

/// A new site: its name, address and director (as its papers print
/// them), its authorised places, and its prix de journée.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSiteRequest {
    #[schema(min_length = 1, max_length = 100, example = "Centre maternel d'Ivry")]
    pub name: String,
    #[schema(
        min_length = 1,
        max_length = 300,
        example = "12 rue des Tilleuls, 94200 Ivry-sur-Seine"
    )]
    pub address: String,
    #[schema(min_length = 1, max_length = 100)]
    pub director: String,
    #[schema(minimum = 1, maximum = 10000)]
    pub authorized_places: i64,
    /// In cents; absent: 0 until set.
    #[schema(minimum = 0, maximum = 1000000)]
    pub daily_rate_cents: Option<i64>,
}

impl From<NewSiteRequest> for SiteInput {
    fn from(request: NewSiteRequest) -> Self {
        Self {
            name: Some(request.name),
            address: Some(request.address),
            director: Some(request.director),
            authorized_places: Some(request.authorized_places),
            daily_rate_cents: request.daily_rate_cents,
        }
    }
}

/// Make a site (admin). The admin who makes it belongs to it; she gives
/// it to the accounts of its team (`site_ids` on `POST`/`PATCH /users`).
/// Its crèche has the default settings until changed. Audited.
#[utoipa::path(post, path = "/sites", tag = "sites", request_body = NewSiteRequest,
    responses((status = 201, description = "The site", body = SiteResponse),
        (status = 409, description = "Another site has this name (`site_name_taken`)", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn create_site(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    JsonBody(body): JsonBody<NewSiteRequest>,
) -> Result<impl IntoResponse> {
    let site = sites::create(&state.cases, &caller.case_caller(), body.into()).await?;
    Ok(created(site.version, SiteResponse::from(site)))
}

/// The sites, by name (any user). An installation has one at least: the
/// first is made from the settings `centre.*` and
/// `billing.daily_rate_cents` at the first start.
#[utoipa::path(get, path = "/sites", tag = "sites",
    responses((status = 200, description = "The sites", body = Sites)))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn list_sites(
    State(state): State<AppState>,
    caller: CurrentUser,
) -> Result<Json<Sites>> {
    let items = sites::list(&state.cases, &caller.case_caller()).await?;
    Ok(Json(Sites {
        items: items.into_iter().map(SiteResponse::from).collect(),
    }))
}

/// One site (any user), with its version as `ETag`.
#[utoipa::path(get, path = "/sites/{id}", tag = "sites", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The site", body = SiteResponse),
        (status = 404, description = "No such site", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn get_site(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    let site = sites::site(&state.cases, &caller.case_caller(), id).await?;
    Ok(versioned(site.version, SiteResponse::from(site)))
}

/// Change a site (admin): its name, address and director (as its papers
/// say), its authorised places and its prix de journée, read by the
/// activity report and the billing statement from then on. Accepts
/// `If-Match`. Audited.
#[utoipa::path(patch, path = "/sites/{id}", tag = "sites", request_body = SiteRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, description = "The site", body = SiteResponse),
        (status = 409, description = "Another site has this name (`site_name_taken`)", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn update_site(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected): IfMatch,
    JsonBody(body): JsonBody<SiteRequest>,
) -> Result<impl IntoResponse> {
    let site = sites::update(
        &state.cases,
        &caller.case_caller(),
        id,
        expected,
        body.into(),
    )
    .await?;
    Ok(versioned(site.version, SiteResponse::from(site)))
}
