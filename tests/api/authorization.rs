//! Authorization before validation: a caller whose role may not use an
//! operation gets 403 whatever the body holds, never a 400 or 422 that
//! would describe an operation she may not use. Every write of the OpenAPI
//! document is in the table below; one added without its line fails the
//! test.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};

use crate::helpers::{TestApp, assert_problem, spawn_app};

const ADMIN: &str = "admin";
const COORDINATOR: &str = "coordinator";
/// A social worker: staff, not one of the crèche's professionals.
const STAFF: &str = "staff";
/// The head office: it reads, and writes nothing but its own account.
const HEAD_OFFICE: &str = "head_office";
const EVERYONE: &[&str] = &[ADMIN, COORDINATOR, STAFF, HEAD_OFFICE];
/// Every account of a centre: not the head office.
const CENTRE: &[&str] = &[ADMIN, COORDINATOR, STAFF];
const TEAM: &[&str] = &[COORDINATOR, STAFF];

/// Every write, and the roles that may use it (the others get 403).
const WRITES: &[(&str, &str, &[&str])] = &[
    ("PATCH", "/actions/{id}", TEAM),
    ("POST", "/auth/login", EVERYONE),
    ("POST", "/auth/logout", EVERYONE),
    ("POST", "/auth/login/mfa", EVERYONE),
    ("POST", "/auth/password-reset", EVERYONE),
    ("POST", "/auth/password-reset/complete", EVERYONE),
    // Coordinators and the crèche's professionals (not a social worker).
    ("POST", "/creche-bookings/{id}/attendance", &[COORDINATOR]),
    ("POST", "/creche-bookings/{id}/cancel", TEAM),
    ("POST", "/creche/closures", &[ADMIN]),
    ("DELETE", "/creche/closures/{on}", &[ADMIN]),
    ("PUT", "/creche/settings", &[ADMIN]),
    ("DELETE", "/documents/{id}", TEAM),
    ("PATCH", "/families/{id}", TEAM),
    ("POST", "/families/{id}/actions", TEAM),
    ("PUT", "/families/{id}/assignment", &[COORDINATOR]),
    ("POST", "/families/{id}/children", TEAM),
    ("PATCH", "/families/{id}/children/{child_id}", TEAM),
    ("POST", "/families/{id}/concerns", TEAM),
    ("POST", "/families/{id}/creche-bookings", TEAM),
    ("POST", "/families/{id}/documents", TEAM),
    ("POST", "/families/{id}/interventions", TEAM),
    ("POST", "/incidents", CENTRE),
    ("PATCH", "/housing-steps/{id}", TEAM),
    ("PATCH", "/incidents/{id}", CENTRE),
    ("PATCH", "/interventions/{id}", TEAM),
    ("POST", "/landlords", &[ADMIN]),
    ("PATCH", "/landlords/{id}", &[ADMIN]),
    ("PATCH", "/leases/{id}", &[ADMIN]),
    ("POST", "/me/calendar", EVERYONE),
    ("DELETE", "/me/calendar", EVERYONE),
    ("POST", "/me/mfa/totp", EVERYONE),
    ("POST", "/me/mfa/totp/confirm", EVERYONE),
    ("DELETE", "/me/mfa", EVERYONE),
    ("PUT", "/me/password", EVERYONE),
    ("PUT", "/me/notifications", EVERYONE),
    ("DELETE", "/me/sessions/{id}", EVERYONE),
    ("PUT", "/placements/{id}/contract", TEAM),
    ("POST", "/placements/{id}/exit", &[COORDINATOR]),
    ("POST", "/placements/{id}/follow-ups", TEAM),
    ("POST", "/placements/{id}/housing-steps", TEAM),
    ("POST", "/placements/{id}/move", &[COORDINATOR, ADMIN]),
    ("POST", "/placements/{id}/project-reviews", TEAM),
    ("POST", "/placements/{id}/renewals", &[COORDINATOR]),
    ("POST", "/referrals", &[COORDINATOR]),
    ("POST", "/duplicates/decisions", &[COORDINATOR]),
    ("POST", "/referrals/{id}/admission", &[COORDINATOR]),
    ("POST", "/referrals/{id}/decline", &[COORDINATOR]),
    ("POST", "/referrals/{id}/withdraw", &[COORDINATOR]),
    ("POST", "/sites", &[ADMIN]),
    ("PATCH", "/sites/{id}", &[ADMIN]),
    ("POST", "/units", &[ADMIN]),
    ("PATCH", "/units/{id}", &[ADMIN]),
    ("POST", "/units/{id}/leases", &[ADMIN]),
    ("POST", "/users", &[ADMIN]),
    ("PATCH", "/users/{id}", &[ADMIN]),
    ("DELETE", "/users/{id}/mfa", &[ADMIN]),
    ("POST", "/workshops", TEAM),
    ("POST", "/workshops/{id}/attendance", TEAM),
    ("POST", "/workshops/{id}/participants", TEAM),
];

