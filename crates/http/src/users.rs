//! User accounts, managed by admins; `GET /me` for everyone.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use nido_cases::users as cases;
use nido_domain::user::{UserEdit, UserInput};
use nido_domain::{Profession, Role, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::extract::{ApiPath, JsonBody, ValidQuery};
use crate::gate::{Admins, Allowed};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::versioning::{IfMatch, etag, versioned};

/// A user as the API shows it. The password hash is never shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    #[schema(schema_with = crate::schema::role)]
    pub role: Role,
    #[schema(schema_with = crate::schema::profession)]
    pub profession: Profession,
    pub active: bool,
    /// The password was set by someone else: every call but
    /// `PUT /me/password` and logout answers 403 until it is changed.
    pub must_change_password: bool,
    /// The sites she belongs to: she reads their families only.
    pub site_ids: Vec<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl UserResponse {
    pub fn of(user: User, site_ids: Vec<Uuid>) -> Self {
        Self {
            id: user.id,
            email: user.email.as_str().to_owned(),
            display_name: user.display_name.as_str().to_owned(),
            role: user.role,
            profession: user.profession,
            active: user.active,
            must_change_password: user.must_change_password,
            site_ids,
            version: user.version,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[schema(example = "ines.morel@nido.example", format = Email, max_length = 254)]
    pub email: String,
    #[schema(
        example = "Inès Morel",
        min_length = 1,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$",
        max_length = 100
    )]
    pub display_name: String,
    #[schema(schema_with = crate::schema::role)]
    pub role: Role,
    #[schema(schema_with = crate::schema::profession)]
    pub profession: Profession,
    /// 12 to 128 characters, not easy to guess.
    #[schema(
        example = "lanterne-violon-gravier-47",
        min_length = 12,
        max_length = 128
    )]
    pub password: String,
    /// The sites she belongs to (one to 50); absent, the admin's own site
    /// when she belongs to one (else required).
    #[schema(min_items = 1, max_items = 50)]
    pub site_ids: Option<Vec<Uuid>>,
}

/// Never printed: it may carry a password.
impl std::fmt::Debug for CreateUserRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateUserRequest").finish_non_exhaustive()
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[schema(
        min_length = 1,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$",
        max_length = 100
    )]
    pub display_name: Option<String>,
    #[schema(schema_with = crate::schema::role_or_null)]
    pub role: Option<Role>,
    #[schema(schema_with = crate::schema::profession_or_null)]
    pub profession: Option<Profession>,
    /// `false` disables the account and ends its sessions.
    pub active: Option<bool>,
    /// A new password; ends the user's sessions.
    #[schema(min_length = 12, max_length = 128)]
    pub password: Option<String>,
    /// The sites she belongs to from now on, all of them (one to 50).
    /// An admin gives and takes away only the sites she belongs to.
    #[schema(min_items = 1, max_items = 50)]
    pub site_ids: Option<Vec<Uuid>>,
}

/// Never printed: it may carry a password.
impl std::fmt::Debug for UpdateUserRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateUserRequest").finish_non_exhaustive()
    }
}

impl From<CreateUserRequest> for UserInput {
    fn from(body: CreateUserRequest) -> Self {
        UserInput {
            email: body.email,
            display_name: body.display_name,
            role: body.role,
            profession: body.profession,
            password: body.password,
            site_ids: body.site_ids,
        }
    }
}

impl From<UpdateUserRequest> for UserEdit {
    fn from(body: UpdateUserRequest) -> Self {
        UserEdit {
            email: body.email,
            display_name: body.display_name,
            role: body.role,
            profession: body.profession,
            active: body.active,
            password: body.password,
            site_ids: body.site_ids,
        }
    }
}

/// Create a user (admin).
#[utoipa::path(post, path = "/users", tag = "users", request_body = CreateUserRequest,
    responses((status = 201, description = "The new user", body = UserResponse,
        headers(("ETag" = String), ("Location" = String)))))]
#[tracing::instrument(skip_all)]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    JsonBody(body): JsonBody<CreateUserRequest>,
) -> Result<impl IntoResponse> {
    let caller = caller.case_caller();
    let user = cases::create(&state.cases, &caller, body.into()).await?;
    tracing::info!(user_id = %user.id, role = %user.role, "user created");
    let site_ids = cases::sites_of(&state.cases, &caller, user.id).await?;
    let location = format!("/api/v1/users/{}", user.id);
    Ok((
        StatusCode::CREATED,
        etag(user.version),
        [(header::LOCATION, location)],
        Json(UserResponse::of(user, site_ids)),
    ))
}

/// List users (admin), in creation order.
#[utoipa::path(get, path = "/users", tag = "users", params(PageParams),
    responses((status = 200, description = "A page of users", body = Page<UserResponse>)))]
#[tracing::instrument(skip_all)]
pub(crate) async fn list_users(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<UserResponse>>> {
    caller.require(&[Role::Admin])?;
    let caller = caller.case_caller();
    page.read(
        |after, limit| async move {
            let users = cases::list(&state.cases, &caller, after, limit + 1).await?;
            let ids: Vec<Uuid> = users.iter().map(|user| user.id).collect();
            let mut sites = cases::site_ids(&state.cases, &caller, &ids).await?;
            Ok(users
                .into_iter()
                .map(|user| {
                    let site_ids = sites.remove(&user.id).unwrap_or_default();
                    (user, site_ids)
                })
                .collect())
        },
        |(user, _)| user.id,
        |(user, site_ids)| UserResponse::of(user, site_ids),
    )
    .await
}

/// One user (admin).
#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The user", body = UserResponse, headers(("ETag" = String)))))]
#[tracing::instrument(skip_all, fields(user_id = %id))]
pub(crate) async fn get_user(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse> {
    caller.require(&[Role::Admin])?;
    let caller = caller.case_caller();
    let user = cases::user(&state.cases, &caller, id).await?;
    let site_ids = cases::sites_of(&state.cases, &caller, id).await?;
    Ok(versioned(user.version, UserResponse::of(user, site_ids)))
}

/// Change a user (admin): details, role, password, or `active: false` to
/// disable the account. Accepts `If-Match`. Not one's own password or
/// email: 409 `use_me_password` (`PUT /me/password` is the way).
#[utoipa::path(patch, path = "/users/{id}", tag = "users", request_body = UpdateUserRequest,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    responses((status = 200, description = "The changed user", body = UserResponse, headers(("ETag" = String)))))]
#[tracing::instrument(skip_all, fields(user_id = %id))]
pub(crate) async fn update_user(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    ApiPath(id): ApiPath<Uuid>,
    IfMatch(expected_version): IfMatch,
    JsonBody(body): JsonBody<UpdateUserRequest>,
) -> Result<impl IntoResponse> {
    let caller = caller.case_caller();
    let user = cases::change(&state.cases, &caller, id, expected_version, body.into()).await?;
    tracing::info!(user_id = %user.id, "user updated");
    let site_ids = cases::sites_of(&state.cases, &caller, id).await?;
    Ok(versioned(user.version, UserResponse::of(user, site_ids)))
}

/// The caller's own account.
#[utoipa::path(get, path = "/me", tag = "users",
    responses((status = 200, description = "The caller", body = UserResponse)))]
pub(crate) async fn me(
    State(state): State<AppState>,
    caller: CurrentUser,
) -> Result<Json<UserResponse>> {
    let site_ids = cases::sites_of(&state.cases, &caller.case_caller(), caller.0.user.id).await?;
    Ok(Json(UserResponse::of(caller.0.user, site_ids)))
}
