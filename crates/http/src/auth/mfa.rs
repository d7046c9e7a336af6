//! The second factor: TOTP (RFC 6238: 6 digits, 30-second steps, one step
//! of skew either way, each code accepted once) and ten one-time recovery
//! codes. Enrolment (`/me/mfa/totp`, then `/me/mfa/totp/confirm`), the
//! login's second step (`/auth/login/mfa`), removing one's own factor
//! (`DELETE /me/mfa`) and an admin's reset (`DELETE /users/{id}/mfa`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, TimeDelta, Utc};
use nido_domain::{Role, User};
use nido_persistence::{mfa, users};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret, Totp};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use validator::Validate;

use super::device::DEVICE_COOKIE;
use super::routes::{
    ClientAddress, LoginResponse, attempt_counters, count_attempt, count_in, forget_failures,
    open_session,
};
use super::{CurrentUser, NewSession, hash_token, new_token};
use crate::error::{ApiError, Result};
use crate::extract::{ApiPath, ValidJson};
use crate::gate::{Admins, Allowed};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_enrolment))
        .routes(routes!(confirm_enrolment))
        .routes(routes!(remove_own_factor))
        .routes(routes!(login_second_step))
        .routes(routes!(reset_factor))
}

/// The name authenticator apps show above the account.
const ISSUER: &str = "nido";
/// How long a right password waits for its code.
const CHALLENGE_LIFETIME: TimeDelta = TimeDelta::minutes(5);
/// Recovery codes given at enrolment.
const RECOVERY_CODES: usize = 10;
/// Random bytes of a TOTP secret: 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// Random bytes of a recovery code: 80 bits, 16 base32 characters.
const RECOVERY_CODE_BYTES: usize = 10;

/// The paths an account that must enrol may still use (inside `/api/v1`).
pub(super) fn enrols_or_leaves(method: &axum::http::Method, path: &str) -> bool {
    use axum::http::Method;
    (*method == Method::POST
        && (path.ends_with("/me/mfa/totp")
            || path.ends_with("/me/mfa/totp/confirm")
            || path.ends_with("/auth/logout")))
        || (*method == Method::PUT && path.ends_with("/me/password"))
}

/// Whether `user` must have a second factor before doing anything else.
pub fn enrolment_required(state: &AppState, user: &User) -> bool {
    !user.mfa_enrolled && state.auth.mfa_required_roles.contains(&user.role)
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|err| ApiError::Internal(anyhow::anyhow!("no randomness: {err}")))?;
    Ok(bytes)
}

/// The RFC 6238 generator of a secret, for the account `email`.
fn generator(secret_base32: &str, email: &str) -> Result<Totp> {
    let secret = Secret::try_from_base32(secret_base32)
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("a stored TOTP secret is not base32")))?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(email.replace(':', ""))
        .build()
        .map_err(|err| ApiError::Internal(anyhow::anyhow!("TOTP generator: {err}")))
}

/// The time step whose code `code` is, within one step of `now`; `None`
/// when it is no such code.
fn matching_step(generator: &Totp, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let time = u64::try_from(now.timestamp()).ok()?;
    generator
        .check(code, time)
        .and_then(|step| i64::try_from(step).ok())
}

/// A recovery code as typed, reduced to its characters: case, spaces and
/// dashes do not matter.
fn normalise_recovery_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn hash_recovery_code(code: &str) -> String {
    let digest = Sha256::digest(normalise_recovery_code(code).as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Ten new recovery codes, `xxxx-xxxx-xxxx-xxxx` in lower-case base32.
fn new_recovery_codes() -> Result<Vec<String>> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw = Secret::from(random_bytes::<RECOVERY_CODE_BYTES>()?.to_vec())
                .to_base32()
                .to_ascii_lowercase();
            let groups: Vec<String> = raw
                .as_bytes()
                .chunks(4)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect();
            Ok(groups.join("-"))
        })
        .collect()
}

