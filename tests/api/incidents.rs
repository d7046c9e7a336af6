//! Serious incidents: declared by anyone, read by coordinators, admins and
//! their declarer, reported to the authority within 48 hours (an
//! `incident_report` due date until then). Informations préoccupantes on
//! the family's file and timeline.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{days_ago, today};
use crate::helpers::{TestApp, assert_invalid, assert_problem, spawn_app, test_now};

fn incident(occurred_at: chrono::DateTime<Utc>, family: Option<&str>) -> Value {
    json!({"occurred_at": occurred_at, "category": "violent_behaviour",
           "description": "Altercation entre deux résidentes dans la cour.",
           "family_id": family, "measures_taken": "Séparation, entretien avec chacune."})
}

/// A coordinator, the admin, a staff member (the declarer: id, token) and
/// the family she accompanies, placed 30 days ago.
async fn declarer_of_a_family(
    app: &TestApp,
    name: &str,
) -> (String, String, (String, String), String) {
    let coordinator = app.login_as("coordinator").await;
    let admin = app.admin_token().await;
    let declarer = app.staff_member("declarante").await;
    let placement = app
        .placed_family(&coordinator, name, days_ago(300), days_ago(30))
        .await;
    let family = placement["family_id"].as_str().expect("family").to_owned();
    app.assign(&coordinator, &family, &declarer.0, &[]).await;
    (coordinator, admin, declarer, family)
}

