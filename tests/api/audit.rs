use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::Value;

use crate::cases::days_ago;
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn every_read_and_write_of_a_family_is_in_the_audit_log() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let me: Value = app.get_json("/api/v1/me", &coordinator).await;
    let placement = app
        .placed_family(&coordinator, "Diallo", days_ago(300), days_ago(100))
        .await;
    let family_id = placement["family_id"].as_str().expect("id");
    for path in [
        format!("/api/v1/families/{family_id}"),
        format!(
            "/api/v1/placements/{}",
            placement["id"].as_str().expect("id")
        ),
        "/api/v1/deadlines?within_days=400".to_owned(),
    ] {
        let read = app.get(&path, Some(&coordinator)).await;
        assert_eq!(read.status(), StatusCode::OK, "{path}");
    }

    let admin = app.admin_token().await;
    let path = format!("/api/v1/audit?family_id={family_id}");
    let response = app.get(&path, Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    let entries = body["items"].as_array().expect("items");
    let actions: Vec<&str> = entries
        .iter()
        .map(|entry| entry["action"].as_str().expect("action"))
        .collect();
    // Newest first.
    assert_eq!(
        actions,
        [
            "deadlines.read",
            "placement.read",
            "family.read",
            "placement.admit",
            "referral.create"
        ]
    );
    for entry in entries {
        assert_eq!(entry["user_id"], me["id"]);
        assert_eq!(entry["family_id"], family_id);
        assert!(entry["at"].as_str().is_some_and(|at| at.ends_with('Z')));
        assert!(
            entry["resource"]
                .as_str()
                .is_some_and(|r| !r.contains("Diallo"))
        );
    }

    let by_user: Value = app
        .get_json(
            &format!(
                "/api/v1/audit?user_id={}&limit=2",
                me["id"].as_str().expect("id")
            ),
            &admin,
        )
        .await;
    assert_eq!(by_user["items"].as_array().expect("items").len(), 2);
    assert!(by_user["next_cursor"].is_string());
    let future: Value = app
        .get_json("/api/v1/audit?from=2999-01-01T00:00:00Z", &admin)
        .await;
    assert!(future["items"].as_array().expect("items").is_empty());
}

#[tokio::test]
async fn only_admins_read_the_audit_log_and_nobody_changes_it() {
    let app = spawn_app().await;
    for role in ["staff", "coordinator"] {
        let token = app.login_as(role).await;
        assert_problem(
            app.get("/api/v1/audit", Some(&token)).await,
            403,
            "forbidden",
        )
        .await;
    }
    let admin = app.admin_token().await;
    for method in [
        reqwest::Method::DELETE,
        reqwest::Method::PUT,
        reqwest::Method::POST,
        reqwest::Method::PATCH,
    ] {
        let response = app
            .client
            .request(method.clone(), app.url("/api/v1/audit"))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("sent");
        assert_problem(response, 405, "method_not_allowed").await;
    }
}

#[tokio::test]
async fn the_database_refuses_to_change_an_entry() {
    use nido_persistence::entities::audit_log;
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    app.refer(&coordinator, "Diallo", days_ago(300)).await;
    let audit_db = app.audit_db().await;
    assert!(
        !audit_log::Entity::find()
            .all(&audit_db)
            .await
            .expect("entries")
            .is_empty()
    );
    assert!(
        audit_log::Entity::delete_many()
            .exec(&audit_db)
            .await
            .is_err(),
        "append-only"
    );
}

#[tokio::test]
async fn a_change_whose_audit_entry_the_log_refuses_keeps_its_trace_and_reaches_the_log() {
    let app =
        crate::helpers::spawn_app_with(|settings| settings.audit.outbox_retry_seconds = 1).await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    // The audit log breaks: its table is gone.
    let audit = app.audit_db().await;
    audit
        .execute_unprepared("ALTER TABLE audit_log RENAME TO audit_log_away")
        .await
        .expect("renamed");
    let referral = app.refer(&coordinator, "Diallo", days_ago(3)).await;
    let family_id = referral["family_id"].as_str().expect("id").to_owned();
    // The change is kept, and so is its entry, in the main database.
    let waiting = nido_persistence::audit::outbox_len(&app.db)
        .await
        .expect("outbox");
    assert!(waiting >= 1, "the entry waits in the outbox");

    audit
        .execute_unprepared("ALTER TABLE audit_log_away RENAME TO audit_log")
        .await
        .expect("renamed back");
    // The entry reaches the log first and leaves the outbox a moment later
    // (two databases): wait for both.
    let mut entries = Vec::new();
    let mut still_waiting = u64::MAX;
    for _ in 0..50 {
        let page = app
            .get_json(&format!("/api/v1/audit?family_id={family_id}"), &admin)
            .await;
        entries = page["items"].as_array().cloned().unwrap_or_default();
        still_waiting = nido_persistence::audit::outbox_len(&app.db)
            .await
            .expect("outbox");
        if !entries.is_empty() && still_waiting == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["action"], "referral.create");
    assert_eq!(still_waiting, 0, "the outbox is emptied");
}

