//! The demo's loi 2002-2 duties at every stage, so that the due-dates
//! screen is alive on first start: contracts not yet handed over (overdue
//! for the families admitted weeks ago), handed over but not signed, signed;
//! projects not yet set, set once, and reviewed, one of them past its
//! yearly review. Through the same use cases as the team's requests.

use chrono::{Days, Months, NaiveDate};
use nido_cases::projects;
use nido_cases::{Caller, Cases};
use nido_domain::project::{
    ContractKind, Objective, ObjectiveDomain, ObjectiveStatus, ReviewRequest,
};
use nido_persistence::placements;
use uuid::Uuid;

/// Objectives a project starts with, and where they stand a year on.
const OBJECTIVES: [(ObjectiveDomain, &str); 5] = [
    (
        ObjectiveDomain::Housing,
        "Constituer le dossier de demande de logement social (SIAO)",
    ),
    (
        ObjectiveDomain::EmploymentTraining,
        "S'inscrire à France Travail et suivre l'atelier CV",
    ),
    (
        ObjectiveDomain::ChildDevelopment,
        "Suivi PMI mensuel et inscription à la crèche pour les rendez-vous",
    ),
    (
        ObjectiveDomain::RightsAndPapers,
        "Renouveler le titre de séjour et ouvrir les droits CAF",
    ),
    (
        ObjectiveDomain::Budget,
        "Tenir un budget mensuel avec la conseillère en économie sociale et familiale",
    ),
];

fn objectives(reviewed_on: NaiveDate, progress: ObjectiveStatus, count: usize) -> Vec<Objective> {
    OBJECTIVES
        .iter()
        .take(count)
        .enumerate()
        .map(|(index, (domain, description))| Objective {
            domain: *domain,
            description: (*description).to_owned(),
            status: if index == 0 {
                progress
            } else {
                ObjectiveStatus::Planned
            },
            target_on: reviewed_on.checked_add_months(Months::new(6)),
        })
        .collect()
}

/// Counts of what was recorded.
pub struct Figures {
    pub contracts: usize,
    pub reviews: usize,
}

pub async fn create(
    cases: &Cases,
    coordinator: Caller,
    participants: &[Uuid],
    today: NaiveDate,
) -> anyhow::Result<Figures> {
    let mut figures = Figures {
        contracts: 0,
        reviews: 0,
    };
    let active = placements::active(&cases.db).await?;
    for (index, placement) in active.iter().enumerate() {
        let admitted = placement.admitted_on;
        let day = |days: u64| (admitted + Days::new(days)).min(today);
        // Stage by position: 0 owes everything, 1 a signature, 2 and 3 are
        // signed; 2 has a first project, 3 a project reviewed since.
        let stage = index % 4;
        if stage >= 1 && admitted < today {
            let signed = (stage >= 2).then(|| day(12));
            projects::set_contract(
                cases,
                &coordinator,
                placement.id,
                if index % 7 == 3 {
                    ContractKind::Dipc
                } else {
                    ContractKind::ContratDeSejour
                },
                Some(day(6)),
                signed,
                None,
            )
            .await
            .map_err(|err| anyhow::anyhow!("demo contract: {err}"))?;
            figures.contracts += 1;
        }
        if stage >= 2 {
            let first = day(75);
            let reviews = if stage == 3 {
                // One reviewed a year after the first; the others, whose
                // first project is over a year old, owe their review.
                vec![first, first + Days::new(365)]
            } else {
                vec![first]
            };
            for (nth, reviewed_on) in reviews.into_iter().filter(|d| *d <= today).enumerate() {
                let progress = if nth == 0 {
                    ObjectiveStatus::InProgress
                } else {
                    ObjectiveStatus::Achieved
                };
                let request = ReviewRequest {
                    reviewed_on,
                    mother_present: (index + nth) % 5 != 0,
                    participant_ids: participants.iter().copied().take(2 + nth).collect(),
                    objectives: objectives(reviewed_on, progress, 3 + nth),
                };
                projects::add_review(cases, &coordinator, placement.id, request)
                    .await
                    .map_err(|err| anyhow::anyhow!("demo project review: {err}"))?;
                figures.reviews += 1;
            }
        }
    }
    Ok(figures)
}
