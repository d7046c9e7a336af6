//! One error type for the whole API, answered as RFC 9457
//! `application/problem+json` with a stable `code`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use nido_cases::CaseError;
use nido_cases::audit_log::Denied;
use nido_domain::Conflict;
use nido_domain::Refusal;

use crate::identity::CandidateResponse;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Dotted path of the field in the request, e.g. `family.mother.birth_date`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, machine-readable code, e.g. `validation_failed`, `cap_reached`.
    pub code: String,
    /// For 422: every invalid field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// For a 409 on some days of a request that covers several (a weekly
    /// series of crèche bookings): those days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflicts: Option<Vec<NaiveDate>>,
    /// For a 409 `possible_duplicate`: the files that look like the new
    /// family's, the most alike first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<Vec<CandidateResponse>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not well-formed JSON, or not JSON at all.
    #[error("malformed request body: {0}")]
    MalformedBody(String),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    /// An upload that is not `multipart/form-data`.
    #[error("not a multipart body")]
    NotMultipart,
    /// A document in none of the formats nido keeps.
    #[error("unsupported document format")]
    UnsupportedDocument,
    #[error("authentication required")]
    Unauthorized,
    /// Login refused: wrong password, unknown email or disabled account alike.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("forbidden")]
    Forbidden,
    /// The account's password was set by someone else: change it first.
    #[error("password change required")]
    PasswordChangeRequired,
    /// The account's role requires a second factor: enrol one first.
    #[error("second factor enrolment required")]
    MfaEnrolmentRequired,
    /// The second factor's code is wrong, or was used already.
    #[error("invalid code")]
    InvalidCode,
    #[error("not found")]
    NotFound,
    /// Answered exactly like `NotFound`, for something that exists but that
    /// the caller may not see (another team's family): the refusal is
    /// audited, since repeated probing is what an access review looks for.
    #[error("not found (hidden)")]
    Hidden { family_id: Option<Uuid> },
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// A conflict on some of the days a request covers, listed.
    #[error("conflict: {0} on {1:?}")]
    ConflictOn(Conflict, Vec<NaiveDate>),
    /// A new family that probably has a file: the candidates.
    #[error("possible duplicate")]
    PossibleDuplicate(Vec<CandidateResponse>),
    /// `If-Match` names a version that is no longer current.
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("invalid data")]
    Validation(Vec<FieldError>),
    /// Well-formed, valid data that a business rule refuses (422).
    #[error("unprocessable: {code}")]
    Unprocessable { code: &'static str, detail: String },
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A 422 for one field, refused for `refusal`.
    pub fn invalid(field: impl Into<String>, refusal: Refusal) -> Self {
        ApiError::Validation(vec![FieldError::new(field, refusal.english())])
    }

    pub fn conflict(conflict: Conflict) -> Self {
        ApiError::Conflict(conflict)
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::MalformedBody(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType
            | ApiError::NotMultipart
            | ApiError::UnsupportedDocument => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unauthorized | ApiError::InvalidCredentials | ApiError::InvalidCode => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Forbidden
            | ApiError::PasswordChangeRequired
            | ApiError::MfaEnrolmentRequired => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::Hidden { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::ConflictOn(..) | ApiError::PossibleDuplicate(_) => {
                StatusCode::CONFLICT
            }
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::Validation(_) | ApiError::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::MalformedBody(_) => "malformed_body",
            ApiError::UnsupportedMediaType
            | ApiError::NotMultipart
            | ApiError::UnsupportedDocument => "unsupported_media_type",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::Unauthorized => "unauthorized",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::Forbidden => "forbidden",
            ApiError::PasswordChangeRequired => "password_change_required",
            ApiError::MfaEnrolmentRequired => "mfa_enrolment_required",
            ApiError::InvalidCode => "invalid_code",
            ApiError::NotFound | ApiError::Hidden { .. } => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Conflict(conflict) | ApiError::ConflictOn(conflict, _) => conflict.as_str(),
            ApiError::PossibleDuplicate(_) => Conflict::PossibleDuplicate.as_str(),
            ApiError::Unprocessable { code, .. } => code,
            ApiError::PreconditionFailed => "stale_version",
            ApiError::Validation(_) => "validation_failed",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Unavailable => "unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::MalformedBody(why) => format!("The request body could not be read: {why}."),
            ApiError::UnsupportedMediaType => "The request body must be application/json.".into(),
            ApiError::NotMultipart => "The request body must be multipart/form-data.".into(),
            ApiError::UnsupportedDocument => {
                "A document must be a PDF, or a JPEG, PNG, WebP or HEIC image (read from its content).".into()
            }
            ApiError::PayloadTooLarge => "The request body is too large.".into(),
            ApiError::Unauthorized => "A valid bearer token is required.".into(),
            ApiError::InvalidCredentials => "The email or the password is wrong.".into(),
            ApiError::Forbidden => "Your role does not allow this.".into(),
            ApiError::PasswordChangeRequired => {
                "Your password was set by someone else: change it with PUT /api/v1/me/password first."
                    .into()
            }
            ApiError::MfaEnrolmentRequired => {
                "Your role requires a second factor: enrol one with POST /api/v1/me/mfa/totp first."
                    .into()
            }
            ApiError::InvalidCode => {
                "The code is wrong or was used already: wait for the next one, then retry.".into()
            }
            ApiError::NotFound | ApiError::Hidden { .. } => "No such resource.".into(),
            ApiError::MethodNotAllowed => "This method is not allowed here.".into(),
            ApiError::Conflict(conflict) | ApiError::ConflictOn(conflict, _) => {
                conflict.sentence().to_owned()
            }
            ApiError::PossibleDuplicate(_) => Conflict::PossibleDuplicate.sentence().to_owned(),
            ApiError::Unprocessable { detail, .. } => detail.clone(),
            ApiError::PreconditionFailed => {
                "The resource changed since you read it: read it again, then retry.".into()
            }
            ApiError::Validation(_) => "Some fields are invalid.".into(),
            ApiError::TooManyRequests { .. } => {
                "Too many failed attempts: wait, then retry.".into()
            }
            ApiError::Unavailable => "The service is not ready.".into(),
            ApiError::Internal(_) => "An unexpected error occurred.".into(),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let status = self.status();
        Problem {
            problem_type: format!("urn:nido:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            code: self.code().to_owned(),
            errors: match self {
                ApiError::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
            conflicts: match self {
                ApiError::ConflictOn(_, dates) => Some(dates.clone()),
                _ => None,
            },
            candidates: match self {
                ApiError::PossibleDuplicate(candidates) => Some(candidates.clone()),
                _ => None,
            },
        }
    }
}

impl From<CaseError> for ApiError {
    fn from(err: CaseError) -> Self {
        match err {
            CaseError::Forbidden => ApiError::Forbidden,
            CaseError::NotFound => ApiError::NotFound,
            CaseError::Hidden { family_id } => ApiError::Hidden { family_id },
            CaseError::Invalid(errors) => ApiError::Validation(
                errors
                    .into_iter()
                    .map(|error| FieldError::new(error.field, error.refusal.english()))
                    .collect(),
            ),
            CaseError::Unprocessable { code, detail } => ApiError::Unprocessable {
                code,
                detail: detail.to_owned(),
            },
            CaseError::Conflict(conflict) => ApiError::Conflict(conflict),
            CaseError::ConflictOn(conflict, dates) => ApiError::ConflictOn(conflict, dates),
            CaseError::PossibleDuplicate(candidates) => ApiError::PossibleDuplicate(
                candidates
                    .into_iter()
                    .map(CandidateResponse::from)
                    .collect(),
            ),
            CaseError::StaleVersion => ApiError::PreconditionFailed,
            CaseError::InvalidCredentials => ApiError::InvalidCredentials,
            CaseError::InvalidCode => ApiError::InvalidCode,
            CaseError::TooManyAttempts { retry_after_secs } => {
                ApiError::TooManyRequests { retry_after_secs }
            }
            CaseError::UnsupportedMediaType => ApiError::UnsupportedDocument,
            CaseError::TooLarge => ApiError::PayloadTooLarge,
            CaseError::OutOfRange => ApiError::invalid("request", Refusal::OutOfRange),
            CaseError::Db(err) => ApiError::Internal(err.into()),
            CaseError::Internal(err) => ApiError::Internal(err),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(err) = &self {
            // In full for the operators; the caller gets nothing of it.
            tracing::error!(error = ?err, "request failed");
        }
        let problem = self.to_problem();
        let mut response = problem_response(&problem);
        match self {
            ApiError::Unauthorized => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            ApiError::Forbidden => {
                response.extensions_mut().insert(Denied { family_id: None });
            }
            ApiError::Hidden { family_id } => {
                response.extensions_mut().insert(Denied { family_id });
            }
            _ => {}
        }
        response
    }
}

/// Serialises a problem with its media type.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        )],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_leak_nothing() {
        let problem =
            ApiError::Internal(anyhow::anyhow!("password=hunter2 at /srv/db")).to_problem();
        let json = serde_json::to_string(&problem).expect("serialises");
        assert!(!json.contains("hunter2"));
        assert_eq!(problem.status, 500);
        assert_eq!(problem.code, "internal_error");
    }

    #[test]
    fn validation_problems_list_their_fields() {
        let problem = ApiError::invalid("email", Refusal::Email).to_problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(
            problem.errors,
            Some(vec![FieldError::new("email", "must be an email address")])
        );
    }
}
