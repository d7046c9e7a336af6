//! A family's timeline: referral, admission, periods, renewals, moves, the
//! interventions the caller may see, workshops, and exit, newest first.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use nido_domain::creche::Booking;
use nido_domain::intervention::{Action, Intervention};
use nido_persistence::{
    creche, incidents, interventions, occupancies, placements, projects, referrals, workshops,
};
use uuid::Uuid;

use crate::families::visible_family;
use crate::{Caller, CaseResult, Cases};

/// What happened. On one day, events come in this order within a
/// placement (the declaration order is the ranking); interventions and
/// workshops, which have an instant, come by their instant; a crèche
/// booking comes last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    Referral,
    Admission,
    Period,
    Move,
    Intervention,
    Renewal,
    Exit,
    CrecheBooking,
    /// The family took part in a workshop (*atelier*).
    Workshop,
    /// A version of the projet personnalisé was written.
    ProjectReview,
    /// An information préoccupante was transmitted about a child.
    Concern,
}

impl EventKind {
    pub const ALL: &'static [EventKind] = &[
        EventKind::Referral,
        EventKind::Admission,
        EventKind::Period,
        EventKind::Move,
        EventKind::Intervention,
        EventKind::Renewal,
        EventKind::Exit,
        EventKind::CrecheBooking,
        EventKind::Workshop,
        EventKind::ProjectReview,
        EventKind::Concern,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Referral => "referral",
            EventKind::Admission => "admission",
            EventKind::Period => "period",
            EventKind::Move => "move",
            EventKind::Intervention => "intervention",
            EventKind::Renewal => "renewal",
            EventKind::Exit => "exit",
            EventKind::CrecheBooking => "creche_booking",
            EventKind::Workshop => "workshop",
            EventKind::ProjectReview => "project_review",
            EventKind::Concern => "concern",
        }
    }
}

/// One event; `kind` says which of the optional fields are set.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    /// The day it happened (in the centre's time zone for interventions).
    pub date: NaiveDate,
    /// The instant, for interventions and workshops (when it starts).
    pub at: Option<DateTime<Utc>>,
    pub referral_id: Option<Uuid>,
    pub placement_id: Option<Uuid>,
    /// For a referral: its status; for an exit: the destination; for a
    /// workshop: the participation's status.
    pub status: Option<&'static str>,
    /// For a period (the new one) and a renewal (the one renewed).
    pub period_number: Option<i32>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// For a move.
    pub unit_id: Option<Uuid>,
    /// For an intervention: it and its actions.
    pub intervention: Option<(Intervention, Vec<Action>)>,
    /// For a crèche booking.
    pub creche_booking: Option<Booking>,
    /// For a workshop: it and its title.
    pub workshop_id: Option<Uuid>,
    pub title: Option<String>,
    /// For a review of the projet personnalisé.
    pub project_review_id: Option<Uuid>,
    /// For an information préoccupante.
    pub concern_id: Option<Uuid>,
}

impl Event {
    fn new(kind: EventKind, date: NaiveDate) -> Self {
        Self {
            kind,
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
            workshop_id: None,
            title: None,
            project_review_id: None,
            concern_id: None,
        }
    }
}

