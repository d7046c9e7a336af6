//! A family's timeline: referral, admission, periods, renewals, moves,
//! the interventions the caller may see, workshops, and exit, newest first.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use nido_cases::timeline::{self, Event, EventKind};
use serde::Serialize;
use utoipa::openapi::schema::{Discriminator, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;

use crate::creche::BookingResponse;
use crate::error::Result;
use crate::extract::{ApiPath, ValidQuery};
use crate::gate::{Allowed, Team};
use crate::interventions::InterventionResponse;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// A referral was received.
#[derive(Debug, ToSchema)]
pub struct ReferralEvent {
    pub date: NaiveDate,
    pub referral_id: Uuid,
    /// Where the referral stands now.
    #[schema(schema_with = crate::schema::referral_status)]
    pub status: &'static str,
}

/// The family was admitted: a placement began.
#[derive(Debug, ToSchema)]
pub struct AdmissionEvent {
    pub date: NaiveDate,
    pub placement_id: Uuid,
    pub referral_id: Uuid,
}

/// A period of the placement began.
#[derive(Debug, ToSchema)]
pub struct PeriodEvent {
    pub date: NaiveDate,
    pub placement_id: Uuid,
    /// The new period.
    pub period_number: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// The renewal of a period was decided.
#[derive(Debug, ToSchema)]
pub struct RenewalEvent {
    pub date: NaiveDate,
    pub placement_id: Uuid,
    /// The period renewed.
    pub period_number: i32,
}

/// The family moved into one of the centre's units.
#[derive(Debug, ToSchema)]
pub struct MoveEvent {
    pub date: NaiveDate,
    pub placement_id: Uuid,
    pub unit_id: Uuid,
    pub starts_on: NaiveDate,
    /// Null while she still lives there.
    pub ends_on: Option<NaiveDate>,
}

/// An intervention the caller may see.
#[derive(Debug, ToSchema)]
pub struct InterventionEvent {
    /// Its day in the centre's time zone.
    pub date: NaiveDate,
    pub at: DateTime<Utc>,
    pub intervention: InterventionResponse,
}

/// The placement ended.
#[derive(Debug, ToSchema)]
pub struct ExitEvent {
    pub date: NaiveDate,
    pub placement_id: Uuid,
    /// The destination.
    #[schema(schema_with = crate::schema::exit_destination)]
    pub status: &'static str,
}

/// A child's day at the crèche.
#[derive(Debug, ToSchema)]
pub struct CrecheBookingEvent {
    pub date: NaiveDate,
    pub creche_booking: BookingResponse,
}

/// The family takes part in a workshop.
#[derive(Debug, ToSchema)]
pub struct WorkshopEvent {
    pub date: NaiveDate,
    /// When it starts (null when that hour does not exist that day).
    pub at: Option<DateTime<Utc>>,
    /// The participation's status.
    #[schema(schema_with = crate::schema::participation_status)]
    pub status: &'static str,
    pub workshop_id: Uuid,
    #[schema(max_length = 200)]
    pub title: String,
}

/// A version of the projet personnalisé was written.
#[derive(Debug, ToSchema)]
pub struct ProjectReviewEvent {
    pub date: NaiveDate,
    pub placement_id: Uuid,
    /// Read it with `GET /placements/{id}/project`.
    pub project_review_id: Uuid,
}

/// An information préoccupante was transmitted: the event, never what was
/// said.
#[derive(Debug, ToSchema)]
pub struct ConcernEvent {
    pub date: NaiveDate,
    /// Read it with `GET /families/{id}/concerns`.
    pub concern_id: Uuid,
}

/// A step towards a home, on the day it was filed (the day it was
/// recorded while it is not filed).
#[derive(Debug, ToSchema)]
pub struct HousingStepEvent {
    pub date: NaiveDate,
    pub placement_id: Uuid,
    /// Read it with `GET /housing-steps/{id}`.
    pub housing_step_id: Uuid,
    /// What the step is.
    #[schema(schema_with = crate::schema::step_kind)]
    pub step_kind: &'static str,
    /// Where it stands now.
    #[schema(schema_with = crate::schema::step_status)]
    pub status: &'static str,
}

/// A follow-up after the exit was made.
#[derive(Debug, ToSchema)]
pub struct FollowUpEvent {
    pub date: NaiveDate,
    pub placement_id: Uuid,
    pub follow_up_id: Uuid,
    /// How many months after the exit.
    pub after_months: u32,
    /// What it found.
    #[schema(schema_with = crate::schema::follow_up_outcome)]
    pub status: &'static str,
}

/// Another file was found to be the same mother's: the two are linked.
#[derive(Debug, ToSchema)]
pub struct LinkedFileEvent {
    pub date: NaiveDate,
    /// The other file: read it with `GET /families/{id}` (when the caller
    /// may).
    pub linked_family_id: Uuid,
}

/// One event of the family's timeline, by kind: a tagged union on `kind`.
#[derive(Debug)]
pub enum TimelineEvent {
    Referral(ReferralEvent),
    Admission(AdmissionEvent),
    Period(PeriodEvent),
    Renewal(RenewalEvent),
    Move(MoveEvent),
    Intervention(InterventionEvent),
    Exit(ExitEvent),
    CrecheBooking(CrecheBookingEvent),
    Workshop(WorkshopEvent),
    ProjectReview(ProjectReviewEvent),
    Concern(ConcernEvent),
    HousingStep(HousingStepEvent),
    FollowUp(FollowUpEvent),
    LinkedFile(LinkedFileEvent),
}

impl TimelineEvent {
    fn new(event: Event, today: NaiveDate) -> Self {
        let date = event.date();
        match event {
            Event::Referral {
                referral_id,
                status,
                ..
            } => Self::Referral(ReferralEvent {
                date,
                referral_id,
                status: status.as_str(),
            }),
            Event::Admission {
                placement_id,
                referral_id,
                ..
            } => Self::Admission(AdmissionEvent {
                date,
                placement_id,
                referral_id,
            }),
            Event::Period {
                placement_id,
                period,
            } => Self::Period(PeriodEvent {
                date,
                placement_id,
                period_number: period.number,
                starts_on: period.starts_on,
                ends_on: period.ends_on,
            }),
            Event::Renewal {
                placement_id,
                period_number,
                ..
            } => Self::Renewal(RenewalEvent {
                date,
                placement_id,
                period_number,
            }),
            Event::Move {
                placement_id,
                unit_id,
                span,
            } => Self::Move(MoveEvent {
                date,
                placement_id,
                unit_id,
                starts_on: span.start,
                ends_on: span.end,
            }),
            Event::Intervention {
                intervention,
                actions,
                ..
            } => Self::Intervention(InterventionEvent {
                date,
                at: intervention.occurred_at,
                intervention: InterventionResponse::new(*intervention, actions, today),
            }),
            Event::Exit {
                placement_id,
                destination,
                ..
            } => Self::Exit(ExitEvent {
                date,
                placement_id,
                status: destination.as_str(),
            }),
            Event::CrecheBooking(booking) => Self::CrecheBooking(CrecheBookingEvent {
                date,
                creche_booking: BookingResponse::from(*booking),
            }),
            Event::Workshop {
                workshop_id,
                starts_at,
                title,
                status,
                ..
            } => Self::Workshop(WorkshopEvent {
                date,
                at: starts_at,
                status: status.as_str(),
                workshop_id,
                title,
            }),
            Event::ProjectReview {
                placement_id,
                project_review_id,
                ..
            } => Self::ProjectReview(ProjectReviewEvent {
                date,
                placement_id,
                project_review_id,
            }),
            Event::Concern { concern_id, .. } => Self::Concern(ConcernEvent { date, concern_id }),
            Event::HousingStep {
                placement_id,
                housing_step_id,
                kind,
                status,
                ..
            } => Self::HousingStep(HousingStepEvent {
                date,
                placement_id,
                housing_step_id,
                step_kind: kind.as_str(),
                status: status.as_str(),
            }),
            Event::FollowUp {
                placement_id,
                follow_up_id,
                after_months,
                outcome,
                ..
            } => Self::FollowUp(FollowUpEvent {
                date,
                placement_id,
                follow_up_id,
                after_months,
                status: outcome.as_str(),
            }),
            Event::LinkedFile {
                other_family_id, ..
            } => Self::LinkedFile(LinkedFileEvent {
                date,
                linked_family_id: other_family_id,
            }),
        }
    }

    /// Every kind: its tag and its variant's component, with its schema and
    /// the components it refers to.
    fn kinds() -> [(EventKind, String, RefOr<Schema>, Collect); 14] {
        fn kind<T: ToSchema>(tag: EventKind) -> (EventKind, String, RefOr<Schema>, Collect) {
            (tag, T::name().into_owned(), T::schema(), T::schemas)
        }
        [
            kind::<ReferralEvent>(EventKind::Referral),
            kind::<AdmissionEvent>(EventKind::Admission),
            kind::<PeriodEvent>(EventKind::Period),
            kind::<RenewalEvent>(EventKind::Renewal),
            kind::<MoveEvent>(EventKind::Move),
            kind::<InterventionEvent>(EventKind::Intervention),
            kind::<ExitEvent>(EventKind::Exit),
            kind::<CrecheBookingEvent>(EventKind::CrecheBooking),
            kind::<WorkshopEvent>(EventKind::Workshop),
            kind::<ProjectReviewEvent>(EventKind::ProjectReview),
            kind::<ConcernEvent>(EventKind::Concern),
            kind::<HousingStepEvent>(EventKind::HousingStep),
            kind::<FollowUpEvent>(EventKind::FollowUp),
            kind::<LinkedFileEvent>(EventKind::LinkedFile),
        ]
    }
}

/// Collects the components a schema refers to.
type Collect = fn(&mut Vec<(String, RefOr<Schema>)>);

impl PartialSchema for TimelineEvent {
    fn schema() -> RefOr<Schema> {
        let kinds = Self::kinds();
        let mapping = kinds.iter().map(|(tag, name, _, _)| {
            (
                tag.as_str(),
                Ref::from_schema_name(name.as_str()).ref_location,
            )
        });
        let mut union = OneOfBuilder::new()
            .description(Some(
                "One event, by `kind`. Each event also carries the fields of the \
                 other kinds, as null.",
            ))
            .discriminator(Some(Discriminator::with_mapping("kind", mapping)));
        for (_, name, _, _) in &kinds {
            union = union.item(Ref::from_schema_name(name.as_str()));
        }
        union.into()
    }
}

impl ToSchema for TimelineEvent {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        for (tag, name, schema, collect) in Self::kinds() {
            let kind = kind_name(&name);
            schemas.push((kind.clone(), kind_schema(tag, &name)));
            schemas.push((name, tagged(&kind, schema)));
            collect(schemas);
        }
    }
}

/// The component of a kind's `kind`: a vocabulary of one value, named as
/// every vocabulary is.
fn kind_name(variant: &str) -> String {
    format!("{variant}Kind")
}

fn kind_schema(tag: EventKind, variant: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!("The `kind` of a `{variant}`.")))
        .enum_values(Some([tag.as_str()]))
        .into()
}

