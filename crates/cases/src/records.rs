//! The registry of family records: every kind of row that belongs to a
//! family's file, and for each what the four duties that must never forget
//! one do with it: the right-of-access export, the retention run, the
//! timeline and the audit vocabulary (SPEC "Privacy").
//!
//! A kind of record is a variant of [`FamilyRecord`]. The export
//! ([`crate::export::family_file`]), the retention run
//! ([`crate::retention`]) and the timeline
//! ([`crate::timeline::family_timeline`]) each walk [`FamilyRecord::ALL`]
//! with a `match` that names every variant, so a new kind does not compile
//! until each says what it does with it; a test of the use cases' suite
//! (`crates/cases/tests/use_cases/records.rs`) walks the migrated schema,
//! on SQLite and PostgreSQL, and fails when a table holding a family's id
//! belongs to no kind.
//! The recipe for a new kind is in `docs/architecture.md`.

use crate::event_kind::EventKind;

/// A kind of record of a family's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FamilyRecord {
    /// The paper file's documents (their encrypted contents are in the
    /// store, named by the row's id).
    Documents,
    /// Informations préoccupantes and the children they are about.
    Concerns,
    /// The families taking part in workshops, and the children they bring.
    Workshops,
    /// The children's crèche bookings and their attendance.
    CrecheBookings,
    /// The versions of the projet personnalisé: objectives, who took part.
    ProjectReviews,
    /// The exit to housing: each placement's steps towards a home, and the
    /// follow-ups after its exit.
    HousingPathway,
    /// The contract of stay (or DIPC) of each placement.
    Contracts,
    /// The units the family lived in during each placement.
    Occupancies,
    /// A placement's periods, with their renewal decisions.
    Periods,
    /// Follow-up actions, of an intervention or of the family.
    Actions,
    /// Interventions and the staff present.
    Interventions,
    /// Placements (*prises en charge*): admission and exit.
    Placements,
    Referrals,
    /// The family's team: who accompanies her besides the referent.
    Team,
    /// What her file is found by (the identity keys) and the decisions
    /// taken on it and a file that looked alike (SPEC "Identity and
    /// duplicates").
    Identity,
    /// Serious incidents naming the family (*événements indésirables graves*).
    Incidents,
    Children,
    /// The family's own row: the mother.
    Family,
    /// Every audit entry naming the family, and those waiting in the outbox.
    AuditEntries,
}

