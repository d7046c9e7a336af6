//! `POST /auth/login` and `POST /auth/logout`.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::{HeaderMap, StatusCode, request::Parts};
use chrono::{DateTime, Utc};
use nido_domain::{Counter, Email};
use nido_persistence::login_throttle;
use nido_persistence::{sessions, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use validator::Validate;

use super::device::{
    DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECS, device_cookie, known_device, new_device_cookie,
};
use super::{CurrentUser, hash_token, new_token};
use crate::error::{ApiError, Result};
use crate::extract::ValidJson;
use crate::state::AppState;
use crate::users::UserResponse;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .merge(super::mfa::router())
}

#[derive(Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    #[validate(length(max = 254, message = "must be at most 254 characters"))]
    #[schema(example = "admin@nido.local", max_length = 254)]
    pub email: String,
    #[validate(length(max = 1024, message = "must be at most 1024 characters"))]
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

/// The client's address, as throttling counts it: the peer, or behind
/// trusted proxies the entry of `X-Forwarded-For` that the outermost of them
/// added (entries further left are whatever the client sent).
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        let forwarded = state
            .auth
            .trust_forwarded_for
            .then(|| forwarded_client(&parts.headers, state.auth.trusted_proxies))
            .flatten();
        Ok(ClientAddress(
            forwarded.or(peer).unwrap_or_else(|| "unknown".to_owned()),
        ))
    }
}

/// The entry `trusted_proxies` places from the right of all the
/// `X-Forwarded-For` headers, or the leftmost when there are fewer.
fn forwarded_client(headers: &HeaderMap, trusted_proxies: u32) -> Option<String> {
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    let from_right = usize::try_from(trusted_proxies.max(1)).unwrap_or(1);
    let index = entries.len().saturating_sub(from_right);
    entries
        .get(index)
        .map(|entry| entry.chars().take(64).collect())
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
async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ValidJson(body): ValidJson<LoginRequest>,
) -> Result<(HeaderMap, Json<LoginAnswer>)> {
    let device = state.cookies.read(&headers, DEVICE_COOKIE);
    let outcome = log_in(
        &state,
        &address,
        device.as_deref(),
        &body.email,
        &body.password,
    )
    .await?;
    let mut answer_headers = HeaderMap::new();
    let answer = match outcome {
        LoginOutcome::Session(session) => {
            LoginAnswer::Session(LoginResponse::of(&state, session, &mut answer_headers))
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
    pub(super) fn of(state: &AppState, session: NewSession, headers: &mut HeaderMap) -> Self {
        session.leave_device_cookie(state, headers);
        LoginResponse {
            token: session.token,
            expires_at: session.expires_at,
            idle_timeout_seconds: state.auth.session_lifetime().idle.num_seconds(),
            user: UserResponse::from(session.user),
            account_locked_at: session.account_locked_at,
        }
    }
}

/// Where a right password leads.
pub enum LoginOutcome {
    Session(NewSession),
    /// The account has a second factor: the challenge to finish with a code.
    SecondFactor {
        challenge: String,
        expires_at: DateTime<Utc>,
    },
}

// Never derive Debug with the challenge in it.
impl std::fmt::Debug for LoginOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoginOutcome::Session(session) => session.fmt(f),
            LoginOutcome::SecondFactor { .. } => f.write_str("SecondFactor"),
        }
    }
}

/// A session just opened by [`log_in`]: its token (given to the client
/// once, kept only hashed) and whose it is.
pub struct NewSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: nido_domain::User,
    /// The device cookie to leave: the one the attempt carried, renewed, or
    /// a new device's.
    pub device_cookie: String,
    /// When the account was locked from everywhere, if its owner was not
    /// told yet: she is told now.
    pub account_locked_at: Option<DateTime<Utc>>,
}

impl NewSession {
    /// Adds the device cookie's `Set-Cookie` to an answer's headers.
    pub fn leave_device_cookie(&self, state: &AppState, headers: &mut HeaderMap) {
        state.cookies.append(
            headers,
            DEVICE_COOKIE,
            Some(&self.device_cookie),
            Some(DEVICE_COOKIE_MAX_AGE_SECS),
        );
    }
}

