//! OpenAPI schemas for domain enums, built from the domain's own lists so the
//! document cannot drift from the code.

use nido_cases::timeline::EventKind;
use nido_domain::family::{
    ExitDestination, PlacementStatus, ReferralReason, ReferralSource, ReferralStatus,
};
use nido_domain::housing::{LandlordKind, Typology};
use nido_domain::intervention::{Confidentiality, InterventionKind};
use nido_domain::placement::DeadlineStatus;
use nido_domain::{Profession, Role};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

fn string_enum<T: Copy>(values: &[T], name: impl Fn(T) -> &'static str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().map(|value| name(*value))))
        .into()
}

pub fn role() -> RefOr<Schema> {
    string_enum(Role::ALL, Role::as_str)
}

pub fn profession() -> RefOr<Schema> {
    string_enum(Profession::ALL, Profession::as_str)
}

pub fn referral_source() -> RefOr<Schema> {
    string_enum(ReferralSource::ALL, ReferralSource::as_str)
}

pub fn referral_reason() -> RefOr<Schema> {
    string_enum(ReferralReason::ALL, ReferralReason::as_str)
}

pub fn referral_status() -> RefOr<Schema> {
    string_enum(ReferralStatus::ALL, ReferralStatus::as_str)
}

pub fn placement_status() -> RefOr<Schema> {
    string_enum(PlacementStatus::ALL, PlacementStatus::as_str)
}

pub fn exit_destination() -> RefOr<Schema> {
    string_enum(ExitDestination::ALL, ExitDestination::as_str)
}

pub fn deadline_status() -> RefOr<Schema> {
    string_enum(
        &[
            DeadlineStatus::Overdue,
            DeadlineStatus::ReportDue,
            DeadlineStatus::Upcoming,
        ],
        |status| match status {
            DeadlineStatus::Overdue => "overdue",
            DeadlineStatus::ReportDue => "report_due",
            DeadlineStatus::Upcoming => "upcoming",
        },
    )
}

pub fn landlord_kind() -> RefOr<Schema> {
    string_enum(LandlordKind::ALL, LandlordKind::as_str)
}

pub fn typology() -> RefOr<Schema> {
    string_enum(Typology::ALL, Typology::as_str)
}

pub fn intervention_kind() -> RefOr<Schema> {
    string_enum(InterventionKind::ALL, InterventionKind::as_str)
}

pub fn confidentiality() -> RefOr<Schema> {
    string_enum(Confidentiality::ALL, Confidentiality::as_str)
}

pub fn timeline_event_kind() -> RefOr<Schema> {
    string_enum(EventKind::ALL, EventKind::as_str)
}
