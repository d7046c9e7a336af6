//! Mail: the forgotten password (`POST /auth/password-reset`,
//! `POST /auth/password-reset/complete`) and the daily digest's choice
//! (`GET`/`PUT /me/notifications`). With mail off, each answers 409
//! `mail_not_configured` (the completion excepted: a link sent before
//! mail was turned off still works until it lapses).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use nido_cases::mail;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{ClientAddress, CurrentUser};
use crate::error::Result;
use crate::extract::JsonBody;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[schema(example = "awa@centre.example", max_length = 254)]
    pub email: String,
}

/// Ask for a forgotten password's link.
///
/// Always 202, whatever the email: a known, active account is sent a
/// one-time link to `/mot-de-passe/nouveau`, valid 30 minutes; an unknown,
/// disabled or malformed email, or a request past the throttle (3 links
/// an hour per account, 10 requests an hour per address), is sent nothing.
/// Audited.
#[utoipa::path(post, path = "/auth/password-reset", tag = "auth", request_body = PasswordResetRequest, security(()),
    responses(
        (status = 202, description = "Taken: a link is mailed if the account exists and is active"),
        (status = 409, description = "Mail is off (`mail_not_configured`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The email is longer than 254 characters", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
pub(crate) async fn request_password_reset(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    JsonBody(body): JsonBody<PasswordResetRequest>,
) -> Result<StatusCode> {
    mail::request_password_reset(&state.cases, &address, &body.email).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetCompletion {
    /// The `jeton` of the mailed link.
    #[schema(max_length = 100)]
    pub token: String,
    /// 12 to 128 characters, not easy to guess.
    #[schema(min_length = 12, max_length = 128)]
    pub new_password: String,
}

// Never derive Debug with the secrets in it.
impl std::fmt::Debug for PasswordResetCompletion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordResetCompletion")
            .finish_non_exhaustive()
    }
}

/// Choose a new password with a mailed link.
///
/// The link works once, within 30 minutes; every session of the account
/// ends (and its calendar address); the second factor stays: the next
/// login asks for it. A link that expired, was used or was never sent is
/// 422 on `token`. Audited.
#[utoipa::path(post, path = "/auth/password-reset/complete", tag = "auth", request_body = PasswordResetCompletion, security(()),
    responses(
        (status = 204, description = "The password is replaced; log in with it"),
        (status = 422, description = "The link is not valid, or the password too weak", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
pub(crate) async fn complete_password_reset(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<PasswordResetCompletion>,
) -> Result<StatusCode> {
    mail::reset_password(&state.cases, &body.token, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Notifications {
    /// A mail each morning with one's overdue and coming due dates (7
    /// days) and open actions, the mothers by their initials.
    pub daily_digest: bool,
}

/// The caller's mail notifications.
#[utoipa::path(get, path = "/me/notifications", tag = "users",
    responses((status = 200, description = "The caller's choice", body = Notifications),
        (status = 409, description = "Mail is off (`mail_not_configured`)", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn get_notifications(
    State(state): State<AppState>,
    caller: CurrentUser,
) -> Result<Json<Notifications>> {
    let daily_digest = mail::notifications(&state.cases, &caller.case_caller()).await?;
    Ok(Json(Notifications { daily_digest }))
}

/// Choose the daily digest (sent from `mail.digest_hour`, 8 o'clock by
/// default, never twice a day, none when nothing is due). Audited.
#[utoipa::path(put, path = "/me/notifications", tag = "users", request_body = Notifications,
    responses((status = 200, description = "The caller's choice, recorded", body = Notifications),
        (status = 409, description = "Mail is off (`mail_not_configured`)", body = crate::error::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = %caller.user.id))]
pub(crate) async fn put_notifications(
    State(state): State<AppState>,
    caller: CurrentUser,
    JsonBody(body): JsonBody<Notifications>,
) -> Result<Json<Notifications>> {
    let daily_digest =
        mail::set_notifications(&state.cases, &caller.case_caller(), body.daily_digest).await?;
    Ok(Json(Notifications { daily_digest }))
}
