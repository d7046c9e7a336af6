//! Two coordinators renewing the same period at once: exactly one renewal
//! is recorded, the other is told the period was renewed already, and the
//! placement has one next period, never two.

use nido_cases::placements::{self, Renewal};
use nido_cases::{CaseError, Cases};
use nido_domain::Conflict;

use crate::harness::{day, world};

#[tokio::test]
async fn of_two_renewals_of_one_period_at_once_exactly_one_wins() {
    let world = world().await;
    let referral = world.referral("Diallo", 200, 150).await;
    let placement = world
        .admit(&referral, day("2026-01-05"), None)
        .await
        .expect("admitted");
    let renewal = |by: &str| Renewal {
        placement_id: placement.id,
        period_number: 1,
        decided_on: day("2026-06-10"),
        decided_by: by.to_owned(),
        decision_ref: None,
    };
    let renew = |cases: Cases, renewal: Renewal, caller| async move {
        placements::renew(&cases, &caller, renewal).await
    };
    let (first, second) = tokio::join!(
        tokio::spawn(renew(
            world.cases.clone(),
            renewal("ASE Nord"),
            world.coordinator
        )),
        tokio::spawn(renew(
            world.cases.clone(),
            renewal("ASE Sud"),
            world.coordinator
        )),
    );
    let outcomes = [first.expect("ran"), second.expect("ran")];
    let won: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    assert_eq!(won.len(), 1, "{outcomes:?}");
    assert_eq!(won[0].number, 2);
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o, Err(CaseError::Conflict(Conflict::StalePeriod)))),
        "{outcomes:?}"
    );
    let renewed_again = placements::renew(&world.cases, &world.coordinator, renewal("ASE Est"))
        .await
        .expect_err("period 1 is no longer the current one");
    assert!(
        matches!(renewed_again, CaseError::Conflict(Conflict::StalePeriod)),
        "{renewed_again:?}"
    );
}
