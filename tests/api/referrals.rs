use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{date, days_ago, referral_body, today};
use crate::helpers::{assert_problem, invalid_fields, spawn_app};

#[tokio::test]
async fn a_referral_creates_a_family_on_the_waiting_list() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let children = json!([{"first_name": "Inaya", "birth_date": days_ago(200)},
                          {"first_name": "Bébé", "expected_birth_date": today() + chrono::Days::new(60)}]);
    let body = referral_body("Diallo", days_ago(10), children);
    let referral = app.refer_with(&coordinator, &body).await;
    assert_eq!(referral["status"], "pending");
    assert_eq!(referral["source"], "ase");
    assert_eq!(referral["reason"], "distress");

    let family_path = format!(
        "/api/v1/families/{}",
        referral["family_id"].as_str().expect("id")
    );
    let family: Value = app.get_json(&family_path, &coordinator).await;
    assert_eq!(family["mother"]["last_name"], "Diallo");
    let children = family["children"].as_array().expect("children");
    assert_eq!(children.len(), 2);
    assert_eq!(children[1]["birth_date"], Value::Null);
    assert!(children[1]["expected_birth_date"].is_string());
    assert!(family["current_placement_id"].is_null());

    let path = format!("/api/v1/referrals/{}", referral["id"].as_str().expect("id"));
    let read: Value = app.get_json(&path, &coordinator).await;
    // The creation's answer also says which files look like hers: none.
    let mut created = referral.clone();
    let warned = created
        .as_object_mut()
        .expect("an object")
        .remove("possible_duplicates");
    assert_eq!(warned, Some(json!([])));
    assert_eq!(read, created);
}

#[tokio::test]
async fn the_waiting_list_is_pending_referrals_oldest_first_page_by_page() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let child = || json!([{"first_name": "Inaya", "birth_date": days_ago(100)}]);
    for (name, ago) in [("Martin", 5), ("Benali", 30), ("Sow", 12), ("Nguyen", 30)] {
        app.refer_with(&coordinator, &referral_body(name, days_ago(ago), child()))
            .await;
    }
    let declined = app
        .refer_with(
            &coordinator,
            &referral_body("Haddad", days_ago(90), child()),
        )
        .await;
    app.decline(&coordinator, &declined, "Hors critères").await;

    let mut dates = Vec::new();
    let mut cursor = None::<String>;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/referrals?status=pending&limit=3&cursor={c}"),
            None => "/api/v1/referrals?status=pending&limit=3".to_owned(),
        };
        let page: Value = app.get_json(&path, &coordinator).await;
        for item in page["items"].as_array().expect("items") {
            assert_eq!(item["status"], "pending");
            dates.push(item["referred_on"].as_str().expect("date").to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let expected: Vec<String> = [30, 30, 12, 5]
        .iter()
        .map(|ago| days_ago(*ago).to_string())
        .collect();
    assert_eq!(dates, expected);

    let all: Value = app.get_json("/api/v1/referrals", &coordinator).await;
    assert_eq!(all["items"].as_array().expect("items").len(), 5);
    let bad = app
        .get("/api/v1/referrals?status=lost", Some(&coordinator))
        .await;
    assert_eq!(
        invalid_fields(&assert_problem(bad, 422, "validation_failed").await),
        ["status"]
    );
}

#[tokio::test]
async fn only_coordinators_handle_referrals() {
    let app = spawn_app().await;
    let body = referral_body("Diallo", days_ago(3), json!([]));
    for role in ["staff", "admin"] {
        let token = app.login_as(role).await;
        assert_problem(
            app.post("/api/v1/referrals", Some(&token), &body).await,
            403,
            "forbidden",
        )
        .await;
        assert_problem(
            app.get("/api/v1/referrals", Some(&token)).await,
            403,
            "forbidden",
        )
        .await;
    }
}

#[tokio::test]
async fn invalid_referrals_name_their_fields() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let both = json!([{"first_name": "Inaya", "birth_date": "2025-01-01", "expected_birth_date": "2027-01-01"}]);
    let mut body = referral_body("Diallo", today() + chrono::Days::new(1), both);
    body["family"]["mother"]["email"] = json!("not-an-email");
    body["family"]["mother"]["first_name"] = json!("");
    let problem = assert_problem(
        app.post("/api/v1/referrals", Some(&coordinator), &body)
            .await,
        422,
        "validation_failed",
    )
    .await;
    let mut fields = invalid_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        [
            "family.children[0].birth_date",
            "family.mother.email",
            "family.mother.first_name",
            "referred_on"
        ]
    );

    let mut neither = referral_body("Diallo", days_ago(1), json!([]));
    neither.as_object_mut().expect("object").remove("family");
    let problem = assert_problem(
        app.post("/api/v1/referrals", Some(&coordinator), &neither)
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["family"]);

    let mut source = referral_body("Diallo", days_ago(1), json!([]));
    source["source"] = json!("police");
    let problem = assert_problem(
        app.post("/api/v1/referrals", Some(&coordinator), &source)
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["source"]);

    let mut unknown = referral_body("Diallo", days_ago(1), json!([]));
    unknown.as_object_mut().expect("object").remove("family");
    unknown["family_id"] = json!(uuid::Uuid::new_v4());
    let problem = assert_problem(
        app.post("/api/v1/referrals", Some(&coordinator), &unknown)
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["family_id"]);
}

