//! One's own account: sessions and password (`/me/sessions`, `/me/password`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use nido_cases::{auth, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ClientAddress, CurrentUser};
use crate::error::Result;
use crate::extract::{ApiPath, JsonBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// When it stops working if unused.
    pub expires_at: DateTime<Utc>,
    /// The session of this very request.
    pub current: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Sessions {
    pub items: Vec<SessionResponse>,
}

/// The caller's live sessions, newest first.
#[utoipa::path(get, path = "/me/sessions", tag = "users",
    responses((status = 200, description = "The caller's sessions", body = Sessions)))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn my_sessions(
    State(state): State<AppState>,
    caller: CurrentUser,
) -> Result<Json<Sessions>> {
    let rows = users::own_sessions(
        &state.cases,
        &caller.case_caller(),
        state.cases.auth.policy.session_lifetime,
    )
    .await?;
    Ok(Json(Sessions {
        items: rows
            .into_iter()
            .map(|row| SessionResponse {
                id: row.id,
                created_at: row.created_at,
                last_seen_at: row.last_seen_at,
                expires_at: row.expires_at,
                current: row.token_hash == caller.token_hash(),
            })
            .collect(),
    }))
}

/// End one of the caller's sessions (a phone left somewhere, say).
#[utoipa::path(delete, path = "/me/sessions/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 204, description = "The session ended"),
        (status = 404, description = "No such session of yours", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn end_session(
    State(state): State<AppState>,
    caller: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    users::end_own_session(&state.cases, &caller.case_caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(max_length = 1024)]
    pub current_password: String,
    /// 12 to 128 characters, not easy to guess, not the current one.
    #[schema(min_length = 12, max_length = 128)]
    pub new_password: String,
}

// Never derive Debug with passwords in it.
impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordChange").finish_non_exhaustive()
    }
}

/// Change one's own password. The current password is required, and wrong
/// guesses are throttled like failed logins; every other session ends.
/// This is also how a password set by an admin is replaced.
#[utoipa::path(put, path = "/me/password", tag = "users", request_body = PasswordChange,
    responses((status = 204, description = "Changed; the other sessions ended"),
        (status = 429, description = "Too many wrong passwords", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    caller: CurrentUser,
    ClientAddress(address): ClientAddress,
    JsonBody(body): JsonBody<PasswordChange>,
) -> Result<StatusCode> {
    auth::change_own_password(
        &state.cases,
        &caller,
        &address,
        &body.current_password,
        &body.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
