//! The second factor (TOTP, RFC 6238, with recovery codes), from the
//! attacker's side: a stolen password opens nothing, a code works once,
//! guessed codes are throttled like passwords, parallel requests with one
//! code open one session, and the roles that require a factor can do
//! nothing else until they have one.
//!
//! The suite's clock is fixed at `test_now()`: the codes accepted are those
//! of its step and of one step either way, so an account signs in with at
//! most three codes here, each once.

use nido_domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use totp_rs::{Builder, Secret, Totp};

use crate::helpers::{
    PASSWORD, TestApp, assert_invalid, assert_problem, join_all, spawn_app, spawn_app_with,
    spawn_sibling_with, test_now,
};
use crate::lockout::lock_from_everywhere;
use crate::throttling::login_via_proxy;
use crate::web::Browser;

/// The default: admins and coordinators must have a factor.
fn required(settings: &mut nido::Settings) {
    settings.auth.mfa_required_roles = vec![Role::Admin, Role::Coordinator];
}

/// A server that requires the factor of admins and coordinators, on the
/// database of `app` (where accounts were made without the requirement).
async fn strict(app: &TestApp) -> TestApp {
    spawn_sibling_with(app, required).await
}

/// The authenticator app of a secret, as a phone would hold it.
fn authenticator(secret: &str) -> Totp {
    Builder::new()
        .with_secret(Secret::try_from_base32(secret).expect("base32 secret"))
        .build()
        .expect("an RFC 6238 generator")
}

/// The code the app shows at the fixed clock's step moved by `steps`.
fn code_at(app_of: &Totp, steps: i64) -> String {
    let at = test_now().timestamp() + 30 * steps;
    app_of
        .generate(u64::try_from(at).expect("after 1970"))
        .to_string()
}

/// Enrols the account of `token`: its authenticator, and its recovery
/// codes; the first code used is the one of step −1.
async fn enrol(app: &TestApp, token: &str) -> (Totp, Vec<String>) {
    let started = app
        .post("/api/v1/me/mfa/totp", Some(token), &json!({}))
        .await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let started: Value = started.json().await.expect("json");
    let secret = started["secret"].as_str().expect("secret");
    let url = started["otpauth_url"].as_str().expect("url");
    assert!(url.starts_with("otpauth://totp/nido:"), "{url}");
    assert!(url.contains(&format!("secret={secret}")), "{url}");
    let phone = authenticator(secret);
    let confirmed = app
        .post(
            "/api/v1/me/mfa/totp/confirm",
            Some(token),
            &json!({"code": code_at(&phone, -1)}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let confirmed: Value = confirmed.json().await.expect("json");
    let codes = confirmed["recovery_codes"]
        .as_array()
        .expect("recovery codes")
        .iter()
        .map(|code| code.as_str().expect("code").to_owned())
        .collect();
    (phone, codes)
}

/// The login's first step for an account with a factor: its challenge.
async fn challenge(app: &TestApp, email: &str, password: &str) -> String {
    let response = app.login(email, password).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["mfa_required"], true, "{body}");
    assert!(
        body.get("token").is_none(),
        "no token before the code: {body}"
    );
    body["challenge"].as_str().expect("challenge").to_owned()
}

async fn second_step(app: &TestApp, challenge: &str, code: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/login/mfa",
        None,
        &json!({"challenge": challenge, "code": code}),
    )
    .await
}

