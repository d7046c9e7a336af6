use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    PASSWORD, TestApp, assert_problem, join_all, spawn_app, spawn_app_with, spawn_sibling,
};

const WRONG: &str = "not-the-password-at-all";

/// The failure windows of the test configuration: 15 minutes per account
/// and per address, an hour per account from everywhere.
const WINDOW: u64 = 15 * 60;
const EVERYWHERE_WINDOW: u64 = 60 * 60;

/// Checks a 429 whose `Retry-After` is a number of seconds within 1..=`at_most`.
async fn assert_throttled(response: reqwest::Response, at_most: u64) -> u64 {
    let header = response
        .headers()
        .get("retry-after")
        .unwrap_or_else(|| panic!("{} without Retry-After", response.status()))
        .to_str()
        .expect("ascii")
        .to_owned();
    let wait: u64 = header.parse().expect("seconds");
    assert!((1..=at_most).contains(&wait), "Retry-After {wait}");
    assert_problem(response, 429, "too_many_requests").await;
    wait
}

/// A login through a trusted proxy that wrote `forwarded_for` in
/// `X-Forwarded-For`, sending `device` back as the device cookie if given.
pub(crate) async fn login_via_proxy(
    app: &TestApp,
    forwarded_for: &str,
    device: Option<&str>,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", forwarded_for)
        .json(&serde_json::json!({"email": email, "password": password}));
    if let Some(device) = device {
        request = request.header("Cookie", format!("nido_device={device}"));
    }
    request.send().await.expect("request sent")
}

