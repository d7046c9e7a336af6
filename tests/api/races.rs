//! Rules that the database decides, not a read before the write: parallel
//! requests where exactly one may win, and the database refusing a breaking
//! row written straight into it, on SQLite and on PostgreSQL alike.

use nido_domain::Conflict;
use nido_domain::family::{ReferralDetails, ReferralReason, ReferralSource};
use nido_persistence::entities::{leases, occupancies};
use nido_persistence::referrals::{self, NewReferral};
use nido_persistence::{DbErr, RepoError};
use reqwest::StatusCode;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::cases::{date, days_ago, referral_body};
use crate::helpers::{
    assert_invalid, assert_one_wins, assert_problem, join_all, spawn_app, test_now, the_one_winner,
};

/// The conflict a refused write means, whatever the engine said.
fn conflict_of(err: DbErr, names: &'static [&'static str], conflict: Conflict) -> Option<Conflict> {
    match RepoError::on_constraint(err, &[(names, conflict)]) {
        RepoError::Conflict(found) => Some(found),
        _ => None,
    }
}

#[tokio::test]
async fn parallel_referrals_of_one_family_leave_exactly_one_pending() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    // A family whose first referral was declined can be referred again.
    let first = app.refer(&coordinator, "Diallo", days_ago(100)).await;
    let family_id = first["family_id"].as_str().expect("id").to_owned();
    app.decline(&coordinator, &first, "Hors critères").await;
    let mut body = referral_body("Diallo", days_ago(2), json!([]));
    body.as_object_mut().expect("object").remove("family");
    body["family_id"] = json!(family_id);
    let attempts = (0..6).map(|_| app.post("/api/v1/referrals", Some(&coordinator), &body));
    let answers = join_all(attempts.collect()).await;
    assert_one_wins(answers, 201, 409, "referral_pending").await;
    let waiting = app
        .get_json("/api/v1/referrals?status=pending", &coordinator)
        .await;
    let of_family = waiting["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|referral| referral["family_id"] == family_id.as_str())
        .count();
    assert_eq!(of_family, 1);

    // The database itself refuses a second pending referral.
    let refused = referrals::insert(
        &app.db,
        NewReferral {
            family_id: family_id.parse().expect("uuid"),
            details: ReferralDetails {
                source: ReferralSource::Ase,
                eds: "Créteil".into(),
                referred_on: days_ago(1),
                referrer_name: "EDS de Créteil".into(),
                referrer_contact: "01 00 00 00 00".into(),
                reason: ReferralReason::Distress,
                reason_details: None,
            },
            created_by: Uuid::nil(),
        },
        test_now(),
    )
    .await;
    assert!(
        matches!(refused, Err(RepoError::Conflict(Conflict::ReferralPending))),
        "{refused:?}"
    );
}

#[tokio::test]
async fn parallel_overlapping_leases_of_one_unit_let_exactly_one_win() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let landlord = app.landlord(&admin, "Valophis Habitat", "social").await;
    let unit = app.unit(&admin, &landlord, "T2 Vitry", 3).await;
    let starts = [
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
        "2026-04-01",
        "2026-05-01",
    ];
    let attempts = starts
        .iter()
        .map(|starts_on| app.lease(&admin, &unit, starts_on, None, 60_000, 9_000));
    let answers = join_all(attempts.collect()).await;
    assert_one_wins(answers, 201, 409, "lease_overlap").await;

    // Written straight into the database, an overlapping lease is refused
    // by the database itself (an exclusion constraint, a trigger on SQLite).
    let row = leases::ActiveModel {
        id: Set(Uuid::now_v7()),
        unit_id: Set(unit.parse().expect("uuid")),
        starts_on: Set(date("2027-06-01")),
        ends_on: Set(None),
        monthly_rent_cents: Set(1),
        monthly_charges_cents: Set(1),
        deposit_cents: Set(1),
        version: Set(1),
        created_at: Set(test_now()),
        updated_at: Set(test_now()),
    };
    let err = leases::Entity::insert(row)
        .exec_without_returning(&app.db)
        .await
        .expect_err("refused");
    assert_eq!(
        conflict_of(err, &["leases_no_overlap"], Conflict::LeaseOverlap),
        Some(Conflict::LeaseOverlap)
    );
}

/// Writes an open occupancy straight into the database: its refusal.
async fn open_occupancy(app: &crate::helpers::TestApp, placement_id: Uuid, unit_id: Uuid) -> DbErr {
    let row = occupancies::ActiveModel {
        id: Set(Uuid::now_v7()),
        placement_id: Set(placement_id),
        unit_id: Set(unit_id),
        starts_on: Set(date("2027-01-01")),
        ends_on: Set(None),
        created_at: Set(test_now()),
    };
    occupancies::Entity::insert(row)
        .exec_without_returning(&app.db)
        .await
        .expect_err("refused")
}

#[tokio::test]
async fn parallel_moves_of_one_family_leave_one_open_occupancy() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let mut units = Vec::new();
    for label in ["T1 Ivry", "T2 Vitry", "T3 Créteil", "T2 Choisy"] {
        units.push(app.leased_unit(&admin, label, 4).await);
    }
    let placement = app
        .admitted_into(&coordinator, "Martin", Some(&units[0]), "2026-02-01")
        .await;
    let placement_id = placement["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/placements/{placement_id}/move");
    let bodies: Vec<Value> = units[1..]
        .iter()
        .map(|unit| json!({"unit_id": unit, "on": "2026-03-01"}))
        .collect();
    let attempts = bodies
        .iter()
        .map(|body| app.post(&path, Some(&coordinator), body));
    let answers = join_all(attempts.collect()).await;
    let (moved_in, _, losers) = the_one_winner(answers, 201).await;
    // A loser either met the winner's new occupancy, which starts that same
    // day (as a second move would, one after the other), or, on PostgreSQL,
    // collided with it as it was written.
    for response in losers {
        if response.status() == StatusCode::CONFLICT {
            assert_problem(response, 409, "already_housed").await;
        } else {
            assert_invalid(response, &["on"]).await;
        }
    }
    let mut open = 0;
    for unit in &units {
        let stays = app
            .get_json(&format!("/api/v1/units/{unit}/occupancies"), &admin)
            .await;
        open += stays["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|stay| stay["ends_on"].is_null())
            .count();
    }
    assert_eq!(open, 1, "one open occupancy");

    // The database itself refuses a second open occupancy of the placement,
    // and a second open occupancy of a unit.
    let free_unit: Uuid = app
        .leased_unit(&admin, "Studio Ivry", 2)
        .await
        .parse()
        .expect("uuid");
    let err = open_occupancy(&app, placement_id.parse().expect("uuid"), free_unit).await;
    let names: &[&str] = &[
        "occupancies_placement_no_overlap",
        "occupancies_one_open_per_placement",
        "occupancies.placement_id",
    ];
    assert_eq!(
        conflict_of(err, names, Conflict::AlreadyHoused),
        Some(Conflict::AlreadyHoused)
    );

    let other = app
        .admitted_into(&coordinator, "Benali", None, "2026-02-01")
        .await;
    let taken = units[1 + moved_in].parse::<Uuid>().expect("uuid");
    let other_id = other["id"].as_str().expect("id").parse().expect("uuid");
    let err = open_occupancy(&app, other_id, taken).await;
    let names: &[&str] = &[
        "occupancies_unit_no_overlap",
        "occupancies_one_open_per_unit",
        "occupancies.unit_id",
    ];
    assert_eq!(
        conflict_of(err, names, Conflict::UnitOccupied),
        Some(Conflict::UnitOccupied)
    );
}
