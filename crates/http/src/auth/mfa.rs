//! The second factor's routes: enrolment (`/me/mfa/totp`, then
//! `/me/mfa/totp/confirm`), the login's second step (`/auth/login/mfa`),
//! removing one's own factor (`DELETE /me/mfa`) and an admin's reset
//! (`DELETE /users/{id}/mfa`). `nido_cases::auth` does the work.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use nido_cases::auth::{self, DEVICE_COOKIE, Origin};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::routes::LoginResponse;
use super::{ClientAddress, CurrentUser};
use crate::error::Result;
use crate::extract::{ApiPath, JsonBody};
use crate::gate::{Admins, Allowed};
use crate::state::AppState;

/// The paths an account that must enrol may still use (inside `/api/v1`).
pub(super) fn enrols_or_leaves(method: &axum::http::Method, path: &str) -> bool {
    use axum::http::Method;
    (*method == Method::POST
        && (path.ends_with("/me/mfa/totp")
            || path.ends_with("/me/mfa/totp/confirm")
            || path.ends_with("/auth/logout")))
        || (*method == Method::PUT && path.ends_with("/me/password"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// The shared secret, base32, for typing into an authenticator app
    /// (e.g. `oathtool --totp -b SECRET`).
    pub secret: String,
    /// The same, as an `otpauth://totp/` URL (what the QR code holds).
    pub otpauth_url: String,
}

/// Start enrolling a TOTP authenticator: a new secret, pending until
/// `POST /me/mfa/totp/confirm` proves the app holds it. 409
/// `mfa_already_enrolled` when the account has a factor.
#[utoipa::path(post, path = "/me/mfa/totp", tag = "auth",
    responses((status = 201, description = "A pending secret", body = TotpEnrolment),
        (status = 409, description = "The account already has a factor", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn start_enrolment(
    State(state): State<AppState>,
    caller: CurrentUser,
) -> Result<(StatusCode, Json<TotpEnrolment>)> {
    let enrolment = auth::begin_enrolment(&state.cases, &caller).await?;
    let enrolment = TotpEnrolment {
        secret: enrolment.secret,
        otpauth_url: enrolment.otpauth_url,
    };
    Ok((StatusCode::CREATED, Json(enrolment)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// The 6 digits the authenticator shows now.
    #[schema(max_length = 64, example = "123456")]
    pub code: String,
}

// Never print a code.
impl std::fmt::Debug for CodeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeRequest").finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Ten one-time codes, shown once: each replaces a TOTP code once, when
    /// the phone is lost. Keep them somewhere safe.
    pub recovery_codes: Vec<String>,
}

/// Confirm the enrolment with a first code: the factor is on, and the
/// answer gives the ten recovery codes (shown this once). A wrong code is
/// 422 on `code`, counted like a failed login.
#[utoipa::path(post, path = "/me/mfa/totp/confirm", tag = "auth", request_body = CodeRequest,
    responses((status = 200, description = "The factor is on", body = RecoveryCodes),
        (status = 409, description = "No enrolment waiting for a code", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong codes", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn confirm_enrolment(
    State(state): State<AppState>,
    caller: CurrentUser,
    ClientAddress(address): ClientAddress,
    JsonBody(body): JsonBody<CodeRequest>,
) -> Result<Json<RecoveryCodes>> {
    let recovery_codes =
        auth::finish_enrolment(&state.cases, &caller, &address, &body.code).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveFactor {
    #[schema(max_length = 1024)]
    pub current_password: String,
    /// A code of the authenticator, or a recovery code.
    #[schema(max_length = 64)]
    pub code: String,
}

// Never print a password or a code.
impl std::fmt::Debug for RemoveFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoveFactor").finish_non_exhaustive()
    }
}

/// Remove one's own second factor, with the current password and a code
/// (each wrong one is 422 on its field, counted like a failed login). A
/// role that requires a factor must enrol again before anything else.
#[utoipa::path(delete, path = "/me/mfa", tag = "auth", request_body = RemoveFactor,
    responses((status = 204, description = "The factor is removed"),
        (status = 409, description = "The account has no factor", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong attempts", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn remove_own_factor(
    State(state): State<AppState>,
    caller: CurrentUser,
    ClientAddress(address): ClientAddress,
    JsonBody(body): JsonBody<RemoveFactor>,
) -> Result<StatusCode> {
    auth::remove_own_factor(
        &state.cases,
        &caller,
        &address,
        &body.current_password,
        &body.code,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondStep {
    /// What `POST /auth/login` answered in `challenge`.
    #[schema(max_length = 128)]
    pub challenge: String,
    /// The 6 digits the authenticator shows now, or a recovery code.
    #[schema(max_length = 64, example = "123456")]
    pub code: String,
}

// Never print a challenge or a code.
impl std::fmt::Debug for SecondStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecondStep").finish_non_exhaustive()
    }
}

/// Finish a login with the second factor: the challenge the password
/// opened and a code (TOTP, or a recovery code). A wrong code is 401
/// `invalid_code` and counted like a failed login (429 past the limits; on
/// the device alone when it sends the account's device cookie back); an
/// unknown or expired challenge is 401 `invalid_credentials`. The session
/// leaves the device cookie, as a login does.
#[utoipa::path(post, path = "/auth/login/mfa", tag = "auth", request_body = SecondStep, security(()),
    responses(
        (status = 200, description = "Logged in", body = LoginResponse,
            headers(("Set-Cookie" = String, description = "The device cookie, as `POST /auth/login` leaves it"))),
        (status = 401, description = "Wrong code, or no such challenge", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait")))))]
#[tracing::instrument(skip_all)]
pub(crate) async fn login_second_step(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SecondStep>,
) -> Result<(HeaderMap, Json<LoginResponse>)> {
    let device = super::cookies::read(state.cookies, &headers, DEVICE_COOKIE);
    let origin = Origin {
        address: &address,
        device: device.as_deref(),
    };
    let session = auth::complete_login(&state.cases, origin, &body.challenge, &body.code).await?;
    let mut answer_headers = HeaderMap::new();
    let answer = LoginResponse::of(&state, session, &mut answer_headers).await?;
    Ok((answer_headers, Json(answer)))
}

/// Reset a user's second factor (admin): her secret and recovery codes
/// go, every session of hers ends, and she must enrol again at her next
/// login if her role requires a factor. Audited (`user.mfa_reset`). Not
/// one's own: 409 `use_me_mfa` (`DELETE /me/mfa` is the way).
#[utoipa::path(delete, path = "/users/{id}/mfa", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 204, description = "The factor is reset"),
        (status = 404, description = "No such user", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The caller's own factor: `use_me_mfa`", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn reset_factor(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    auth::reset_user_factor(&state.cases, &caller.case_caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
