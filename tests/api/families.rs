use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{date, days_ago, today};
use crate::helpers::{assert_problem, invalid_fields, spawn_app};

#[tokio::test]
async fn staff_see_and_change_only_their_families_others_are_not_found() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (ines, ines_token) = app.staff_member("ines").await;
    let (lea, lea_token) = app.staff_member("lea").await;
    let mine = app
        .placed_family(&coordinator, "Martin", days_ago(300), days_ago(100))
        .await;
    let theirs = app
        .placed_family(&coordinator, "Benali", days_ago(300), days_ago(100))
        .await;
    let mine_id = mine["family_id"].as_str().expect("id");
    let theirs_id = theirs["family_id"].as_str().expect("id");
    app.assign(&coordinator, mine_id, &ines, &[&lea]).await;

    for (token, family_id) in [(&ines_token, mine_id), (&lea_token, mine_id)] {
        let path = format!("/api/v1/families/{family_id}");
        assert_eq!(app.get(&path, Some(token)).await.status(), StatusCode::OK);
    }

    let other = format!("/api/v1/families/{theirs_id}");
    let other_placement = format!("/api/v1/placements/{}", theirs["id"].as_str().expect("id"));
    let other_child = format!("{other}/children");
    assert_problem(app.get(&other, Some(&ines_token)).await, 404, "not_found").await;
    assert_problem(
        app.get(&other_placement, Some(&ines_token)).await,
        404,
        "not_found",
    )
    .await;
    let patch = app
        .patch(
            &other,
            &ines_token,
            None,
            &json!({"mother": {"phone": "07 00 00 00 00"}}),
        )
        .await;
    assert_problem(patch, 404, "not_found").await;
    let child = json!({"first_name": "Nour", "birth_date": days_ago(2)});
    assert_problem(
        app.post(&other_child, Some(&ines_token), &child).await,
        404,
        "not_found",
    )
    .await;
    // A family that does not exist looks the same.
    let missing = format!("/api/v1/families/{}", uuid::Uuid::new_v4());
    assert_problem(app.get(&missing, Some(&ines_token)).await, 404, "not_found").await;

    let list: Value = app.get_json("/api/v1/families", &ines_token).await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|f| f["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [mine_id]);
    let list: Value = app.get_json("/api/v1/families", &coordinator).await;
    assert_eq!(list["items"].as_array().expect("items").len(), 2);

    // Staff change their own family; only coordinators assign.
    let mine_path = format!("/api/v1/families/{mine_id}");
    let response = app
        .patch(
            &mine_path,
            &ines_token,
            None,
            &json!({"mother": {"phone": "07 00 00 00 00"}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let assignment = format!("{mine_path}/assignment");
    let response = app
        .put(
            &assignment,
            &ines_token,
            &json!({"referent_id": ines, "team_ids": []}),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;

    // Admins manage housing and accounts, not families.
    let admin = app.admin_token().await;
    assert_problem(app.get(&mine_path, Some(&admin)).await, 403, "forbidden").await;
    assert_problem(
        app.get("/api/v1/families", Some(&admin)).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn family_updates_carry_an_etag_and_honour_if_match() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let referral = app.refer(&coordinator, "Diallo", days_ago(100)).await;
    let path = format!(
        "/api/v1/families/{}",
        referral["family_id"].as_str().expect("id")
    );
    let response = app.get(&path, Some(&coordinator)).await;
    assert_eq!(response.headers()["etag"], "\"1\"");

    let change = json!({"mother": {"last_name": "Diallo-Traoré", "email": "AWA.D@example.org"}});
    let response = app.patch(&path, &coordinator, Some("\"1\""), &change).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let family: Value = response.json().await.expect("json");
    assert_eq!(family["mother"]["last_name"], "Diallo-Traoré");
    assert_eq!(family["mother"]["email"], "awa.d@example.org");
    assert_eq!(family["mother"]["phone"], "06 00 00 00 00");

    let stale = app
        .patch(
            &path,
            &coordinator,
            Some("\"1\""),
            &json!({"mother": {"phone": ""}}),
        )
        .await;
    assert_problem(stale, 412, "stale_version").await;
    let cleared = app
        .patch(
            &path,
            &coordinator,
            Some("\"2\""),
            &json!({"mother": {"phone": ""}}),
        )
        .await;
    assert_eq!(cleared.status(), StatusCode::OK);
    let cleared: Value = cleared.json().await.expect("json");
    assert_eq!(cleared["mother"]["last_name"], "Diallo-Traoré");
    assert!(cleared["mother"]["phone"].is_null());

    let future = (today() + chrono::Days::new(1)).to_string();
    let bad = json!({"mother": {"first_name": "", "birth_date": future, "email": "nope"}});
    let problem = assert_problem(
        app.patch(&path, &coordinator, None, &bad).await,
        422,
        "validation_failed",
    )
    .await;
    let mut fields = invalid_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        ["mother.birth_date", "mother.email", "mother.first_name"]
    );
}

#[tokio::test]
async fn children_are_added_and_births_recorded() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let referral = app.refer(&coordinator, "Diallo", days_ago(500)).await;
    let children = format!(
        "/api/v1/families/{}/children",
        referral["family_id"].as_str().expect("id")
    );

    let expected =
        json!({"first_name": "Bébé", "expected_birth_date": today() + chrono::Days::new(40)});
    let response = app.post(&children, Some(&coordinator), &expected).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let child: Value = response.json().await.expect("json");
    assert!(child["birth_date"].is_null());
    let child_path = format!("{children}/{}", child["id"].as_str().expect("id"));

    let born = app
        .patch(
            &child_path,
            &coordinator,
            None,
            &json!({"birth_date": days_ago(1), "first_name": "Nour"}),
        )
        .await;
    assert_eq!(born.status(), StatusCode::OK);
    let born: Value = born.json().await.expect("json");
    assert_eq!(born["birth_date"], days_ago(1).to_string());
    assert!(born["expected_birth_date"].is_null());
    assert_eq!(born["first_name"], "Nour");
    assert_eq!(born["version"], 2);

    let again = app
        .patch(
            &child_path,
            &coordinator,
            None,
            &json!({"expected_birth_date": today()}),
        )
        .await;
    let problem = assert_problem(again, 422, "validation_failed").await;
    assert_eq!(invalid_fields(&problem), ["expected_birth_date"]);
    let stale = app
        .patch(
            &child_path,
            &coordinator,
            Some("\"1\""),
            &json!({"first_name": "X"}),
        )
        .await;
    assert_problem(stale, 412, "stale_version").await;
    for bad in [
        json!({"first_name": "Nour"}),
        json!({"first_name": "Nour", "birth_date": "2025-01-01", "expected_birth_date": "2027-01-01"}),
        json!({"first_name": "Nour", "birth_date": today() + chrono::Days::new(3)}),
    ] {
        let problem = assert_problem(
            app.post(&children, Some(&coordinator), &bad).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(invalid_fields(&problem), ["birth_date"], "{bad}");
    }
    let unknown = format!("{children}/{}", uuid::Uuid::new_v4());
    assert_problem(
        app.patch(&unknown, &coordinator, None, &json!({"first_name": "X"}))
            .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn assignments_name_active_team_members() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (ines, _) = app.staff_member("ines").await;
    let (lea, _) = app.staff_member("lea").await;
    let referral = app.refer(&coordinator, "Diallo", date("2025-01-01")).await;
    let family_id = referral["family_id"].as_str().expect("id");
    let path = format!("/api/v1/families/{family_id}/assignment");

    let response = app
        .put(
            &path,
            &coordinator,
            &json!({"referent_id": ines, "team_ids": [lea, ines, lea]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let family: Value = response.json().await.expect("json");
    assert_eq!(family["referent_id"], ines.as_str());
    assert_eq!(family["team_ids"], json!([lea]));

    let admin_id = {
        let admin = app.admin_token().await;
        let me: Value = app.get_json("/api/v1/me", &admin).await;
        me["id"].as_str().expect("id").to_owned()
    };
    let body = json!({"referent_id": uuid::Uuid::new_v4(), "team_ids": [lea, admin_id]});
    let problem = assert_problem(
        app.put(&path, &coordinator, &body).await,
        422,
        "validation_failed",
    )
    .await;
    let mut fields = invalid_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["referent_id", "team_ids[1]"]);

    let cleared = app
        .put(
            &path,
            &coordinator,
            &json!({"referent_id": null, "team_ids": []}),
        )
        .await;
    assert_eq!(cleared.status(), StatusCode::OK);
    let cleared: Value = cleared.json().await.expect("json");
    assert_eq!(cleared["id"], family_id);
    assert!(cleared["referent_id"].is_null());
    assert_eq!(cleared["team_ids"], json!([]));
    let missing = format!("/api/v1/families/{}/assignment", uuid::Uuid::new_v4());
    assert_problem(
        app.put(&missing, &coordinator, &json!({"referent_id": null}))
            .await,
        404,
        "not_found",
    )
    .await;
}
