//! A social worker reaches a family only while she accompanies it: the
//! team a coordinator sets decides, at once, for every record of the
//! family (here, logging an intervention), and taking her off the team
//! takes the family away again.

use chrono::{DateTime, Utc};
use nido_cases::{CaseError, Invalid, families, interventions};
use nido_domain::intervention::{Confidentiality, InterventionKind};
use nido_persistence::interventions::InterventionFields;
use uuid::Uuid;

use crate::harness::{NOW, World, day, world};

async fn log_visit(world: &World, family_id: Uuid) -> Result<(), CaseError> {
    let occurred_at: DateTime<Utc> = NOW.parse().expect("an instant");
    let fields = InterventionFields {
        kind: InterventionKind::HomeVisit,
        occurred_at,
        duration_minutes: 45,
        summary: "Visite à domicile : installation dans le logement.".to_owned(),
        confidentiality: Confidentiality::Team,
        staff_ids: Vec::new(),
    };
    interventions::log_intervention(
        &world.cases,
        &world.other_worker,
        family_id,
        fields,
        Vec::new(),
        Invalid::default(),
    )
    .await
    .map(|_| ())
}

#[tokio::test]
async fn a_social_worker_reaches_a_family_only_while_she_is_on_its_team() {
    let world = world().await;
    let referral = world.referral("Camara", 40, 120).await;
    let placement = world
        .admit(&referral, day("2026-06-01"), None)
        .await
        .expect("admitted");
    let family_id = placement.family_id;

    let hidden = log_visit(&world, family_id)
        .await
        .expect_err("not her family");
    assert!(
        matches!(hidden, CaseError::Hidden { family_id: Some(id) } if id == family_id),
        "{hidden:?}"
    );

    let family = families::assign(
        &world.cases,
        &world.coordinator,
        family_id,
        None,
        Some(world.referent.id),
        vec![world.other_worker.id],
    )
    .await
    .expect("she joins the team");
    log_visit(&world, family_id)
        .await
        .expect("on the team, she logs her visit");

    families::assign(
        &world.cases,
        &world.coordinator,
        family_id,
        Some(family.version),
        Some(world.referent.id),
        Vec::new(),
    )
    .await
    .expect("she leaves the team");
    let hidden_again = log_visit(&world, family_id)
        .await
        .expect_err("off the team, the family is hidden again");
    assert!(
        matches!(hidden_again, CaseError::Hidden { .. }),
        "{hidden_again:?}"
    );
}