impl FamilyRecord {
    /// Every kind, in the order the retention run erases them: a record
    /// before those it points at.
    pub const ALL: &'static [FamilyRecord] = &[
        FamilyRecord::Documents,
        FamilyRecord::Concerns,
        FamilyRecord::Workshops,
        FamilyRecord::CrecheBookings,
        FamilyRecord::ProjectReviews,
        FamilyRecord::HousingPathway,
        FamilyRecord::Contracts,
        FamilyRecord::Occupancies,
        FamilyRecord::Periods,
        FamilyRecord::Actions,
        FamilyRecord::Interventions,
        FamilyRecord::Placements,
        FamilyRecord::Referrals,
        FamilyRecord::Team,
        FamilyRecord::Identity,
        FamilyRecord::Incidents,
        FamilyRecord::Children,
        FamilyRecord::Family,
        FamilyRecord::AuditEntries,
    ];

    /// The tables that hold it, in both engines' schema.
    pub fn tables(self) -> &'static [&'static str] {
        match self {
            FamilyRecord::Concerns => &["concerns", "concern_children"],
            FamilyRecord::Documents => &["documents"],
            FamilyRecord::Workshops => &["workshop_participants", "workshop_participant_children"],
            FamilyRecord::CrecheBookings => &["creche_bookings"],
            FamilyRecord::ProjectReviews => &[
                "project_reviews",
                "project_objectives",
                "project_review_participants",
            ],
            FamilyRecord::HousingPathway => &["housing_steps", "exit_follow_ups"],
            FamilyRecord::Contracts => &["contracts"],
            FamilyRecord::Occupancies => &["occupancies"],
            FamilyRecord::Periods => &["periods"],
            FamilyRecord::Actions => &["actions"],
            FamilyRecord::Interventions => &["interventions", "intervention_staff"],
            FamilyRecord::Placements => &["placements"],
            FamilyRecord::Referrals => &["referrals"],
            FamilyRecord::Team => &["family_team"],
            FamilyRecord::Identity => &["identity_keys", "duplicate_decisions"],
            FamilyRecord::Incidents => &["incidents"],
            FamilyRecord::Children => &["children"],
            FamilyRecord::Family => &["families"],
            FamilyRecord::AuditEntries => &[
                "audit_log",
                "audit_log_families",
                "audit_outbox",
                "audit_outbox_families",
            ],
        }
    }

    /// What the right-of-access export does with it.
    pub fn export(self) -> Export {
        match self {
            FamilyRecord::Concerns => Export::Withheld(
                "transmitted to the département's CRIP, which answers requests for them; \
                 a mother who learnt of one could be put off care or put a child at risk",
            ),
            FamilyRecord::Incidents => Export::Withheld(
                "reported to the authority, which answers requests for them; \
                 the same caution as for informations préoccupantes",
            ),
            FamilyRecord::Documents => Export::InExcept {
                section: "documents",
                left_out: "the restricted documents of other professionals (their personal \
                           papers), and the names of their authors: their profession is given",
            },
            FamilyRecord::Workshops => Export::In("workshops"),
            FamilyRecord::CrecheBookings => Export::In("creche_bookings"),
            FamilyRecord::ProjectReviews => Export::InExcept {
                section: "project_reviews",
                left_out: "the names of the professionals who took part",
            },
            FamilyRecord::Contracts => Export::In("contracts"),
            FamilyRecord::HousingPathway => Export::In("housing_pathway"),
            FamilyRecord::Occupancies => Export::In("housing"),
            FamilyRecord::Periods | FamilyRecord::Placements => Export::In("placements"),
            FamilyRecord::Actions => Export::InExcept {
                section: "actions",
                left_out: "the actions of restricted interventions",
            },
            FamilyRecord::Interventions => Export::InExcept {
                section: "interventions",
                left_out: "restricted interventions (the professionals' personal notes), \
                           and the names of those present: their profession is given",
            },
            FamilyRecord::Referrals => Export::In("referrals"),
            FamilyRecord::Identity => Export::InExcept {
                section: "linked_files",
                left_out: "the search keys (computed from her names and birth date, which \
                           are in the document), the decisions that another file is another \
                           woman's (about that woman as much as her), and the deciders' names",
            },
            FamilyRecord::Team | FamilyRecord::Children | FamilyRecord::Family => {
                Export::In("family")
            }
            FamilyRecord::AuditEntries => Export::InExcept {
                section: "consultations",
                left_out: "the readers' names (their profession is given), and every entry \
                           on a withheld record",
            },
        }
    }

    /// What the retention run does with it when the file is anonymised.
    pub fn retention(self) -> Retention {
        match self {
            FamilyRecord::Concerns
            | FamilyRecord::Referrals
            | FamilyRecord::Periods
            | FamilyRecord::Placements
            | FamilyRecord::Interventions
            | FamilyRecord::HousingPathway
            | FamilyRecord::CrecheBookings => Retention::DeletedKeepingFigures,
            FamilyRecord::Documents
            | FamilyRecord::Workshops
            | FamilyRecord::ProjectReviews
            | FamilyRecord::Contracts
            | FamilyRecord::Actions
            | FamilyRecord::Identity
            | FamilyRecord::Team => Retention::Deleted,
            FamilyRecord::Occupancies => Retention::Detached,
            FamilyRecord::Incidents => Retention::KeptNamingNobody,
            FamilyRecord::Children | FamilyRecord::Family => Retention::Erased,
            FamilyRecord::AuditEntries => Retention::PurgedWhenOld,
        }
    }

    /// The events it puts on the family's timeline.
    pub fn timeline(self) -> Timeline {
        match self {
            FamilyRecord::Concerns => Timeline::Events(&[EventKind::Concern]),
            FamilyRecord::Workshops => Timeline::Events(&[EventKind::Workshop]),
            FamilyRecord::CrecheBookings => Timeline::Events(&[EventKind::CrecheBooking]),
            FamilyRecord::ProjectReviews => Timeline::Events(&[EventKind::ProjectReview]),
            FamilyRecord::HousingPathway => {
                Timeline::Events(&[EventKind::HousingStep, EventKind::FollowUp])
            }
            FamilyRecord::Occupancies => Timeline::Events(&[EventKind::Move]),
            FamilyRecord::Periods => Timeline::Events(&[EventKind::Period, EventKind::Renewal]),
            FamilyRecord::Interventions => Timeline::Events(&[EventKind::Intervention]),
            FamilyRecord::Placements => Timeline::Events(&[EventKind::Admission, EventKind::Exit]),
            FamilyRecord::Referrals => Timeline::Events(&[EventKind::Referral]),
            FamilyRecord::Identity => Timeline::Events(&[EventKind::LinkedFile]),
            FamilyRecord::Contracts => {
                Timeline::Nothing("its delivery and signature are due dates, not events")
            }
            FamilyRecord::Documents => Timeline::Nothing(
                "papers kept in the file, listed on its page: adding one is no event of her stay",
            ),
            FamilyRecord::Actions => {
                Timeline::Nothing("shown with the intervention they came from")
            }
            FamilyRecord::Incidents => Timeline::Nothing(
                "the centre's record of an event reported to the authority, read in the incidents",
            ),
            FamilyRecord::Team | FamilyRecord::Children | FamilyRecord::Family => {
                Timeline::Nothing("who the family is and who accompanies her: nothing happened")
            }
            FamilyRecord::AuditEntries => Timeline::Nothing("who read the file: the audit log"),
        }
    }

    /// The resources its audit entries name: the part of an action before
    /// its first dot (`referral` in `referral.create`).
    pub fn audit_resources(self) -> &'static [&'static str] {
        match self {
            FamilyRecord::Documents => &["document"],
            FamilyRecord::Concerns => &["concern"],
            FamilyRecord::Workshops => &["workshop"],
            FamilyRecord::CrecheBookings => &["creche"],
            FamilyRecord::ProjectReviews => &["project"],
            FamilyRecord::HousingPathway => &["housing_step", "follow_up"],
            FamilyRecord::Contracts => &["contract"],
            FamilyRecord::Occupancies => &["placement", "occupancy"],
            FamilyRecord::Periods | FamilyRecord::Placements => &["placement"],
            FamilyRecord::Actions => &["action"],
            FamilyRecord::Interventions => &["intervention"],
            FamilyRecord::Referrals => &["referral"],
            FamilyRecord::Team | FamilyRecord::Family => &["family"],
            FamilyRecord::Identity => &["duplicate"],
            FamilyRecord::Incidents => &["incident"],
            FamilyRecord::Children => &["child"],
            FamilyRecord::AuditEntries => &["audit"],
        }
    }
}

