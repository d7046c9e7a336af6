use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{date, days_ago, today};
use crate::helpers::{assert_problem, invalid_fields, spawn_app};

fn id(value: &Value) -> String {
    value["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn a_renewal_records_the_decision_and_appends_the_next_period() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let placement = app
        .placed_family(
            &coordinator,
            "Diallo",
            date("2025-06-01"),
            date("2025-08-31"),
        )
        .await;
    let placement_id = id(&placement);

    let response = app.renew(&coordinator, &placement_id, 1).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let period: Value = response.json().await.expect("json");
    // Contiguous: the day after 2026-02-27. Renewed after the period ended.
    assert_eq!(period["number"], 2);
    assert_eq!(period["starts_on"], "2026-02-28");
    assert_eq!(period["ends_on"], "2026-08-27");

    let path = format!("/api/v1/placements/{placement_id}");
    let response = app.get(&path, Some(&coordinator)).await;
    assert_eq!(response.headers()["etag"], "\"2\"");
    let read: Value = response.json().await.expect("json");
    let periods = read["periods"].as_array().expect("periods");
    assert_eq!(periods.len(), 2);
    assert_eq!(periods[0]["decided_on"], days_ago(1).to_string());
    assert_eq!(periods[0]["decided_by"], "ASE du Val-de-Marne");
    assert_eq!(periods[0]["decision_ref"], "DEC-2026-0042");
    assert!(periods[1]["decided_on"].is_null());

    // Period 1 is no longer the current one.
    assert_problem(
        app.renew(&coordinator, &placement_id, 1).await,
        409,
        "stale_period",
    )
    .await;
    assert_problem(
        app.renew(&coordinator, &placement_id, 3).await,
        409,
        "stale_period",
    )
    .await;
    assert_eq!(
        app.renew(&coordinator, &placement_id, 2).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn no_period_runs_past_the_day_before_the_third_birthday() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    // Born 2024-02-29: third birthday 2027-02-28, cap 2027-02-27.
    let placement = app
        .placed_family(
            &coordinator,
            "Morel",
            date("2024-02-29"),
            date("2025-12-01"),
        )
        .await;
    let placement_id = id(&placement);
    assert_eq!(placement["latest_end_on"], "2027-02-27");
    assert_eq!(placement["periods"][0]["ends_on"], "2026-05-31");

    let second: Value = app.renewed(&coordinator, &placement_id, 1).await;
    assert_eq!(second["ends_on"], "2026-11-30");
    // The cap falls inside the third period: it ends on the cap.
    let third: Value = app.renewed(&coordinator, &placement_id, 2).await;
    assert_eq!(third["starts_on"], "2026-12-01");
    assert_eq!(third["ends_on"], "2027-02-27");

    let response = app.renew(&coordinator, &placement_id, 3).await;
    assert_problem(response, 409, "cap_reached").await;
}

#[tokio::test]
async fn recording_a_birth_moves_the_cap_for_later_renewals() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let body = crate::cases::referral_body(
        "Nguyen",
        date("2020-01-01"),
        json!([{"first_name": "Bébé", "expected_birth_date": "2023-09-15"}]),
    );
    let referral = app.refer_with(&coordinator, &body).await;
    let placement = app.admit(&coordinator, &referral, date("2023-08-01")).await;
    assert_eq!(placement["latest_end_on"], "2026-09-14");
    let placement_id = id(&placement);
    for number in 1..=6 {
        assert_eq!(
            app.renew(&coordinator, &placement_id, number)
                .await
                .status(),
            StatusCode::CREATED
        );
    }
    let path = format!("/api/v1/placements/{placement_id}");
    let read: Value = app.get_json(&path, &coordinator).await;
    assert_eq!(read["periods"][5]["ends_on"], "2026-07-31");
    assert_eq!(read["periods"][6]["starts_on"], "2026-08-01");
    assert_eq!(read["periods"][6]["ends_on"], "2026-09-14");
    assert_problem(
        app.renew(&coordinator, &placement_id, 7).await,
        409,
        "cap_reached",
    )
    .await;

    // The baby was in fact born later than expected: the cap moves.
    let family_path = format!(
        "/api/v1/families/{}",
        referral["family_id"].as_str().expect("id")
    );
    let family: Value = app.get_json(&family_path, &coordinator).await;
    let child_path = format!(
        "{family_path}/children/{}",
        family["children"][0]["id"].as_str().expect("id")
    );
    let response = app
        .patch(
            &child_path,
            &coordinator,
            Some("\"1\""),
            &json!({"birth_date": "2023-10-02"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let child: Value = response.json().await.expect("json");
    assert_eq!(child["birth_date"], "2023-10-02");
    assert!(child["expected_birth_date"].is_null());

    let read: Value = app.get_json(&path, &coordinator).await;
    assert_eq!(read["latest_end_on"], "2026-10-01");
    // Existing periods are never rewritten.
    assert_eq!(read["periods"][6]["ends_on"], "2026-09-14");
    let last: Value = app.renewed(&coordinator, &placement_id, 7).await;
    assert_eq!(last["starts_on"], "2026-09-15");
    assert_eq!(last["ends_on"], "2026-10-01");
}

#[tokio::test]
async fn a_decision_cannot_come_from_the_future() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let placement = app
        .placed_family(&coordinator, "Sow", days_ago(200), days_ago(100))
        .await;
    let path = format!("/api/v1/placements/{}/renewals", id(&placement));
    let body = json!({"period_number": 1, "decided_on": today() + chrono::Days::new(2), "decided_by": "ASE"});
    let problem = assert_problem(
        app.post(&path, Some(&coordinator), &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["decided_on"]);
    let body = json!({"period_number": 1, "decided_on": today(), "decided_by": ""});
    let problem = assert_problem(
        app.post(&path, Some(&coordinator), &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["decided_by"]);
    // Early decisions are welcome: the period has months to run.
    let body = json!({"period_number": 1, "decided_on": today(), "decided_by": "ASE"});
    assert_eq!(
        app.post(&path, Some(&coordinator), &body).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn concurrent_renewals_of_one_period_let_exactly_one_win() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let placement = app
        .placed_family(&coordinator, "Benali", days_ago(300), days_ago(150))
        .await;
    let placement_id = id(&placement);
    let attempts = (0..8).map(|_| app.renew(&coordinator, &placement_id, 1));
    let answers = crate::helpers::join_all(attempts.collect()).await;
    let (_, renewed) = crate::helpers::assert_one_wins(answers, 201, 409, "stale_period").await;
    assert_eq!(renewed["number"], 2);
    let read: Value = app
        .get_json(&format!("/api/v1/placements/{placement_id}"), &coordinator)
        .await;
    assert_eq!(read["periods"].as_array().expect("periods").len(), 2);
}

#[tokio::test]
async fn an_exit_ends_the_placement() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let placement = app
        .placed_family(&coordinator, "Haddad", days_ago(400), days_ago(100))
        .await;
    let placement_id = id(&placement);
    let path = format!("/api/v1/placements/{placement_id}/exit");

    let before = json!({"exited_on": days_ago(101), "destination": "social_housing"});
    let problem = assert_problem(
        app.post(&path, Some(&coordinator), &before).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["exited_on"]);
    let future =
        json!({"exited_on": today() + chrono::Days::new(1), "destination": "social_housing"});
    let problem = assert_problem(
        app.post(&path, Some(&coordinator), &future).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["exited_on"]);
    let nowhere = json!({"exited_on": days_ago(1), "destination": "the_moon"});
    let problem = assert_problem(
        app.post(&path, Some(&coordinator), &nowhere).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["destination"]);

    let stale = app
        .client
        .post(app.url(&path))
        .bearer_auth(&coordinator)
        .header("If-Match", "\"7\"")
        .json(&json!({"exited_on": days_ago(1), "destination": "social_housing"}))
        .send()
        .await
        .expect("sent");
    assert_problem(stale, 412, "stale_version").await;

    let body = json!({"exited_on": days_ago(1), "destination": "social_housing", "notes": "Bail signé avec un bailleur social."});
    let response = app.post(&path, Some(&coordinator), &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let ended: Value = response.json().await.expect("json");
    assert_eq!(ended["status"], "ended");
    assert_eq!(ended["exit"]["destination"], "social_housing");
    assert_eq!(ended["exit"]["exited_on"], days_ago(1).to_string());

    assert_problem(
        app.post(&path, Some(&coordinator), &body).await,
        409,
        "placement_ended",
    )
    .await;
    assert_problem(
        app.renew(&coordinator, &placement_id, 1).await,
        409,
        "placement_ended",
    )
    .await;
    let family_path = format!(
        "/api/v1/families/{}",
        placement["family_id"].as_str().expect("id")
    );
    let family: Value = app.get_json(&family_path, &coordinator).await;
    assert!(family["current_placement_id"].is_null());
}

#[tokio::test]
async fn only_coordinators_renew_and_end_placements() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let placement = app
        .placed_family(&coordinator, "Haddad", days_ago(400), days_ago(100))
        .await;
    let placement_id = id(&placement);
    let (staff_id, staff) = app.staff_member("ines").await;
    app.assign(
        &coordinator,
        placement["family_id"].as_str().expect("id"),
        &staff_id,
        &[],
    )
    .await;
    let admin = app.admin_token().await;
    for token in [&staff, &admin] {
        assert_problem(app.renew(token, &placement_id, 1).await, 403, "forbidden").await;
        let exit = json!({"exited_on": days_ago(1), "destination": "unknown"});
        let path = format!("/api/v1/placements/{placement_id}/exit");
        assert_problem(app.post(&path, Some(token), &exit).await, 403, "forbidden").await;
    }
    // The assigned staff member reads it.
    let path = format!("/api/v1/placements/{placement_id}");
    assert_eq!(app.get(&path, Some(&staff)).await.status(), StatusCode::OK);
    assert_problem(app.get(&path, Some(&admin)).await, 403, "forbidden").await;
    let missing = format!("/api/v1/placements/{}", uuid::Uuid::new_v4());
    assert_problem(
        app.get(&missing, Some(&coordinator)).await,
        404,
        "not_found",
    )
    .await;
}
