use nido::startup::INITIAL_ADMIN_EMAIL;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, PASSWORD, assert_problem, invalid_fields, spawn_app};

fn new_user(email: &str, role: &str) -> Value {
    json!({
        "email": email,
        "display_name": "Nadia Haddad",
        "role": role,
        "profession": "early_childhood_educator",
        "password": PASSWORD,
    })
}

#[tokio::test]
async fn only_admins_manage_users() {
    let app = spawn_app().await;
    let target = app
        .create_user("awa@nido.example", "staff", "social_worker")
        .await;
    let path = format!("/api/v1/users/{}", target["id"].as_str().expect("id"));
    for role in ["staff", "coordinator"] {
        let token = app.login_as(role).await;
        let create = app
            .post(
                "/api/v1/users",
                Some(&token),
                &new_user("x@nido.example", "admin"),
            )
            .await;
        assert_problem(create, 403, "forbidden").await;
        assert_problem(
            app.get("/api/v1/users", Some(&token)).await,
            403,
            "forbidden",
        )
        .await;
        assert_problem(app.get(&path, Some(&token)).await, 403, "forbidden").await;
        let patch = app
            .patch(&path, &token, None, &json!({"role": "admin"}))
            .await;
        assert_problem(patch, 403, "forbidden").await;
        // Everyone has /me.
        assert_eq!(
            app.get("/api/v1/me", Some(&token)).await.status(),
            StatusCode::OK
        );
    }
    assert_problem(app.get("/api/v1/users", None).await, 401, "unauthorized").await;
    let anonymous = app
        .post("/api/v1/users", None, &new_user("y@nido.example", "staff"))
        .await;
    assert_problem(anonymous, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_created_user_is_readable_with_its_etag_and_location() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let response = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &new_user("nadia@nido.example", "staff"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(response.headers()["etag"], "\"1\"");
    let created: Value = response.json().await.expect("json");
    assert_eq!(
        location,
        format!("/api/v1/users/{}", created["id"].as_str().expect("id"))
    );

    let response = app.get(&location, Some(&admin)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let read: Value = response.json().await.expect("json");
    assert_eq!(read, created);
    assert_eq!(read["profession"], "early_childhood_educator");
    assert_eq!(read["version"], 1);
}

#[tokio::test]
async fn invalid_users_are_refused_with_every_field_named() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = json!({
        "email": "not-an-email",
        "display_name": "   ",
        "role": "staff",
        "profession": "social_worker",
        "password": "short",
    });
    let problem = assert_problem(
        app.post("/api/v1/users", Some(&admin), &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        invalid_fields(&problem),
        ["display_name", "email", "password"]
    );

    let weak = json!({
        "email": "nadia@nido.example", "display_name": "Nadia Haddad",
        "role": "staff", "profession": "social_worker", "password": "password1234",
    });
    let problem = assert_problem(
        app.post("/api/v1/users", Some(&admin), &weak).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["password"]);

    let too_long = json!({
        "email": "nadia@nido.example", "display_name": "Nadia Haddad",
        "role": "staff", "profession": "social_worker", "password": "Xq7#vL2!pZ-".repeat(12),
    });
    let problem = assert_problem(
        app.post("/api/v1/users", Some(&admin), &too_long).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["password"]);

    let mut bad_role = new_user("nadia@nido.example", "superuser");
    let problem = assert_problem(
        app.post("/api/v1/users", Some(&admin), &bad_role).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["role"]);
    bad_role["role"] = json!("staff");
    bad_role["profession"] = json!("nurse");
    let problem = assert_problem(
        app.post("/api/v1/users", Some(&admin), &bad_role).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["profession"]);

    let missing = json!({"email": "nadia@nido.example"});
    let problem = assert_problem(
        app.post("/api/v1/users", Some(&admin), &missing).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["display_name"]);
}

#[tokio::test]
async fn an_email_belongs_to_one_user_whatever_its_case() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let first = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &new_user("nadia@nido.example", "staff"),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &new_user("Nadia@NIDO.example", "admin"),
        )
        .await;
    assert_problem(again, 409, "email_taken").await;

    let other = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &new_user("lea@nido.example", "staff"),
        )
        .await;
    assert_eq!(other.status(), StatusCode::CREATED);
    let other: Value = other.json().await.expect("json");
    let path = format!("/api/v1/users/{}", other["id"].as_str().expect("id"));
    let clash = app
        .patch(&path, &admin, None, &json!({"email": "nadia@nido.example"}))
        .await;
    assert_problem(clash, 409, "email_taken").await;
}

#[tokio::test]
async fn users_are_listed_page_by_page() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for n in 0..4 {
        let response = app
            .post(
                "/api/v1/users",
                Some(&admin),
                &new_user(&format!("u{n}@nido.example"), "staff"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    // Five users in all, with the initial admin.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/users?limit=2&cursor={cursor}"),
            None => "/api/v1/users?limit=2".to_owned(),
        };
        let page: Value = app.get_json(&path, &admin).await;
        pages += 1;
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .map(|user| user["email"].as_str().expect("email").to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        [
            "admin@nido.local",
            "u0@nido.example",
            "u1@nido.example",
            "u2@nido.example",
            "u3@nido.example"
        ]
    );

    let default: Value = app.get_json("/api/v1/users", &admin).await;
    assert_eq!(default["items"].as_array().expect("items").len(), 5);
    assert!(default["next_cursor"].is_null());

    for bad in ["limit=0", "limit=201", "limit=ten", "cursor=forged"] {
        let response = app.get(&format!("/api/v1/users?{bad}"), Some(&admin)).await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        let field = bad.split('=').next().expect("name");
        assert_eq!(invalid_fields(&problem), [field], "{bad}");
    }
}

#[tokio::test]
async fn an_unknown_user_is_not_found() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let missing = format!("/api/v1/users/{}", uuid::Uuid::new_v4());
    assert_problem(app.get(&missing, Some(&admin)).await, 404, "not_found").await;
    assert_problem(
        app.get("/api/v1/users/not-a-uuid", Some(&admin)).await,
        404,
        "not_found",
    )
    .await;
    let patch = app
        .patch(&missing, &admin, None, &json!({"display_name": "X"}))
        .await;
    assert_problem(patch, 404, "not_found").await;
}