/// The writes the served OpenAPI document lists: (method, path under
/// `/api/v1`).
async fn documented_writes(app: &TestApp) -> BTreeSet<(String, String)> {
    let document: serde_json::Value = app
        .get("/api/v1/openapi.json", None)
        .await
        .json()
        .await
        .expect("json");
    let mut writes = BTreeSet::new();
    for (path, operations) in document["paths"].as_object().expect("paths") {
        for method in operations.as_object().expect("operations").keys() {
            if ["post", "put", "patch", "delete"].contains(&method.as_str()) {
                let path = path.strip_prefix("/api/v1").expect("under /api/v1");
                writes.insert((method.to_uppercase(), path.to_owned()));
            }
        }
    }
    writes
}

/// The path with its parameters filled: ids that name nothing, a day.
fn concrete(path: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    path.replace("{id}", &id)
        .replace("{child_id}", &id)
        .replace("{on}", "2026-12-25")
}

#[tokio::test]
async fn every_role_gated_write_answers_403_to_a_forbidden_role_whatever_the_body() {
    let app = spawn_app().await;
    let listed: BTreeSet<(String, String)> = WRITES
        .iter()
        .map(|(method, path, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    assert_eq!(listed.len(), WRITES.len(), "a write listed twice");
    assert_eq!(
        documented_writes(&app).await,
        listed,
        "every write of the OpenAPI document, and only those, has its line in WRITES"
    );

    let admin = app.admin_token().await;
    let coordinator = app.login_as(COORDINATOR).await;
    let staff = app.login_as(STAFF).await;
    let head_office = app.login_as(HEAD_OFFICE).await;
    let tokens = [
        (ADMIN, &admin),
        (COORDINATOR, &coordinator),
        (STAFF, &staff),
        (HEAD_OFFICE, &head_office),
    ];
    let bodies: [(&str, Option<&str>); 4] = [
        ("no body", None),
        ("an empty body", Some("")),
        ("a malformed body", Some("{\"a\":")),
        ("a body of the wrong shape", Some("[1, \"deux\", null]")),
    ];
    let mut checked = 0;
    for (method, path, allowed) in WRITES {
        for (role, token) in tokens.iter().filter(|(role, _)| !allowed.contains(role)) {
            for (what, body) in bodies {
                let method = Method::from_bytes(method.as_bytes()).expect("a method");
                let mut request = app
                    .client
                    .request(
                        method.clone(),
                        app.url(&format!("/api/v1{}", concrete(path))),
                    )
                    .bearer_auth(token)
                    .header("If-Match", "\"not-a-version\"");
                if let Some(body) = body {
                    request = request
                        .header("content-type", "application/json")
                        .body(body.to_owned());
                }
                let response = request.send().await.expect("sent");
                assert_eq!(
                    response.status(),
                    StatusCode::FORBIDDEN,
                    "{method} {path} as {role} with {what}"
                );
                assert_problem(response, 403, "forbidden").await;
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} refusals checked");
}
