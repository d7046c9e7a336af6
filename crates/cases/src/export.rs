//! The right of access (RGPD article 15): a mother may ask for her whole
//! file. Restricted interventions are the professionals' personal notes and
//! are left out, with the actions they led to; the consultations of the file
//! name the reader's profession, never her name. Informations préoccupantes
//! and incidents are left out without a trace: not even their creation or
//! reading is among the consultations.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use nido_domain::Role;
use nido_domain::creche::Booking;
use nido_domain::document::Document;
use nido_domain::family::{Family, Referral};
use nido_domain::housing::{DateSpan, Unit};
use nido_domain::identity::{DuplicateDecision, DuplicateVerdict};
use nido_domain::intervention::{Action, Intervention};
use nido_domain::placement::Placement;
use nido_domain::project::{Contract, ProjectReview};
use nido_domain::workshop::{Participation, Workshop};
use nido_persistence::audit::{self, AuditEntry, AuditFilter};
use nido_persistence::pathway::{self, FollowUp, HousingStep};
use nido_persistence::{
    DatabaseConnection, RepoError, creche, housing, identity, interventions, occupancies,
    placements, projects, referrals, users, workshops,
};
use uuid::Uuid;

use crate::families::visible_family;
use crate::records::FamilyRecord;
use crate::{Caller, CaseResult, Cases};

/// A stay in one of the centre's apartments.
#[derive(Debug, Clone)]
pub struct HousingStay {
    pub unit: Unit,
    pub span: DateSpan,
}

/// A `team` intervention, with the professions of those present.
#[derive(Debug, Clone)]
pub struct SharedIntervention {
    pub intervention: Intervention,
    pub professions_present: Vec<String>,
}

/// A team document of the file, with its author's profession.
#[derive(Debug, Clone)]
pub struct SharedDocument {
    pub document: Document,
    pub author_profession: String,
}

/// Someone read or changed the file: when, her profession (`system` for
/// nido's own jobs), and what she did (`family.read`, …).
#[derive(Debug, Clone)]
pub struct Consultation {
    pub at: DateTime<Utc>,
    pub profession: String,
    pub action: String,
}

/// The whole file a mother may ask for.
#[derive(Debug, Clone)]
pub struct FamilyFile {
    pub generated_at: DateTime<Utc>,
    pub family: Family,
    pub referrals: Vec<Referral>,
    pub placements: Vec<Placement>,
    pub housing: Vec<HousingStay>,
    /// The `team` interventions, oldest first.
    pub interventions: Vec<SharedIntervention>,
    /// The actions of the team interventions and those logged on the family.
    pub actions: Vec<Action>,
    /// Every read and write of the file, oldest first.
    pub consultations: Vec<Consultation>,
    /// Each placement's contract of stay, once recorded.
    pub contracts: Vec<Contract>,
    /// Every version of each placement's projet personnalisé, oldest first.
    pub project_reviews: Vec<ProjectReview>,
    /// The crèche bookings of her children, every status.
    pub creche_bookings: Vec<Booking>,
    /// The workshops she took part in, with their participation.
    pub workshops: Vec<(Participation, Workshop)>,
    /// The team documents of her paper file, oldest first (removed ones
    /// say when); their contents go in the archive form of the export.
    pub documents: Vec<SharedDocument>,
    /// The steps towards a home, oldest first.
    pub housing_steps: Vec<HousingStep>,
    /// The follow-ups after each exit, made or owed.
    pub follow_ups: Vec<FollowUp>,
    /// Her other files, found to be hers by a coordinator: `(the decision,
    /// the other file's id)`, oldest first.
    pub linked_files: Vec<(DuplicateDecision, Uuid)>,
}

