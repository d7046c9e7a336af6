//! One's own account (sessions, password), account events in the audit log,
//! and refused requests in the audit log too.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::days_ago;
use crate::helpers::{PASSWORD, SET_BY_ADMIN, TestApp, assert_invalid, assert_problem, spawn_app};

/// The actions of the audit entries matching `query`, newest first.
async fn audited(app: &TestApp, query: &str) -> Vec<Value> {
    let admin = app.admin_token().await;
    let page = app
        .get_json(&format!("/api/v1/audit?limit=200&{query}"), &admin)
        .await;
    page["items"].as_array().expect("items").clone()
}

fn actions(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|entry| entry["action"].as_str().expect("action"))
        .collect()
}

#[tokio::test]
async fn an_admin_cannot_silently_use_an_account_whose_password_she_set() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let psychologist = app
        .create_user("helene@nido.example", "staff", "psychologist")
        .await;
    let id = psychologist["id"].as_str().expect("id");
    let before = app.token_for("helene@nido.example", PASSWORD).await;
    let admin_id = app.get_json("/api/v1/me", &admin).await["id"].clone();
    let response = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            None,
            &json!({"password": "grenier-lavande-comete-58"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // Her sessions ended at once...
    assert_problem(
        app.get("/api/v1/me", Some(&before)).await,
        401,
        "unauthorized",
    )
    .await;
    // ...and the password the admin knows opens nothing.
    let token = app
        .token_for("helene@nido.example", "grenier-lavande-comete-58")
        .await;
    for path in ["/api/v1/me", "/api/v1/families", "/api/v1/me/actions"] {
        let response = app.get(path, Some(&token)).await;
        assert_problem(response, 403, "password_change_required").await;
    }
    // Logging out is the one other thing it may do.
    let logout = app
        .post("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);

    // The log says who set whose password, and who then logged in.
    let entries = audited(&app, &format!("user_id={}", admin_id.as_str().expect("id"))).await;
    let set = entries
        .iter()
        .find(|entry| entry["action"] == "user.password_set")
        .expect("password_set entry");
    assert_eq!(set["resource"], format!("/users/{id}"));
    let hers = audited(&app, &format!("user_id={id}")).await;
    let hers = actions(&hers);
    assert!(hers.contains(&"auth.login"), "{hers:?}");
    assert!(hers.contains(&"auth.logout"), "{hers:?}");
}

#[tokio::test]
async fn account_events_are_in_the_audit_log() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let user = app
        .create_user("awa@nido.example", "staff", "social_worker")
        .await;
    let id = user["id"].as_str().expect("id");
    let path = format!("/api/v1/users/{id}");
    for change in [
        json!({"role": "coordinator"}),
        json!({"active": false}),
        json!({"active": true}),
    ] {
        let response = app.patch(&path, &admin, None, &change).await;
        assert_eq!(response.status(), StatusCode::OK, "{change}");
    }
    for email in ["awa@nido.example", "nobody@nido.example"] {
        let response = app.login(email, "not-the-password-at-all").await;
        assert_problem(response, 401, "invalid_credentials").await;
    }

    let entries = audited(&app, "").await;
    let all = actions(&entries);
    for expected in [
        "user.create",
        "user.role_change",
        "user.disable",
        "user.enable",
        "user.password_change",
        "auth.login",
        "auth.login_failed",
    ] {
        assert!(all.contains(&expected), "{expected} in {all:?}");
    }
    let failures: Vec<&Value> = entries
        .iter()
        .filter(|entry| entry["action"] == "auth.login_failed")
        .collect();
    assert_eq!(failures.len(), 2);
    // A known account is named; an unknown one is the nil UUID.
    assert!(failures.iter().any(|entry| entry["user_id"] == id));
    assert!(
        failures
            .iter()
            .any(|entry| entry["user_id"] == "00000000-0000-0000-0000-000000000000")
    );
    // Never a password, never an email.
    let text = serde_json::to_string(&entries).expect("json");
    for secret in ["not-the-password-at-all", PASSWORD, SET_BY_ADMIN, "nobody@"] {
        assert!(!text.contains(secret), "{secret} in the audit log");
    }
}

#[tokio::test]
async fn sessions_are_listed_and_ended_one_by_one() {
    let app = spawn_app().await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    let phone = app.token_for("awa@nido.example", PASSWORD).await;
    let desk = app.token_for("awa@nido.example", PASSWORD).await;
    let sessions = app.get_json("/api/v1/me/sessions", &desk).await;
    let items = sessions["items"].as_array().expect("items");
    assert!(items.len() >= 2);
    let current: Vec<&Value> = items
        .iter()
        .filter(|item| item["current"] == true)
        .collect();
    assert_eq!(current.len(), 1);
    // The phone's session: the newest that is not the current one.
    let phone_id = app.get_json("/api/v1/me/sessions", &phone).await["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["current"] == true)
        .expect("current")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let end = |token: &str, id: &str| {
        app.client
            .delete(app.url(&format!("/api/v1/me/sessions/{id}")))
            .bearer_auth(token.to_owned())
            .send()
    };
    assert_eq!(
        end(&desk, &phone_id).await.expect("sent").status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        app.get("/api/v1/me", Some(&phone)).await,
        401,
        "unauthorized",
    )
    .await;
    assert_eq!(
        app.get("/api/v1/me", Some(&desk)).await.status(),
        StatusCode::OK
    );

    // Someone else's session is not hers to end, nor to learn of.
    let other = app.login_as("staff").await;
    let other_id = app.get_json("/api/v1/me/sessions", &other).await["items"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let response = end(&desk, &other_id).await.expect("sent");
    assert_problem(response, 404, "not_found").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&other)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn changing_ones_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = spawn_app().await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    let other = app.token_for("awa@nido.example", PASSWORD).await;
    let token = app.token_for("awa@nido.example", PASSWORD).await;
    let put = |body: Value| {
        app.client
            .put(app.url("/api/v1/me/password"))
            .bearer_auth(token.clone())
            .json(&body)
            .send()
    };
    let wrong = put(
        json!({"current_password": "not-it-at-all", "new_password": "velours-sapin-horizon-61"}),
    );
    assert_invalid(wrong.await.expect("sent"), &["current_password"]).await;
    let same = put(json!({"current_password": PASSWORD, "new_password": PASSWORD}));
    assert_invalid(same.await.expect("sent"), &["new_password"]).await;
    let weak = put(json!({"current_password": PASSWORD, "new_password": "password1234"}));
    assert_invalid(weak.await.expect("sent"), &["new_password"]).await;

    let ok = put(json!({"current_password": PASSWORD, "new_password": "velours-sapin-horizon-61"}));
    assert_eq!(ok.await.expect("sent").status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status(),
        StatusCode::OK
    );
    assert_problem(
        app.get("/api/v1/me", Some(&other)).await,
        401,
        "unauthorized",
    )
    .await;
    assert_problem(
        app.login("awa@nido.example", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    app.token_for("awa@nido.example", "velours-sapin-horizon-61")
        .await;
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled_like_a_login() {
    let app = spawn_app().await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    let token = app.token_for("awa@nido.example", PASSWORD).await;
    let mut statuses = Vec::new();
    for n in 0..7 {
        let response = app
            .client
            .put(app.url("/api/v1/me/password"))
            .bearer_auth(&token)
            .json(&json!({"current_password": format!("guess-number-{n}"), "new_password": "velours-sapin-horizon-61"}))
            .send()
            .await
            .expect("sent");
        let status = response.status().as_u16();
        statuses.push(status);
        if status == 429 {
            let wait: u64 = response.headers()["retry-after"]
                .to_str()
                .expect("ascii")
                .parse()
                .expect("seconds");
            assert!((1..=15 * 60).contains(&wait), "Retry-After {wait}");
            assert_problem(response, 429, "too_many_requests").await;
        } else {
            assert_invalid(response, &["current_password"]).await;
        }
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429, 429]);
}

#[tokio::test]
async fn a_staff_member_denied_a_family_leaves_an_audit_entry() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (outsider, outsider_token) = app.staff_member("karim").await;
    let placement = app
        .placed_family(&coordinator, "Diallo", days_ago(300), days_ago(100))
        .await;
    let family_id = placement["family_id"].as_str().expect("id");
    for path in [
        format!("/api/v1/families/{family_id}"),
        format!("/api/v1/families/{family_id}/timeline"),
        format!("/api/v1/families/{family_id}/interventions"),
    ] {
        let response = app.get(&path, Some(&outsider_token)).await;
        assert_problem(response, 404, "not_found").await;
    }
    // A role refusal too.
    let response = app.get("/api/v1/users", Some(&outsider_token)).await;
    assert_problem(response, 403, "forbidden").await;

    let entries = audited(&app, &format!("user_id={outsider}")).await;
    let denied: Vec<&Value> = entries
        .iter()
        .filter(|entry| entry["action"] == "family.access_denied")
        .collect();
    assert_eq!(denied.len(), 3, "{entries:?}");
    assert!(denied.iter().all(|entry| entry["family_id"] == family_id));
    assert!(
        entries
            .iter()
            .any(|entry| entry["action"] == "access_denied" && entry["resource"] == "/api/v1/users")
    );
    // The family's own history shows the probing.
    let of_family = audited(&app, &format!("family_id={family_id}")).await;
    assert!(actions(&of_family).contains(&"family.access_denied"));
}
