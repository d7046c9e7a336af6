//! An apartment holds one family at a time, whichever operation puts her
//! there (an admission, a move) and until an exit frees it: the database
//! decides, across referrals, placements and housing.

use nido_cases::placements::Departure;
use nido_cases::{CaseError, housing, placements};
use nido_domain::Conflict;
use nido_domain::placement::ExitDestination;

use crate::harness::{day, world};

#[tokio::test]
async fn an_apartment_holds_one_family_from_admission_or_move_until_her_exit() {
    let world = world().await;
    let tilleuls = world.unit("Tilleuls").await;
    let erables = world.unit("Érables").await;
    let first = world.referral("Aubert", 60, 200).await;
    let second = world.referral("Benali", 50, 300).await;

    let placed = world
        .admit(&first, day("2026-05-10"), Some(tilleuls))
        .await
        .expect("the first family moves in");
    let refused = world
        .admit(&second, day("2026-05-20"), Some(tilleuls))
        .await
        .expect_err("the apartment is taken");
    assert!(
        matches!(refused, CaseError::Conflict(Conflict::UnitOccupied)),
        "{refused:?}"
    );

    // Refused whole: the second family is still waiting, and may be
    // admitted elsewhere.
    let second_placed = world
        .admit(&second, day("2026-05-20"), Some(erables))
        .await
        .expect("the second family moves in next door");
    let moved = housing::move_family(
        &world.cases,
        &world.coordinator,
        second_placed.id,
        tilleuls,
        day("2026-06-01"),
    )
    .await
    .expect_err("nor may she move into it");
    assert!(
        matches!(moved, CaseError::Conflict(Conflict::UnitOccupied)),
        "{moved:?}"
    );

    placements::exit(
        &world.cases,
        &world.coordinator,
        Departure {
            placement_id: placed.id,
            expected_version: None,
            exited_on: day("2026-06-01"),
            destination: ExitDestination::SocialHousing,
            notes: None,
            housing_step_id: None,
        },
    )
    .await
    .expect("the first family leaves");
    housing::move_family(
        &world.cases,
        &world.coordinator,
        second_placed.id,
        tilleuls,
        day("2026-06-02"),
    )
    .await
    .expect("the day after, the apartment is free");
}
