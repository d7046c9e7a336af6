//! Helpers for the checks `validator` cannot express: collecting every
//! field error before answering.

use nido_domain::Refusal;

use crate::error::{ApiError, FieldError, Result};

/// Collects field errors, so the caller fixes everything at once.
#[derive(Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: impl Into<String>, refusal: Refusal) {
        self.0.push(FieldError::new(field, refusal.english()));
    }

    /// Keeps the value, or records the error under `field`.
    pub fn check<T, E: Into<Refusal>>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|err| self.add(field, err.into())).ok()
    }

    /// Adds the `validator` errors of `value`.
    pub fn validate(&mut self, value: &impl validator::Validate) {
        if let Err(errors) = value.validate() {
            self.0.extend(crate::extract::field_errors(&errors));
        }
    }

    /// Hands the errors found so far to a use case, which adds those of
    /// its rules and answers them all at once.
    pub fn into_case(self) -> nido_cases::Invalid {
        let mut invalid = nido_cases::Invalid::default();
        for error in self.0 {
            invalid.add(error.field, Refusal::Unconverted(error.message));
        }
        invalid
    }

    pub fn finish(mut self) -> Result<()> {
        self.0.sort_by(|a, b| a.field.cmp(&b.field));
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

pub use nido_cases::optional_text;

/// A required text must hold more than spaces: it is stored trimmed. (An
/// empty one is refused by its length rule already.)
pub fn not_blank(text: &str) -> Result<(), validator::ValidationError> {
    if !text.is_empty() && text.trim().is_empty() {
        Err(validator::ValidationError::new("blank").with_message("must not be blank".into()))
    } else {
        Ok(())
    }
}
