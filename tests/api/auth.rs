use chrono::{TimeDelta, Utc};
use nido_persistence::entities::sessions;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, PASSWORD, assert_problem, spawn_app, spawn_sibling};

#[tokio::test]
async fn the_initial_admin_logs_in_creates_a_coordinator_who_calls_me() {
    let app = spawn_app().await;

    let file = app.data_dir.join("initial-admin-password");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&file)
            .expect("password file")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "owner-only");
    let raw = std::fs::read_to_string(&file).expect("readable");
    assert_eq!(raw.lines().count(), 1, "alone on one line");
    assert!(raw.ends_with('\n'));

    let response = app
        .login("admin@nido.local", &app.initial_admin_password())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    let admin_token = body["token"].as_str().expect("token").to_owned();
    assert!(admin_token.len() >= 22, "at least 128 bits");
    assert_eq!(body["user"]["role"], "admin");
    assert!(
        body["expires_at"]
            .as_str()
            .is_some_and(|at| at.ends_with('Z'))
    );
    assert!(body["user"].get("password_hash").is_none());
    assert_eq!(body["user"]["must_change_password"], true);

    // Her one-time password must be replaced before anything else.
    let refused = app.get("/api/v1/users", Some(&admin_token)).await;
    assert_problem(refused, 403, "password_change_required").await;
    app.change_password(&admin_token, &app.initial_admin_password(), ADMIN_PASSWORD)
        .await;

    let response = app
        .post(
            "/api/v1/users",
            Some(&admin_token),
            &json!({
                "email": "Samia.Benali@Nido.Example",
                "display_name": "Samia Benali",
                "role": "coordinator",
                "profession": "coordinator",
                "password": PASSWORD,
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.expect("json");
    assert_eq!(created["email"], "samia.benali@nido.example");
    assert_eq!(created["must_change_password"], true);

    // The password the admin chose works once, to replace it.
    let token = app.token_for("samia.benali@nido.example", PASSWORD).await;
    let refused = app.get("/api/v1/me", Some(&token)).await;
    assert_problem(refused, 403, "password_change_required").await;
    app.change_password(&token, PASSWORD, "velours-sapin-horizon-61")
        .await;
    let response = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.expect("json");
    assert_eq!(me["id"], created["id"]);
    assert_eq!(me["role"], "coordinator");
    assert_eq!(me["profession"], "coordinator");
    assert_eq!(me["display_name"], "Samia Benali");
    assert_eq!(me["active"], true);
    assert_eq!(me["must_change_password"], false);
}

#[tokio::test]
async fn a_restart_keeps_the_admin_and_does_not_rewrite_the_password() {
    let app = spawn_app().await;
    let before = app.initial_admin_password();
    let sibling = spawn_sibling(&app).await;
    assert_eq!(sibling.initial_admin_password(), before);
    sibling.token_for("admin@nido.local", &before).await;
}

/// The same answer; that it costs the same work too (one argon2
/// verification, against a dummy hash) is checked in nido-http's login
/// tests, which count the verifications rather than time them.
#[tokio::test]
async fn an_unknown_email_is_answered_like_a_wrong_password() {
    let app = spawn_app().await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;

    let wrong = app
        .login("awa@nido.example", "not-the-password-at-all")
        .await;
    let wrong = assert_problem(wrong, 401, "invalid_credentials").await;
    let unknown = app
        .login("nobody@nido.example", "not-the-password-at-all")
        .await;
    let unknown = assert_problem(unknown, 401, "invalid_credentials").await;
    assert_eq!(wrong, unknown);
    let malformed = app.login("not an email", "not-the-password-at-all").await;
    assert_eq!(
        assert_problem(malformed, 401, "invalid_credentials").await,
        wrong
    );
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = spawn_app().await;
    let token = app.login_as("staff").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status(),
        StatusCode::OK
    );

    let response = app
        .post("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    assert_problem(
        app.get("/api/v1/me", Some(&token)).await,
        401,
        "unauthorized",
    )
    .await;
    let again = app
        .post("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_problem(again, 401, "unauthorized").await;
}

#[tokio::test]
async fn tokens_are_refused_when_missing_malformed_or_unknown() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/me", None).await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_problem(response, 401, "unauthorized").await;

    for header in [
        "Bearer",
        "Bearer ",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer made-up-token",
    ] {
        let response = app
            .client
            .get(app.url("/api/v1/me"))
            .header("Authorization", header)
            .send()
            .await
            .expect("sent");
        assert_problem(response, 401, "unauthorized").await;
    }
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let stored = sessions::Entity::find()
        .all(&app.db)
        .await
        .expect("sessions");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].token_hash, token);
    assert!(!stored[0].token_hash.contains(&token));
    assert_eq!(stored[0].token_hash.len(), 64);
}