// Never derive Debug with the token in it.
impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("user_id", &self.user.id)
            .finish_non_exhaustive()
    }
}

/// Checks `email` and `password` from `address` and opens a session, or a
/// second-factor challenge when the account has one: the one login of the
/// API (`POST /auth/login`) and of the web pages alike.
/// The attempt is counted before the password is looked at (429
/// `TooManyRequests` past a limit): with `device`, a device cookie of the
/// account tried, on that device alone, else by account and address; an
/// unknown email, a wrong password and a disabled account all answer
/// `InvalidCredentials` in about the same time. Every attempt is audited
/// (`auth.login`, `auth.login_failed`, `auth.login_throttled`, and
/// `auth.account_locked` when the account's limit from everywhere trips).
pub async fn log_in(
    state: &AppState,
    address: &str,
    device: Option<&str>,
    email: &str,
    password: &str,
) -> Result<LoginOutcome> {
    let now = state.now();
    let settings = &state.auth;
    let email_key: String = email.trim().to_lowercase().chars().take(254).collect();
    let resource = format!("/auth/login from {address}");
    let credentials = match Email::parse(email) {
        Ok(email) => users::find_credentials(&state.db, &email).await?,
        Err(_) => None,
    };
    // The account tried, if it exists; for the audit log the nil UUID
    // stands for none.
    let owner = credentials.as_ref().map(|(user, _)| user.id);
    let tried = owner.unwrap_or(Uuid::nil());

    let (counters, known) = attempt_counters(state, owner, device, &email_key, address);
    // Count the attempt before looking at the password: of many parallel
    // guesses, only as many as the limits allow are ever verified.
    let counters = match count_in(state, counters, owner).await {
        Ok(counters) => counters,
        Err(refused @ ApiError::TooManyRequests { .. }) => {
            state
                .audit_as(tried, "auth.login_throttled", None, &resource)
                .await?;
            tracing::warn!("login throttled");
            return Err(refused);
        }
        Err(other) => return Err(other),
    };

    let hash = credentials.as_ref().map(|(_, hash)| hash.as_str());
    let password_ok = state.passwords.verify(password, hash).await?;
    let user = match credentials {
        Some((user, _)) if password_ok && user.active => user,
        _ => {
            login_throttle::prune(&state.writer, now - settings.throttle().longest_window())
                .await?;
            state
                .audit_as(tried, "auth.login_failed", None, &resource)
                .await?;
            tracing::info!("login failed");
            return Err(ApiError::InvalidCredentials);
        }
    };

    // Successes never count; the owner's success from this address (or
    // device) also clears the failures made from it.
    forget_failures(state, &counters).await?;
    if user.mfa_enrolled {
        let (challenge, expires_at) = super::mfa::open_challenge(state, &user).await?;
        state
            .audit_as(user.id, "auth.mfa_challenge", None, &resource)
            .await?;
        return Ok(LoginOutcome::SecondFactor {
            challenge,
            expires_at,
        });
    }
    Ok(LoginOutcome::Session(
        open_session(state, user, known, &resource).await?,
    ))
}

/// The counters of an attempt on `email_key` from `address`, and the
/// device it came from when it carries a valid device cookie of `owner`:
/// a device the account's owner signed in from before counts its own
/// failures alone; anything else counts by account and address.
pub(super) fn attempt_counters(
    state: &AppState,
    owner: Option<Uuid>,
    device: Option<&str>,
    email_key: &str,
    address: &str,
) -> (Counters, Option<String>) {
    let known = owner
        .zip(device)
        .and_then(|(user_id, cookie)| known_device(&state.server_key, user_id, cookie));
    let throttle = state.auth.throttle();
    let counters = match &known {
        Some(device) => vec![throttle.device_counter(owner.unwrap_or(Uuid::nil()), device)],
        None => throttle.counters(email_key, address).to_vec(),
    };
    (counters, known)
}

