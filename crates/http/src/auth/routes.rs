//! `POST /auth/login` and `POST /auth/logout`.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::{StatusCode, request::Parts};
use chrono::{DateTime, Utc};
use nido_domain::{Email, FailureLimit};
use nido_persistence::login_failures::{self, FailureKey};
use nido_persistence::{sessions, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use validator::Validate;

use super::{CurrentUser, hash_token, new_token};
use crate::error::{ApiError, Result};
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::users::UserResponse;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
}

#[derive(Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    #[validate(length(max = 254, message = "must be at most 254 characters"))]
    #[schema(example = "admin@nido.local")]
    pub email: String,
    #[validate(length(max = 1024, message = "must be at most 1024 characters"))]
    pub password: String,
}

// Never derive Debug with the password in it.
impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest").finish_non_exhaustive()
    }
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// The token stops working at this instant at the latest, and earlier
    /// if unused for `idle_timeout_seconds`.
    pub expires_at: DateTime<Utc>,
    pub idle_timeout_seconds: i64,
    pub user: UserResponse,
}

/// The client's address, as throttling counts it.
pub struct ClientAddress(String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let forwarded = state
            .auth
            .trust_forwarded_for
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(',').next())
            .map(|first| first.trim().to_owned())
            .filter(|first| !first.is_empty());
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        Ok(ClientAddress(
            forwarded.or(peer).unwrap_or_else(|| "unknown".to_owned()),
        ))
    }
}

/// Log in with email and password.
///
/// An unknown email, a wrong password and a disabled account get the same
/// answer in about the same time. Failed logins are throttled per account and
/// per client address (429 with `Retry-After`).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest, security(()),
    responses(
        (status = 200, description = "Logged in", body = LoginResponse),
        (status = 401, description = "Wrong email or password", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed logins", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    ValidJson(body): ValidJson<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    let now = state.now();
    let settings = &state.auth;
    let email_key = body.email.trim().to_lowercase();
    let since = now - settings.failure_window();

    // Throttle before looking at the password: a locked account answers 429
    // whatever is tried, so guessing gains nothing.
    let fetch = |key, limit: FailureLimit| {
        login_failures::recent(&state.db, key, since, u64::from(limit.max_failures))
    };
    let account = fetch(FailureKey::Email(&email_key), settings.account_limit()).await?;
    let by_address = fetch(FailureKey::Address(&address), settings.address_limit()).await?;
    let retry_after = [
        settings.account_limit().retry_after(&account, now),
        settings.address_limit().retry_after(&by_address, now),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(retry_after) = retry_after {
        tracing::warn!("login throttled");
        // Whole seconds, rounded up, at least one.
        let secs = u64::try_from((retry_after.num_milliseconds() + 999) / 1000)
            .unwrap_or(0)
            .max(1);
        return Err(ApiError::TooManyRequests {
            retry_after_secs: secs,
        });
    }

    let credentials = match Email::parse(&body.email) {
        Ok(email) => users::find_credentials(&state.db, &email).await?,
        Err(_) => None,
    };
    let hash = credentials.as_ref().map(|(_, hash)| hash.as_str());
    let password_ok = state.passwords.verify(&body.password, hash).await?;
    let user = match credentials {
        Some((user, _)) if password_ok && user.active => user,
        _ => {
            login_failures::record(&state.db, &email_key, &address, now).await?;
            login_failures::prune(&state.db, since).await?;
            tracing::info!("login failed");
            return Err(ApiError::InvalidCredentials);
        }
    };

    let token = new_token()?;
    let lifetime = settings.session_lifetime();
    let expires_at =
        sessions::create(&state.db, user.id, hash_token(&token), now, lifetime).await?;
    login_failures::clear_email(&state.db, &email_key).await?;
    sessions::prune(&state.db, now, lifetime).await?;
    tracing::info!(user_id = %user.id, "logged in");
    Ok(Json(LoginResponse {
        token,
        expires_at,
        idle_timeout_seconds: lifetime.idle.num_seconds(),
        user: UserResponse::from(user),
    }))
}

/// Log out: the token stops working at once.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Logged out")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
async fn logout(State(state): State<AppState>, caller: CurrentUser) -> Result<StatusCode> {
    sessions::delete(&state.db, &caller.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}
