use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use nido_domain::{Role, User};
use nido_persistence::sessions;

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
        if roles.contains(&self.user.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    pub fn role(&self) -> Role {
        self.user.role
    }
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
        let token_hash = hash_token(token);
        let (user, _) = sessions::authenticate(
            &state.db,
            &token_hash,
            state.now(),
            state.auth.session_lifetime(),
        )
        .await?
        .ok_or(ApiError::Unauthorized)?;
        Ok(CurrentUser { user, token_hash })
    }
}
