//! Refused requests go to the audit log: a 403, or the 404 that hides a
//! family from a staff member who does not accompany it. Repeated probing
//! of other teams' families is what an access review looks for.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use nido_cases::audit_log::{CallerSlot, Denied};

use crate::error::ApiError;
use crate::state::AppState;

/// Gives the request a slot for the caller's id (the authentication
/// extractor fills it), and once the handler has answered, audits a refusal
/// in the caller's name before the answer leaves.
pub async fn audit_denials(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let slot = CallerSlot::default();
    request.extensions_mut().insert(slot.clone());
    let path: String = crate::loggable_path(request.uri().path())
        .chars()
        .take(200)
        .collect();
    let response = next.run(request).await;
    let (Some(denied), Some(caller)) = (response.extensions().get::<Denied>(), slot.caller_id())
    else {
        return response;
    };
    match nido_cases::audit_log::record_denial(&state.cases, caller, denied.family_id, &path).await
    {
        Ok(()) => response,
        // The refusal must not go untraced.
        Err(err) => ApiError::from(err).into_response(),
    }
}