/// Checks a code of `user`'s confirmed factor and spends it: a TOTP code
/// of a step not used before, or an unspent recovery code. False otherwise.
async fn spend_code(state: &AppState, user: &User, code: &str) -> Result<bool> {
    let Some(stored) = mfa::totp(&state.writer, user.id).await? else {
        return Ok(false);
    };
    if !stored.confirmed {
        return Ok(false);
    }
    let generator = generator(&stored.secret, user.email.as_str())?;
    if let Some(step) = matching_step(&generator, code, state.now()) {
        return Ok(mfa::accept_step(&state.writer, user.id, step).await?);
    }
    let spent = mfa::spend_recovery_code(
        &state.writer,
        user.id,
        &hash_recovery_code(code),
        state.now(),
    )
    .await?;
    if spent {
        state
            .audit_as(user.id, "auth.recovery_code_used", None, "/auth/mfa")
            .await?;
    }
    Ok(spent)
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
async fn start_enrolment(
    State(state): State<AppState>,
    caller: CurrentUser,
) -> Result<(StatusCode, Json<TotpEnrolment>)> {
    let enrolment = begin_enrolment(&state, &caller).await?;
    Ok((StatusCode::CREATED, Json(enrolment)))
}

/// A new pending secret for the caller: the API's enrolment and the
/// pages' alike.
pub async fn begin_enrolment(state: &AppState, caller: &CurrentUser) -> Result<TotpEnrolment> {
    let secret = Secret::from(random_bytes::<SECRET_BYTES>()?.to_vec()).to_base32();
    let generator = generator(&secret, caller.user.email.as_str())?;
    let otpauth_url = generator
        .to_url()
        .map_err(|err| ApiError::Internal(anyhow::anyhow!("otpauth URL: {err}")))?;
    mfa::start_enrolment(&state.writer, caller.user.id, secret.clone(), state.now()).await?;
    state
        .audit(caller, "mfa.enrolment_start", None, "/me/mfa/totp")
        .await?;
    Ok(TotpEnrolment {
        secret,
        otpauth_url,
    })
}

/// The caller's enrolment waiting for its first code, if any (the pages
/// show its QR code again after a wrong code).
pub async fn pending_enrolment(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Option<TotpEnrolment>> {
    let Some(pending) = mfa::totp(&state.writer, caller.user.id)
        .await?
        .filter(|stored| !stored.confirmed)
    else {
        return Ok(None);
    };
    let otpauth_url = generator(&pending.secret, caller.user.email.as_str())?
        .to_url()
        .map_err(|err| ApiError::Internal(anyhow::anyhow!("otpauth URL: {err}")))?;
    Ok(Some(TotpEnrolment {
        secret: pending.secret,
        otpauth_url,
    }))
}

/// The recovery codes the caller has not spent.
pub async fn recovery_codes_left(state: &AppState, caller: &CurrentUser) -> Result<u64> {
    Ok(mfa::recovery_codes_left(&state.db, caller.user.id).await?)
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// The 6 digits the authenticator shows now.
    #[validate(length(max = 64, message = "must be at most 64 characters"))]
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
async fn confirm_enrolment(
    State(state): State<AppState>,
    caller: CurrentUser,
    ClientAddress(address): ClientAddress,
    ValidJson(body): ValidJson<CodeRequest>,
) -> Result<Json<RecoveryCodes>> {
    let recovery_codes = finish_enrolment(&state, &caller, &address, &body.code).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

/// Confirms the caller's pending secret with `code` (counted like a
/// password, from `address`): the recovery codes, shown once.
pub async fn finish_enrolment(
    state: &AppState,
    caller: &CurrentUser,
    address: &str,
    code: &str,
) -> Result<Vec<String>> {
    let user = &caller.user;
    let pending = mfa::totp(&state.writer, user.id)
        .await?
        .filter(|stored| !stored.confirmed)
        .ok_or(ApiError::conflict(nido_domain::Conflict::MfaNotStarted))?;
    let counters = count_attempt(state, user.email.as_str(), address, Some(user.id)).await?;
    let generator = generator(&pending.secret, user.email.as_str())?;
    let Some(step) = matching_step(&generator, code, state.now()) else {
        state
            .audit(caller, "mfa.enrolment_failed", None, "/me/mfa/totp/confirm")
            .await?;
        return Err(ApiError::invalid(
            "code",
            "is not the code the app shows now",
        ));
    };
    forget_failures(state, &counters).await?;
    let codes = new_recovery_codes()?;
    let hashes = codes.iter().map(|code| hash_recovery_code(code)).collect();
    mfa::confirm(
        &state.writer,
        user.id,
        &pending.secret,
        step,
        hashes,
        state.now(),
    )
    .await?;
    state
        .audit(caller, "mfa.enrol", None, "/me/mfa/totp/confirm")
        .await?;
    tracing::info!("second factor enrolled");
    Ok(codes)
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveFactor {
    #[validate(length(max = 1024, message = "must be at most 1024 characters"))]
    #[schema(max_length = 1024)]
    pub current_password: String,
    /// A code of the authenticator, or a recovery code.
    #[validate(length(max = 64, message = "must be at most 64 characters"))]
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
async fn remove_own_factor(
    State(state): State<AppState>,
    caller: CurrentUser,
    ClientAddress(address): ClientAddress,
    ValidJson(body): ValidJson<RemoveFactor>,
) -> Result<StatusCode> {
    let user = &caller.user;
    if !user.mfa_enrolled {
        return Err(ApiError::conflict(nido_domain::Conflict::MfaNotStarted));
    }
    let counters = count_attempt(&state, user.email.as_str(), &address, Some(user.id)).await?;
    let hash = users::password_hash(&state.writer, user.id).await?;
    if !state
        .passwords
        .verify(&body.current_password, Some(&hash))
        .await?
    {
        state
            .audit(&caller, "mfa.remove_failed", None, "/me/mfa")
            .await?;
        return Err(ApiError::invalid(
            "current_password",
            "is not your password",
        ));
    }
    if !spend_code(&state, user, &body.code).await? {
        state
            .audit(&caller, "mfa.remove_failed", None, "/me/mfa")
            .await?;
        return Err(ApiError::invalid("code", "is not a valid code"));
    }
    forget_failures(&state, &counters).await?;
    mfa::remove(&state.writer, user.id, false).await?;
    state.audit(&caller, "mfa.remove", None, "/me/mfa").await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondStep {
    /// What `POST /auth/login` answered in `challenge`.
    #[validate(length(max = 128, message = "must be at most 128 characters"))]
    #[schema(max_length = 128)]
    pub challenge: String,
    /// The 6 digits the authenticator shows now, or a recovery code.
    #[validate(length(max = 64, message = "must be at most 64 characters"))]
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
async fn login_second_step(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ValidJson(body): ValidJson<SecondStep>,
) -> Result<(HeaderMap, Json<LoginResponse>)> {
    let device = state.cookies.read(&headers, DEVICE_COOKIE);
    let session = complete_login(
        &state,
        &address,
        device.as_deref(),
        &body.challenge,
        &body.code,
    )
    .await?;
    let mut answer_headers = HeaderMap::new();
    let answer = LoginResponse::of(&state, session, &mut answer_headers);
    Ok((answer_headers, Json(answer)))
}

/// Opens a challenge for `user`, whose password was right: the token to
/// send back with the code, and when it lapses.
pub(super) async fn open_challenge(
    state: &AppState,
    user: &User,
) -> Result<(String, DateTime<Utc>)> {
    let challenge = new_token()?;
    let expires_at = state.now() + CHALLENGE_LIFETIME;
    mfa::open_challenge(&state.writer, user.id, hash_token(&challenge), expires_at).await?;
    Ok((challenge, expires_at))
}

/// The second step of a login from `address`: the API's and the pages'.
pub async fn complete_login(
    state: &AppState,
    address: &str,
    device: Option<&str>,
    challenge: &str,
    code: &str,
) -> Result<NewSession> {
    let now = state.now();
    let challenge_hash = hash_token(challenge);
    let resource = format!("/auth/login/mfa from {address}");
    let user = match mfa::challenge_user(&state.writer, &challenge_hash, now).await? {
        Some(user_id) => users::find(&state.writer, user_id).await.ok(),
        None => None,
    };
    let Some(user) = user.filter(|user| user.active) else {
        return Err(ApiError::InvalidCredentials);
    };
    // Counted as the password was: on the owner's known device alone, else
    // by account and address.
    let email_key = user.email.as_str().to_lowercase();
    let (counters, known) = attempt_counters(state, Some(user.id), device, &email_key, address);
    let counters = match count_in(state, counters, Some(user.id)).await {
        Ok(counters) => counters,
        Err(refused @ ApiError::TooManyRequests { .. }) => {
            state
                .audit_as(user.id, "auth.mfa_throttled", None, &resource)
                .await?;
            return Err(refused);
        }
        Err(other) => return Err(other),
    };
    if !spend_code(state, &user, code).await? {
        state
            .audit_as(user.id, "auth.mfa_failed", None, &resource)
            .await?;
        return Err(ApiError::InvalidCode);
    }
    // Two requests with two good codes: one session only.
    if !mfa::close_challenge(&state.writer, &challenge_hash).await? {
        return Err(ApiError::InvalidCredentials);
    }
    forget_failures(state, &counters).await?;
    open_session(state, user, known, &resource).await
}

/// Reset a user's second factor (admin): her secret and recovery codes
/// go, every session of hers ends, and she must enrol again at her next
/// login if her role requires a factor. Audited (`user.mfa_reset`).
#[utoipa::path(delete, path = "/users/{id}/mfa", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 204, description = "The factor is reset"),
        (status = 404, description = "No such user", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
async fn reset_factor(
    State(state): State<AppState>,
    caller: Allowed<Admins>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    reset_user_factor(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An admin resets user `id`'s factor: the API's and the pages' alike.
pub async fn reset_user_factor(state: &AppState, caller: &CurrentUser, id: Uuid) -> Result<()> {
    caller.require(&[Role::Admin])?;
    users::find(&state.writer, id).await?;
    mfa::remove(&state.writer, id, true).await?;
    state
        .audit(caller, "user.mfa_reset", None, &format!("/users/{id}"))
        .await?;
    tracing::info!(target_user = %id, "second factor reset");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).expect("instant")
    }

    /// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" gives
    /// 94287082 at 59 s and 07081804 at 1111111109 s (8 digits); nido uses
    /// the last 6.
    #[test]
    fn codes_follow_rfc_6238() {
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let generator = generator(&secret, "awa@nido.example").expect("generator");
        assert_eq!(matching_step(&generator, "287082", at(59)), Some(1));
        assert_eq!(
            matching_step(&generator, "081804", at(1_111_111_109)),
            Some(1_111_111_109 / 30)
        );
        // One step of skew either way, no more.
        assert_eq!(matching_step(&generator, "287082", at(89)), Some(1));
        assert_eq!(matching_step(&generator, "287082", at(120)), None);
        assert_eq!(matching_step(&generator, "28708", at(59)), None);
        assert_eq!(matching_step(&generator, "abcdef", at(59)), None);
    }

    #[test]
    fn recovery_codes_are_many_distinct_and_typed_loosely() {
        let codes = new_recovery_codes().expect("codes");
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut distinct = codes.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 19, "{code}");
        assert_eq!(
            hash_recovery_code(code),
            hash_recovery_code(&format!(" {} ", code.to_uppercase().replace('-', " ")))
        );
        assert_ne!(hash_recovery_code(code), hash_recovery_code(&codes[1]));
    }

    #[test]
    fn the_otpauth_url_names_nido_and_the_account() {
        let secret =
            Secret::from(random_bytes::<SECRET_BYTES>().expect("bytes").to_vec()).to_base32();
        let url = generator(&secret, "awa@nido.example")
            .expect("generator")
            .to_url()
            .expect("url");
        assert!(
            url.starts_with("otpauth://totp/nido:awa%40nido.example?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={secret}")), "{url}");
        assert!(url.contains("issuer=nido"), "{url}");
    }
}