/// `schema` with the property `kind`, required, of the component `kind`.
fn tagged(kind: &str, schema: RefOr<Schema>) -> RefOr<Schema> {
    let RefOr::T(Schema::Object(mut object)) = schema else {
        return schema;
    };
    object
        .properties
        .insert("kind".to_owned(), Ref::from_schema_name(kind).into());
    object.required.insert(0, "kind".to_owned());
    RefOr::T(Schema::Object(object))
}

/// The form every event has always been answered in: every kind's fields,
/// those of other kinds null, in this order.
#[derive(Serialize)]
struct EventJson<'a> {
    kind: &'static str,
    date: NaiveDate,
    at: Option<DateTime<Utc>>,
    referral_id: Option<Uuid>,
    placement_id: Option<Uuid>,
    status: Option<&'static str>,
    period_number: Option<i32>,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    unit_id: Option<Uuid>,
    intervention: Option<&'a InterventionResponse>,
    creche_booking: Option<&'a BookingResponse>,
    project_review_id: Option<Uuid>,
    concern_id: Option<Uuid>,
    workshop_id: Option<Uuid>,
    title: Option<&'a str>,
    housing_step_id: Option<Uuid>,
    step_kind: Option<&'static str>,
    follow_up_id: Option<Uuid>,
    after_months: Option<u32>,
    linked_family_id: Option<Uuid>,
}

