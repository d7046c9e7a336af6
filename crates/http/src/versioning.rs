//! Optimistic concurrency: a resource's `version` is its `ETag`, and an
//! update carrying a stale `If-Match` answers 412.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::IntoResponse;
use serde::Serialize;

use crate::error::ApiError;

/// The `ETag` of a resource at `version`.
pub fn etag(version: i32) -> [(header::HeaderName, HeaderValue); 1] {
    let value = HeaderValue::from_str(&format!("\"{version}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    [(header::ETAG, value)]
}

/// A versioned resource's answer: its `ETag` and its JSON.
pub fn versioned<T: Serialize>(version: i32, body: T) -> impl IntoResponse {
    (etag(version), Json(body))
}

/// A versioned resource just created: 201, its `ETag` and its JSON.
pub fn created<T: Serialize>(version: i32, body: T) -> impl IntoResponse {
    (StatusCode::CREATED, etag(version), Json(body))
}

/// The version an update expects, from `If-Match`. Absent or `*`: any version.
/// A value that is not one of our tags can match nothing: the update answers 412.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfMatch(pub Option<i32>);

/// No stored version is negative: a tag we did not issue never matches.
const MATCHES_NOTHING: i32 = -1;

impl IfMatch {
    fn parse(raw: &str) -> Self {
        let raw = raw.trim();
        if raw == "*" {
            return IfMatch(None);
        }
        let tag = raw.strip_prefix("W/").unwrap_or(raw);
        let version = tag
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .and_then(|inner| inner.parse::<i32>().ok())
            .filter(|version| *version >= 0)
            .unwrap_or(MATCHES_NOTHING);
        IfMatch(Some(version))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(match parts.headers.get(header::IF_MATCH) {
            None => IfMatch(None),
            Some(value) => value
                .to_str()
                .map(IfMatch::parse)
                .unwrap_or(IfMatch(Some(MATCHES_NOTHING))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_values() {
        assert_eq!(IfMatch::parse("\"3\""), IfMatch(Some(3)));
        assert_eq!(IfMatch::parse("W/\"3\""), IfMatch(Some(3)));
        assert_eq!(IfMatch::parse("*"), IfMatch(None));
        assert_eq!(IfMatch::parse("3"), IfMatch(Some(MATCHES_NOTHING)));
        assert_eq!(IfMatch::parse("\"-2\""), IfMatch(Some(MATCHES_NOTHING)));
    }
}