#[tokio::test]
async fn an_admin_who_browses_the_log_leaves_a_trace_another_admin_sees() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let referral = app.refer(&coordinator, "Diallo", days_ago(300)).await;
    let family_id = referral["family_id"].as_str().expect("id");
    // A curious admin looks at who read the family's file, then at a
    // colleague's doings.
    let curious = app.login_as("admin").await;
    let curious_id = app.get_json("/api/v1/me", &curious).await["id"].clone();
    app.get_json(&format!("/api/v1/audit?family_id={family_id}"), &curious)
        .await;
    app.get_json("/api/v1/audit?from=2000-01-01T00:00:00Z", &curious)
        .await;

    let other = app.admin_token().await;
    let traces = app
        .get_json(
            &format!("/api/v1/audit?user_id={}", curious_id.as_str().expect("id")),
            &other,
        )
        .await;
    let reads: Vec<&Value> = traces["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|entry| entry["action"] == "audit.read")
        .collect();
    assert_eq!(reads.len(), 2, "{traces}");
    // Newest first; the filter she used, ids and instants only.
    assert_eq!(
        reads[0]["resource"],
        "/audit?from=2000-01-01T00:00:00+00:00"
    );
    assert_eq!(
        reads[1]["resource"],
        format!("/audit?family_id={family_id}").as_str()
    );
    for read in reads {
        assert_eq!(read["user_id"], curious_id);
        assert!(read["family_id"].is_null(), "the reading names no family");
        assert!(!read["resource"].as_str().expect("text").contains("Diallo"));
    }
    // The other admin's reading is in the log too.
    let mine = app.audit_actions_where(&curious, "limit=1").await;
    assert_eq!(mine, ["audit.read"]);
}

/// The entries of the log `query` selects, newest first (read by an admin).
async fn entries(app: &crate::helpers::TestApp, admin: &str, query: &str) -> Vec<Value> {
    app.get_json(&format!("/api/v1/audit?{query}&limit=200"), admin)
        .await["items"]
        .as_array()
        .expect("items")
        .clone()
}

#[tokio::test]
async fn a_list_of_many_families_writes_one_entry_that_each_family_finds() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let me = app.get_json("/api/v1/me", &coordinator).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut families = Vec::new();
    for name in ["Aubert", "Benali", "Carvalho", "Dumont"] {
        let placement = app
            .placed_family(&coordinator, name, days_ago(300), days_ago(100))
            .await;
        families.push(placement["family_id"].as_str().expect("id").to_owned());
    }
    families.sort();
    let admin = app.admin_token().await;
    for (path, action) in [
        ("/api/v1/families", "family.list"),
        ("/api/v1/deadlines?within_days=400", "deadlines.read"),
        ("/api/v1/due-dates?within_days=400", "due_dates.read"),
    ] {
        let before = entries(&app, &admin, &format!("user_id={me}")).await.len();
        app.get_json(path, &coordinator).await;
        let mine = entries(&app, &admin, &format!("user_id={me}")).await;
        assert_eq!(
            mine.len(),
            before + 1,
            "{path}: one entry, not one per family"
        );
        let entry = &mine[0];
        assert_eq!(entry["action"], action);
        assert!(entry["family_id"].is_null());
        assert_eq!(entry["family_ids"], serde_json::json!(families), "{path}");
        // Each family's history holds it.
        for family_id in &families {
            let history = entries(&app, &admin, &format!("family_id={family_id}")).await;
            assert_eq!(history[0]["action"], action, "{path} for {family_id}");
            assert_eq!(history[0]["family_ids"], entry["family_ids"]);
        }
    }
    // And the mother's export counts it among the consultations.
    let export = app
        .get_json(
            &format!("/api/v1/families/{}/export", families[0]),
            &coordinator,
        )
        .await;
    let consulted: Vec<&str> = export["consultations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|entry| entry["action"].as_str().expect("action"))
        .collect();
    for action in ["family.list", "deadlines.read", "due_dates.read"] {
        assert!(consulted.contains(&action), "{consulted:?}");
    }
}

#[tokio::test]
async fn a_list_entry_waiting_in_the_outbox_reaches_the_log_with_its_families() {
    let app =
        crate::helpers::spawn_app_with(|settings| settings.audit.outbox_retry_seconds = 1).await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let mut families = Vec::new();
    for name in ["Aubert", "Benali", "Carvalho"] {
        let referral = app.refer(&coordinator, name, days_ago(30)).await;
        families.push(referral["family_id"].as_str().expect("id").to_owned());
    }
    let audit = app.audit_db().await;
    audit
        .execute_unprepared("ALTER TABLE audit_log RENAME TO audit_log_away")
        .await
        .expect("renamed");
    app.get_json("/api/v1/families", &coordinator).await;
    audit
        .execute_unprepared("ALTER TABLE audit_log_away RENAME TO audit_log")
        .await
        .expect("renamed back");
    for family_id in &families {
        let mut found = Vec::new();
        for _ in 0..50 {
            found = entries(&app, &admin, &format!("family_id={family_id}")).await;
            if found.iter().any(|entry| entry["action"] == "family.list") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let listed: Vec<&Value> = found
            .iter()
            .filter(|entry| entry["action"] == "family.list")
            .collect();
        assert_eq!(listed.len(), 1, "{found:?}");
        assert_eq!(listed[0]["family_ids"].as_array().expect("ids").len(), 3);
    }
}
