//! A social worker reaches a family only while she accompanies it: the
//! team a coordinator sets decides, at once, for every record of the
//! family (logging an intervention, reading it, finding it in her lists),
//! and taking her off the team takes the family away again. Every list she
//! reads is in the audit log, naming the families it showed.

use chrono::{DateTime, Utc};
use nido_cases::audit_log::{self, AuditFilter};
use nido_cases::{Caller, CaseError, families, family_list, interventions};
use nido_domain::intervention::{Confidentiality, InterventionInput, InterventionKind};
use uuid::Uuid;

use crate::harness::{NOW, World, day, world};

async fn log_visit(world: &World, family_id: Uuid) -> Result<(), CaseError> {
    let occurred_at: DateTime<Utc> = NOW.parse().expect("an instant");
    let input = InterventionInput {
        kind: InterventionKind::HomeVisit,
        occurred_at,
        duration_minutes: 45,
        staff_ids: vec![world.other_worker.id],
        summary: "Visite à domicile : installation dans le logement.".to_owned(),
        confidentiality: Confidentiality::Team,
        actions: Vec::new(),
    };
    interventions::log_intervention(&world.cases, &world.other_worker, family_id, input)
        .await
        .map(|_| ())
}

/// The Camara family, referred 40 days ago and admitted on 1 June 2026
/// with the world's referent.
async fn camara_admitted(world: &World) -> nido_domain::placement::Placement {
    let referral = world.referral("Camara", 40, 120).await;
    world
        .admit(&referral, day("2026-06-01"), None)
        .await
        .expect("admitted")
}

#[tokio::test]
async fn a_social_worker_reaches_a_family_only_while_she_is_on_its_team() {
    let world = world().await;
    let placement = camara_admitted(&world).await;
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
    families::read(&world.cases, &world.other_worker, family_id)
        .await
        .expect("and reads the family");
    assert_eq!(accompanied(&world).await, vec![family_id]);
    let listed = audit_log::read(
        &world.cases,
        &Caller::system(),
        AuditFilter {
            family_id: Some(family_id),
            user_id: Some(world.other_worker.id),
            from: None,
            to: None,
            before: None,
        },
        50,
    )
    .await
    .expect("the audit log");
    assert!(
        listed
            .iter()
            .any(|entry| entry.action == "family.list" && entry.family_ids == vec![family_id]),
        "her list is traced, naming the family: {listed:?}"
    );

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
    let read_again = families::read(&world.cases, &world.other_worker, family_id)
        .await
        .expect_err("nor may she read it");
    assert!(
        matches!(read_again, CaseError::Hidden { .. }),
        "{read_again:?}"
    );
    assert_eq!(accompanied(&world).await, Vec::<Uuid>::new());
}

/// The families `other_worker`'s home page lists.
async fn accompanied(world: &World) -> Vec<Uuid> {
    family_list::accompanied(&world.cases, &world.other_worker)
        .await
        .expect("her families")
        .into_iter()
        .map(|listed| listed.family.id)
        .collect()
}

/// Her screens start from her families: a family she follows both as its
/// referent and on its team (the use cases keep a referent off her team,
/// but a readmission or an earlier release's rows may hold both) shows
/// once, as on the coordinator's screens, with the same counts.
#[tokio::test]
async fn a_referent_also_on_the_team_sees_each_due_date_once() {
    use nido_cases::deadlines::{DeadlinesQuery, renewals_due};
    use nido_cases::due_dates::{DueQuery, screen};

    let world = world().await;
    let placement = camara_admitted(&world).await;
    families::assign(
        &world.cases,
        &world.coordinator,
        placement.family_id,
        None,
        Some(world.referent.id),
        vec![world.referent.id, world.other_worker.id],
    )
    .await
    .expect("her team");
    use sea_orm::ConnectionTrait;
    world
        .cases
        .writer
        .connection()
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            world.cases.writer.connection().get_database_backend(),
            "INSERT INTO family_team (family_id, user_id) VALUES ($1, $2)",
            [placement.family_id.into(), world.referent.id.into()],
        ))
        .await
        .expect("her on the team as well");
    let window = Some(3660);
    let deadlines = |caller: Caller| {
        let cases = &world.cases;
        async move {
            let query = DeadlinesQuery {
                within_days: window,
                limit: 50,
                ..Default::default()
            };
            renewals_due(cases, &caller, query)
                .await
                .expect("deadlines")
        }
    };
    let due = |caller: Caller| {
        let cases = &world.cases;
        async move {
            let query = DueQuery {
                within_days: window,
                limit: 50,
                ..Default::default()
            };
            screen(cases, &caller, query).await.expect("due dates")
        }
    };
    let hers = deadlines(world.referent).await;
    let all = deadlines(world.coordinator).await;
    assert_eq!(hers.items.len(), 1, "one placement, once");
    assert_eq!(hers.items.len(), all.items.len());
    assert_eq!(hers.counts, all.counts);
    let hers = due(world.referent).await;
    let all = due(world.coordinator).await;
    assert!(!all.items.is_empty(), "the placement owes something");
    let kinds = |page: &nido_cases::due_dates::DuePage| {
        page.items
            .iter()
            .map(|item| (item.kind, item.due_on))
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&hers), kinds(&all), "each obligation once");
    assert_eq!(hers.counts, all.counts);
}