/// Opens a session for `user`, whose credentials were checked (from the
/// device `known`, if she signed in from it before), and audits the login
/// (`auth.login`).
pub(super) async fn open_session(
    state: &AppState,
    user: nido_domain::User,
    known: Option<String>,
    resource: &str,
) -> Result<NewSession> {
    let now = state.now();
    let token = new_token()?;
    let token_hash = hash_token(&token);
    let lifetime = state.auth.session_lifetime();
    let expires_at =
        sessions::create(&state.writer, user.id, token_hash.clone(), now, lifetime).await?;
    sessions::prune(&state.writer, now, lifetime).await?;
    let account_locked_at =
        login_throttle::tell_lock(&state.writer, user.id, &token_hash, now).await?;
    let device_cookie = match known {
        Some(device) => device_cookie(&state.server_key, user.id, &device),
        None => new_device_cookie(&state.server_key, user.id)?,
    };
    state
        .audit_as(user.id, "auth.login", None, resource)
        .await?;
    tracing::info!(user_id = %user.id, "logged in");
    Ok(NewSession {
        token,
        expires_at,
        user,
        device_cookie,
        account_locked_at,
    })
}

/// The counters an attempt bumped.
pub(super) type Counters = Vec<Counter>;

/// Counts an attempt on `email` from `address` in its three counters, before
/// any password is checked; 429 (the attempt taken back) past a limit.
/// `owner` is the account tried, if it exists: she and the admins are told
/// when its limit from everywhere trips.
pub(super) async fn count_attempt(
    state: &AppState,
    email: &str,
    address: &str,
    owner: Option<Uuid>,
) -> Result<Counters> {
    let counters = state.auth.throttle().counters(email, address).to_vec();
    count_in(state, counters, owner).await
}

/// Counts an attempt in `counters`; 429 (the attempt taken back) past a limit.
pub(super) async fn count_in(
    state: &AppState,
    counters: Counters,
    owner: Option<Uuid>,
) -> Result<Counters> {
    let now = state.now();
    let mut wait = None;
    let mut locked_window = None;
    for counter in &counters {
        let counted =
            login_throttle::count(&state.writer, &counter.key, now, counter.limit.window).await?;
        let refusal = counter
            .limit
            .refusal(counted.failures, counted.window_start, now);
        if refusal.is_some() && counter.locks_account {
            locked_window = Some(counted.window_start);
        }
        wait = wait.max(refusal);
    }
    let Some(wait) = wait else {
        return Ok(counters);
    };
    uncount_all(state, &counters).await?;
    if let Some((user_id, window_start)) = owner.zip(locked_window) {
        note_lock(state, user_id, window_start).await?;
    }
    // Whole seconds, rounded up, at least one.
    let secs = u64::try_from((wait.num_milliseconds() + 999) / 1000)
        .unwrap_or(0)
        .max(1);
    Err(ApiError::TooManyRequests {
        retry_after_secs: secs,
    })
}

/// The limit of `user_id`'s account from everywhere tripped in the window
/// opened at `window_start`: the first time in that window, an audit entry
/// in her name (the admins read it; she is told at her next sign-in).
async fn note_lock(state: &AppState, user_id: Uuid, window_start: DateTime<Utc>) -> Result<()> {
    if login_throttle::record_lock(&state.writer, user_id, window_start, state.now()).await? {
        state
            .audit_as(
                user_id,
                "auth.account_locked",
                None,
                &format!("/users/{user_id}"),
            )
            .await?;
        tracing::warn!(%user_id, "account locked from everywhere");
    }
    Ok(())
}

/// Takes an attempt back from its counters: refused, or its password right.
async fn uncount_all(state: &AppState, counters: &[Counter]) -> Result<()> {
    for counter in counters {
        login_throttle::uncount(&state.writer, &counter.key).await?;
    }
    Ok(())
}

/// The password was right: the attempt is taken back, and the failures
/// counted against the account from this address (or on this device) are
/// forgotten.
pub(super) async fn forget_failures(state: &AppState, counters: &Counters) -> Result<()> {
    uncount_all(state, counters).await?;
    if let Some(first) = counters.first() {
        login_throttle::forget(&state.writer, &first.key).await?;
    }
    Ok(())
}

