//! `POST /auth/login` and `POST /auth/logout`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use nido_cases::auth::{self, DEVICE_COOKIE, LoginOutcome, NewSession, Origin};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ClientAddress, CurrentUser};
use crate::error::Result;
use crate::extract::JsonBody;
use crate::state::AppState;
use crate::users::UserResponse;

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    #[schema(example = "admin@nido.local", max_length = 254)]
    pub email: String,
    #[schema(max_length = 1024)]
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
    /// When the account was locked from everywhere (too many failed logins
    /// from many addresses) since its owner last signed in; null when it
    /// was not. Told once: the next login answers null.
    pub account_locked_at: Option<DateTime<Utc>>,
}

/// What a right password gives: a session, or, for an account with a
/// second factor, a challenge to finish with `POST /auth/login/mfa`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum LoginAnswer {
    Session(LoginResponse),
    SecondFactor(MfaChallenge),
}

#[derive(Serialize, ToSchema)]
pub struct MfaChallenge {
    /// Always true: a code must follow.
    pub mfa_required: bool,
    /// Send it back with the code to `POST /auth/login/mfa`.
    pub challenge: String,
    /// The challenge lapses at this instant.
    pub expires_at: DateTime<Utc>,
}

/// Log in with email and password.
///
/// An unknown email, a wrong password and a disabled account get the same
/// answer in about the same time. Each attempt is counted before the
/// password is checked: 5 failures on one account from one address (an IPv6
/// address counts by its /64), 50 from one address, or 100 on one account
/// from everywhere within their windows answer 429 with `Retry-After`. A
/// login leaves a device cookie (`Set-Cookie`); an attempt that sends it
/// back (`Cookie`) on its account is counted on that device alone (5 in 15
/// minutes), so a lock from everywhere never keeps the owner out of a
/// device she signed in from before. Every attempt is in the audit log. An
/// account with a second factor gets `{mfa_required: true, challenge}`
/// instead of a token: `POST /auth/login/mfa` finishes the login (and
/// leaves the device cookie).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest, security(()),
    responses(
        (status = 200, description = "Logged in, or a code is required", body = LoginAnswer,
            headers(("Set-Cookie" = String, description = "The device cookie (`nido_device`, `__Host-nido_device` outside development): send it back with the account's next logins"))),
        (status = 401, description = "Wrong email or password", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed logins", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
#[tracing::instrument(skip_all)]
pub(crate) async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    JsonBody(body): JsonBody<LoginRequest>,
) -> Result<(HeaderMap, Json<LoginAnswer>)> {
    let device = super::cookies::read(state.cookies, &headers, DEVICE_COOKIE);
    let origin = Origin {
        address: &address,
        device: device.as_deref(),
    };
    let outcome = auth::log_in(&state.cases, origin, &body.email, &body.password).await?;
    let mut answer_headers = HeaderMap::new();
    let answer = match outcome {
        LoginOutcome::Session(session) => {
            LoginAnswer::Session(LoginResponse::of(&state, session, &mut answer_headers).await?)
        }
        LoginOutcome::SecondFactor {
            challenge,
            expires_at,
        } => LoginAnswer::SecondFactor(MfaChallenge {
            mfa_required: true,
            challenge,
            expires_at,
        }),
    };
    Ok((answer_headers, Json(answer)))
}

impl LoginResponse {
    /// The answer of a session just opened; its device cookie left in
    /// `headers`.
    pub(super) async fn of(
        state: &AppState,
        session: NewSession,
        headers: &mut HeaderMap,
    ) -> Result<Self> {
        super::cookies::leave_device_cookie(state.cookies, &session, headers);
        let lifetime = state.cases.auth.policy.session_lifetime;
        let owner = nido_cases::Caller::of(&session.user);
        let site_ids = nido_cases::users::sites_of(&state.cases, &owner, session.user.id).await?;
        Ok(LoginResponse {
            token: session.token,
            expires_at: session.expires_at,
            idle_timeout_seconds: lifetime.idle.num_seconds(),
            user: UserResponse::of(session.user, site_ids),
            account_locked_at: session.account_locked_at,
        })
    }
}

/// Log out: the token stops working at once.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Logged out")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn logout(
    State(state): State<AppState>,
    caller: CurrentUser,
) -> Result<StatusCode> {
    auth::log_out(&state.cases, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}