/// A wrong password, answered as such.
async fn assert_refused(response: reqwest::Response) {
    assert!(response.headers().get("retry-after").is_none());
    assert_problem(response, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn an_account_is_locked_from_an_address_after_five_failures_even_for_the_right_password() {
    let app = spawn_app().await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    for _ in 0..5 {
        assert_refused(app.login("awa@nido.example", WRONG).await).await;
    }
    let response = app.login("AWA@nido.example", PASSWORD).await;
    assert_throttled(response, WINDOW).await;

    // Other accounts from the same address are not locked.
    app.create_user("lea@nido.example", "staff", "psychologist")
        .await;
    app.token_for("lea@nido.example", PASSWORD).await;
}

#[tokio::test]
async fn a_lock_ends_with_its_window() {
    let app = spawn_app().await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    for _ in 0..5 {
        assert_refused(app.login("awa@nido.example", WRONG).await).await;
    }
    let at = |minutes: i64| {
        move |settings: &mut nido::Settings| {
            settings.testing.now =
                Some(crate::helpers::test_now() + chrono::TimeDelta::minutes(minutes));
        }
    };
    // One minute before the window closes, still locked (another instance,
    // its clock ahead: the counters are the database's)...
    let before = crate::helpers::spawn_sibling_with(&app, at(14)).await;
    assert_eq!(
        before.login("awa@nido.example", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...and once it has closed, the right password opens a session.
    let after = crate::helpers::spawn_sibling_with(&app, at(15)).await;
    assert_eq!(
        after.login("awa@nido.example", PASSWORD).await.status(),
        StatusCode::OK,
        "a lock is not for ever"
    );
}

#[tokio::test]
async fn a_guesser_locks_only_herself_out_and_the_owner_logs_in_from_her_address() {
    let app = spawn_app().await;
    app.create_user("coord@nido.example", "coordinator", "coordinator")
        .await;
    for n in 0..8 {
        let response = app
            .login_from("127.0.0.3", "coord@nido.example", WRONG)
            .await;
        if n < 5 {
            assert_refused(response).await;
        } else {
            assert_throttled(response, WINDOW).await;
        }
    }
    let guesser = app
        .login_from("127.0.0.3", "coord@nido.example", PASSWORD)
        .await;
    assert_throttled(guesser, WINDOW).await;
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
            let response = app.login("awa@nido.example", password).await;
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                assert_throttled(response, WINDOW).await;
            } else {
                assert_refused(response).await;
            }
            status
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
    assert_throttled(app.login("awa@nido.example", PASSWORD).await, WINDOW).await;
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
            assert_refused(response).await;
        }
    }
    let owner = app
        .login_from("127.0.0.4", "awa@nido.example", PASSWORD)
        .await;
    assert_throttled(owner, EVERYWHERE_WINDOW).await;
}

#[tokio::test]
async fn unknown_emails_are_throttled_like_known_ones() {
    let app = spawn_app().await;
    for _ in 0..5 {
        assert_refused(app.login("nobody@nido.example", WRONG).await).await;
    }
    let response = app.login("nobody@nido.example", WRONG).await;
    assert_throttled(response, WINDOW).await;
}

#[tokio::test]
async fn a_successful_login_is_not_limited_and_clears_the_count() {
    let app = spawn_app().await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    for _ in 0..4 {
        assert_refused(app.login("awa@nido.example", WRONG).await).await;
    }
    app.token_for("awa@nido.example", PASSWORD).await;
    for _ in 0..4 {
        assert_refused(app.login("awa@nido.example", WRONG).await).await;
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
        assert_refused(response).await;
    }
    let response = app.login("awa@nido.example", PASSWORD).await;
    assert_throttled(response, WINDOW).await;
}

#[tokio::test]
async fn behind_a_proxy_the_address_it_added_counts_not_what_the_client_wrote() {
    let app = spawn_app_with(|settings| {
        settings.auth.trust_forwarded_for = true;
        settings.auth.address_max_failures = 4;
    })
    .await;
    let guess = |forwarded_for: String, email: String| {
        let app = &app;
        async move { login_via_proxy(app, &forwarded_for, None, &email, WRONG).await }
    };
    // The client rotates the entry it writes; the proxy appends the real one.
    for n in 0..4 {
        let response = guess(
            format!("10.0.0.{n}, 192.0.2.7"),
            format!("guess{n}@nido.example"),
        )
        .await;
        assert_refused(response).await;
    }
    let rotated = guess("10.9.9.9, 192.0.2.7".into(), "other@nido.example".into()).await;
    assert_throttled(rotated, WINDOW).await;
    // Another client behind the same proxy is not locked out.
    let neighbour = guess("192.0.2.7, 192.0.2.8".into(), "other@nido.example".into()).await;
    assert_refused(neighbour).await;
}

#[tokio::test]
async fn failures_counted_on_one_instance_count_on_all() {
    let app = spawn_app().await;
    let sibling = spawn_sibling(&app).await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    for n in 0..5 {
        let instance = if n % 2 == 0 { &app } else { &sibling };
        assert_refused(instance.login("awa@nido.example", WRONG).await).await;
    }
    let response = sibling.login("awa@nido.example", WRONG).await;
    assert_throttled(response, WINDOW).await;
    let response = app.login("awa@nido.example", WRONG).await;
    assert_throttled(response, WINDOW).await;
}

#[tokio::test]
async fn the_addresses_of_one_ipv6_slash_64_count_as_one_address() {
    let app = spawn_app_with(|settings| {
        settings.auth.trust_forwarded_for = true;
        settings.auth.address_max_failures = 6;
    })
    .await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    let awa = "awa@nido.example";
    // Five guesses at one account, each from another host of one /64...
    for host in 1..=5 {
        let from = format!("2001:db8:1:2::{host:x}");
        assert_refused(login_via_proxy(&app, &from, None, awa, WRONG).await).await;
    }
    // ...lock that account from the whole /64, the right password included.
    let other_host = "2001:db8:1:2:ffff:ffff:ffff:fffe";
    let response = login_via_proxy(&app, other_host, None, awa, PASSWORD).await;
    assert_throttled(response, WINDOW).await;
    // The owner, in another /64, still logs in.
    let owner = login_via_proxy(&app, "2001:db8:1:3::1", None, awa, PASSWORD).await;
    assert_eq!(owner.status(), StatusCode::OK);

    // Guesses at many accounts from the hosts of another /64 lock the /64
    // as one address; so do an IPv4 address and its IPv4-mapped IPv6 form.
    for (first, second) in [
        ("2001:db8:9:9:1::1", "2001:db8:9:9:abcd::1"),
        ("192.0.2.9", "::ffff:192.0.2.9"),
    ] {
        for n in 1..=6 {
            let from = if n % 2 == 0 { first } else { second };
            let email = format!("guess{n}@nido.example");
            assert_refused(login_via_proxy(&app, from, None, &email, WRONG).await).await;
        }
        let other = "other@nido.example";
        let rotated = login_via_proxy(&app, second, None, other, WRONG).await;
        assert_throttled(rotated, WINDOW).await;
    }
}
