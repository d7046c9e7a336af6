use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    PASSWORD, assert_problem, join_all, spawn_app, spawn_app_with, spawn_sibling,
};

const WRONG: &str = "not-the-password-at-all";

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds")
}

#[tokio::test]
async fn an_account_is_locked_from_an_address_after_five_failures_even_for_the_right_password() {
    let app = spawn_app().await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    for _ in 0..5 {
        let response = app.login("awa@nido.example", WRONG).await;
        assert_problem(response, 401, "invalid_credentials").await;
    }
    let response = app.login("AWA@nido.example", PASSWORD).await;
    let wait = retry_after(&response);
    assert!((1..=15 * 60).contains(&wait), "Retry-After {wait}");
    assert_problem(response, 429, "too_many_requests").await;

    // Other accounts from the same address are not locked.
    app.create_user("lea@nido.example", "staff", "psychologist")
        .await;
    app.token_for("lea@nido.example", PASSWORD).await;
}

#[tokio::test]
async fn a_guesser_locks_only_herself_out_and_the_owner_logs_in_from_her_address() {
    let app = spawn_app().await;
    app.create_user("coord@nido.example", "coordinator", "coordinator")
        .await;
    for _ in 0..8 {
        app.login_from("127.0.0.3", "coord@nido.example", WRONG)
            .await;
    }
    let guesser = app
        .login_from("127.0.0.3", "coord@nido.example", PASSWORD)
        .await;
    assert_problem(guesser, 429, "too_many_requests").await;
    let owner = app
        .login_from("127.0.0.4", "coord@nido.example", PASSWORD)
        .await;
    assert_eq!(owner.status(), StatusCode::OK);
}

#[tokio::test]
async fn parallel_guesses_are_no_faster_than_sequential_ones() {
    let app = spawn_app().await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    let attempts = (0..40).map(|n| {
        let app = &app;
        async move {
            // The right password hides among the guesses.
            let password = if n == 20 { PASSWORD } else { WRONG };
            app.login("awa@nido.example", password).await.status()
        }
    });
    let statuses = join_all(attempts.collect()).await;
    let verified = statuses
        .iter()
        .filter(|status| **status != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(verified <= 5, "{verified} attempts verified: {statuses:?}");
    let refused = statuses.len() - verified;
    assert!(refused >= 35, "{statuses:?}");
    // The right password now answers 429 too: nothing was learnt.
    assert_problem(
        app.login("awa@nido.example", PASSWORD).await,
        429,
        "too_many_requests",
    )
    .await;
    // Only verified failures are in the audit log as such.
    let admin = app.admin_token().await;
    let audit: Value = app.get_json("/api/v1/audit?limit=200", &admin).await;
    let failed = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|entry| entry["action"] == "auth.login_failed")
        .count();
    assert!(failed <= 5, "{failed} failures logged");
}

#[tokio::test]
async fn an_account_is_locked_everywhere_after_its_own_limit_from_all_addresses() {
    let app = spawn_app_with(|settings| settings.auth.account_everywhere_max_failures = 6).await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    for from in ["127.0.0.5", "127.0.0.6", "127.0.0.7"] {
        for _ in 0..2 {
            let response = app.login_from(from, "awa@nido.example", WRONG).await;
            assert_problem(response, 401, "invalid_credentials").await;
        }
    }
    let owner = app
        .login_from("127.0.0.4", "awa@nido.example", PASSWORD)
        .await;
    assert!(retry_after(&owner) >= 1);
    assert_problem(owner, 429, "too_many_requests").await;
}

#[tokio::test]
async fn unknown_emails_are_throttled_like_known_ones() {
    let app = spawn_app().await;
    for _ in 0..5 {
        app.login("nobody@nido.example", WRONG).await;
    }
    let response = app.login("nobody@nido.example", WRONG).await;
    assert_problem(response, 429, "too_many_requests").await;
}

#[tokio::test]
async fn a_successful_login_is_not_limited_and_clears_the_count() {
    let app = spawn_app().await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    for _ in 0..4 {
        app.login("awa@nido.example", WRONG).await;
    }
    app.token_for("awa@nido.example", PASSWORD).await;
    for _ in 0..4 {
        let response = app.login("awa@nido.example", WRONG).await;
        assert_problem(response, 401, "invalid_credentials").await;
    }
    // Many successes in a row never lock anybody.
    for _ in 0..8 {
        app.token_for("awa@nido.example", PASSWORD).await;
    }
}

#[tokio::test]
async fn an_address_is_locked_after_its_own_limit_across_accounts() {
    let app = spawn_app_with(|settings| settings.auth.address_max_failures = 4).await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    for n in 0..4 {
        let response = app.login(&format!("guess{n}@nido.example"), WRONG).await;
        assert_problem(response, 401, "invalid_credentials").await;
    }
    let response = app.login("awa@nido.example", PASSWORD).await;
    assert!(retry_after(&response) >= 1);
    assert_problem(response, 429, "too_many_requests").await;
}

#[tokio::test]
async fn behind_a_proxy_the_address_it_added_counts_not_what_the_client_wrote() {
    let app = spawn_app_with(|settings| {
        settings.auth.trust_forwarded_for = true;
        settings.auth.address_max_failures = 4;
    })
    .await;
    let guess = |forwarded_for: String, email: String| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("X-Forwarded-For", forwarded_for)
            .json(&serde_json::json!({"email": email, "password": WRONG}))
            .send()
    };
    // The client rotates the entry it writes; the proxy appends the real one.
    for n in 0..4 {
        let response = guess(
            format!("10.0.0.{n}, 192.0.2.7"),
            format!("guess{n}@nido.example"),
        )
        .await
        .expect("sent");
        assert_problem(response, 401, "invalid_credentials").await;
    }
    let rotated = guess("10.9.9.9, 192.0.2.7".into(), "other@nido.example".into())
        .await
        .expect("sent");
    assert_problem(rotated, 429, "too_many_requests").await;
    // Another client behind the same proxy is not locked out.
    let neighbour = guess("192.0.2.7, 192.0.2.8".into(), "other@nido.example".into())
        .await
        .expect("sent");
    assert_problem(neighbour, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn failures_counted_on_one_instance_count_on_all() {
    let app = spawn_app().await;
    let sibling = spawn_sibling(&app).await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    for n in 0..5 {
        let instance = if n % 2 == 0 { &app } else { &sibling };
        instance.login("awa@nido.example", WRONG).await;
    }
    let response = sibling.login("awa@nido.example", WRONG).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let response = app.login("awa@nido.example", WRONG).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}