/// A sibling of `app` whose clock is `minutes` ahead. On SQLite it shares
/// `app`'s memory of sessions (one process owns the data directory), so a
/// session `app` keeps is judged from memory; on PostgreSQL it reads the
/// database. Sessions must end on time either way.
async fn later(app: &crate::helpers::TestApp, minutes: i64) -> crate::helpers::TestApp {
    crate::helpers::spawn_sibling_with(app, |settings| {
        settings.testing.now = Some(crate::helpers::test_now() + TimeDelta::minutes(minutes));
    })
    .await
}

/// What `GET /me` answers `token` `minutes` later (see [`later`]).
async fn me_later(app: &crate::helpers::TestApp, minutes: i64, token: &str) -> StatusCode {
    later(app, minutes)
        .await
        .get("/api/v1/me", Some(token))
        .await
        .status()
}

#[tokio::test]
async fn a_token_unused_for_the_idle_timeout_stops_working() {
    let app = spawn_app().await;
    // Used once: the session is kept in memory.
    let token = app.admin_token().await;

    assert_eq!(me_later(&app, 29, &token).await, StatusCode::OK);
    // That use counted: 25 minutes later the session still works, where
    // 29 + 25 minutes unused would not...
    assert_eq!(
        me_later(&app, 54, &token).await,
        StatusCode::OK,
        "a use refreshes the session"
    );
    // ...and 31 minutes after its last use it has ended.
    assert_problem(
        later(&app, 85).await.get("/api/v1/me", Some(&token)).await,
        401,
        "unauthorized",
    )
    .await;
    assert_eq!(
        sessions::Entity::find()
            .filter(sessions::Column::TokenHash.ne(""))
            .all(&app.db)
            .await
            .expect("sessions")
            .len(),
        0,
        "the ended session is deleted"
    );
}

#[tokio::test]
async fn a_token_stops_working_at_its_absolute_expiry_even_when_used() {
    let app = crate::helpers::spawn_app_with(|settings| {
        settings.auth.idle_timeout_minutes = 45;
        settings.auth.absolute_timeout_minutes = 60;
    })
    .await;
    let token = app.admin_token().await;
    assert_eq!(me_later(&app, 40, &token).await, StatusCode::OK);
    assert_problem(
        later(&app, 61).await.get("/api/v1/me", Some(&token)).await,
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn the_lifetimes_come_from_the_configuration() {
    let app = crate::helpers::spawn_app_with(|settings| {
        settings.auth.idle_timeout_minutes = 5;
        settings.auth.absolute_timeout_minutes = 60;
    })
    .await;
    let response = app
        .login("admin@nido.local", &app.initial_admin_password())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["idle_timeout_seconds"], 300);
    let expires_at: chrono::DateTime<Utc> = body["expires_at"]
        .as_str()
        .expect("instant")
        .parse()
        .expect("RFC 3339");
    let lifetime = expires_at - crate::helpers::test_now();
    assert!(lifetime <= TimeDelta::minutes(60) && lifetime > TimeDelta::minutes(59));
    let token = body["token"].as_str().expect("token");
    assert_eq!(
        app.get("/api/v1/me", Some(token)).await.status(),
        StatusCode::FORBIDDEN,
        "alive (the one-time password must be changed first)"
    );
    assert_problem(
        later(&app, 6).await.get("/api/v1/me", Some(token)).await,
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn a_token_issued_by_one_instance_works_on_another() {
    let app = spawn_app().await;
    let sibling = spawn_sibling(&app).await;
    let token = app.admin_token().await;
    assert_eq!(
        sibling.get("/api/v1/me", Some(&token)).await.status(),
        StatusCode::OK
    );
    let logout = sibling
        .post("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get("/api/v1/me", Some(&token)).await,
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn a_disabled_user_loses_their_sessions_and_cannot_log_in() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let user = app
        .create_user("lea@nido.example", "staff", "psychologist")
        .await;
    let token = app.token_for("lea@nido.example", PASSWORD).await;

    let path = format!("/api/v1/users/{}", user["id"].as_str().expect("id"));
    let response = app
        .patch(&path, &admin, None, &json!({"active": false}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    assert_problem(
        app.get("/api/v1/me", Some(&token)).await,
        401,
        "unauthorized",
    )
    .await;
    let login = app.login("lea@nido.example", PASSWORD).await;
    assert_problem(login, 401, "invalid_credentials").await;

    let enabled = app
        .patch(&path, &admin, None, &json!({"active": true}))
        .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    app.token_for("lea@nido.example", PASSWORD).await;
}
