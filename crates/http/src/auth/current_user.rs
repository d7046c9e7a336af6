use std::ops::Deref;

use axum::extract::FromRequestParts;
use axum::http::{Method, header, request::Parts};
use nido_cases::audit_log::CallerSlot;
use nido_cases::auth::{self, Session};
use nido_domain::Role;

use crate::error::ApiError;
use crate::state::AppState;

/// The session behind the request's bearer token. Extracting it answers
/// 401 when the token is missing, unknown, expired or revoked. It reads as
/// the session it wraps (`caller.user`, `caller.token_hash()`).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Session);

impl Deref for CurrentUser {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.0
    }
}

impl CurrentUser {
    /// 403 unless the user has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        Ok(self.case_caller().require(roles)?)
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    /// The caller as the use cases know her.
    pub fn case_caller(&self) -> nido_cases::Caller {
        self.0.caller()
    }
}

impl CurrentUser {
    /// Leaves the caller's id in the request's [`CallerSlot`], for the
    /// audit of refused requests around the handler.
    pub fn fill_slot(&self, parts: &Parts) {
        if let Some(slot) = parts.extensions.get::<CallerSlot>() {
            slot.fill(self.user.id);
        }
    }
}

/// What the head office may call (it writes nothing): a read, or a call
/// on its own account and session (`/me/…`, `/auth/…`). Every use case
/// refuses it a write by its role too; this gate answers 403 before the
/// body is read.
fn reads_or_own_account(parts: &Parts) -> bool {
    // Inside the `/api/v1` router the prefix is already stripped.
    let path = parts.uri.path();
    parts.method == Method::GET
        || parts.method == Method::HEAD
        || path == "/me"
        || path.starts_with("/me/")
        || path.starts_with("/auth/")
}

/// The two calls an account whose password was set by someone else may make.
fn changes_password_or_leaves(parts: &Parts) -> bool {
    // Inside the `/api/v1` router the prefix is already stripped.
    let path = parts.uri.path();
    (parts.method == Method::PUT && path.ends_with("/me/password"))
        || (parts.method == Method::POST && path.ends_with("/auth/logout"))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|token| !token.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        let caller = auth::resolve_session(&state.cases, token)
            .await?
            .map(CurrentUser)
            .ok_or(ApiError::Unauthorized)?;
        caller.fill_slot(parts);
        if caller.user.must_change_password && !changes_password_or_leaves(parts) {
            return Err(ApiError::PasswordChangeRequired);
        }
        if auth::enrolment_required(&state.cases, &caller.user)
            && !super::mfa::enrols_or_leaves(&parts.method, parts.uri.path())
        {
            return Err(ApiError::MfaEnrolmentRequired);
        }
        if caller.user.role == Role::HeadOffice && !reads_or_own_account(parts) {
            return Err(ApiError::Forbidden);
        }
        Ok(caller)
    }
}
