//! Loi 2002-2: the contract of stay and its two due dates, the projet
//! personnalisé as immutable reviews, and the due-dates screen where each
//! kind appears and disappears when the obligation is met.

use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{days_ago, today};
use crate::helpers::{TestApp, assert_invalid, assert_problem, spawn_app};

/// One month later, the day clamped to the month's length.
fn months_later(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(chrono::Months::new(months))
        .expect("a date")
}

async fn placed(
    app: &TestApp,
    coordinator: &str,
    name: &str,
    admitted: NaiveDate,
) -> (String, String) {
    let placement = app
        .placed_family(coordinator, name, days_ago(200), admitted)
        .await;
    (
        placement["id"].as_str().expect("id").to_owned(),
        placement["family_id"].as_str().expect("family").to_owned(),
    )
}

async fn due(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    app.get_json(&format!("/api/v1/due-dates{query}"), token)
        .await["items"]
        .as_array()
        .expect("items")
        .clone()
}

fn kinds_of(items: &[Value], placement: &str) -> Vec<String> {
    items
        .iter()
        .filter(|item| item["placement_id"] == placement)
        .map(|item| item["kind"].as_str().expect("kind").to_owned())
        .collect()
}

fn review(reviewed_on: NaiveDate, participants: &[&str]) -> Value {
    json!({"reviewed_on": reviewed_on, "mother_present": true, "participant_ids": participants,
           "objectives": [
               {"domain": "housing", "description": "Déposer une demande de logement social", "status": "in_progress",
                "target_on": reviewed_on + Days::new(90)},
               {"domain": "health", "description": "Suivi PMI mensuel", "status": "planned"}]})
}

#[tokio::test]
async fn the_contract_has_two_due_dates_and_refuses_impossible_dates() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let admitted = days_ago(20);
    let (placement, _) = placed(&app, &coordinator, "Contrat", admitted).await;
    let path = format!("/api/v1/placements/{placement}/contract");
    let blank = app.get_json(&path, &coordinator).await;
    assert_eq!(blank["kind"], Value::Null);
    assert_eq!(blank["version"], 0);
    assert_eq!(blank["delivery_due_on"], json!(admitted + Days::new(15)));
    assert_eq!(blank["signature_due_on"], json!(months_later(admitted, 1)));

    let bad = app
        .put(
            &path,
            &coordinator,
            &json!({"kind": "contrat_de_sejour",
            "delivered_on": admitted - Days::new(1), "signed_on": today() + Days::new(1)}),
        )
        .await;
    assert_invalid(bad, &["delivered_on", "signed_on"]).await;
    let unsent = app
        .put(
            &path,
            &coordinator,
            &json!({"kind": "dipc", "signed_on": admitted}),
        )
        .await;
    assert_invalid(unsent, &["delivered_on"]).await;
    let backwards = app
        .put(&path, &coordinator, &json!({"kind": "dipc", "delivered_on": admitted + Days::new(3), "signed_on": admitted + Days::new(2)}))
        .await;
    assert_invalid(backwards, &["signed_on"]).await;

    let delivered = app
        .put(
            &path,
            &coordinator,
            &json!({"kind": "contrat_de_sejour", "delivered_on": admitted + Days::new(4)}),
        )
        .await;
    assert_eq!(delivered.status(), StatusCode::OK);
    assert_eq!(delivered.headers()["etag"], "\"1\"");
    let delivered: Value = delivered.json().await.expect("json");
    assert_eq!(
        (delivered["kind"].as_str(), delivered["version"].as_i64()),
        (Some("contrat_de_sejour"), Some(1))
    );
    let stale = app
        .client
        .put(app.url(&path))
        .bearer_auth(&coordinator)
        .header("If-Match", "\"0\"")
        .json(&json!({"kind": "contrat_de_sejour"}))
        .send()
        .await
        .expect("sent");
    assert_problem(stale, 412, "stale_version").await;
}

