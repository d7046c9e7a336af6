//! Locks from everywhere, from the side of whoever tries them: a guesser
//! spreading 100 wrong passwords over 20 addresses to lock the owner out,
//! a stranger (or the guesser) forging or borrowing a device cookie. The
//! owner keeps her known devices, and she and the admins are told.

use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::helpers::{PASSWORD, TestApp, spawn_app, spawn_app_with, spawn_sibling};
use crate::throttling::login_via_proxy;
use crate::web::Browser;

const WRONG: &str = "not-the-password-at-all";
const AWA: &str = "awa@nido.example";
const INES: &str = "ines@nido.example";
const AN_HOUR: u64 = 60 * 60;

/// A login on Awa's account behind the trusted proxy from `from`, sending
/// `device` back as the device cookie when given.
async fn attempt(app: &TestApp, from: &str, device: Option<&str>, password: &str) -> Response {
    login_via_proxy(app, from, device, AWA, password).await
}

/// The device cookie a login answer leaves, checked for its flags.
fn device_cookie(response: &Response) -> String {
    let line = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|line| line.starts_with("nido_device="))
        .expect("a device cookie")
        .to_owned();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
        assert!(line.contains(flag), "{line}");
    }
    let pair = line.split(';').next().expect("a pair");
    pair.trim_start_matches("nido_device=").to_owned()
}

async fn status_and_body(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let retry_after = response.headers().get("retry-after").cloned();
    let body: Value = response.json().await.expect("json");
    if status == StatusCode::TOO_MANY_REQUESTS {
        let wait: u64 = retry_after
            .expect("Retry-After")
            .to_str()
            .expect("ascii")
            .parse()
            .expect("seconds");
        assert!((1..=AN_HOUR).contains(&wait), "Retry-After {wait}");
        assert_eq!(body["code"], "too_many_requests");
    }
    (status, body)
}

/// 100 failures (5 from each of 20 addresses, the most each address may
/// make) on `email`.
pub(crate) async fn lock_from_everywhere(app: &TestApp, email: &str) {
    for address in 1..=20 {
        for _ in 0..5 {
            let from = format!("198.51.100.{address}");
            let response = login_via_proxy(app, &from, None, email, WRONG).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "from {from}");
        }
    }
}

#[tokio::test]
async fn a_lock_from_everywhere_keeps_strangers_out_but_not_the_owner_on_her_device() {
    let app = spawn_app_with(|settings| settings.auth.trust_forwarded_for = true).await;
    let awa = app
        .create_user("awa@nido.example", "staff", "social_worker")
        .await;
    app.create_user("lea@nido.example", "staff", "psychologist")
        .await;
    let signed_in = attempt(&app, "192.0.2.10", None, PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let own_device = device_cookie(&signed_in);
    let (_, first) = status_and_body(signed_in).await;
    assert_eq!(first["account_locked_at"], Value::Null, "{first}");
    let leas = login_via_proxy(&app, "192.0.2.11", None, "lea@nido.example", PASSWORD).await;
    let leas_device = device_cookie(&leas);

    lock_from_everywhere(&app, AWA).await;

    // A stranger with the right password, from a fresh address: locked out.
    let stranger = attempt(&app, "203.0.113.5", None, PASSWORD).await;
    let (status, _) = status_and_body(stranger).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Forged or borrowed device cookies gain nothing.
    let (id, mac) = own_device.split_once('.').expect("id.mac");
    let altered_mac = format!("{id}.{}", mac.chars().rev().collect::<String>());
    let other_id = format!("{}.{mac}", "A".repeat(id.len()));
    for forged in [
        altered_mac.as_str(),
        other_id.as_str(),
        leas_device.as_str(),
        id,
        "forged",
    ] {
        let response = attempt(&app, "203.0.113.6", Some(forged), PASSWORD).await;
        let (status, _) = status_and_body(response).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "cookie {forged}");
    }

    // The owner, on her device, from a fresh address, and on another
    // instance (the server key is the database's): in, and told.
    let sibling = spawn_sibling(&app).await;
    let owner = attempt(&sibling, "203.0.113.77", Some(&own_device), PASSWORD).await;
    assert_eq!(owner.status(), StatusCode::OK);
    assert_eq!(device_cookie(&owner), own_device, "her device, renewed");
    let (_, told) = status_and_body(owner).await;
    let locked_at: chrono::DateTime<chrono::Utc> = told["account_locked_at"]
        .as_str()
        .unwrap_or_else(|| panic!("told of the lock: {told}"))
        .parse()
        .expect("an instant");
    let drift = (locked_at - crate::helpers::test_now()).num_seconds().abs();
    assert!(drift < 2, "locked at {locked_at}");
    // Told once.
    let again = attempt(&app, "203.0.113.77", Some(&own_device), PASSWORD).await;
    let (_, again) = status_and_body(again).await;
    assert_eq!(again["account_locked_at"], Value::Null, "{again}");

    // The admins read it in the audit log, once for the window, in her name.
    let admin = app.admin_token().await;
    let id = awa["id"].as_str().expect("id");
    let audit = app
        .get_json(&format!("/api/v1/audit?user_id={id}&limit=200"), &admin)
        .await;
    let locks: Vec<&Value> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|entry| entry["action"] == "auth.account_locked")
        .collect();
    assert_eq!(locks.len(), 1, "{locks:?}");
    assert_eq!(locks[0]["resource"], format!("/users/{id}"));
}

#[tokio::test]
async fn a_known_device_counts_its_own_failures_alone() {
    let app = spawn_app().await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    let signed_in = attempt(&app, "192.0.2.10", None, PASSWORD).await;
    let device = device_cookie(&signed_in);
    for _ in 0..5 {
        let response = attempt(&app, "192.0.2.10", Some(&device), WRONG).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // The device tripped its own limit: refused for the window, the right
    // password included.
    let tripped = attempt(&app, "192.0.2.10", Some(&device), PASSWORD).await;
    let (status, _) = status_and_body(tripped).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Nothing was counted against the account from that address.
    let without = attempt(&app, "192.0.2.10", None, PASSWORD).await;
    assert_eq!(without.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_owner_reads_on_her_home_page_once_that_her_account_was_locked() {
    let app = spawn_app_with(|settings| {
        settings.auth.trust_forwarded_for = true;
        settings.auth.account_everywhere_max_failures = 3;
    })
    .await;
    app.create_user("ines@nido.example", "staff", "social_worker")
        .await;
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let home = ines.get("/").await;
    assert!(!home.body.contains("bloqué"), "{}", home.body);
    let csrf = home.csrf();
    ines.post("/deconnexion", &[("csrf", &csrf)]).await;

    for n in 1..=3 {
        let from = format!("198.51.100.{n}");
        let response = login_via_proxy(&app, &from, None, INES, WRONG).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let stranger = login_via_proxy(&app, "203.0.113.5", None, INES, PASSWORD).await;
    assert_eq!(stranger.status(), StatusCode::TOO_MANY_REQUESTS);
    let mut stranger = Browser::new(&app);
    let refused = stranger.try_sign_in("ines@nido.example", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);

    // Her browser keeps its device cookie: in, and told once, in French.
    let answer = ines.try_sign_in("ines@nido.example", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let home = ines.get("/").await;
    assert!(
        home.body.contains("Votre compte a été bloqué le"),
        "{}",
        home.body
    );
    let again = ines.get("/").await;
    assert!(!again.body.contains("bloqué"), "{}", again.body);
}
