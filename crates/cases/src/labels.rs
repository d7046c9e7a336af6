//! The French labels of nido's vocabularies (roles, professions, statuses,
//! kinds, destinations…), written once: the pages and the right-of-access
//! export say the same words. A vocabulary of its own, it imports nothing
//! of its sibling modules, only the domain's types.

use chrono::{Datelike, NaiveDate};
use nido_domain::creche::{BookingPurpose, BookingStatus};
use nido_domain::document::DocumentKind;
use nido_domain::due_dates::DueKind;
use nido_domain::family::{ReferralReason, ReferralSource, ReferralStatus};
use nido_domain::intervention::{Confidentiality, InterventionKind};
use nido_domain::pathway::{FollowUpOutcome, Recourse, SiaoDemand, StepKind, StepStatus};
use nido_domain::placement::{ExitDestination, PlacementStatus};
use nido_domain::project::{ContractKind, ObjectiveDomain, ObjectiveStatus};
use nido_domain::workshop::ParticipationStatus;
use nido_domain::{Profession, Role};

/// The months, in French.
pub const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "3 février 2026" ("1er" for the first of the month).
pub fn date(day: NaiveDate) -> String {
    let month = MONTHS[day.month0() as usize];
    match day.day() {
        1 => format!("1er {month} {}", day.year()),
        n => format!("{n} {month} {}", day.year()),
    }
}

/// Cents as euros with a decimal comma and two decimals, no thousands
/// separator: `123456` → `1234,56`, `-5` → `-0,05`.
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{},{:02}", cents / 100, cents % 100)
}

pub fn document_kind(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Identity => "Pièce d'identité",
        DocumentKind::ResidencePermit => "Titre de séjour",
        DocumentKind::Caf => "CAF",
        DocumentKind::Health => "Santé",
        DocumentKind::AseDecision => "Décision de l'ASE",
        DocumentKind::SignedContract => "Contrat de séjour signé",
        DocumentKind::Housing => "Logement",
        DocumentKind::Income => "Ressources",
        DocumentKind::Schooling => "Scolarité",
        DocumentKind::Other => "Autre",
    }
}

pub fn intervention_kind(kind: InterventionKind) -> &'static str {
    match kind {
        InterventionKind::HomeVisit => "Visite à domicile",
        InterventionKind::Interview => "Entretien",
        InterventionKind::PhoneCall => "Appel téléphonique",
        InterventionKind::Accompaniment => "Accompagnement",
        InterventionKind::Workshop => "Atelier",
        InterventionKind::Childcare => "Temps d'accueil de l'enfant",
        InterventionKind::Other => "Autre",
    }
}

pub fn confidentiality(level: Confidentiality) -> &'static str {
    match level {
        Confidentiality::Team => "Toute l'équipe de la famille",
        Confidentiality::Restricted => "Restreinte : l'auteur et les personnes présentes",
    }
}

pub fn due_kind(kind: DueKind) -> &'static str {
    match kind {
        DueKind::RenewalReport => "Rapport de renouvellement",
        DueKind::PeriodEnd => "Fin de période",
        DueKind::ContractDelivery => "Remise du contrat de séjour",
        DueKind::ContractSignature => "Signature du contrat de séjour",
        DueKind::ProjectInitial => "Premier projet personnalisé",
        DueKind::ProjectReview => "Révision du projet personnalisé",
        DueKind::IncidentReport => "Déclaration d'un incident à l'autorité",
        DueKind::SocialHousingRenewal => "Renouvellement de la demande de logement social",
        DueKind::DaloDecision => "Décision de la commission DALO",
        DueKind::BailGlissantReview => "Point semestriel du bail glissant",
        DueKind::NoHousingSolution => "Fin de prise en charge sans solution de logement",
        DueKind::PostExitFollowUp => "Suivi après la sortie",
    }
}

pub fn step_kind(kind: StepKind) -> &'static str {
    match kind {
        StepKind::SiaoApplication => "Demande SIAO",
        StepKind::SocialHousingApplication => "Demande de logement social",
        StepKind::DaloRecourse => "Recours DALO",
        StepKind::FslRequest => "Demande FSL",
        StepKind::Visale => "Garantie Visale",
        StepKind::HousingOffer => "Proposition de logement",
        StepKind::BailGlissant => "Bail glissant",
    }
}

pub fn step_status(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Preparing => "en préparation",
        StepStatus::Filed => "déposée",
        StepStatus::Decided => "décision rendue",
        StepStatus::Offer => "proposition reçue",
        StepStatus::Accepted => "acceptée",
        StepStatus::Refused => "refusée",
        StepStatus::Withdrawn => "abandonnée",
    }
}

pub fn siao_demand(demand: SiaoDemand) -> &'static str {
    match demand {
        SiaoDemand::Insertion => "insertion",
        SiaoDemand::Urgence => "urgence",
    }
}

