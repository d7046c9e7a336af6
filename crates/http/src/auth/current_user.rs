use axum::extract::FromRequestParts;
use std::sync::{Arc, OnceLock};

use axum::http::{Method, header, request::Parts};
use nido_domain::{Role, User};
use nido_persistence::sessions;
use uuid::Uuid;

use super::hash_token;
use crate::error::ApiError;
use crate::state::AppState;

/// The user behind the request's bearer token. Extracting it answers 401 when
/// the token is missing, unknown, expired or revoked.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub(super) token_hash: String,
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
        nido_cases::Caller::of(&self.user)
    }

    /// The user behind a session token (the API's bearer token, or the web
    /// pages' session cookie), with the same timeouts: `None` when the
    /// token is unknown, expired or revoked, or its account disabled. A live
    /// session has its last use recorded. The caller's `must_change_password`
    /// is not checked here: each front answers it its own way.
    pub async fn from_token(state: &AppState, token: &str) -> Result<Option<Self>, ApiError> {
        let token_hash = hash_token(token);
        let found = sessions::authenticate(
            &state.db,
            &state.writer,
            &token_hash,
            state.now(),
            state.auth.session_lifetime(),
        )
        .await?;
        Ok(found.map(|(user, _)| CurrentUser { user, token_hash }))
    }

    /// The SHA-256 of the session's token, as the sessions table keeps it.
    pub fn token_hash(&self) -> &str {
        &self.token_hash
    }
}

/// Where the caller's id is left for the layers around the handler (the
/// audit of refused requests), once the token is checked.
#[derive(Debug, Clone, Default)]
pub struct CallerSlot(pub Arc<OnceLock<Uuid>>);

impl CurrentUser {
    /// Leaves the caller's id in the request's [`CallerSlot`], for the
    /// audit of refused requests around the handler.
    pub fn fill_slot(&self, parts: &Parts) {
        if let Some(CallerSlot(slot)) = parts.extensions.get::<CallerSlot>() {
            let _ = slot.set(self.user.id);
        }
    }
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
        let caller = CurrentUser::from_token(state, token)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        caller.fill_slot(parts);
        if caller.user.must_change_password && !changes_password_or_leaves(parts) {
            return Err(ApiError::PasswordChangeRequired);
        }
        if super::enrolment_required(state, &caller.user)
            && !super::mfa::enrols_or_leaves(&parts.method, parts.uri.path())
        {
            return Err(ApiError::MfaEnrolmentRequired);
        }
        Ok(caller)
    }
}
