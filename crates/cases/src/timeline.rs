//! A family's timeline: referral, admission, periods, renewals, moves, the
//! interventions the caller may see, workshops, and exit, newest first.
//! Which record makes which event is said once, in the registry of family
//! records ([`crate::records`]): the timeline walks it.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use nido_domain::creche::Booking;
use nido_domain::family::ReferralStatus;
use nido_domain::housing::DateSpan;
use nido_domain::intervention::{Action, Intervention};
use nido_domain::pathway::{FollowUpOutcome, StepKind, StepStatus};
use nido_domain::placement::ExitDestination;
use nido_domain::placement::Period;
use nido_domain::workshop::ParticipationStatus;
use nido_persistence::{
    creche, incidents, interventions, occupancies, pathway, placements, projects, referrals,
    workshops,
};
use uuid::Uuid;

pub use crate::event_kind::EventKind;
use crate::families::visible_family;
use crate::identity::linked_files;
use crate::records::FamilyRecord;
use crate::{Caller, CaseResult, Cases};

/// One event, with exactly what its kind says.
#[derive(Debug, Clone)]
pub enum Event {
    /// The referral was received; `status` is where it stands now.
    Referral {
        referral_id: Uuid,
        referred_on: NaiveDate,
        status: ReferralStatus,
    },
    Admission {
        placement_id: Uuid,
        referral_id: Uuid,
        admitted_on: NaiveDate,
    },
    /// A period began.
    Period {
        placement_id: Uuid,
        period: Period,
    },
    /// The renewal of the period `period_number` was decided.
    Renewal {
        placement_id: Uuid,
        period_number: i32,
        decided_on: NaiveDate,
    },
    /// The family moved into a unit, for `span`.
    Move {
        placement_id: Uuid,
        unit_id: Uuid,
        span: DateSpan,
    },
    /// An intervention the caller may see, on its day in the centre's time
    /// zone, with its actions.
    Intervention {
        day: NaiveDate,
        intervention: Box<Intervention>,
        actions: Vec<Action>,
    },
    Exit {
        placement_id: Uuid,
        exited_on: NaiveDate,
        destination: ExitDestination,
    },
    CrecheBooking(Box<Booking>),
    /// The family took part in a workshop, starting at `starts_at` (none
    /// when that hour does not exist that day in the centre's zone).
    Workshop {
        workshop_id: Uuid,
        on: NaiveDate,
        starts_at: Option<DateTime<Utc>>,
        title: String,
        status: ParticipationStatus,
    },
    ProjectReview {
        placement_id: Uuid,
        project_review_id: Uuid,
        reviewed_on: NaiveDate,
    },
    /// An information préoccupante was transmitted: the event, never what
    /// was said.
    Concern {
        concern_id: Uuid,
        transmitted_on: NaiveDate,
    },
    /// A step towards a home, on the day it was filed (the day it was
    /// recorded while it is not filed); `status` is where it stands now.
    HousingStep {
        placement_id: Uuid,
        housing_step_id: Uuid,
        on: NaiveDate,
        kind: StepKind,
        status: StepStatus,
    },
    /// A follow-up after the exit was made.
    FollowUp {
        placement_id: Uuid,
        follow_up_id: Uuid,
        done_on: NaiveDate,
        after_months: u32,
        outcome: FollowUpOutcome,
    },
    /// A coordinator found that another file is the same mother's: the
    /// two files are linked, never merged.
    LinkedFile {
        decision_id: Uuid,
        other_family_id: Uuid,
        decided_on: NaiveDate,
    },
}

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Event::Referral { .. } => EventKind::Referral,
            Event::Admission { .. } => EventKind::Admission,
            Event::Period { .. } => EventKind::Period,
            Event::Renewal { .. } => EventKind::Renewal,
            Event::Move { .. } => EventKind::Move,
            Event::Intervention { .. } => EventKind::Intervention,
            Event::Exit { .. } => EventKind::Exit,
            Event::CrecheBooking(_) => EventKind::CrecheBooking,
            Event::Workshop { .. } => EventKind::Workshop,
            Event::ProjectReview { .. } => EventKind::ProjectReview,
            Event::Concern { .. } => EventKind::Concern,
            Event::HousingStep { .. } => EventKind::HousingStep,
            Event::FollowUp { .. } => EventKind::FollowUp,
            Event::LinkedFile { .. } => EventKind::LinkedFile,
        }
    }

    /// The day it happened (in the centre's time zone for interventions).
    pub fn date(&self) -> NaiveDate {
        match self {
            Event::Referral { referred_on, .. } => *referred_on,
            Event::Admission { admitted_on, .. } => *admitted_on,
            Event::Period { period, .. } => period.starts_on,
            Event::Renewal { decided_on, .. } => *decided_on,
            Event::Move { span, .. } => span.start,
            Event::Intervention { day, .. } => *day,
            Event::Exit { exited_on, .. } => *exited_on,
            Event::CrecheBooking(booking) => booking.on,
            Event::Workshop { on, .. } => *on,
            Event::ProjectReview { reviewed_on, .. } => *reviewed_on,
            Event::Concern { transmitted_on, .. } => *transmitted_on,
            Event::HousingStep { on, .. } => *on,
            Event::FollowUp { done_on, .. } => *done_on,
            Event::LinkedFile { decided_on, .. } => *decided_on,
        }
    }

    /// The instant, for interventions and workshops (when it starts).
    pub fn at(&self) -> Option<DateTime<Utc>> {
        match self {
            Event::Intervention { intervention, .. } => Some(intervention.occurred_at),
            Event::Workshop { starts_at, .. } => *starts_at,
            _ => None,
        }
    }

    /// The period a period or a renewal is about.
    pub fn period_number(&self) -> Option<i32> {
        match self {
            Event::Period { period, .. } => Some(period.number),
            Event::Renewal { period_number, .. } => Some(*period_number),
            _ => None,
        }
    }

    /// Newest first; on one day, in the order things happen in a placement.
    fn newest_first(a: &Event, b: &Event) -> std::cmp::Ordering {
        let key = |event: &Event| {
            (
                event.date(),
                event.at(),
                event.kind(),
                event.period_number(),
            )
        };
        key(b).cmp(&key(a))
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
    let placements = placements::for_family(db, family_id).await?;
    let mut events = Vec::new();
    for record in FamilyRecord::ALL {
        match record {
            // Who the family is and who accompanies her: the family's page
            // says it; nothing happened.
            FamilyRecord::Family | FamilyRecord::Children | FamilyRecord::Team => {}
            // Dates the due dates follow, not events of her story.
            FamilyRecord::Contracts => {}
            // Papers kept in the file, listed on its page.
            FamilyRecord::Documents => {}
            // Shown with the intervention they came from.
            FamilyRecord::Actions => {}
            // The centre's record of an event reported to the authority,
            // read in the incidents; and who read the file, in the audit log.
            FamilyRecord::Incidents | FamilyRecord::AuditEntries => {}
            FamilyRecord::Referrals => {
                for referral in referrals::for_family(db, family_id).await? {
                    events.push(Event::Referral {
                        referral_id: referral.id,
                        referred_on: referral.referred_on,
                        status: referral.status,
                    });
                }
            }
            FamilyRecord::Placements => {
                for placement in &placements {
                    events.push(Event::Admission {
                        placement_id: placement.id,
                        referral_id: placement.referral_id,
                        admitted_on: placement.admitted_on,
                    });
                    if let Some(exit) = &placement.exit {
                        events.push(Event::Exit {
                            placement_id: placement.id,
                            exited_on: exit.exited_on,
                            destination: exit.destination,
                        });
                    }
                }
            }
            FamilyRecord::Periods => {
                for placement in &placements {
                    for record in &placement.periods {
                        events.push(Event::Period {
                            placement_id: placement.id,
                            period: record.period,
                        });
                        if let Some(decided_on) = record.decided_on {
                            events.push(Event::Renewal {
                                placement_id: placement.id,
                                period_number: record.period.number,
                                decided_on,
                            });
                        }
                    }
                }
            }
            FamilyRecord::Occupancies => {
                for placement in &placements {
                    for occupancy in occupancies::of_placement(db, placement.id).await? {
                        events.push(Event::Move {
                            placement_id: placement.id,
                            unit_id: occupancy.unit_id,
                            span: occupancy.span,
                        });
                    }
                }
            }
            FamilyRecord::ProjectReviews => {
                for placement in &placements {
                    for review in projects::reviews_of(db, placement.id).await? {
                        events.push(Event::ProjectReview {
                            placement_id: placement.id,
                            project_review_id: review.id,
                            reviewed_on: review.reviewed_on,
                        });
                    }
                }
            }
            FamilyRecord::Interventions => {
                events.extend(visible_interventions(cases, caller, family_id, newest).await?);
            }
            FamilyRecord::CrecheBookings => {
                for booking in creche::all_bookings_of_family(db, family_id).await? {
                    events.push(Event::CrecheBooking(Box::new(booking)));
                }
            }
            FamilyRecord::Workshops => {
                for (participation, workshop) in workshops::of_family(db, family_id).await? {
                    events.push(Event::Workshop {
                        workshop_id: workshop.id,
                        on: workshop.on,
                        starts_at: cases
                            .time_zone
                            .from_local_datetime(&workshop.starts_at.on(workshop.on))
                            .earliest()
                            .map(|at| at.with_timezone(&Utc)),
                        title: workshop.title,
                        status: participation.status,
                    });
                }
            }
            FamilyRecord::HousingPathway => {
                for step in pathway::steps_of_family(db, family_id).await? {
                    let recorded = step.created_at.with_timezone(&cases.time_zone).date_naive();
                    events.push(Event::HousingStep {
                        placement_id: step.placement_id,
                        housing_step_id: step.id,
                        on: step.filed_on.unwrap_or(recorded),
                        kind: step.kind(),
                        status: step.status,
                    });
                }
                for follow_up in pathway::follow_ups_of_family(db, family_id).await? {
                    if let Some(made) = follow_up.made {
                        events.push(Event::FollowUp {
                            placement_id: follow_up.placement_id,
                            follow_up_id: follow_up.id,
                            done_on: made.done_on,
                            after_months: follow_up.after_months,
                            outcome: made.outcome,
                        });
                    }
                }
            }
            FamilyRecord::Identity => {
                // Only the files the caller may open are named to her.
                for (other, decision) in linked_files(cases, caller, family_id).await? {
                    events.push(Event::LinkedFile {
                        decision_id: decision.id,
                        other_family_id: other,
                        decided_on: decision
                            .decided_at
                            .with_timezone(&cases.time_zone)
                            .date_naive(),
                    });
                }
            }
            FamilyRecord::Concerns => {
                for concern in incidents::concerns_of(db, family_id).await? {
                    events.push(Event::Concern {
                        concern_id: concern.id,
                        transmitted_on: concern.transmitted_on,
                    });
                }
            }
        }
    }
    // Stable: events of one kind on one day keep the order they were read in.
    events.sort_by(Event::newest_first);
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

/// The interventions the caller may see, with their actions: with
/// `newest`, only as many of the newest as the page can show. The newest n
/// events hold at most the n newest interventions: an intervention's day
/// follows its instant, and ties keep the query's order.
async fn visible_interventions(
    cases: &Cases,
    caller: &Caller,
    family_id: Uuid,
    newest: Option<usize>,
) -> CaseResult<Vec<Event>> {
    let db = &cases.db;
    let enough = newest.map(|n| u64::try_from(n).unwrap_or(u64::MAX));
    let visible = interventions::list_visible(db, family_id, caller.id, None, enough).await?;
    let ids = visible.iter().map(|row| row.id).collect();
    let actions = interventions::actions_of(db, ids).await?;
    Ok(visible
        .into_iter()
        .map(|intervention| {
            let its_actions = actions
                .iter()
                .filter(|action| action.intervention_id == Some(intervention.id))
                .cloned()
                .collect();
            Event::Intervention {
                day: intervention
                    .occurred_at
                    .with_timezone(&cases.time_zone)
                    .date_naive(),
                intervention: Box::new(intervention),
                actions: its_actions,
            }
        })
        .collect())
}
