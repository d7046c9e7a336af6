use reqwest::StatusCode;

use serde_json::Value;

use crate::helpers::{assert_invalid, assert_problem, invalid_fields, spawn_app};

#[tokio::test]
async fn a_body_that_is_not_json_is_a_400_problem() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for body in ["{", "", "{\"email\": }", "nonsense"] {
        let response = app
            .client
            .post(app.url("/api/v1/users"))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("sent");
        assert_problem(response, 400, "malformed_body").await;
    }
}

#[tokio::test]
async fn a_body_of_another_type_is_a_415_problem() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("email=admin")
        .send()
        .await
        .expect("sent");
    assert_problem(response, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_422_naming_the_field() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"email": 42, "password": "x"}),
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(invalid_fields(&problem), ["email"]);
    assert!(problem["errors"][0]["message"].is_string());
}

#[tokio::test]
async fn an_oversized_body_is_refused_without_a_500() {
    let app = spawn_app().await;
    let huge = format!(
        "{{\"email\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(300 * 1024)
    );
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("sent");
    assert_problem(response, 413, "payload_too_large").await;
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems() {
    let app = spawn_app().await;
    assert_problem(
        app.get("/api/v1/nothing-here", None).await,
        404,
        "not_found",
    )
    .await;
    let response = app
        .client
        .delete(app.url("/api/v1/me"))
        .send()
        .await
        .expect("sent");
    assert_problem(response, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let response = app.get("/health/live", None).await;
    let generated = response.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(generated.len(), 36, "a UUID");

    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
}

/// Whether the suite runs against PostgreSQL.
fn on_postgres(app: &crate::helpers::TestApp) -> bool {
    app.db.get_database_backend() == sea_orm::DatabaseBackend::Postgres
}

/// Year -5000 parses as a date. SQLite stores it and gives it back as it
/// came; PostgreSQL cannot store or compare it: that is bad input (422
/// naming the request), never a server error.
#[tokio::test]
async fn dates_beyond_what_the_database_holds_are_not_server_errors() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let admin = app.admin_token().await;
    let body = crate::cases::referral_body(
        "Diallo",
        "-5000-01-01".parse().expect("a date chrono accepts"),
        serde_json::json!([]),
    );
    let response = app
        .post("/api/v1/referrals", Some(&coordinator), &body)
        .await;
    if on_postgres(&app) {
        assert_invalid(response, &["request"]).await;
    } else {
        assert_eq!(response.status(), StatusCode::CREATED);
        let mut created: Value = response.json().await.expect("json");
        assert_eq!(created["referred_on"], "-5000-01-01");
        // What the creation warns of is not the referral's.
        created
            .as_object_mut()
            .expect("an object")
            .remove("possible_duplicates");
        let path = format!("/api/v1/referrals/{}", created["id"].as_str().expect("id"));
        let read = app.get(&path, Some(&coordinator)).await;
        assert_eq!(read.status(), StatusCode::OK);
        let read: Value = read.json().await.expect("json");
        assert_eq!(read, created, "read back as it was stored");
    }

    let response = app
        .get("/api/v1/audit?from=-5000-01-01T00:00:00Z", Some(&admin))
        .await;
    if on_postgres(&app) {
        assert_invalid(response, &["request"]).await;
    } else {
        // Every entry is later than that: the whole log.
        assert_eq!(response.status(), StatusCode::OK);
        let page: Value = response.json().await.expect("json");
        let all = app.get_json("/api/v1/audit", &admin).await;
        // The newest entry is the first reading of the log itself.
        let all = all["items"].as_array().expect("items");
        assert_eq!(all[0]["action"], "audit.read");
        assert_eq!(page["items"].as_array().expect("items")[..], all[1..]);
    }
}

/// PostgreSQL text cannot hold a NUL character: 422 naming the request
/// there; SQLite stores it and gives it back unchanged.
#[tokio::test]
async fn a_nul_character_is_not_a_server_error() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let mut body = crate::cases::referral_body(
        "Dial\u{0}lo",
        "2026-01-01".parse().expect("date"),
        serde_json::json!([]),
    );
    body["eds"] = serde_json::json!("Alfort\u{0}ville");
    let response = app
        .post("/api/v1/referrals", Some(&coordinator), &body)
        .await;
    if on_postgres(&app) {
        assert_invalid(response, &["request"]).await;
    } else {
        assert_eq!(response.status(), StatusCode::CREATED);
        let created: Value = response.json().await.expect("json");
        assert_eq!(created["eds"], "Alfort\u{0}ville");
        let family = app
            .get_json(
                &format!(
                    "/api/v1/families/{}",
                    created["family_id"].as_str().expect("id")
                ),
                &coordinator,
            )
            .await;
        assert_eq!(family["mother"]["last_name"], "Dial\u{0}lo");
    }
}

#[tokio::test]
async fn every_answer_forbids_caching_sniffing_and_referrers() {
    let app = crate::helpers::spawn_app().await;
    let password = app.initial_admin_password();
    let login = app.login("admin@nido.local", &password).await;
    let token = app.admin_token().await;
    let answers = vec![
        ("the login with its token", 200, login),
        ("a read", 200, app.get("/api/v1/users", Some(&token)).await),
        ("a 404", 404, app.get("/api/v1/nowhere", Some(&token)).await),
        ("a 401", 401, app.get("/api/v1/me", None).await),
        ("a probe", 200, app.get("/health/live", None).await),
        (
            "the OpenAPI document",
            200,
            app.get("/api/v1/openapi.json", None).await,
        ),
    ];
    for (what, status, response) in answers {
        assert_eq!(response.status().as_u16(), status, "{what}");
        let headers = response.headers();
        assert_eq!(headers["cache-control"], "no-store", "{what}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{what}");
    }
}