/// What happened to the family, newest first (coordinator; staff for their
/// families): with `newest`, at least that many of the newest events, in
/// order (a page reads only the interventions it can show, the family's
/// largest history by far); without, everything. Restricted interventions
/// appear only to their author and the staff present. Audited as
/// `family.timeline`.
pub async fn family_timeline(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    newest: Option<usize>,
) -> CaseResult<Vec<Event>> {
    visible_family(&cases.db, caller, family_id).await?;
    let db = &cases.db;
    let mut events = Vec::new();
    for referral in referrals::for_family(db, family_id).await? {
        let mut event = Event::new(EventKind::Referral, referral.referred_on);
        event.referral_id = Some(referral.id);
        event.status = Some(referral.status.as_str());
        events.push(event);
    }
    for placement in placements::for_family(db, family_id).await? {
        let mut admission = Event::new(EventKind::Admission, placement.admitted_on);
        admission.placement_id = Some(placement.id);
        admission.referral_id = Some(placement.referral_id);
        events.push(admission);
        for record in &placement.periods {
            let period = record.period;
            let mut event = Event::new(EventKind::Period, period.starts_on);
            event.placement_id = Some(placement.id);
            event.period_number = Some(period.number);
            event.starts_on = Some(period.starts_on);
            event.ends_on = Some(period.ends_on);
            events.push(event);
            if let Some(decided_on) = record.decided_on {
                let mut renewal = Event::new(EventKind::Renewal, decided_on);
                renewal.placement_id = Some(placement.id);
                renewal.period_number = Some(period.number);
                events.push(renewal);
            }
        }
        for occupancy in occupancies::of_placement(db, placement.id).await? {
            let mut event = Event::new(EventKind::Move, occupancy.span.start);
            event.placement_id = Some(placement.id);
            event.unit_id = Some(occupancy.unit_id);
            event.starts_on = Some(occupancy.span.start);
            event.ends_on = occupancy.span.end;
            events.push(event);
        }
        for review in projects::reviews_of(db, placement.id).await? {
            let mut event = Event::new(EventKind::ProjectReview, review.reviewed_on);
            event.placement_id = Some(placement.id);
            event.project_review_id = Some(review.id);
            events.push(event);
        }
        if let Some(exit) = placement.exit {
            let mut event = Event::new(EventKind::Exit, exit.exited_on);
            event.placement_id = Some(placement.id);
            event.status = Some(exit.destination.as_str());
            events.push(event);
        }
    }
    // The newest n events hold at most the n newest interventions: an
    // intervention's day follows its instant, and ties keep the query's order.
    let enough = newest.map(|n| u64::try_from(n).unwrap_or(u64::MAX));
    let visible = interventions::list_visible(db, family_id, caller.id, None, enough).await?;
    let ids = visible.iter().map(|row| row.id).collect();
    let actions = interventions::actions_of(db, ids).await?;
    for intervention in visible {
        let at = intervention.occurred_at;
        let mut event = Event::new(
            EventKind::Intervention,
            at.with_timezone(&cases.time_zone).date_naive(),
        );
        event.at = Some(at);
        let its_actions = actions
            .iter()
            .filter(|action| action.intervention_id == Some(intervention.id))
            .cloned()
            .collect();
        event.intervention = Some((intervention, its_actions));
        events.push(event);
    }
    for booking in creche::all_bookings_of_family(db, family_id).await? {
        let mut event = Event::new(EventKind::CrecheBooking, booking.on);
        event.creche_booking = Some(booking);
        events.push(event);
    }
    for concern in incidents::concerns_of(db, family_id).await? {
        let mut event = Event::new(EventKind::Concern, concern.transmitted_on);
        event.concern_id = Some(concern.id);
        events.push(event);
    }
    for (participation, workshop) in workshops::of_family(db, family_id).await? {
        let mut event = Event::new(EventKind::Workshop, workshop.on);
        event.at = cases
            .time_zone
            .from_local_datetime(&workshop.starts_at.on(workshop.on))
            .earliest()
            .map(|at| at.with_timezone(&Utc));
        event.status = Some(participation.status.as_str());
        event.workshop_id = Some(workshop.id);
        event.title = Some(workshop.title);
        events.push(event);
    }
    // Newest first; on one day, in the order things happen in a placement.
    events.sort_by(|a, b| {
        (b.date, b.at, b.kind, b.period_number).cmp(&(a.date, a.at, a.kind, a.period_number))
    });
    if let Some(newest) = newest {
        events.truncate(newest);
    }
    cases
        .audit(
            caller,
            "family.timeline",
            Some(family_id),
            &format!("/families/{family_id}/timeline"),
        )
        .await?;
    Ok(events)
}
