//! OpenAPI schemas for the closed vocabularies, built from the code's own
//! lists so the document cannot drift from it. Each vocabulary is one named
//! component (`#/components/schemas/Role`, …) that every field and
//! parameter using it refers to, so a generated client gets one type each.

use crate::csv_export::Format;
use nido_domain::creche::{BookingPurpose, BookingStatus};
use nido_domain::document::{DocumentKind, MediaType};
use nido_domain::due_dates::DueKind;
use nido_domain::family::{ReferralReason, ReferralSource, ReferralStatus};
use nido_domain::housing::{LandlordKind, Typology};
use nido_domain::identity::{DuplicateVerdict, FileStatus};
use nido_domain::incident::IncidentCategory;
use nido_domain::intervention::{Confidentiality, InterventionKind};
use nido_domain::pathway::{FollowUpOutcome, Recourse, SiaoDemand, StepKind, StepStatus};
use nido_domain::placement::DeadlineStatus;
use nido_domain::placement::{ExitDestination, PlacementStatus};
use nido_domain::project::{ContractKind, ObjectiveDomain, ObjectiveStatus};
use nido_domain::workshop::ParticipationStatus;
use nido_domain::{Profession, Role};
use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat,
    Type,
};
use utoipa::openapi::{Ref, RefOr};

nido_domain::string_enum! {
    /// The file as JSON or as a printable page.
    #[derive(Default)]
    ExportFormat {
        #[default]
        Json => "json",
        Html => "html",
        /// An archive: the JSON, the printable page and the documents.
        Zip => "zip",
    }
}

nido_domain::string_enum! {
    /// Which of one's actions to list.
    #[derive(Default)]
    ActionStatus {
        #[default]
        Open => "open",
        All => "all",
    }
}

fn string_enum<T: Copy>(
    values: &[T],
    name: impl Fn(T) -> &'static str,
    description: &str,
) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values.iter().map(|value| name(*value))))
        .into()
}

/// An optional email that an empty string clears: an address of at most
/// 254 characters, `""`, or null.
pub fn email_or_empty() -> RefOr<Schema> {
    AnyOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
                .max_length(Some(254)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(0)),
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .description(Some("An email address; an empty string clears it."))
        .into()
}

/// ISO weekdays, 1 (Monday) to 7 (Sunday), each at most once.
pub fn iso_weekdays() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(7)),
        )
        .min_items(Some(1))
        .max_items(Some(7))
        .unique_items(true)
        .description(Some("ISO weekdays, 1 (Monday) to 7 (Sunday), each once."))
        .into()
}

/// A vocabulary in a body field that may be null (left unchanged).
fn nullable(reference: RefOr<Schema>) -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(reference)
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

pub fn role_or_null() -> RefOr<Schema> {
    nullable(role())
}

pub fn profession_or_null() -> RefOr<Schema> {
    nullable(profession())
}

pub fn landlord_kind_or_null() -> RefOr<Schema> {
    nullable(landlord_kind())
}

pub fn contract_kind_or_null() -> RefOr<Schema> {
    nullable(contract_kind())
}

pub fn typology_or_null() -> RefOr<Schema> {
    nullable(typology())
}

pub fn due_kind_or_null() -> RefOr<Schema> {
    nullable(due_kind())
}

pub fn siao_demand_or_null() -> RefOr<Schema> {
    nullable(siao_demand())
}

pub fn recourse_or_null() -> RefOr<Schema> {
    nullable(recourse())
}

pub fn follow_up_outcome_or_null() -> RefOr<Schema> {
    nullable(follow_up_outcome())
}

/// Declares, for each vocabulary, a function answering the reference to
/// its component (for `schema_with`), and `components()` listing them all.
macro_rules! vocabularies {
    ($($function:ident => $name:literal: $schema:expr;)+) => {
        $(
            pub fn $function() -> RefOr<Schema> {
                RefOr::Ref(Ref::from_schema_name($name))
            }
        )+

        /// Every vocabulary, by its component name.
        pub fn components() -> Vec<(&'static str, RefOr<Schema>)> {
            vec![$(($name, $schema)),+]
        }
    };
}

