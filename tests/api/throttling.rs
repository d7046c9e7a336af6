use reqwest::StatusCode;

use crate::helpers::{PASSWORD, assert_problem, spawn_app, spawn_app_with, spawn_sibling};

const WRONG: &str = "not-the-password-at-all";

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds")
}

#[tokio::test]
async fn an_account_is_locked_after_five_failures_even_for_the_right_password() {
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