#[tokio::test]
async fn a_known_family_is_referred_again_only_when_nothing_is_open() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let first = app.refer(&coordinator, "Diallo", days_ago(300)).await;
    let mut again = referral_body("Diallo", days_ago(1), json!([]));
    again.as_object_mut().expect("object").remove("family");
    again["family_id"] = first["family_id"].clone();
    let response = app
        .post("/api/v1/referrals", Some(&coordinator), &again)
        .await;
    assert_problem(response, 409, "referral_pending").await;

    app.admit(&coordinator, &first, days_ago(20)).await;
    let response = app
        .post("/api/v1/referrals", Some(&coordinator), &again)
        .await;
    assert_problem(response, 409, "already_placed").await;
}

#[tokio::test]
async fn a_pending_referral_is_declined_or_withdrawn_once() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    for action in ["decline", "withdraw"] {
        let referral = app.refer(&coordinator, "Sow", days_ago(100)).await;
        let path = format!(
            "/api/v1/referrals/{}/{action}",
            referral["id"].as_str().expect("id")
        );
        let response = app
            .post(
                &path,
                Some(&coordinator),
                &json!({"reason": "La famille a trouvé une solution"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let closed: Value = response.json().await.expect("json");
        let status = if action == "decline" {
            "declined"
        } else {
            "withdrawn"
        };
        assert_eq!(closed["status"], status);
        assert_eq!(closed["closed_reason"], "La famille a trouvé une solution");

        let again = app
            .post(&path, Some(&coordinator), &json!({"reason": "encore"}))
            .await;
        assert_problem(again, 409, "referral_not_pending").await;
        let admission = format!(
            "/api/v1/referrals/{}/admission",
            referral["id"].as_str().expect("id")
        );
        let admit = app
            .post(
                &admission,
                Some(&coordinator),
                &json!({"admitted_on": days_ago(1)}),
            )
            .await;
        assert_problem(admit, 409, "referral_not_pending").await;
    }
    let missing = format!("/api/v1/referrals/{}/decline", uuid::Uuid::new_v4());
    assert_problem(
        app.post(&missing, Some(&coordinator), &json!({"reason": "x"}))
            .await,
        404,
        "not_found",
    )
    .await;
    let empty = app.refer(&coordinator, "Sow", days_ago(100)).await;
    let path = format!(
        "/api/v1/referrals/{}/decline",
        empty["id"].as_str().expect("id")
    );
    let problem = assert_problem(
        app.post(&path, Some(&coordinator), &json!({"reason": ""}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["reason"]);
}

#[tokio::test]
async fn admission_needs_a_child_under_three_or_an_expected_child() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;

    // Three years old on the day of admission: too old.
    let admitted_on = date("2026-03-10");
    let referral = app.refer(&coordinator, "Morel", date("2023-03-10")).await;
    let path = format!(
        "/api/v1/referrals/{}/admission",
        referral["id"].as_str().expect("id")
    );
    let response = app
        .post(
            &path,
            Some(&coordinator),
            &json!({"admitted_on": admitted_on}),
        )
        .await;
    assert_problem(response, 422, "not_eligible").await;
    // The day before the third birthday: eligible, one single day of care.
    let response = app
        .post(
            &path,
            Some(&coordinator),
            &json!({"admitted_on": "2026-03-09"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let placement: Value = response.json().await.expect("json");
    assert_eq!(placement["periods"][0]["starts_on"], "2026-03-09");
    assert_eq!(placement["periods"][0]["ends_on"], "2026-03-09");
    assert_eq!(placement["latest_end_on"], "2026-03-09");

    let expecting =
        json!([{"first_name": "Bébé", "expected_birth_date": today() + chrono::Days::new(90)}]);
    let referral = app
        .refer_with(
            &coordinator,
            &referral_body("Nguyen", date("2020-01-01"), expecting),
        )
        .await;
    let placement = app.admit(&coordinator, &referral, days_ago(3)).await;
    assert_eq!(placement["status"], "active");

    let nobody = app
        .refer_with(
            &coordinator,
            &referral_body("Kone", date("2020-01-01"), json!([])),
        )
        .await;
    let path = format!(
        "/api/v1/referrals/{}/admission",
        nobody["id"].as_str().expect("id")
    );
    let response = app
        .post(
            &path,
            Some(&coordinator),
            &json!({"admitted_on": days_ago(3)}),
        )
        .await;
    assert_problem(response, 422, "not_eligible").await;
}

#[tokio::test]
async fn admission_opens_the_first_period_and_closes_the_referral() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (referent, _) = app.staff_member("ines").await;
    let referral = app.refer(&coordinator, "Diallo", date("2025-06-01")).await;
    let path = format!(
        "/api/v1/referrals/{}/admission",
        referral["id"].as_str().expect("id")
    );
    let response = app
        .post(
            &path,
            Some(&coordinator),
            &json!({"admitted_on": "2025-08-31", "referent_id": referent}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let placement: Value = response.json().await.expect("json");
    assert_eq!(placement["admitted_on"], "2025-08-31");
    assert_eq!(placement["periods"].as_array().expect("periods").len(), 1);
    assert_eq!(placement["periods"][0]["number"], 1);
    // 2025-08-31 + 6 months clamps to 2026-02-28: the period ends the day before.
    assert_eq!(placement["periods"][0]["ends_on"], "2026-02-27");
    assert_eq!(placement["latest_end_on"], "2028-05-31");

    let referral_path = format!("/api/v1/referrals/{}", referral["id"].as_str().expect("id"));
    let read: Value = app.get_json(&referral_path, &coordinator).await;
    assert_eq!(read["status"], "admitted");
    let family_path = format!(
        "/api/v1/families/{}",
        referral["family_id"].as_str().expect("id")
    );
    let family: Value = app.get_json(&family_path, &coordinator).await;
    assert_eq!(family["current_placement_id"], placement["id"]);
    assert_eq!(family["referent_id"], referent);

    let early = app.refer(&coordinator, "Sow", date("2025-06-01")).await;
    let path = format!(
        "/api/v1/referrals/{}/admission",
        early["id"].as_str().expect("id")
    );
    let problem = assert_problem(
        app.post(
            &path,
            Some(&coordinator),
            &json!({"admitted_on": "2019-12-31"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["admitted_on"]);
    let future = today() + chrono::Days::new(2);
    let problem = assert_problem(
        app.post(&path, Some(&coordinator), &json!({"admitted_on": future}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["admitted_on"]);
    let body = json!({"admitted_on": days_ago(1), "referent_id": uuid::Uuid::new_v4()});
    let problem = assert_problem(
        app.post(&path, Some(&coordinator), &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["referent_id"]);
}