#[tokio::test]
async fn each_kind_appears_on_the_due_dates_screen_and_disappears_when_met() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (member_id, _) = app.staff_member("membre").await;
    let admitted = days_ago(10);
    let (placement, _) = placed(&app, &coordinator, "Échéances", admitted).await;
    let all = "?within_days=400";
    let items = due(&app, &coordinator, all).await;
    assert_eq!(
        kinds_of(&items, &placement),
        [
            "contract_delivery",
            "contract_signature",
            "renewal_report",
            "period_end",
            "project_initial"
        ],
        "{items:?}"
    );
    let mine: Vec<&Value> = items
        .iter()
        .filter(|item| item["placement_id"] == placement.as_str())
        .collect();
    assert_eq!(mine[0]["due_on"], json!(admitted + Days::new(15)));
    assert_eq!(mine[0]["days_remaining"], 5);
    assert_eq!(mine[0]["overdue"], false);
    assert_eq!(mine[1]["due_on"], json!(months_later(admitted, 1)));
    assert_eq!(mine[4]["due_on"], json!(months_later(admitted, 6)));
    assert!(
        mine[0]["mother_name"]
            .as_str()
            .expect("name")
            .contains("Échéances")
    );

    // Overdue seen from later on, and filtered by kind.
    let later = admitted + Days::new(20);
    let overdue = due(
        &app,
        &coordinator,
        &format!("?as_of={later}&within_days=0&kind=contract_delivery"),
    )
    .await;
    let overdue: Vec<&Value> = overdue
        .iter()
        .filter(|item| item["placement_id"] == placement.as_str())
        .collect();
    assert_eq!(overdue.len(), 1);
    assert_eq!(
        (
            overdue[0]["overdue"].as_bool(),
            overdue[0]["days_remaining"].as_i64()
        ),
        (Some(true), Some(-5))
    );

    let contract = format!("/api/v1/placements/{placement}/contract");
    let delivered = app
        .put(
            &contract,
            &coordinator,
            &json!({"kind": "contrat_de_sejour", "delivered_on": admitted + Days::new(2)}),
        )
        .await;
    assert_eq!(delivered.status(), StatusCode::OK);
    assert_eq!(
        kinds_of(&due(&app, &coordinator, all).await, &placement),
        [
            "contract_signature",
            "renewal_report",
            "period_end",
            "project_initial"
        ]
    );
    let signed = app.put(&contract, &coordinator, &json!({"kind": "contrat_de_sejour", "delivered_on": admitted + Days::new(2), "signed_on": admitted + Days::new(5)})).await;
    assert_eq!(signed.status(), StatusCode::OK);

    let reviewed_on = days_ago(1);
    let first = app
        .post(
            &format!("/api/v1/placements/{placement}/project-reviews"),
            Some(&coordinator),
            &review(reviewed_on, &[&member_id]),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let items = due(&app, &coordinator, "?within_days=400").await;
    assert_eq!(
        kinds_of(&items, &placement),
        ["renewal_report", "period_end", "project_review"]
    );
    let next = items
        .iter()
        .find(|item| item["kind"] == "project_review")
        .expect("review");
    assert_eq!(next["due_on"], json!(months_later(reviewed_on, 12)));

    // A renewal meets the report and the period's end: the next period's
    // take their place.
    let before = due(&app, &coordinator, all).await;
    let old_end = before
        .iter()
        .find(|item| item["placement_id"] == placement.as_str() && item["kind"] == "period_end")
        .expect("period end")["due_on"]
        .clone();
    let next = app.renewed(&coordinator, &placement, 1).await;
    let after = due(&app, &coordinator, "?within_days=800").await;
    let ends: Vec<&Value> = after
        .iter()
        .filter(|item| item["placement_id"] == placement.as_str() && item["kind"] == "period_end")
        .collect();
    assert_eq!(ends.len(), 1);
    assert_eq!(ends[0]["due_on"], next["ends_on"]);
    assert_ne!(ends[0]["due_on"], old_end);

    // An ended placement owes nothing but the follow-ups after its exit.
    let exit = app
        .post(
            &format!("/api/v1/placements/{placement}/exit"),
            Some(&coordinator),
            &json!({"exited_on": today(), "destination": "social_housing"}),
        )
        .await;
    assert_eq!(exit.status(), StatusCode::OK);
    assert_eq!(
        kinds_of(&due(&app, &coordinator, all).await, &placement),
        ["post_exit_follow_up", "post_exit_follow_up"]
    );
}