/// When the caller's account was locked from everywhere before she opened
/// this session, the first time it is asked (the web home page tells her
/// once); `None` otherwise.
pub async fn take_lock_notice(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Option<DateTime<Utc>>> {
    let (user_id, session) = (caller.user.id, caller.token_hash());
    Ok(login_throttle::take_lock_notice(&state.db, &state.writer, user_id, session).await?)
}

/// Log out: the token stops working at once.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Logged out")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
async fn logout(State(state): State<AppState>, caller: CurrentUser) -> Result<StatusCode> {
    log_out(&state, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends the caller's session at once and audits it (`auth.logout`): the
/// API's logout and the web pages' sign-out alike.
pub async fn log_out(state: &AppState, caller: &CurrentUser) -> Result<()> {
    sessions::delete(&state.writer, &caller.token_hash).await?;
    state
        .audit(caller, "auth.logout", None, "/auth/logout")
        .await
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use nido_domain::{Clock, DisplayName, NewPassword, Profession, Role};
    use tower::ServiceExt;

    use super::*;
    use crate::auth::AuthSettings;

    /// The application over a fresh in-memory database, with one account.
    async fn state_with_awa() -> AppState {
        let db = nido_persistence::connect("sqlite::memory:", 1)
            .await
            .expect("database");
        nido_persistence::migrate(&db).await.expect("migrated");
        nido_persistence::migrate_audit(&db)
            .await
            .expect("migrated");
        let cases = nido_cases::Cases {
            db: db.clone(),
            writer: db.clone(),
            audit_log: nido_persistence::audit::AuditWriter::spawn(db.clone(), db.clone()),
            audit_db: db,
            clock: Clock::Fixed(Utc::now()),
            time_zone: chrono_tz::Europe::Paris,
            report_lead_days: 30,
            authorized_places: 20,
            daily_rate_cents: 0,
            calendar_valid_days: 365,
        };
        let security = crate::state::Security {
            server_key: crate::auth::ServerKey::random().expect("key"),
            cookies: crate::auth::CookiePolicy::default(),
        };
        let state = AppState::new(cases, AuthSettings::default(), security).expect("state");
        let password = NewPassword::parse("lanterne-violon-gravier-47", &[]).expect("strong");
        let new = users::NewUser {
            email: Email::parse("awa@nido.example").expect("email"),
            display_name: DisplayName::parse("Awa").expect("name"),
            role: Role::Staff,
            profession: Profession::SocialWorker,
            password_hash: state.passwords.hash(&password).await.expect("hash"),
            must_change_password: false,
        };
        users::insert(&state.writer, new, state.now())
            .await
            .expect("inserted");
        state
    }

    async fn login(state: &AppState, email: &str, password: &str) -> StatusCode {
        let body = serde_json::json!({"email": email, "password": password}).to_string();
        let request = Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .expect("request");
        crate::app(state.clone())
            .oneshot(request)
            .await
            .expect("answer")
            .status()
    }

    #[tokio::test]
    async fn an_unknown_email_costs_one_verification_against_the_dummy_hash() {
        let state = state_with_awa().await;
        let dummy = state.passwords.dummy_hash().to_owned();
        let own = state.passwords.verified();
        assert!(own.is_empty(), "nothing verified yet");

        let wrong = login(&state, "awa@nido.example", "not-the-password-at-all").await;
        assert_eq!(wrong, StatusCode::UNAUTHORIZED);
        let after_wrong = state.passwords.verified();
        assert_eq!(after_wrong.len(), 1, "a wrong password: one verification");
        assert_ne!(after_wrong[0], dummy, "against her own hash");

        for unknown in ["nobody@nido.example", "not an email"] {
            let answer = login(&state, unknown, "not-the-password-at-all").await;
            assert_eq!(answer, StatusCode::UNAUTHORIZED, "{unknown}");
        }
        let verified = state.passwords.verified();
        assert_eq!(
            verified[1..],
            [dummy.clone(), dummy],
            "one verification each, against the dummy"
        );
    }
}