/// The whole file of a family (coordinator): each kind of record of the
/// registry goes where [`FamilyRecord::export`] says. Audited as
/// `family.export`.
pub async fn family_file(cases: &Cases, caller: &Caller, id: Uuid) -> CaseResult<FamilyFile> {
    caller.require(&[Role::Coordinator])?;
    let db = &cases.db;
    let family = visible_family(db, caller, id).await?;
    let placements = placements::for_family(db, id).await?;
    let placement_ids: Vec<Uuid> = placements.iter().map(|p| p.id).collect();
    let mut professions = Professions::default();
    let mut file = FamilyFile {
        generated_at: cases.now(),
        family,
        referrals: Vec::new(),
        placements: Vec::new(),
        housing: Vec::new(),
        interventions: Vec::new(),
        actions: Vec::new(),
        consultations: Vec::new(),
        contracts: Vec::new(),
        project_reviews: Vec::new(),
        creche_bookings: Vec::new(),
        workshops: Vec::new(),
        documents: Vec::new(),
        housing_steps: Vec::new(),
        follow_ups: Vec::new(),
        linked_files: Vec::new(),
    };
    for record in FamilyRecord::ALL {
        match record {
            // Withheld without a trace.
            FamilyRecord::Concerns | FamilyRecord::Incidents => {}
            // The family, her children and her team: read above, where the
            // caller's right to see her was checked.
            FamilyRecord::Family | FamilyRecord::Children | FamilyRecord::Team => {}
            // Each placement holds its periods.
            FamilyRecord::Periods => {}
            FamilyRecord::Placements => file.placements.clone_from(&placements),
            FamilyRecord::Referrals => file.referrals = referrals::for_family(db, id).await?,
            FamilyRecord::Occupancies => {
                for placement_id in &placement_ids {
                    for stay in occupancies::of_placement(db, *placement_id).await? {
                        file.housing.push(HousingStay {
                            unit: housing::find_unit(db, stay.unit_id).await?,
                            span: stay.span,
                        });
                    }
                }
            }
            FamilyRecord::Interventions => {
                for intervention in interventions::team_of_family(db, id).await? {
                    let mut present = Vec::with_capacity(intervention.staff_ids.len());
                    for user_id in &intervention.staff_ids {
                        present.push(professions.of(db, *user_id).await?);
                    }
                    file.interventions.push(SharedIntervention {
                        intervention,
                        professions_present: present,
                    });
                }
            }
            FamilyRecord::Actions => {
                file.actions = interventions::team_actions_of_family(db, id).await?;
            }
            FamilyRecord::Contracts => {
                file.contracts = projects::contracts_of(db, &placement_ids)
                    .await?
                    .into_values()
                    .collect();
                file.contracts.sort_by_key(|contract| contract.placement_id);
            }
            FamilyRecord::HousingPathway => {
                file.housing_steps = pathway::steps_of_family(db, id).await?;
                file.follow_ups = pathway::follow_ups_of_family(db, id).await?;
            }
            FamilyRecord::Identity => {
                for decision in identity::decisions_of(db, id).await? {
                    if decision.verdict == DuplicateVerdict::SamePerson {
                        let other = decision.other_than(id);
                        file.linked_files.push((decision, other));
                    }
                }
            }
            FamilyRecord::ProjectReviews => {
                for placement_id in &placement_ids {
                    file.project_reviews
                        .extend(projects::reviews_of(db, *placement_id).await?);
                }
            }
            FamilyRecord::CrecheBookings => {
                file.creche_bookings = creche::all_bookings_of_family(db, id).await?;
            }
            FamilyRecord::Workshops => file.workshops = workshops::of_family(db, id).await?,
            FamilyRecord::Documents => {
                for document in nido_persistence::documents::team_of_family(db, id).await? {
                    file.documents.push(SharedDocument {
                        author_profession: professions.of(db, document.author_id).await?,
                        document,
                    });
                }
            }
            FamilyRecord::AuditEntries => {
                for entry in all_entries_of(&cases.audit_db, id).await? {
                    if is_withheld(&entry.action) {
                        continue;
                    }
                    file.consultations.push(Consultation {
                        at: entry.at,
                        profession: professions.of(db, entry.user_id).await?,
                        action: entry.action,
                    });
                }
            }
        }
    }
    cases
        .audit(
            caller,
            "family.export",
            Some(id),
            &format!("/families/{id}/export"),
        )
        .await?;
    Ok(file)
}

/// Whether the consultation `action` is left out of the export: every
/// action on a record the export withholds (informations préoccupantes,
/// incidents), since nothing in it may reveal that one exists, and their
/// creation and reading would (SPEC "Privacy"). That includes the readings
/// of lists that show a family only for an incident
/// (`incident.due_dates.read`, `incident.calendar.read`).
pub fn is_withheld(action: &str) -> bool {
    crate::records::is_on_withheld_record(action)
}

/// Every audit entry of the family, oldest first.
async fn all_entries_of(
    audit_db: &DatabaseConnection,
    family_id: Uuid,
) -> CaseResult<Vec<AuditEntry>> {
    const PAGE: u64 = 1000;
    let mut entries = Vec::new();
    let mut before = None;
    loop {
        let filter = AuditFilter {
            family_id: Some(family_id),
            before,
            ..AuditFilter::default()
        };
        let page = audit::list(audit_db, &audit::AuditScope::Everything, filter, PAGE).await?;
        let full = page.len() as u64 == PAGE;
        before = page.last().map(|entry| entry.id);
        entries.extend(page);
        if !full {
            break;
        }
    }
    entries.reverse();
    Ok(entries)
}

/// Users' professions, each looked up once.
#[derive(Default)]
struct Professions(HashMap<Uuid, String>);

impl Professions {
    async fn of(&mut self, db: &DatabaseConnection, user_id: Uuid) -> CaseResult<String> {
        if let Some(known) = self.0.get(&user_id) {
            return Ok(known.clone());
        }
        let profession = match users::find(db, user_id).await {
            Ok(user) => user.profession.as_str().to_owned(),
            Err(RepoError::NotFound) => "system".to_owned(),
            Err(err) => return Err(err.into()),
        };
        self.0.insert(user_id, profession.clone());
        Ok(profession)
    }
}