impl<'a> EventJson<'a> {
    fn blank(kind: EventKind, date: NaiveDate) -> Self {
        Self {
            kind: kind.as_str(),
            date,
            at: None,
            referral_id: None,
            placement_id: None,
            status: None,
            period_number: None,
            starts_on: None,
            ends_on: None,
            unit_id: None,
            intervention: None,
            creche_booking: None,
            project_review_id: None,
            concern_id: None,
            workshop_id: None,
            title: None,
            housing_step_id: None,
            step_kind: None,
            follow_up_id: None,
            after_months: None,
            linked_family_id: None,
        }
    }

    fn of(event: &'a TimelineEvent) -> Self {
        match event {
            TimelineEvent::Referral(e) => Self {
                referral_id: Some(e.referral_id),
                status: Some(e.status),
                ..Self::blank(EventKind::Referral, e.date)
            },
            TimelineEvent::Admission(e) => Self {
                placement_id: Some(e.placement_id),
                referral_id: Some(e.referral_id),
                ..Self::blank(EventKind::Admission, e.date)
            },
            TimelineEvent::Period(e) => Self {
                placement_id: Some(e.placement_id),
                period_number: Some(e.period_number),
                starts_on: Some(e.starts_on),
                ends_on: Some(e.ends_on),
                ..Self::blank(EventKind::Period, e.date)
            },
            TimelineEvent::Renewal(e) => Self {
                placement_id: Some(e.placement_id),
                period_number: Some(e.period_number),
                ..Self::blank(EventKind::Renewal, e.date)
            },
            TimelineEvent::Move(e) => Self {
                placement_id: Some(e.placement_id),
                unit_id: Some(e.unit_id),
                starts_on: Some(e.starts_on),
                ends_on: e.ends_on,
                ..Self::blank(EventKind::Move, e.date)
            },
            TimelineEvent::Intervention(e) => Self {
                at: Some(e.at),
                intervention: Some(&e.intervention),
                ..Self::blank(EventKind::Intervention, e.date)
            },
            TimelineEvent::Exit(e) => Self {
                placement_id: Some(e.placement_id),
                status: Some(e.status),
                ..Self::blank(EventKind::Exit, e.date)
            },
            TimelineEvent::CrecheBooking(e) => Self {
                creche_booking: Some(&e.creche_booking),
                ..Self::blank(EventKind::CrecheBooking, e.date)
            },
            TimelineEvent::Workshop(e) => Self {
                at: e.at,
                status: Some(e.status),
                workshop_id: Some(e.workshop_id),
                title: Some(&e.title),
                ..Self::blank(EventKind::Workshop, e.date)
            },
            TimelineEvent::ProjectReview(e) => Self {
                placement_id: Some(e.placement_id),
                project_review_id: Some(e.project_review_id),
                ..Self::blank(EventKind::ProjectReview, e.date)
            },
            TimelineEvent::Concern(e) => Self {
                concern_id: Some(e.concern_id),
                ..Self::blank(EventKind::Concern, e.date)
            },
            TimelineEvent::HousingStep(e) => Self {
                placement_id: Some(e.placement_id),
                housing_step_id: Some(e.housing_step_id),
                step_kind: Some(e.step_kind),
                status: Some(e.status),
                ..Self::blank(EventKind::HousingStep, e.date)
            },
            TimelineEvent::FollowUp(e) => Self {
                placement_id: Some(e.placement_id),
                follow_up_id: Some(e.follow_up_id),
                after_months: Some(e.after_months),
                status: Some(e.status),
                ..Self::blank(EventKind::FollowUp, e.date)
            },
            TimelineEvent::LinkedFile(e) => Self {
                linked_family_id: Some(e.linked_family_id),
                ..Self::blank(EventKind::LinkedFile, e.date)
            },
        }
    }
}