#[tokio::test]
async fn updates_honour_if_match() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let user = app
        .create_user("nadia@nido.example", "staff", "social_worker")
        .await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().expect("id"));
    // Version 2: she has replaced the password the admin set.
    let response = app
        .patch(&path, &admin, Some("\"2\""), &json!({"display_name": "Nadia H.", "role": "coordinator", "profession": "coordinator"}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"3\"");
    let updated: Value = response.json().await.expect("json");
    assert_eq!(updated["display_name"], "Nadia H.");
    assert_eq!(updated["role"], "coordinator");
    assert_eq!(updated["version"], 3);

    let stale = app
        .patch(
            &path,
            &admin,
            Some("\"1\""),
            &json!({"display_name": "Lost"}),
        )
        .await;
    assert_problem(stale, 412, "stale_version").await;
    let garbage = app
        .patch(
            &path,
            &admin,
            Some("yesterday"),
            &json!({"display_name": "Lost"}),
        )
        .await;
    assert_problem(garbage, 412, "stale_version").await;
    let read: Value = app.get_json(&path, &admin).await;
    assert_eq!(read["display_name"], "Nadia H.");

    let any = app
        .patch(&path, &admin, Some("*"), &json!({"profession": "director"}))
        .await;
    assert_eq!(any.status(), StatusCode::OK);

    let invalid = app
        .patch(
            &path,
            &admin,
            None,
            &json!({"email": "nope", "password": "short"}),
        )
        .await;
    let problem = assert_problem(invalid, 422, "validation_failed").await;
    assert_eq!(invalid_fields(&problem), ["email", "password"]);
    let unknown_field = app
        .patch(&path, &admin, None, &json!({"password_hash": "x"}))
        .await;
    assert_problem(unknown_field, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_new_password_ends_old_sessions_and_works() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let user = app
        .create_user("nadia@nido.example", "staff", "social_worker")
        .await;
    let old_token = app.token_for("nadia@nido.example", PASSWORD).await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().expect("id"));
    let new_password = "orage-pivoine-tabouret-93";
    let response = app
        .patch(&path, &admin, None, &json!({"password": new_password}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_problem(
        app.get("/api/v1/me", Some(&old_token)).await,
        401,
        "unauthorized",
    )
    .await;
    assert_problem(
        app.login("nadia@nido.example", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    app.token_for("nadia@nido.example", new_password).await;
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let me: Value = app.get_json("/api/v1/me", &admin).await;
    let path = format!("/api/v1/users/{}", me["id"].as_str().expect("id"));
    for change in [json!({"active": false}), json!({"role": "staff"})] {
        let response = app.patch(&path, &admin, None, &change).await;
        assert_problem(response, 409, "self_lockout").await;
    }
    assert_eq!(
        app.get("/api/v1/me", Some(&admin)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_stolen_admin_session_cannot_change_the_admins_own_password_or_email() {
    let app = spawn_app().await;
    let stolen = app.admin_token().await;
    let me = app.get_json("/api/v1/me", &stolen).await;
    let path = format!("/api/v1/users/{}", me["id"].as_str().expect("id"));
    let new_password = "orage-pivoine-tabouret-93";
    for change in [
        json!({"password": new_password}),
        json!({"email": "voleuse@nido.example"}),
        json!({"email": "voleuse@nido.example", "display_name": "Voleuse"}),
        // Refused before its own checks: nothing to learn from a 422.
        json!({"password": "court"}),
        json!({"email": "pas-une-adresse"}),
    ] {
        let response = app.patch(&path, &stolen, None, &change).await;
        let problem = assert_problem(response, 409, "use_me_password").await;
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|detail| detail.contains("PUT /api/v1/me/password")),
            "{problem}"
        );
    }
    // Nothing changed: the old password still logs in, the new one does not.
    let after = app.get_json("/api/v1/me", &stolen).await;
    assert_eq!(after["email"], me["email"]);
    assert_eq!(after["display_name"], me["display_name"]);
    assert_eq!(after["version"], me["version"]);
    app.token_for(INITIAL_ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_problem(
        app.login(INITIAL_ADMIN_EMAIL, new_password).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_problem(
        app.login("voleuse@nido.example", ADMIN_PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;

    // Her other details stay hers to change; her own email, unchanged,
    // is no change.
    let renamed = app
        .patch(
            &path,
            &stolen,
            None,
            &json!({"display_name": "Directrice", "email": INITIAL_ADMIN_EMAIL}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let renamed: Value = renamed.json().await.expect("json");
    assert_eq!(renamed["display_name"], "Directrice");
    assert_eq!(renamed["must_change_password"], false);
}
