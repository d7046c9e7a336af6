//! Posted forms, read as text, and the errors shown next to their fields.

use std::collections::BTreeMap;

use nido_cases::CaseError;

use crate::error::WebError;
use crate::french;

/// A form's fields as posted, in order; a field may repeat (checkboxes).
#[derive(Debug, Default, Clone)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> Self {
        FormData(
            form_urlencoded::parse(body)
                .map(|(key, value)| (key.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, or "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

/// The errors of a form, by the name of the field they are shown next to,
/// in French; and one for the whole form (a 409 or a 412).
#[derive(Debug, Default, Clone)]
pub struct FieldErrors {
    by_field: BTreeMap<String, String>,
    pub whole_form: Option<String>,
}

impl FieldErrors {
    /// Keeps the first error of a field: the one to fix first.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.by_field
            .entry(field.into())
            .or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.by_field.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.by_field.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.by_field.is_empty() && self.whole_form.is_none()
    }

    /// Every field error, in the order of `order` (the form's), for the
    /// summary at the top of the form; fields `order` forgot come last.
    pub fn summary(&self, order: &[String]) -> Vec<(String, String)> {
        let mut listed: Vec<(String, String)> = order
            .iter()
            .filter_map(|field| Some((field.clone(), self.by_field.get(field)?.clone())))
            .collect();
        for (field, message) in &self.by_field {
            if !order.contains(field) {
                listed.push((field.clone(), message.clone()));
            }
        }
        listed
    }

    /// Every field error, by field name, for a form's summary.
    pub fn listed(&self) -> Vec<(String, String)> {
        self.summary(&[])
    }

    /// The errors a use case answered, placed next to the fields of the
    /// form by `place` (which names the form's field for an API field, or
    /// `None` for the whole form). A refusal that is not about the input
    /// (403, 404, a database failure) is returned as it is.
    pub fn from_case(
        error: CaseError,
        place: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, WebError> {
        let mut errors = FieldErrors::default();
        match error {
            CaseError::Invalid(fields) => {
                for field in fields {
                    let message = field.refusal.french();
                    match place(&field.field) {
                        Some(name) => errors.add(name, message),
                        None => errors.whole_form = Some(message),
                    }
                }
            }
            CaseError::Conflict(conflict) | CaseError::ConflictOn(conflict, _) => {
                errors.whole_form = Some(french::conflict(conflict).to_owned());
            }
            // The candidates are the form's to show (the waiting list's
            // does); anywhere else, the sentence says what to do.
            CaseError::PossibleDuplicate(_) => {
                errors.whole_form =
                    Some(french::conflict(nido_domain::Conflict::PossibleDuplicate).to_owned());
            }
            CaseError::StaleVersion => errors.whole_form = Some(french::STALE.to_owned()),
            CaseError::Unprocessable { code, .. } => {
                tracing::warn!(code, "a refusal has no French sentence");
                errors.whole_form = Some(french::REFUSED.to_owned());
            }
            other => return Err(other.into()),
        }
        Ok(errors)
    }

    /// The HTTP status of the answer that shows these errors, as the API
    /// would answer: 409 for a conflict, 412 for a stale version, else 422.
    pub fn status_for(error: &CaseError) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match error {
            CaseError::Conflict(_)
            | CaseError::ConflictOn(..)
            | CaseError::PossibleDuplicate(_) => StatusCode::CONFLICT,
            CaseError::StaleVersion => StatusCode::PRECONDITION_FAILED,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

/// A form's answer from its use case: on success, a redirection (303) to
/// the address `to` makes of the result; on a refusal of the input, the
/// status and the errors to show with the form again.
pub fn settle<T>(
    answer: nido_cases::CaseResult<T>,
    place: impl Fn(&str) -> Option<String>,
    to: impl FnOnce(T) -> String,
) -> Result<Result<axum::response::Response, (axum::http::StatusCode, FieldErrors)>, WebError> {
    use axum::response::{IntoResponse, Redirect};
    match answer {
        Ok(done) => Ok(Ok(Redirect::to(&to(done)).into_response())),
        Err(error) => {
            let status = FieldErrors::status_for(&error);
            Ok(Err((status, FieldErrors::from_case(error, place)?)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_keeps_every_value_of_a_field() {
        let form = FormData::parse(b"a=1&b=x+y&a=2&c=%C3%A9");
        assert_eq!(form.get("a"), "1");
        assert_eq!(form.all("a"), ["1", "2"]);
        assert_eq!(form.get("b"), "x y");
        assert_eq!(form.get("c"), "é");
        assert_eq!(form.get("missing"), "");
    }

    #[test]
    fn case_errors_land_next_to_their_fields_in_french() {
        let error = CaseError::Invalid(vec![
            nido_cases::FieldError {
                field: "summary".into(),
                refusal: nido_domain::Refusal::Blank,
            },
            nido_cases::FieldError {
                field: "elsewhere".into(),
                refusal: nido_domain::Refusal::Required,
            },
        ]);
        let place = |field: &str| (field == "summary").then(|| "summary".to_owned());
        let errors = FieldErrors::from_case(error, place).expect("shown");
        assert_eq!(
            errors.get("summary"),
            Some("Ce champ ne peut pas être vide.")
        );
        assert_eq!(
            errors.whole_form.as_deref(),
            Some("Ce champ est obligatoire.")
        );
        let duplicate = CaseError::PossibleDuplicate(Vec::new());
        assert_eq!(
            FieldErrors::status_for(&duplicate),
            axum::http::StatusCode::CONFLICT
        );
        let shown = FieldErrors::from_case(duplicate, |_| None).expect("shown");
        assert!(
            shown
                .whole_form
                .is_some_and(|text| text.contains("déjà un dossier"))
        );
        let stale = FieldErrors::from_case(CaseError::StaleVersion, |_| None).expect("shown");
        assert_eq!(stale.whole_form.as_deref(), Some(french::STALE));
        assert!(FieldErrors::from_case(CaseError::Forbidden, |_| None).is_err());
    }
}