impl Serialize for TimelineEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        EventJson::of(self).serialize(serializer)
    }
}

/// Everything that happened to the family, newest first (coordinator; staff
/// for their families). Restricted interventions appear only to their author
/// and the staff present; workshops the family takes part in appear at their
/// start.
#[utoipa::path(get, path = "/families/{id}/timeline", tag = "interventions",
    params(("id" = Uuid, Path), PageParams),
    responses((status = 200, description = "A page of events", body = Page<TimelineEvent>)))]
pub(crate) async fn timeline(
    State(state): State<AppState>,
    caller: Allowed<Team>,
    ApiPath(family_id): ApiPath<Uuid>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> Result<Json<Page<TimelineEvent>>> {
    let limit = page.limit()?;
    let offset: usize = page.position()?.unwrap_or(0);
    let wanted = usize::try_from(limit + 1).unwrap_or(usize::MAX);
    let events = timeline::family_timeline(
        &state.cases,
        &caller.case_caller(),
        family_id,
        Some(offset.saturating_add(wanted)),
    )
    .await?;
    let today = state.today();
    let rows: Vec<(usize, TimelineEvent)> = events
        .into_iter()
        .enumerate()
        .skip(offset)
        .take(wanted)
        .map(|(index, event)| (index, TimelineEvent::new(event, today)))
        .collect();
    Ok(Json(Page::from_rows(
        rows,
        limit,
        |(index, _)| index + 1,
        |(_, event)| event,
    )))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The keys every event is answered with, and those each kind's schema
    /// names: a kind's keys are among them, and together they are all.
    #[test]
    fn each_kinds_schema_names_fields_the_answer_carries() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        let blank =
            serde_json::to_value(EventJson::blank(EventKind::Concern, date)).unwrap_or_default();
        let answered: BTreeSet<String> = blank
            .as_object()
            .map(|object| object.keys().cloned().collect())
            .unwrap_or_default();
        assert_eq!(answered.len(), 21, "{answered:?}");
        let mut named = BTreeSet::new();
        for (tag, name, schema, _) in TimelineEvent::kinds() {
            let RefOr::T(Schema::Object(object)) = tagged(&kind_name(&name), schema) else {
                panic!("{} is not an object", tag.as_str());
            };
            for key in object.properties.keys() {
                assert!(answered.contains(key), "{key} of {}", tag.as_str());
                named.insert(key.clone());
            }
        }
        assert_eq!(named, answered);
    }
}
