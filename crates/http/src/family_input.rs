//! The request types of a family's people, shared by the referral (a new
//! family) and the family's own endpoints. Their rules are the domain's
//! (`Mother::parse`, `NewChild::parse`), which the use cases apply: here
//! they only become the domain's drafts.

use chrono::NaiveDate;
use nido_domain::family::{ChildDraft, MotherDraft};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
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
    /// Her name at birth, when she uses another.
    #[schema(example = "Traoré", max_length = 100)]
    pub birth_last_name: Option<String>,
    #[schema(example = "2002-03-14")]
    pub birth_date: NaiveDate,
    /// A commune, or a country.
    #[schema(example = "Créteil", max_length = 100)]
    pub birth_place: Option<String>,
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
}

impl From<MotherInput> for MotherDraft {
    fn from(input: MotherInput) -> Self {
        MotherDraft {
            first_name: input.first_name,
            last_name: input.last_name,
            birth_last_name: input.birth_last_name,
            birth_date: input.birth_date,
            birth_place: input.birth_place,
            phone: input.phone,
            email: input.email,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
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

impl From<ChildInput> for ChildDraft {
    fn from(input: ChildInput) -> Self {
        ChildDraft {
            first_name: input.first_name,
            last_name: input.last_name,
            birth_date: input.birth_date,
            expected_birth_date: input.expected_birth_date,
        }
    }
}
