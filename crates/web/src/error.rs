//! Why a page cannot show what was asked: the vocabulary every page
//! answers with, and what a use case's refusal means for a page. How each
//! reads as a page is in [`crate::error_page`]; this module imports none
//! of its siblings, so every one of them may name it.

use axum::http::HeaderValue;
use nido_cases::CaseError;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No live session: to `/connexion`, then back to `back`.
    #[error("sign-in required")]
    SignInRequired {
        back: Option<String>,
        /// Clears a session cookie that no longer works.
        clear: Option<HeaderValue>,
    },
    /// The password was set by someone else: to `/mot-de-passe` first.
    #[error("password change required")]
    PasswordChangeRequired,
    /// The role requires a second factor: to `/securite` first.
    #[error("second factor enrolment required")]
    MfaEnrolmentRequired,
    /// The role does not allow this page.
    #[error("the role forbids this page")]
    Forbidden,
    #[error("no such page")]
    NotFound,
    /// Exists, but not for this user: answered as not found, audited.
    #[error("a page hidden from this user")]
    Hidden { family_id: Option<Uuid> },
    /// A form without its CSRF token, or with another session's.
    #[error("CSRF token refused")]
    CsrfRejected,
    /// Not a form post, or unreadable.
    #[error("bad request")]
    BadRequest,
    /// A refusal a page shows on its own: a document whose stored content
    /// fails its check (409).
    #[error("conflict: {0}")]
    Conflict(nido_domain::Conflict),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<CaseError> for WebError {
    /// A use case's refusal that reaches a page instead of a form's errors:
    /// what the user may not do or see answers its page; a refusal of the
    /// input here is the page's mistake, logged in full as unexpected.
    fn from(err: CaseError) -> Self {
        match err {
            CaseError::Forbidden => WebError::Forbidden,
            CaseError::NotFound => WebError::NotFound,
            CaseError::Hidden { family_id } => WebError::Hidden { family_id },
            CaseError::Conflict(conflict) => WebError::Conflict(conflict),
            CaseError::Db(err) => WebError::Internal(err.into()),
            CaseError::Internal(err) => WebError::Internal(err),
            other => WebError::Internal(anyhow::anyhow!("unexpected refusal: {other}")),
        }
    }
}
