//! Extractors that turn every kind of bad input into a problem response:
//! 400 for a body that is not JSON, 422 with the offending fields for JSON
//! that does not fit, 404 for a path id that names nothing.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// Largest request body nido reads (an intervention summary is at most
/// 10,000 characters; nothing needs more).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A JSON body, deserialised into the request type: its shape only. The
/// bounds and rules of what it holds are the use case's, which answers
/// every refused field at once.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses JSON, telling a syntax error (400) from a shape error (422): the
/// text must first be JSON at all, then fit the type.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|err| ApiError::MalformedBody(strip_position(&err)))?;
    // Every body is an object: serde would read an array into a struct
    // field by field (`[null, null]` as a change of nothing).
    if !value.is_object() {
        return Err(shape_error(".", "must be a JSON object"));
    }
    whole_numbers_as_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        shape_error(&path, &strip_position(err.inner()))
    })
}

/// JSON has one number type: `7.0` is the integer 7 (as JSON Schema says),
/// but serde refuses it for an integer field. Whole numbers in the range
/// of an `i64` are turned into integers before the body meets its type; a
/// float field takes an integer as well.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64())
                && float.fract() == 0.0
                && float >= i64::MIN as f64
                && float < i64::MAX as f64
            {
                *number = serde_json::Number::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

/// serde_json appends "at line L column C"; the position helps nobody here.
fn strip_position(err: &impl std::fmt::Display) -> String {
    let message = err.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

/// A deserialisation error as a 422 naming the field. A missing field is
/// reported under its own name, not its parent's.
fn shape_error(path: &str, message: &str) -> ApiError {
    let parent = if path == "." { "" } else { path };
    let field = match message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        Some(missing) if parent.is_empty() => missing.to_owned(),
        Some(missing) => format!("{parent}.{missing}"),
        None if parent.is_empty() => "body".to_owned(),
        None => parent.to_owned(),
    };
    let message = if message.starts_with("missing field") {
        "is required".to_owned()
    } else {
        message.to_owned()
    };
    ApiError::Validation(vec![FieldError::new(field, message)])
}

/// A query string, deserialised; a bad value answers 422 naming the parameter.
#[derive(Debug, Clone)]
pub struct ValidQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ValidQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ValidQuery)
            .map_err(|err| {
                let path = err.path().to_string();
                shape_error(&path, &err.into_inner().to_string())
            })
    }
}

/// Path parameters; one that does not parse (an id that is not a UUID) names
/// nothing, so it answers 404.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|_| ApiError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Mother {
        first_name: String,
        birth_date: chrono::NaiveDate,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        mother: Mother,
        count: u8,
    }

    fn field_of(err: ApiError) -> (String, String) {
        match err {
            ApiError::Validation(errors) => (errors[0].field.clone(), errors[0].message.clone()),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn syntax_errors_are_malformed_bodies() {
        for body in ["", "{", "{\"count\": }", "not json", "{} trailing"] {
            let err = parse_json::<Body>(body.as_bytes()).expect_err(body);
            assert!(matches!(err, ApiError::MalformedBody(_)), "{body}: {err:?}");
        }
    }

    #[test]
    fn shape_errors_name_the_field() {
        let err = parse_json::<Body>(br#"{"mother": {"first_name": "Awa"}, "count": 1}"#)
            .expect_err("missing");
        assert_eq!(
            field_of(err),
            ("mother.birth_date".into(), "is required".into())
        );

        let err = parse_json::<Body>(
            br#"{"mother": {"first_name": "Awa", "birth_date": "1999-02-30"}, "count": 1}"#,
        )
        .expect_err("bad date");
        assert_eq!(field_of(err).0, "mother.birth_date");

        let err = parse_json::<Body>(
            br#"{"mother": {"first_name": "Awa", "birth_date": "1999-02-28"}, "count": 300}"#,
        )
        .expect_err("out of range");
        assert_eq!(field_of(err).0, "count");

        let err = parse_json::<Body>(br#""a string""#).expect_err("not an object");
        assert_eq!(field_of(err).0, "body");

        #[derive(Debug, Deserialize)]
        struct Change {
            #[allow(dead_code)]
            notes: Option<String>,
            #[allow(dead_code)]
            count: Option<u8>,
        }
        let err = parse_json::<Change>(b"[null, null]").expect_err("an array is not a body");
        assert_eq!(
            field_of(err),
            ("body".to_owned(), "must be a JSON object".to_owned())
        );
    }

    #[test]
    fn whole_numbers_written_with_a_fraction_are_integers() {
        #[derive(Debug, Deserialize)]
        struct Numbers {
            count: u8,
            items: Vec<i64>,
            area: f64,
        }
        let numbers = parse_json::<Numbers>(br#"{"count": 7.0, "items": [1e3, -2.0], "area": 12}"#)
            .expect("whole numbers");
        assert_eq!(
            (numbers.count, numbers.items, numbers.area),
            (7, vec![1000, -2], 12.0)
        );

        let err = parse_json::<Numbers>(br#"{"count": 7.5, "items": [], "area": 1.5}"#)
            .expect_err("a fraction is not an integer");
        assert_eq!(field_of(err).0, "count");
        let err = parse_json::<Numbers>(br#"{"count": 1, "items": [1e300], "area": 1.5}"#)
            .expect_err("beyond i64");
        assert_eq!(field_of(err).0, "items[0]");
    }
}