vocabularies! {
    role => "Role": string_enum(Role::ALL, Role::as_str,
        "What an account may do: `admin` manages accounts and housing, `coordinator` every family, `staff` the families they accompany.");
    profession => "Profession": string_enum(Profession::ALL, Profession::as_str,
        "A user's profession in the team.");
    referral_source => "ReferralSource": string_enum(ReferralSource::ALL, ReferralSource::as_str,
        "Who referred the family.");
    referral_reason => "ReferralReason": string_enum(ReferralReason::ALL, ReferralReason::as_str,
        "Why the family was referred.");
    file_status => "FileStatus": string_enum(FileStatus::ALL, FileStatus::as_str,
        "Where a file stands: `waiting` (a referral on the waiting list), `active` (in care), `closed`.");
    duplicate_verdict => "DuplicateVerdict": string_enum(DuplicateVerdict::ALL, DuplicateVerdict::as_str,
        "A decision on two files that look alike: `same_person` links them, `different` keeps them off the list.");
    referral_status => "ReferralStatus": string_enum(ReferralStatus::ALL, ReferralStatus::as_str,
        "Where a referral stands; `pending` is the waiting list.");
    placement_status => "PlacementStatus": string_enum(PlacementStatus::ALL, PlacementStatus::as_str,
        "Whether a placement is running or has ended.");
    exit_destination => "ExitDestination": string_enum(ExitDestination::ALL, ExitDestination::as_str,
        "Where the family went on leaving.");
    deadline_status => "DeadlineStatus": string_enum(
        &[DeadlineStatus::Overdue, DeadlineStatus::ReportDue, DeadlineStatus::Upcoming],
        |status| match status {
            DeadlineStatus::Overdue => "overdue",
            DeadlineStatus::ReportDue => "report_due",
            DeadlineStatus::Upcoming => "upcoming",
        },
        "How urgent a period's end is.");
    landlord_kind => "LandlordKind": string_enum(LandlordKind::ALL, LandlordKind::as_str,
        "A private landlord or a social landlord (bailleur social).");
    typology => "Typology": string_enum(Typology::ALL, Typology::as_str,
        "The apartment's size: studio, T1, T2, …");
    intervention_kind => "InterventionKind": string_enum(InterventionKind::ALL, InterventionKind::as_str,
        "What kind of intervention it was.");
    confidentiality => "Confidentiality": string_enum(Confidentiality::ALL, Confidentiality::as_str,
        "`team`: the family's team sees it; `restricted`: only its author and the staff present.");
    csv_format => "CsvFormat": string_enum(Format::ALL, Format::as_str,
        "`json` (the default), or `csv` for a spreadsheet.");
    html_format => "HtmlFormat": string_enum(ExportFormat::ALL, ExportFormat::as_str,
        "`json` (the default), `html` for a printable page in French, or `zip`: both and the documents' files.");
    booking_purpose => "BookingPurpose": string_enum(BookingPurpose::ALL, BookingPurpose::as_str,
        "What the mother is freed for while her child is at the crèche.");
    booking_status => "BookingStatus": string_enum(BookingStatus::ALL, BookingStatus::as_str,
        "`booked`, then `cancelled`, `attended` or `absent`.");
    contract_kind => "ContractKind": string_enum(ContractKind::ALL, ContractKind::as_str,
        "The contract of stay, or the document individuel de prise en charge.");
    objective_domain => "ObjectiveDomain": string_enum(ObjectiveDomain::ALL, ObjectiveDomain::as_str,
        "What an objective of the projet personnalisé is about.");
    objective_status => "ObjectiveStatus": string_enum(ObjectiveStatus::ALL, ObjectiveStatus::as_str,
        "Where an objective stands at a review.");
    due_kind => "DueKind": string_enum(DueKind::ALL, DueKind::as_str,
        "A kind of obligation on the due-dates screen.");
    document_kind => "DocumentKind": string_enum(DocumentKind::ALL, DocumentKind::as_str,
        "What a document of the paper file is.");
    media_type => "DocumentMediaType": string_enum(MediaType::ALL, |media| media.mime(),
        "A document's format, read from its content.");
    incident_category => "IncidentCategory": string_enum(IncidentCategory::ALL, IncidentCategory::as_str,
        "The eleven categories of the arrêté du 28 décembre 2016.");
    action_status => "ActionStatus": string_enum(ActionStatus::ALL, ActionStatus::as_str,
        "`open` (the default): the actions not done; `all`: every one.");
    step_kind => "HousingStepKind": string_enum(StepKind::ALL, StepKind::as_str,
        "What a step towards a home is.");
    step_status => "HousingStepStatus": string_enum(StepStatus::ALL, StepStatus::as_str,
        "Where a housing step stands: forward only, and `accepted`, `refused`, `withdrawn` end it.");
    siao_demand => "SiaoDemand": string_enum(SiaoDemand::ALL, SiaoDemand::as_str,
        "What the SIAO is asked for.");
    recourse => "DaloRecourse": string_enum(Recourse::ALL, Recourse::as_str,
        "What a DALO recourse asks for: a home (decided within 3 months) or a shelter (6 weeks).");
    follow_up_outcome => "FollowUpOutcome": string_enum(FollowUpOutcome::ALL, FollowUpOutcome::as_str,
        "Where the family stands at a follow-up after the exit.");
    participation_status => "ParticipationStatus": string_enum(ParticipationStatus::ALL, ParticipationStatus::as_str,
        "A family's place in a workshop: `registered`, then `attended` or `absent` once it was held.");
}