/// A coordinator made on `app` (no requirement there), her password her own.
async fn coordinator(app: &TestApp, email: &str) -> String {
    app.create_user(email, "coordinator", "coordinator").await["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// A staff member with a factor: her email and her authenticator.
pub(crate) async fn enrolled_staff(app: &TestApp) -> (String, Totp) {
    let staff = app.login_as("staff").await;
    let email = app.get_json("/api/v1/me", &staff).await["email"]
        .as_str()
        .expect("email")
        .to_owned();
    let (phone, _) = enrol(app, &staff).await;
    (email, phone)
}

async fn audited(app: &TestApp, query: &str) -> Vec<String> {
    let admin = app.admin_token().await;
    app.audit_actions_where(&admin, query).await
}

#[tokio::test]
async fn a_coordinator_without_a_factor_can_only_enrol_then_a_password_alone_opens_nothing() {
    let app = spawn_app().await;
    let id = coordinator(&app, "samia@nido.example").await;
    let strict = strict(&app).await;

    let token = strict.token_for("samia@nido.example", PASSWORD).await;
    for path in ["/api/v1/families", "/api/v1/me", "/api/v1/deadlines"] {
        let refused = strict.get(path, Some(&token)).await;
        assert_problem(refused, 403, "mfa_enrolment_required").await;
    }
    // A wrong first code enrols nothing.
    let started: Value = strict
        .post("/api/v1/me/mfa/totp", Some(&token), &json!({}))
        .await
        .json()
        .await
        .expect("json");
    let phone = authenticator(started["secret"].as_str().expect("secret"));
    let wrong = if code_at(&phone, 0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let refused = strict
        .post(
            "/api/v1/me/mfa/totp/confirm",
            Some(&token),
            &json!({"code": wrong}),
        )
        .await;
    assert_invalid(refused, &["code"]).await;
    assert_problem(
        strict.get("/api/v1/families", Some(&token)).await,
        403,
        "mfa_enrolment_required",
    )
    .await;

    // Enrolled (a new secret: the first was only pending), the same session works.
    let (phone, recovery) = enrol(&strict, &token).await;
    assert_eq!(recovery.len(), 10);
    assert_eq!(
        strict.get("/api/v1/families", Some(&token)).await.status(),
        StatusCode::OK
    );
    let again = strict
        .post("/api/v1/me/mfa/totp", Some(&token), &json!({}))
        .await;
    assert_problem(again, 409, "mfa_already_enrolled").await;

    // A stolen password now gives a challenge, not a token.
    let first = challenge(&strict, "samia@nido.example", PASSWORD).await;
    // The code that confirmed the enrolment was used: it works no more.
    assert_problem(
        second_step(&strict, &first, &code_at(&phone, -1)).await,
        401,
        "invalid_code",
    )
    .await;
    let signed_in = second_step(&strict, &first, &code_at(&phone, 0)).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let signed_in: Value = signed_in.json().await.expect("json");
    let session = signed_in["token"].as_str().expect("token");
    assert_eq!(
        strict.get("/api/v1/families", Some(session)).await.status(),
        StatusCode::OK
    );
    // The challenge is spent, and the code too, on every instance.
    assert_problem(
        second_step(&strict, &first, &code_at(&phone, 1)).await,
        401,
        "invalid_credentials",
    )
    .await;
    let second = challenge(&app, "samia@nido.example", PASSWORD).await;
    assert_problem(
        second_step(&app, &second, &code_at(&phone, 0)).await,
        401,
        "invalid_code",
    )
    .await;

    // A recovery code works once, typed loosely.
    let loose = recovery[3].to_uppercase().replace('-', " ");
    assert_eq!(
        second_step(&app, &second, &loose).await.status(),
        StatusCode::OK
    );
    let third = challenge(&app, "samia@nido.example", PASSWORD).await;
    assert_problem(
        second_step(&app, &third, &recovery[3]).await,
        401,
        "invalid_code",
    )
    .await;
    assert_eq!(
        second_step(&app, &third, &code_at(&phone, 1))
            .await
            .status(),
        StatusCode::OK
    );

    let actions = audited(&app, &format!("user_id={id}")).await;
    for expected in [
        "mfa.enrol",
        "mfa.enrolment_failed",
        "auth.mfa_challenge",
        "auth.mfa_failed",
        "auth.recovery_code_used",
        "auth.login",
    ] {
        assert!(
            actions.iter().any(|action| action == expected),
            "{expected} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn guessed_codes_are_throttled_like_passwords_and_parallel_guesses_gain_nothing() {
    let app = spawn_app().await;
    let (email, phone) = enrolled_staff(&app).await;
    let right = code_at(&phone, 0);
    // Forty wrong codes at once, on one challenge: at most five are checked.
    let challenge = challenge(&app, &email, PASSWORD).await;
    let guesses: Vec<String> = (0..40)
        .map(|n| format!("{:06}", (n * 7919) % 1_000_000))
        .filter(|guess| {
            *guess != right && *guess != code_at(&phone, -1) && *guess != code_at(&phone, 1)
        })
        .collect();
    let answers = join_all(
        guesses
            .iter()
            .map(|guess| second_step(&app, &challenge, guess))
            .collect(),
    )
    .await;
    let statuses: Vec<u16> = answers
        .iter()
        .map(|answer| answer.status().as_u16())
        .collect();
    let checked = statuses.iter().filter(|status| **status == 401).count();
    assert!(checked <= 5, "at most five codes checked: {statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|status| *status == 401 || *status == 429),
        "{statuses:?}"
    );
    // Even the right code now waits, like a right password would.
    let throttled = second_step(&app, &challenge, &right).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn one_code_sent_twice_at_once_opens_one_session() {
    let app = spawn_app().await;
    let (email, phone) = enrolled_staff(&app).await;
    let code = code_at(&phone, 0);
    let challenges = [
        challenge(&app, &email, PASSWORD).await,
        challenge(&app, &email, PASSWORD).await,
        challenge(&app, &email, PASSWORD).await,
    ];
    let answers = join_all(
        challenges
            .iter()
            .map(|challenge| second_step(&app, challenge, &code))
            .collect(),
    )
    .await;
    let statuses: Vec<u16> = answers
        .iter()
        .map(|answer| answer.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|status| **status == 200).count(),
        1,
        "one session from one code: {statuses:?}"
    );
}

#[tokio::test]
async fn an_admin_reset_ends_the_sessions_and_the_user_must_enrol_again() {
    let app = spawn_app().await;
    let id = coordinator(&app, "samia@nido.example").await;
    let strict = strict(&app).await;
    let token = strict.token_for("samia@nido.example", PASSWORD).await;
    let (phone, _) = enrol(&strict, &token).await;
    let calendar: Value = strict
        .post("/api/v1/me/calendar", Some(&token), &json!({}))
        .await
        .json()
        .await
        .expect("json");
    let calendar = calendar["url"].as_str().expect("url").to_owned();
    assert_eq!(strict.get(&calendar, None).await.status(), StatusCode::OK);

    // Another coordinator, or the user herself, may not reset it.
    for caller in [&token, &app.login_as("staff").await] {
        let refused = app
            .client
            .delete(app.url(&format!("/api/v1/users/{id}/mfa")))
            .bearer_auth(caller)
            .send()
            .await
            .expect("sent");
        assert_problem(refused, 403, "forbidden").await;
    }
    let admin = app.admin_token().await;
    // Not her own through this route: a stolen session would end her
    // sessions and leave her account to a new factor.
    let admin_id = app.get_json("/api/v1/me", &admin).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let own = app
        .client
        .delete(app.url(&format!("/api/v1/users/{admin_id}/mfa")))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("sent");
    assert_problem(own, 409, "use_me_mfa").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&admin)).await.status(),
        StatusCode::OK,
        "her session goes on"
    );
    let reset = app
        .client
        .delete(app.url(&format!("/api/v1/users/{id}/mfa")))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("sent");
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert_problem(
        strict.get("/api/v1/me", Some(&token)).await,
        401,
        "unauthorized",
    )
    .await;
    // Her calendar address, which a lost phone may hold, is revoked too.
    assert_eq!(
        strict.get(&calendar, None).await.status(),
        StatusCode::NOT_FOUND
    );
    // The old phone is worth nothing: a password gives a token that can only enrol.
    let again = strict.token_for("samia@nido.example", PASSWORD).await;
    assert_problem(
        strict.get("/api/v1/families", Some(&again)).await,
        403,
        "mfa_enrolment_required",
    )
    .await;
    let stale = strict
        .post(
            "/api/v1/me/mfa/totp/confirm",
            Some(&again),
            &json!({"code": code_at(&phone, 0)}),
        )
        .await;
    assert_problem(stale, 409, "mfa_not_started").await;
    let admin_id = app.get_json("/api/v1/me", &admin).await["id"].clone();
    let admin_actions = audited(&app, &format!("user_id={}", admin_id.as_str().expect("id"))).await;
    assert!(
        admin_actions
            .iter()
            .any(|action| action == "user.mfa_reset"),
        "{admin_actions:?}"
    );
}

#[tokio::test]
async fn removing_ones_own_factor_takes_the_password_and_a_code() {
    let app = spawn_app().await;
    let staff = app.login_as("staff").await;
    let (phone, recovery) = enrol(&app, &staff).await;
    let remove = |body: Value| {
        app.client
            .delete(app.url("/api/v1/me/mfa"))
            .bearer_auth(&staff)
            .json(&body)
            .send()
    };
    let wrong_password =
        remove(json!({"current_password": "pas-le-bon-mot-de-passe", "code": code_at(&phone, 0)}))
            .await
            .expect("sent");
    assert_invalid(wrong_password, &["current_password"]).await;
    let spent_code = remove(json!({"current_password": PASSWORD, "code": code_at(&phone, -1)}))
        .await
        .expect("sent");
    assert_invalid(spent_code, &["code"]).await;
    let removed = remove(json!({"current_password": PASSWORD, "code": recovery[0]}))
        .await
        .expect("sent");
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    // A staff member's factor is optional: her password alone signs in again.
    let email = app.get_json("/api/v1/me", &staff).await["email"]
        .as_str()
        .expect("email")
        .to_owned();
    app.token_for(&email, PASSWORD).await;
}

#[tokio::test]
async fn the_pages_ask_for_the_code_and_enrol_with_a_qr_code_drawn_by_nido() {
    let app = spawn_app().await;
    coordinator(&app, "samia@nido.example").await;
    let strict = strict(&app).await;

    // Without a factor, every page leads to /securite.
    let mut samia = Browser::signed_in(&strict, "samia@nido.example", PASSWORD).await;
    for path in ["/", "/familles", "/liste-attente"] {
        let answer = samia.get(path).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(answer.location(), "/securite", "{path}");
    }
    let security = samia.get("/securite").await;
    assert_eq!(security.status, StatusCode::OK);
    assert!(
        security
            .body
            .contains("Votre rôle demande une double authentification")
    );
    let started = samia
        .post("/securite/activation", &[("csrf", &security.csrf())])
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    assert!(
        started.body.contains("<svg role=\"img\""),
        "the QR code, inline"
    );
    assert_eq!(
        started.body.matches("<script").count(),
        1,
        "nido's own script only: nothing else draws it"
    );
    assert!(
        !started.body.contains("https://"),
        "nothing from another site"
    );
    let secret_marker = "<code class=\"secret\">";
    let at = started.body.find(secret_marker).expect("the secret") + secret_marker.len();
    let end = started.body[at..].find('<').expect("end") + at;
    let secret = started.body[at..end].replace(' ', "");
    let phone = authenticator(&secret);
    let csrf = started.csrf();
    let refused = samia
        .post(
            "/securite/confirmation",
            &[("csrf", &csrf), ("code", "12345")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .element("code-erreur")
            .unwrap_or_default()
            .contains("ne correspond pas")
    );
    let confirmed = samia
        .post(
            "/securite/confirmation",
            &[("csrf", &csrf), ("code", &code_at(&phone, -1))],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(confirmed.body.contains("Vos codes de secours"));
    assert_eq!(samia.get("/familles").await.status, StatusCode::OK);

    // Signing in again asks for the code after the password.
    let mut again = Browser::new(&strict);
    let asked = again.try_sign_in("samia@nido.example", PASSWORD).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(asked.body.contains("Code de vérification"));
    assert!(
        asked.set_cookie("nido_session").is_none(),
        "no session before the code"
    );
    let csrf = asked.csrf();
    let marker = "name=\"challenge\" value=\"";
    let at = asked.body.find(marker).expect("the challenge") + marker.len();
    let end = asked.body[at..].find('"').expect("end") + at;
    let challenge = asked.body[at..end].to_owned();
    let wrong = again
        .post(
            "/connexion/code",
            &[
                ("csrf", &csrf),
                ("challenge", &challenge),
                ("code", &code_at(&phone, -1)),
                ("suite", "/familles"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .element("code-erreur")
            .unwrap_or_default()
            .contains("déjà servi")
    );
    let right = again
        .post(
            "/connexion/code",
            &[
                ("csrf", &csrf),
                ("challenge", &challenge),
                ("code", &code_at(&phone, 0)),
                ("suite", "/familles"),
            ],
        )
        .await;
    assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
    assert_eq!(right.location(), "/familles");
    assert_eq!(again.get("/familles").await.status, StatusCode::OK);
}

/// The login's second step behind the trusted proxy, from `from`, sending
/// `device` back as the device cookie when given.
async fn second_step_via_proxy(
    app: &TestApp,
    from: &str,
    device: Option<&str>,
    challenge: &str,
    code: &str,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/auth/login/mfa"))
        .header("X-Forwarded-For", from)
        .json(&json!({"challenge": challenge, "code": code}));
    if let Some(device) = device {
        request = request.header("Cookie", format!("nido_device={device}"));
    }
    request.send().await.expect("request sent")
}

#[tokio::test]
async fn a_lock_from_everywhere_keeps_the_owner_of_a_second_factor_in_on_her_device() {
    let app = spawn_app_with(|settings| settings.auth.trust_forwarded_for = true).await;
    app.create_user("awa@nido.example", "staff", "social_worker")
        .await;
    let token = app.token_for("awa@nido.example", PASSWORD).await;
    let (phone, _) = enrol(&app, &token).await;
    // Her first sign-in with the factor leaves the device cookie, at the code.
    let opened = login_via_proxy(&app, "192.0.2.10", None, "awa@nido.example", PASSWORD).await;
    assert!(
        opened.headers().get("set-cookie").is_none(),
        "nothing before the code"
    );
    let first: Value = opened.json().await.expect("json");
    let first = first["challenge"].as_str().expect("challenge");
    let signed_in =
        second_step_via_proxy(&app, "192.0.2.10", None, first, &code_at(&phone, 0)).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let device = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|line| line.strip_prefix("nido_device="))
        .and_then(|rest| rest.split(';').next())
        .expect("a device cookie")
        .to_owned();

    lock_from_everywhere(&app, "awa@nido.example").await;

    // A stranger, even with the password, is locked out at the first step.
    let stranger = login_via_proxy(&app, "203.0.113.5", None, "awa@nido.example", PASSWORD).await;
    assert_eq!(stranger.status(), StatusCode::TOO_MANY_REQUESTS);
    // The owner, on her device from a fresh address: the password, then
    // the code, each counted on her device alone.
    let opened = login_via_proxy(
        &app,
        "203.0.113.77",
        Some(&device),
        "awa@nido.example",
        PASSWORD,
    )
    .await;
    assert_eq!(opened.status(), StatusCode::OK);
    let challenge: Value = opened.json().await.expect("json");
    let challenge = challenge["challenge"].as_str().expect("challenge");
    let without_device =
        second_step_via_proxy(&app, "203.0.113.77", None, challenge, &code_at(&phone, 1)).await;
    assert_eq!(
        without_device.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the code without the device counts from everywhere"
    );
    let on_her_device = second_step_via_proxy(
        &app,
        "203.0.113.77",
        Some(&device),
        challenge,
        &code_at(&phone, 1),
    )
    .await;
    assert_eq!(on_her_device.status(), StatusCode::OK);
    let told: Value = on_her_device.json().await.expect("json");
    assert!(
        told["account_locked_at"].is_string(),
        "told of the lock: {told}"
    );
}

#[tokio::test]
async fn the_command_line_resets_a_factor_when_no_admin_can() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let admin_id = app.get_json("/api/v1/me", &admin).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    enrol(&app, &admin).await;
    let url = app
        .settings
        .database_url
        .as_ref()
        .map(|url| secrecy::ExposeSecret::expose_secret(url).to_owned());
    let data_dir = app.data_dir.clone();
    let reset = || {
        crate::cli::nido(&data_dir, &url)
            .args(["user", "reset-mfa", "--email", "admin@nido.local"])
            .output()
            .expect("nido runs")
    };
    let mut output = reset();
    let mut app = app;
    if url.is_none() {
        // On SQLite the server owns the data directory (it keeps sessions
        // in memory): the command is refused while it runs.
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success());
        assert!(
            stderr.contains("is in use by another nido process"),
            "{stderr}"
        );
        app.stop().await;
        output = reset();
        app = crate::helpers::spawn_sibling(&app).await;
    }
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), admin_id);
    // Her sessions ended; her password alone signs her in again.
    assert_problem(
        app.get("/api/v1/me", Some(&admin)).await,
        401,
        "unauthorized",
    )
    .await;
    let again = app.admin_token().await;
    let resets = app
        .audit_actions_where(&again, &format!("user_id={}", uuid::Uuid::nil()))
        .await;
    assert!(
        resets.iter().any(|action| action == "user.mfa_reset"),
        "{resets:?}"
    );
    let unknown = crate::cli::nido(&app.data_dir, &url)
        .args(["user", "reset-mfa", "--email", "personne@nido.example"])
        .output()
        .expect("nido runs");
    assert!(!unknown.status.success(), "an unknown email is refused");
}