#[tokio::test]
async fn staff_see_the_due_dates_of_their_families_only() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (referent_id, referent) = app.staff_member("referente").await;
    let (_, other) = app.staff_member("autre").await;
    let (mine, my_family) = placed(&app, &coordinator, "Mienne", days_ago(5)).await;
    let (theirs, _) = placed(&app, &coordinator, "Pasmienne", days_ago(5)).await;
    app.assign(&coordinator, &my_family, &referent_id, &[])
        .await;
    let seen = due(&app, &referent, "?within_days=400").await;
    assert!(!kinds_of(&seen, &mine).is_empty());
    assert!(kinds_of(&seen, &theirs).is_empty());
    assert!(
        seen.iter()
            .all(|item| item["referent_id"] == referent_id.as_str())
    );
    assert!(due(&app, &other, "?within_days=400").await.is_empty());
    let all = due(&app, &coordinator, "?within_days=400").await;
    assert!(!kinds_of(&all, &theirs).is_empty());
    let contract = app
        .get(
            &format!("/api/v1/placements/{theirs}/contract"),
            Some(&referent),
        )
        .await;
    assert_problem(contract, 404, "not_found").await;
    let admin = app.admin_token().await;
    assert_problem(
        app.get("/api/v1/due-dates", Some(&admin)).await,
        403,
        "forbidden",
    )
    .await;
    let too_far = app
        .get("/api/v1/due-dates?within_days=4000", Some(&coordinator))
        .await;
    assert_eq!(too_far.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn project_reviews_are_versions_kept_whole_on_the_timeline_and_audited() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (member_id, member) = app.staff_member("educatrice").await;
    let admitted = days_ago(60);
    let (placement, family) = placed(&app, &coordinator, "Projet", admitted).await;
    app.assign(&coordinator, &family, &member_id, &[]).await;
    let project = format!("/api/v1/placements/{placement}/project");
    let empty = app.get_json(&project, &member).await;
    assert_eq!(empty["latest"], Value::Null);
    assert_eq!(empty["reviews"], json!([]));
    assert_eq!(
        empty["next_review_due_on"],
        json!(months_later(admitted, 6))
    );

    let reviews = format!("/api/v1/placements/{placement}/project-reviews");
    let mut bad = review(
        today() + Days::new(1),
        &[&member_id, &uuid::Uuid::new_v4().to_string()],
    );
    bad["objectives"][0]["target_on"] = json!(today());
    bad["objectives"][1]["description"] = json!("   ");
    let refused = app.post(&reviews, Some(&member), &bad).await;
    assert_invalid(
        refused,
        &[
            "objectives[0].target_on",
            "objectives[1].description",
            "participant_ids[1]",
            "reviewed_on",
        ],
    )
    .await;
    let mut none = review(days_ago(3), &[]);
    none["objectives"] = json!([]);
    assert_invalid(
        app.post(&reviews, Some(&member), &none).await,
        &["objectives"],
    )
    .await;
    let before = app
        .post(
            &reviews,
            Some(&member),
            &review(admitted - Days::new(1), &[]),
        )
        .await;
    assert_invalid(before, &["reviewed_on"]).await;

    let first = app
        .post(
            &reviews,
            Some(&member),
            &review(days_ago(30), &[&member_id]),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("json");
    assert_eq!(first["objectives"][0]["domain"], "housing");
    assert_eq!(first["participant_ids"], json!([member_id]));
    let mut second_body = review(days_ago(2), &[]);
    second_body["objectives"] = json!([{"domain": "housing", "description": "Déposer une demande de logement social", "status": "achieved"}]);
    let second = app.post(&reviews, Some(&coordinator), &second_body).await;
    assert_eq!(second.status(), StatusCode::CREATED);
    let earlier = app
        .post(&reviews, Some(&coordinator), &review(days_ago(10), &[]))
        .await;
    assert_invalid(earlier, &["reviewed_on"]).await;

    let seen = app.get_json(&project, &member).await;
    assert_eq!(
        seen["latest"]["objectives"],
        json!([{"domain": "housing", "description": "Déposer une demande de logement social", "status": "achieved", "target_on": null}])
    );
    assert_eq!(seen["reviews"].as_array().expect("reviews").len(), 2);
    assert_eq!(seen["reviews"][0]["id"], first["id"]);
    assert_eq!(
        seen["next_review_due_on"],
        json!(months_later(days_ago(2), 12))
    );

    let (_, stranger) = app.staff_member("etrangere").await;
    assert_problem(app.get(&project, Some(&stranger)).await, 404, "not_found").await;
    assert_problem(
        app.post(&reviews, Some(&stranger), &review(days_ago(1), &[]))
            .await,
        404,
        "not_found",
    )
    .await;

    let timeline = app
        .get_json(&format!("/api/v1/families/{family}/timeline"), &coordinator)
        .await;
    let reviewed: Vec<&Value> = timeline["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|event| event["kind"] == "project_review")
        .collect();
    assert_eq!(reviewed.len(), 2);
    assert_eq!(reviewed[1]["project_review_id"], first["id"]);
    let admin = app.admin_token().await;
    let actions = app.audit_actions(&admin, &family).await;
    for action in ["project.review", "project.read"] {
        assert!(
            actions.iter().any(|done| done == action),
            "{action} in {actions:?}"
        );
    }
}

/// The renewal report is owed only while the period may be renewed: not
/// when it ends on the eve of the youngest child's third birthday. A child
/// added (expected) moves that cap, and the report is owed at once.
#[tokio::test]
async fn the_renewal_report_follows_the_youngest_childs_third_birthday() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    // Three years old in about four months: the first period stops on the eve.
    let born = today()
        .checked_sub_months(chrono::Months::new(32))
        .expect("a date");
    let placement = app
        .placed_family(&coordinator, "Keita", born, days_ago(5))
        .await;
    let placement_id = placement["id"].as_str().expect("id");
    let family_id = placement["family_id"].as_str().expect("family");
    let window = "?within_days=365";
    let kinds = kinds_of(&due(&app, &coordinator, window).await, placement_id);
    assert!(kinds.contains(&"period_end".to_owned()), "{kinds:?}");
    assert!(!kinds.contains(&"renewal_report".to_owned()), "{kinds:?}");

    let expected = json!({"first_name": "Bébé", "expected_birth_date": today() + Days::new(60)});
    let added = app
        .post(
            &format!("/api/v1/families/{family_id}/children"),
            Some(&coordinator),
            &expected,
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let kinds = kinds_of(&due(&app, &coordinator, window).await, placement_id);
    assert!(kinds.contains(&"renewal_report".to_owned()), "{kinds:?}");
}