#[tokio::test]
async fn an_incident_is_read_by_coordinators_admins_and_its_declarer_only() {
    let app = spawn_app().await;
    let (coordinator, admin, (_, referent), family) = declarer_of_a_family(&app, "Incident").await;
    let family = family.as_str();
    let (_, other) = app.staff_member("autre").await;

    let declared = app
        .post(
            "/api/v1/incidents",
            Some(&referent),
            &incident(test_now() - Duration::hours(3), Some(family)),
        )
        .await;
    assert_eq!(declared.status(), StatusCode::CREATED);
    let declared: Value = declared.json().await.expect("json");
    let id = declared["id"].as_str().expect("id");
    assert_eq!(declared["authority_notified_at"], Value::Null);
    let path = format!("/api/v1/incidents/{id}");
    for reader in [&coordinator, &admin, &referent] {
        assert_eq!(app.get(&path, Some(reader)).await.status(), StatusCode::OK);
    }
    assert_problem(app.get(&path, Some(&other)).await, 404, "not_found").await;
    let listed = app.get_json("/api/v1/incidents", &other).await;
    assert_eq!(listed["items"], json!([]));
    let listed = app.get_json("/api/v1/incidents", &referent).await;
    assert_eq!(listed["items"].as_array().expect("items").len(), 1);

    // Another team's family is no family for this declarer.
    let stranger_family = app
        .placed_family(&coordinator, "Ailleurs", days_ago(300), days_ago(30))
        .await;
    let refused = app
        .post(
            "/api/v1/incidents",
            Some(&other),
            &incident(test_now(), stranger_family["family_id"].as_str()),
        )
        .await;
    assert_invalid(refused, &["family_id"]).await;
    let future = app
        .post(
            "/api/v1/incidents",
            Some(&other),
            &incident(test_now() + Duration::hours(2), None),
        )
        .await;
    assert_invalid(future, &["occurred_at"]).await;
    let by_admin = app
        .post(
            "/api/v1/incidents",
            Some(&admin),
            &incident(test_now(), None),
        )
        .await;
    assert_eq!(by_admin.status(), StatusCode::CREATED);

    // The declarer amends the measures, but only a coordinator or an admin
    // records the authority's notification.
    let amended = app
        .patch(
            &path,
            &referent,
            None,
            &json!({"measures_taken": "Séparation, entretien, rappel du règlement."}),
        )
        .await;
    assert_eq!(amended.status(), StatusCode::OK);
    let notify = json!({"authority_notified_at": test_now() - Duration::hours(1)});
    assert_problem(
        app.patch(&path, &referent, None, &notify).await,
        403,
        "forbidden",
    )
    .await;
    let too_early = app
        .patch(
            &path,
            &coordinator,
            None,
            &json!({"authority_notified_at": test_now() - Duration::hours(5)}),
        )
        .await;
    assert_invalid(too_early, &["authority_notified_at"]).await;
    let notified = app.patch(&path, &coordinator, None, &notify).await;
    assert_eq!(notified.status(), StatusCode::OK);
    let notified: Value = notified.json().await.expect("json");
    assert!(notified["authority_notified_at"].is_string());

    let actions = app.audit_actions(&admin, family).await;
    for action in ["incident.create", "incident.read", "incident.update"] {
        assert!(
            actions.iter().any(|done| done == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn an_unreported_incident_is_due_48_hours_later_for_coordinators_and_its_declarer() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (_, declarer) = app.staff_member("declarante").await;
    let (_, other) = app.staff_member("autre").await;
    let occurred = test_now() - Duration::hours(60);
    let declared = app
        .post(
            "/api/v1/incidents",
            Some(&declarer),
            &incident(occurred, None),
        )
        .await;
    assert_eq!(declared.status(), StatusCode::CREATED);
    let declared: Value = declared.json().await.expect("json");
    let id = declared["id"].clone();

    let reports = |items: &Value| -> Vec<Value> {
        items["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|item| item["kind"] == "incident_report")
            .cloned()
            .collect()
    };
    let due_on = (occurred + Duration::hours(48))
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    for reader in [&coordinator, &declarer] {
        let seen = reports(
            &app.get_json("/api/v1/due-dates?kind=incident_report", reader)
                .await,
        );
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0]["incident_id"], id);
        assert_eq!(seen[0]["due_on"], json!(due_on));
        // Overdue from the instant 48 hours after, 12 hours ago.
        assert_eq!(seen[0]["overdue"], json!(true));
        assert_eq!(seen[0]["family_id"], Value::Null);
    }
    assert!(reports(&app.get_json("/api/v1/due-dates", &other).await).is_empty());

    let path = format!("/api/v1/incidents/{}", id.as_str().expect("id"));
    let notified = app
        .patch(
            &path,
            &coordinator,
            None,
            &json!({"authority_notified_at": test_now()}),
        )
        .await;
    assert_eq!(notified.status(), StatusCode::OK);
    assert!(reports(&app.get_json("/api/v1/due-dates", &coordinator).await).is_empty());
}

#[tokio::test]
async fn concerns_are_for_the_familys_team_only_and_the_timeline_shows_no_text() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let admin = app.admin_token().await;
    let (referent_id, referent) = app.staff_member("referente").await;
    let (_, other) = app.staff_member("autre").await;
    let (successor_id, successor) = app.staff_member("successeure").await;
    let placement = app
        .placed_family(&coordinator, "Préoccupante", days_ago(300), days_ago(30))
        .await;
    let family = placement["family_id"].as_str().expect("family");
    app.assign(&coordinator, family, &referent_id, &[]).await;
    let file = app
        .get_json(&format!("/api/v1/families/{family}"), &coordinator)
        .await;
    let child = file["children"][0]["id"].as_str().expect("child");
    let path = format!("/api/v1/families/{family}/concerns");
    let timeline_path = format!("/api/v1/families/{family}/timeline");
    let (summary, crip) = (
        "Hématomes constatés au change, explications incohérentes.",
        "CRIP du Val-de-Marne",
    );

    let body = json!({"child_ids": [child], "summary": summary,
                      "transmitted_on": days_ago(3), "transmitted_to": crip});
    let made = app.post(&path, Some(&referent), &body).await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.expect("json");
    assert_eq!(made["child_ids"], json!([child]));

    let mut bad = body.clone();
    bad["child_ids"] = json!([uuid::Uuid::new_v4()]);
    bad["transmitted_on"] = json!(today() + chrono::Days::new(1));
    assert_invalid(
        app.post(&path, Some(&referent), &bad).await,
        &["child_ids[0]", "transmitted_on"],
    )
    .await;
    assert_problem(app.post(&path, Some(&other), &body).await, 404, "not_found").await;
    assert_problem(app.get(&path, Some(&other)).await, 404, "not_found").await;
    // Admins neither read nor write them, on a real family with a valid
    // body.
    assert_problem(app.get(&path, Some(&admin)).await, 403, "forbidden").await;
    assert_problem(app.post(&path, Some(&admin), &body).await, 403, "forbidden").await;

    let listed = app.get_json(&path, &referent).await;
    assert_eq!(listed["items"][0]["id"], made["id"]);
    assert_eq!(listed["items"][0]["summary"], summary);
    // On the timeline, the event and its id, never what was transmitted.
    let timeline = app.get(&timeline_path, Some(&referent)).await;
    assert_eq!(timeline.status(), StatusCode::OK);
    let text = timeline.text().await.expect("text");
    let timeline: Value = serde_json::from_str(&text).expect("json");
    let events: Vec<&Value> = timeline["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|event| event["kind"] == "concern")
        .collect();
    assert_eq!(events.len(), 1, "{timeline}");
    assert_eq!(events[0]["concern_id"], made["id"]);
    assert_eq!(events[0]["date"], json!(days_ago(3)));
    for said in [summary, crip, "Hématomes"] {
        assert!(!text.contains(said), "the timeline shows {said:?}: {text}");
    }

    // Taken off the team, the referent loses the family's concerns; her
    // successor has them.
    app.assign(&coordinator, family, &successor_id, &[]).await;
    assert_problem(app.get(&path, Some(&referent)).await, 404, "not_found").await;
    assert_problem(
        app.post(&path, Some(&referent), &body).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(&timeline_path, Some(&referent)).await,
        404,
        "not_found",
    )
    .await;
    let listed = app.get_json(&path, &successor).await;
    assert_eq!(listed["items"][0]["id"], made["id"]);
    let concerns = app.get_json(&path, &coordinator).await;
    assert_eq!(concerns["items"].as_array().expect("items").len(), 1);
}

#[tokio::test]
async fn a_declarer_taken_off_the_team_loses_the_incident_and_admins_never_read_its_text() {
    let app = spawn_app().await;
    let (coordinator, admin, (_, declarer), family) = declarer_of_a_family(&app, "Retrait").await;
    let family = family.as_str();
    let (successor_id, _) = app.staff_member("successeure").await;
    let declare = |body: Value| {
        let app = &app;
        let declarer = &declarer;
        async move {
            let response = app.post("/api/v1/incidents", Some(declarer), &body).await;
            assert_eq!(response.status(), StatusCode::CREATED);
            let declared: Value = response.json().await.expect("json");
            declared["id"].as_str().expect("id").to_owned()
        }
    };
    let named = declare(incident(test_now() - Duration::hours(3), Some(family))).await;
    let unnamed = declare(incident(test_now() - Duration::hours(2), None)).await;
    let named_path = format!("/api/v1/incidents/{named}");
    let unnamed_path = format!("/api/v1/incidents/{unnamed}");

    // Admins: the category and dates of an incident naming a family, never
    // its text, in every answer.
    let text_withheld = |answer: &Value| {
        assert_eq!(answer["category"], "violent_behaviour", "{answer}");
        assert!(answer["occurred_at"].is_string(), "{answer}");
        assert!(answer["description"].is_null(), "{answer}");
        assert!(answer["measures_taken"].is_null(), "{answer}");
    };
    text_withheld(&app.get_json(&named_path, &admin).await);
    let listed = app.get_json("/api/v1/incidents", &admin).await;
    for item in listed["items"].as_array().expect("items") {
        if item["id"] == named.as_str() {
            text_withheld(item);
        } else {
            assert!(item["description"].is_string(), "{item}");
        }
    }
    let notified = app
        .patch(
            &named_path,
            &admin,
            None,
            &json!({"authority_notified_at": test_now() - Duration::hours(1)}),
        )
        .await;
    assert_eq!(notified.status(), StatusCode::OK);
    text_withheld(&notified.json().await.expect("json"));
    let rewritten = app
        .patch(
            &named_path,
            &admin,
            None,
            &json!({"description": "Réécrit sans l'avoir lu."}),
        )
        .await;
    assert_problem(rewritten, 403, "forbidden").await;
    let by_admin = app
        .post(
            "/api/v1/incidents",
            Some(&admin),
            &incident(test_now(), Some(family)),
        )
        .await;
    assert_eq!(by_admin.status(), StatusCode::CREATED);
    text_withheld(&by_admin.json().await.expect("json"));
    let unnamed_read = app.get_json(&unnamed_path, &admin).await;
    assert!(unnamed_read["description"].is_string());
    // Coordinators read it all.
    let read = app.get_json(&named_path, &coordinator).await;
    assert!(read["description"].is_string() && read["measures_taken"].is_string());

    // Taken off the family's team, the declarer loses what she declared
    // about it, and keeps what names no family.
    app.assign(&coordinator, family, &successor_id, &[]).await;
    assert_problem(
        app.get(&named_path, Some(&declarer)).await,
        404,
        "not_found",
    )
    .await;
    let edited = app
        .patch(
            &named_path,
            &declarer,
            None,
            &json!({"measures_taken": "Ajout après son départ de l'équipe."}),
        )
        .await;
    assert_problem(edited, 404, "not_found").await;
    let listed = app.get_json("/api/v1/incidents", &declarer).await;
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item["id"].as_str())
        .collect();
    assert_eq!(ids, [unnamed.as_str()]);
    assert_eq!(
        app.get(&unnamed_path, Some(&declarer)).await.status(),
        StatusCode::OK
    );
    let due = app
        .get_json("/api/v1/due-dates?kind=incident_report", &declarer)
        .await;
    let due_ids: Vec<&Value> = due["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| &item["incident_id"])
        .collect();
    assert_eq!(due_ids, [&json!(unnamed)]);
    let unchanged = app.get_json(&named_path, &coordinator).await;
    assert_eq!(unchanged["measures_taken"], read["measures_taken"]);
}

#[tokio::test]
async fn an_incident_report_is_overdue_from_the_instant_48_hours_after_not_from_midnight() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    // One fell due a minute ago, the other falls due in a minute: whatever
    // the hour, one overdue, one not.
    let mut declared = Vec::new();
    for offset in [Duration::minutes(1), -Duration::minutes(1)] {
        let occurred = test_now() - Duration::hours(48) - offset;
        let response = app
            .post(
                "/api/v1/incidents",
                Some(&coordinator),
                &incident(occurred, None),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.expect("json");
        declared.push(body["id"].clone());
    }
    let due = app
        .get_json("/api/v1/due-dates?kind=incident_report", &coordinator)
        .await;
    let overdue_of = |id: &Value| {
        due["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|item| &item["incident_id"] == id)
            .map(|item| item["overdue"].clone())
            .expect("listed")
    };
    assert_eq!(overdue_of(&declared[0]), json!(true), "{due}");
    assert_eq!(overdue_of(&declared[1]), json!(false), "{due}");
}