pub fn recourse(recourse: Recourse) -> &'static str {
    match recourse {
        Recourse::Logement => "logement",
        Recourse::Hebergement => "hébergement",
    }
}

pub fn follow_up_outcome(outcome: FollowUpOutcome) -> &'static str {
    match outcome {
        FollowUpOutcome::HousedStable => "logée durablement",
        FollowUpOutcome::HousedPrecarious => "logée de façon précaire",
        FollowUpOutcome::RentArrears => "logée, avec des impayés de loyer",
        FollowUpOutcome::ReturnedToShelter => "retournée en hébergement",
        FollowUpOutcome::LostContact => "perdue de vue",
    }
}

pub fn role(role: Role) -> &'static str {
    match role {
        Role::Staff => "Équipe",
        Role::Coordinator => "Coordination",
        Role::Admin => "Administration",
        Role::HeadOffice => "Siège",
    }
}

pub fn profession(profession: Profession) -> &'static str {
    match profession {
        // The trade rather than a gendered title.
        Profession::SocialWorker => "service social",
        Profession::SpecializedEducator => "éducation spécialisée",
        Profession::EarlyChildhoodEducator => "éducation de jeunes enfants",
        Profession::ChildcareAssistant => "puériculture",
        Profession::Psychologist => "psychologie",
        Profession::TechnicalAgent => "services techniques",
        Profession::Coordinator => "chef de service",
        Profession::Director => "direction",
        Profession::Other => "autre métier",
    }
}

pub fn referral_status(status: ReferralStatus) -> &'static str {
    match status {
        ReferralStatus::Pending => "en attente",
        ReferralStatus::Admitted => "admise",
        ReferralStatus::Declined => "refusée",
        ReferralStatus::Withdrawn => "retirée",
    }
}

pub fn referral_source(source: ReferralSource) -> &'static str {
    match source {
        ReferralSource::Ase => "Aide sociale à l'enfance (ASE)",
        ReferralSource::Mhl => "Mission hébergement logement (MHL)",
    }
}

pub fn referral_reason(reason: ReferralReason) -> &'static str {
    match reason {
        ReferralReason::Distress => "détresse",
        ReferralReason::EducationalDifficulties => "difficultés éducatives",
        ReferralReason::Other => "autre motif",
    }
}

pub fn exit_destination(destination: ExitDestination) -> &'static str {
    match destination {
        ExitDestination::SocialHousing => "logement social",
        ExitDestination::PrivateHousing => "logement privé",
        ExitDestination::FamilyOrFriends => "chez de la famille ou des proches",
        ExitDestination::OtherFacility => "autre établissement",
        ExitDestination::Unknown => "destination inconnue",
    }
}

pub fn booking_purpose(purpose: BookingPurpose) -> &'static str {
    match purpose {
        BookingPurpose::JobInterview => "entretien d'embauche",
        BookingPurpose::Training => "formation",
        BookingPurpose::Employment => "emploi",
        BookingPurpose::Appointment => "rendez-vous",
        BookingPurpose::Workshop => "atelier",
        BookingPurpose::Respite => "répit",
        BookingPurpose::Other => "autre motif",
    }
}

pub fn booking_status(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Booked => "réservé",
        BookingStatus::Cancelled => "annulé",
        BookingStatus::Attended => "venu",
        BookingStatus::Absent => "absent",
    }
}

/// A family's participation in a workshop.
pub fn participation_status(status: ParticipationStatus) -> &'static str {
    match status {
        ParticipationStatus::Registered => "inscrite",
        ParticipationStatus::Attended => "présente",
        ParticipationStatus::Absent => "absente",
    }
}

pub fn placement_status(status: PlacementStatus) -> &'static str {
    match status {
        PlacementStatus::Active => "en cours",
        PlacementStatus::Ended => "terminée",
    }
}

pub fn contract_kind(kind: ContractKind) -> &'static str {
    match kind {
        ContractKind::ContratDeSejour => "contrat de séjour",
        ContractKind::Dipc => "document individuel de prise en charge",
    }
}

/// The domain of an objective of the projet personnalisé.
pub fn objective_domain(domain: ObjectiveDomain) -> &'static str {
    match domain {
        ObjectiveDomain::Housing => "logement",
        ObjectiveDomain::EmploymentTraining => "emploi et formation",
        ObjectiveDomain::Health => "santé",
        ObjectiveDomain::Parenting => "parentalité",
        ObjectiveDomain::ChildDevelopment => "développement de l'enfant",
        ObjectiveDomain::RightsAndPapers => "droits et papiers",
        ObjectiveDomain::Budget => "budget",
        ObjectiveDomain::SocialTies => "liens sociaux",
    }
}

pub fn objective_status(status: ObjectiveStatus) -> &'static str {
    match status {
        ObjectiveStatus::Planned => "prévu",
        ObjectiveStatus::InProgress => "en cours",
        ObjectiveStatus::Achieved => "atteint",
        ObjectiveStatus::Abandoned => "abandonné",
    }
}
