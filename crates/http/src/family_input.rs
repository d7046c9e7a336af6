//! The request types of a family's people, shared by the referral (a new
//! family) and the family's own endpoints. Their rules are the domain's
//! (`Mother::parse`, `NewChild::parse`): here they are only named by the
//! request's field paths.

use chrono::NaiveDate;
use nido_domain::family::{ChildDraft, FieldInvalid, Mother, MotherDraft, NewChild};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::validation::Errors;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MotherInput {
    #[schema(
        example = "Awa",
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 100
    )]
    pub first_name: String,
    #[schema(
        example = "Diallo",
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 100
    )]
    pub last_name: String,
    #[schema(example = "2002-03-14")]
    pub birth_date: NaiveDate,
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
}

impl MotherInput {
    /// The mother, or her refusals under `prefix`.
    pub fn parse(&self, prefix: &str, today: NaiveDate, errors: &mut Errors) -> Option<Mother> {
        let draft = MotherDraft {
            first_name: &self.first_name,
            last_name: &self.last_name,
            birth_date: self.birth_date,
            phone: self.phone.as_deref(),
            email: self.email.as_deref(),
        };
        Mother::parse(draft, today)
            .map_err(|refused| add_all(errors, prefix, refused))
            .ok()
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildInput {
    #[schema(
        example = "Inaya",
        min_length = 1,
        pattern = r"[^\s\x85]",
        max_length = 100
    )]
    pub first_name: String,
    #[schema(max_length = 100)]
    pub last_name: Option<String>,
    /// Exactly one of `birth_date` and `expected_birth_date`.
    pub birth_date: Option<NaiveDate>,
    pub expected_birth_date: Option<NaiveDate>,
}

impl ChildInput {
    /// The child, or her refusals under `prefix` (none: top level).
    pub fn parse(&self, prefix: &str, today: NaiveDate, errors: &mut Errors) -> Option<NewChild> {
        let draft = ChildDraft {
            first_name: &self.first_name,
            last_name: self.last_name.as_deref(),
            birth_date: self.birth_date,
            expected_birth_date: self.expected_birth_date,
        };
        NewChild::parse(draft, today)
            .map_err(|refused| add_all(errors, prefix, refused))
            .ok()
    }
}

fn add_all(errors: &mut Errors, prefix: &str, refused: Vec<FieldInvalid>) {
    for refusal in refused {
        let field = if prefix.is_empty() {
            refusal.field.to_owned()
        } else {
            format!("{prefix}.{}", refusal.field)
        };
        errors.add(field, refusal.refusal);
    }
}
