//! The demo's incidents and informations préoccupantes: one incident
//! reported to the authority, one declared yesterday and not yet reported
//! (an `incident_report` due date), and one information préoccupante on a
//! family in care. Fictional, through the same use cases.

use chrono::{Days, Duration};
use nido_cases::incidents;
use nido_cases::{Caller, Cases};
use nido_domain::incident::IncidentCategory;
use nido_domain::incident::{ConcernInput, Declaration, IncidentChanges};

/// How many of each were recorded.
pub struct Figures {
    pub incidents: usize,
    pub concerns: usize,
}

pub async fn create(cases: &Cases, coordinator: Caller, staff: Caller) -> anyhow::Result<Figures> {
    let now = cases.now();
    let failure = |err| anyhow::anyhow!("demo incident: {err}");
    let heating = incidents::declare(
        cases,
        &coordinator,
        Declaration {
            occurred_at: now - Duration::days(12),
            category: IncidentCategory::EquipmentFailure,
            description: "Panne de chauffage collectif au bâtiment B pendant deux jours.".to_owned(),
            family_id: None,
            measures_taken: "Radiateurs d'appoint prêtés à chaque logement, chauffagiste intervenu le lendemain.".to_owned(),
            site_id: None,
        },
    )
    .await
    .map_err(failure)?;
    incidents::update(
        cases,
        &coordinator,
        heating.incident.id,
        None,
        IncidentChanges {
            authority_notified_at: Some(now - Duration::days(11)),
            ..IncidentChanges::default()
        },
    )
    .await
    .map_err(failure)?;
    incidents::declare(
        cases,
        &staff,
        Declaration {
            occurred_at: now - Duration::hours(20),
            category: IncidentCategory::ViolentBehaviour,
            description: "Altercation verbale entre deux résidentes dans la cour, sans blessure."
                .to_owned(),
            family_id: None,
            measures_taken: "Entretien avec chacune, rappel du règlement de fonctionnement."
                .to_owned(),
            site_id: None,
        },
    )
    .await
    .map_err(failure)?;

    let mut concerns = 0;
    let in_care = super::every_family(&cases.db, 200).await?;
    if let Some(family) = in_care
        .iter()
        .find(|family| family.current_placement_id.is_some() && !family.children.is_empty())
    {
        incidents::add_concern(
            cases,
            &coordinator,
            family.id,
            ConcernInput {
                child_ids: vec![family.children[0].id],
                summary: "Inquiétude sur les soins apportés à l'enfant lors d'absences répétées de la mère la nuit.".to_owned(),
                transmitted_on: cases.today() - Days::new(20),
                transmitted_to: "CRIP du Val-de-Marne (fictive)".to_owned(),
            },
        )
        .await
        .map_err(|err| anyhow::anyhow!("demo concern: {err}"))?;
        concerns += 1;
    }
    Ok(Figures {
        incidents: 2,
        concerns,
    })
}
