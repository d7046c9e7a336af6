//! Loi 2002-2: the contract of stay (or *document individuel de prise en
//! charge*) of a placement, and the *projet personnalisé* set with the
//! mother, kept as immutable reviews.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

string_enum! {
    /// The contract of stay, or the DIPC when a contract cannot be made.
    ContractKind {
        ContratDeSejour => "contrat_de_sejour",
        Dipc => "dipc",
    }
}

string_enum! {
    /// What an objective of the projet personnalisé is about.
    ObjectiveDomain {
        Housing => "housing",
        EmploymentTraining => "employment_training",
        Health => "health",
        Parenting => "parenting",
        ChildDevelopment => "child_development",
        RightsAndPapers => "rights_and_papers",
        Budget => "budget",
        SocialTies => "social_ties",
    }
}

string_enum! {
    /// Where an objective stands at a review.
    ObjectiveStatus {
        Planned => "planned",
        InProgress => "in_progress",
        Achieved => "achieved",
        Abandoned => "abandoned",
    }
}

/// A placement's contract: its kind, and when it was handed over and signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub placement_id: Uuid,
    pub kind: ContractKind,
    pub delivered_on: Option<NaiveDate>,
    pub signed_on: Option<NaiveDate>,
    pub version: i32,
}

/// One objective, as set or reviewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objective {
    pub domain: ObjectiveDomain,
    pub description: String,
    pub status: ObjectiveStatus,
    pub target_on: Option<NaiveDate>,
}

/// A version of the projet personnalisé: never changed once written; the
/// next review writes the next version, whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectReview {
    pub id: Uuid,
    pub placement_id: Uuid,
    pub reviewed_on: NaiveDate,
    pub mother_present: bool,
    /// The professionals who took part.
    pub participant_ids: Vec<Uuid>,
    pub objectives: Vec<Objective>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// The longest objective description (characters, once trimmed).
pub const MAX_DESCRIPTION_CHARS: u64 = 2000;
/// The most objectives in one review.
pub const MAX_OBJECTIVES: u64 = 30;
/// The most participants in one review.
pub const MAX_PARTICIPANTS: u64 = 20;

/// A review as asked for, whole: checked by the use case
/// (`nido_cases::projects::add_review`).
#[derive(Debug, Clone)]
pub struct ReviewRequest {
    pub reviewed_on: NaiveDate,
    pub mother_present: bool,
    pub participant_ids: Vec<Uuid>,
    pub objectives: Vec<Objective>,
}