/// What the right-of-access export does with a kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// In the document, under this key of its JSON.
    In(&'static str),
    /// In the document under `section`, without what `left_out` names.
    InExcept {
        section: &'static str,
        left_out: &'static str,
    },
    /// Not in the document, and nothing in it may tell whether one exists:
    /// not the record, not its timeline event, not the audit entries on it
    /// among the consultations. Why, in the text.
    Withheld(&'static str),
}

/// What anonymisation does with a kind of record (`docs/privacy.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Deleted, after what the activity report counted of it was added to
    /// the kept figures.
    DeletedKeepingFigures,
    /// Deleted: no report counts it.
    Deleted,
    /// Deleted, its days in a unit kept as occupied days naming nobody.
    Detached,
    /// The row stays naming nobody, its texts erased.
    KeptNamingNobody,
    /// The row stays, without a name, a contact or a date but a year or
    /// the month of anonymisation, so the job never takes it twice.
    Erased,
    /// Not touched by the anonymisation: the audit log's own rule deletes
    /// entries once their months are up.
    PurgedWhenOld,
}

/// What a kind of record puts on the family's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeline {
    Events(&'static [EventKind]),
    /// No event, and why.
    Nothing(&'static str),
}

/// Whether the audit `action` is on a withheld record: the export leaves
/// it out of the consultations, whatever it is (a creation, a reading, a
/// list that shows the family only for such a record, as
/// `incident.due_dates.read`).
pub fn is_on_withheld_record(action: &str) -> bool {
    let resource = action
        .split_once('.')
        .map_or(action, |(resource, _)| resource);
    FamilyRecord::ALL.iter().any(|record| {
        matches!(record.export(), Export::Withheld(_))
            && record.audit_resources().contains(&resource)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_kind_is_listed_once() {
        let listed: BTreeSet<String> = FamilyRecord::ALL
            .iter()
            .map(|record| format!("{record:?}"))
            .collect();
        assert_eq!(listed.len(), FamilyRecord::ALL.len());
    }

    #[test]
    fn a_table_belongs_to_one_kind() {
        let mut seen = BTreeSet::new();
        for record in FamilyRecord::ALL {
            for table in record.tables() {
                assert!(seen.insert(*table), "{table} belongs to two kinds");
            }
        }
    }

    #[test]
    fn every_timeline_event_comes_from_one_kind() {
        let mut made = Vec::new();
        for record in FamilyRecord::ALL {
            if let Timeline::Events(kinds) = record.timeline() {
                made.extend_from_slice(kinds);
            }
        }
        made.sort();
        let mut all = EventKind::ALL.to_vec();
        all.sort();
        assert_eq!(made, all);
    }

    #[test]
    fn a_withheld_records_audit_entries_name_it_alone() {
        for withheld in FamilyRecord::ALL
            .iter()
            .filter(|record| matches!(record.export(), Export::Withheld(_)))
        {
            for other in FamilyRecord::ALL.iter().filter(|other| *other != withheld) {
                for resource in withheld.audit_resources() {
                    assert!(
                        !other.audit_resources().contains(resource),
                        "{resource} names {withheld:?} and {other:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_consultations_leave_out_every_action_on_a_concern_or_an_incident() {
        for action in [
            "concern.create",
            "concern.list",
            "incident.read",
            "incident.due_dates.read",
            "incident.calendar.read",
        ] {
            assert!(is_on_withheld_record(action), "{action}");
        }
        for action in [
            "family.read",
            "placement.renew",
            "due_dates.read",
            "audit.read",
        ] {
            assert!(!is_on_withheld_record(action), "{action}");
        }
    }

    #[test]
    fn informations_preoccupantes_and_incidents_are_withheld_and_restricted_notes_left_out() {
        assert!(matches!(
            FamilyRecord::Concerns.export(),
            Export::Withheld(_)
        ));
        assert!(matches!(
            FamilyRecord::Incidents.export(),
            Export::Withheld(_)
        ));
        assert!(matches!(
            FamilyRecord::Interventions.export(),
            Export::InExcept { .. }
        ));
    }
}
