//! Mail (SPEC "Mail: reminders and a forgotten password"), against a real
//! SMTP server on 127.0.0.1 started by each test ([`SmtpSink`]): off until
//! configured; the forgotten password's link (mailed, once, throttled,
//! every session ended, the second factor still asked); an outbox that
//! waits for a server that is down and sends once; the daily digest.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::cases::days_ago;
use crate::helpers::{
    PASSWORD, TestApp, assert_invalid, assert_problem, spawn_app, spawn_app_with, spawn_sibling,
};
use crate::smtp_sink::{Received, SmtpSink, free_port};
use crate::web::Browser;

const FROM: &str = "nido <nido@centre.test>";
const BASE_URL: &str = "https://nido.centre.test";
const NEW_PASSWORD: &str = "girouette-sarrasin-pelote-58";

/// A server with mail on, sending to `port`, its digests due from
/// `digest_hour`.
async fn app_mailing_to(port: u16, digest_hour: u32) -> TestApp {
    spawn_app_with(|settings| {
        settings.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into());
        settings.mail.from = Some(FROM.to_owned());
        settings.mail.base_url = Some(BASE_URL.to_owned());
        settings.mail.digest_hour = digest_hour;
    })
    .await
}

async fn ask_for_a_link(app: &TestApp, email: &str) {
    let response = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            &json!({"email": email}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED, "{email}");
}

/// The link's secret in a reset mail, after checking where it leads.
fn link_in(mail: &Received) -> String {
    let text = mail.text();
    let prefix = format!("{BASE_URL}/mot-de-passe/nouveau?jeton=");
    let start = text
        .find(&prefix)
        .unwrap_or_else(|| panic!("a link in {text}"))
        + prefix.len();
    text[start..]
        .split_whitespace()
        .next()
        .expect("a secret")
        .to_owned()
}

async fn complete(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/password-reset/complete",
        None,
        &json!({"token": token, "new_password": password}),
    )
    .await
}

async fn user_id(app: &TestApp, token: &str) -> Uuid {
    app.get_json("/api/v1/me", token).await["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("uuid")
}

async fn outbox_of(app: &TestApp, user: Uuid) -> Vec<nido_persistence::mail::OutboxEntry> {
    nido_persistence::mail::of_user(&app.db, user)
        .await
        .expect("the outbox reads")
}

async fn audited(app: &TestApp, user: Uuid) -> Vec<String> {
    let admin = app.admin_token().await;
    app.audit_actions_where(&admin, &format!("user_id={user}&limit=200"))
        .await
}

#[tokio::test]
async fn mail_is_off_until_configured_and_the_api_and_the_pages_say_so() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            &json!({"email": "awa@nido.example"}),
        )
        .await;
    assert_problem(response, 409, "mail_not_configured").await;
    let staff = app.login_as("staff").await;
    assert_problem(
        app.get("/api/v1/me/notifications", Some(&staff)).await,
        409,
        "mail_not_configured",
    )
    .await;
    let response = app
        .client
        .put(app.url("/api/v1/me/notifications"))
        .bearer_auth(&staff)
        .json(&json!({"daily_digest": true}))
        .send()
        .await
        .expect("sent");
    assert_problem(response, 409, "mail_not_configured").await;
    // A mail server named without a sender or the address of the links
    // does not start.
    let mut settings = app.settings.clone();
    settings.mail.smtp_url = Some("smtp://127.0.0.1:2525".to_owned().into());
    let refused = settings.mail.setup().expect_err("no sender");
    assert!(refused.to_string().contains("mail.from"), "{refused}");
    settings.mail.from = Some(FROM.to_owned());
    settings.mail.base_url = Some(BASE_URL.to_owned());
    settings.mail.smtp_url = Some("smtp://user:s3cret@smtp.centre.test:587".to_owned().into());
    let refused = settings
        .mail
        .setup()
        .expect_err("clear text across a network");
    assert!(!refused.to_string().contains("s3cret"), "{refused}");
    for refused in [
        // What lettre would read as another host, or without TLS.
        "smtp://relay.centre.test:25#@127.0.0.1",
        "smtp://user:s3cret@smtp.centre.test:587?tls=opportunistic&tls=required",
        "smtp://user:s3cret@smtp.centre.test:587?tls=opportunistic",
    ] {
        settings.mail.smtp_url = Some(refused.to_owned().into());
        let said = settings.mail.setup().expect_err(refused).to_string();
        assert!(!said.contains("s3cret"), "{said}");
    }
    // Links in clear text only to this machine.
    settings.mail.smtp_url = Some("smtps://smtp.centre.test:465".to_owned().into());
    settings.mail.base_url = Some("http://nido.centre.test".to_owned());
    assert!(settings.mail.setup().is_err(), "http:// across a network");
    settings.mail.base_url = Some("http://127.0.0.1:8080".to_owned());
    assert!(settings.mail.setup().expect("this machine").is_some());
    settings.mail.base_url = Some(BASE_URL.to_owned());
    for accepted in [
        "smtp://user:s3cret@smtp.centre.test:587?tls=required",
        "smtps://user:s3cret@smtp.centre.test:465",
        "smtp://127.0.0.1:25",
    ] {
        settings.mail.smtp_url = Some(accepted.to_owned().into());
        assert!(
            settings.mail.setup().expect(accepted).is_some(),
            "{accepted}"
        );
    }
}

#[tokio::test]
async fn a_forgotten_password_is_replaced_through_a_link_that_works_once() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port, 23).await;
    let email = "nadia.reset@nido.example";
    app.create_user(email, "staff", "social_worker").await;
    let session = app.token_for(email, PASSWORD).await;
    let id = user_id(&app, &session).await;

    // An unknown address is answered alike, and sent nothing.
    ask_for_a_link(&app, "nobody@nido.example").await;
    ask_for_a_link(&app, "NADIA.Reset@nido.example").await;
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.rcpt_to, [format!("<{email}>")]);
    assert_eq!(mail.mail_from, "<nido@centre.test>");
    assert_eq!(mail.header("From").as_deref(), Some(FROM));
    assert_eq!(mail.header("To").as_deref(), Some(email));
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some("nido : votre nouveau mot de passe")
    );
    assert!(
        mail.header("Message-ID")
            .is_some_and(|id| id.ends_with("@centre.test>"))
    );
    let text = mail.text();
    assert!(
        text.contains("valable 30 minutes et une seule fois"),
        "{text}"
    );
    assert!(text.contains("double authentification"), "{text}");
    let html = mail.part("text/html").expect("an HTML part");
    assert!(
        html.contains("<a href=\"https://nido.centre.test/mot-de-passe/nouveau?jeton="),
        "{html}"
    );
    let token = link_in(&mail);
    assert!(token.len() >= 43, "at least 256 bits: {token}");

    // Sent, the mail's text is not kept: the link is nowhere in the database.
    let sent = outbox_of(&app, id).await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].sent);
    let kept: Vec<String> = sea_orm::ConnectionTrait::query_all_raw(
        &app.db,
        sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT text_body || html_body AS body FROM mail_outbox".to_owned(),
        ),
    )
    .await
    .expect("read")
    .iter()
    .map(|row| row.try_get::<String>("", "body").expect("body"))
    .collect();
    assert_eq!(kept, [String::new()]);

    // A weak password is refused and the link still works.
    assert_invalid(
        complete(&app, &token, "motdepasse").await,
        &["new_password"],
    )
    .await;
    let response = complete(&app, &token, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    // Every session ended; the new password opens one.
    assert_eq!(
        app.get("/api/v1/me", Some(&session)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let fresh = app.token_for(email, NEW_PASSWORD).await;
    assert_eq!(
        app.login(email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Once only, and a made-up link is the same refusal.
    assert_invalid(
        complete(&app, &token, "autre-chose-tout-neuf-93").await,
        &["token"],
    )
    .await;
    assert_invalid(
        complete(
            &app,
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            NEW_PASSWORD,
        )
        .await,
        &["token"],
    )
    .await;

    let actions = audited(&app, id).await;
    for action in ["auth.password_reset_requested", "auth.password_reset"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    eventually_audited(&app, Uuid::nil(), "auth.password_reset_unknown").await;
    assert_eq!(sink.received().len(), 1, "nothing for the unknown address");
    drop(fresh);
}

#[tokio::test]
async fn links_are_throttled_per_account_and_the_second_factor_is_still_asked() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port, 23).await;
    let (email, _phone) = crate::second_factor::enrolled_staff(&app).await;
    let id = nido_persistence::users::find_credentials(
        &app.db,
        &nido_domain::Email::parse(&email).expect("an email"),
    )
    .await
    .expect("read")
    .expect("her account")
    .0
    .id;
    for _ in 0..5 {
        ask_for_a_link(&app, &email).await;
    }
    let mails = sink.wait_for(3).await;
    // Three links an hour for one account; the others were sent nothing.
    assert_eq!(outbox_of(&app, id).await.len(), 3);
    let nobody = audited(&app, Uuid::nil()).await;
    assert_eq!(
        nobody
            .iter()
            .filter(|a| *a == "auth.password_reset_throttled")
            .count(),
        2,
        "{nobody:?}"
    );
    // Any of her links works; once one has, the others are gone.
    let links: Vec<String> = mails.iter().map(link_in).collect();
    assert_eq!(
        complete(&app, &links[1], NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_invalid(
        complete(&app, &links[2], "encore-un-autre-essai-71").await,
        &["token"],
    )
    .await;
    // The second factor stays: the new password alone opens no session.
    let response = app.login(&email, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["mfa_required"], true, "{body}");
    assert!(body.get("token").is_none(), "{body}");
}

#[tokio::test]
async fn a_mail_waits_for_a_server_that_is_down_and_is_sent_once_after_a_restart() {
    let port = free_port();
    let mut app = app_mailing_to(port, 23).await;
    let staff = app.login_as("staff").await;
    let id = user_id(&app, &staff).await;
    let email = app.get_json("/api/v1/me", &staff).await["email"]
        .as_str()
        .expect("email")
        .to_owned();
    ask_for_a_link(&app, &email).await;
    // The server is down: the mail waits, tried again and again.
    let mut tried = false;
    for _ in 0..200 {
        // The link is queued just after the answer.
        let waiting = outbox_of(&app, id).await;
        assert!(waiting.len() <= 1);
        assert!(waiting.iter().all(|mail| !mail.sent));
        // Not in the worker's hand: nido stopped now leaves no lease behind
        // (a crash mid-try leaves the mail to its two-minute lease).
        if waiting
            .first()
            .is_some_and(|mail| mail.attempts >= 2 && !mail.claimed)
        {
            tried = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(tried, "tried twice while the server was down");
    // nido restarts; the server comes up: the mail goes, once.
    app.stop().await;
    let sink = SmtpSink::start_on(port).await;
    let restarted = spawn_sibling(&app).await;
    let mail = sink.wait_for(1).await.remove(0);
    let token = link_in(&mail);
    assert_eq!(
        complete(&restarted, &token, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(sink.received().len(), 1, "sent once");
    let sent = outbox_of(&restarted, id).await;
    assert!(sent[0].sent && sent[0].attempts >= 3, "{sent:?}");
}

#[tokio::test]
async fn the_daily_digest_names_the_mothers_by_initials_once_a_day_and_not_when_nothing_is_due() {
    let sink = SmtpSink::start().await;
    // From midnight: due as soon as asked for.
    let app = app_mailing_to(sink.port, 0).await;
    let coordinator = app.login_as("coordinator").await;
    let coordinator_id = user_id(&app, &coordinator).await;
    // Admitted 170 days ago: the renewal report is overdue, the contract too.
    app.placed_family(&coordinator, "Diallo", days_ago(300), days_ago(170))
        .await;
    let (staff_id, staff) = app.staff_member("digest-idle").await;
    let staff_id: Uuid = staff_id.parse().expect("uuid");

    // The staff member follows no family: her day passes with no mail.
    let on = app
        .put(
            "/api/v1/me/notifications",
            &staff,
            &json!({"daily_digest": true}),
        )
        .await;
    assert_eq!(on.status(), StatusCode::OK);
    let mut made = false;
    for _ in 0..100 {
        if digest_made_on(&app, staff_id).await.is_some() {
            made = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(made, "her digest was looked at");
    assert!(
        outbox_of(&app, staff_id).await.is_empty(),
        "nothing due, no mail"
    );

    let asked = app
        .put(
            "/api/v1/me/notifications",
            &coordinator,
            &json!({"daily_digest": true}),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::OK);
    assert_eq!(
        app.get_json("/api/v1/me/notifications", &coordinator).await,
        json!({"daily_digest": true})
    );
    let mail = sink.wait_for(1).await.remove(0);
    let subject = mail.header("Subject").expect("a subject");
    assert!(subject.starts_with("nido : vos échéances du "), "{subject}");
    let text = mail.text();
    assert!(text.contains("En retard"), "{text}");
    assert!(
        text.contains("Rapport de renouvellement au département — A. D."),
        "{text}"
    );
    assert!(
        !text.contains("Diallo") && !text.contains("Awa"),
        "initials only: {text}"
    );
    assert!(text.contains(&format!("{BASE_URL}/echeances")), "{text}");
    assert!(mail.part("text/html").expect("HTML").contains("/echeances"));
    assert!(
        audited(&app, coordinator_id)
            .await
            .iter()
            .any(|a| a == "mail.digest")
    );

    // Never twice the same day: a restart makes none, though it sends
    // what is asked for meanwhile (a round makes the digests first).
    let mut app = app;
    app.stop().await;
    let restarted = spawn_sibling(&app).await;
    let email = restarted.get_json("/api/v1/me", &staff).await;
    assert_eq!(email["id"], staff_id.to_string());
    ask_for_a_link(&restarted, email["email"].as_str().expect("email")).await;
    let mails = sink.wait_for(2).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(sink.received().len(), 2, "{mails:?}");
    assert_eq!(outbox_of(&restarted, coordinator_id).await.len(), 1);
}

async fn digest_made_on(app: &TestApp, user: Uuid) -> Option<chrono::NaiveDate> {
    let row = sea_orm::ConnectionTrait::query_one_raw(
        &app.db,
        sea_orm::Statement::from_sql_and_values(
            app.db.get_database_backend(),
            match app.db.get_database_backend() {
                sea_orm::DatabaseBackend::Postgres => {
                    "SELECT digest_made_on FROM mail_preferences WHERE user_id = $1"
                }
                _ => "SELECT digest_made_on FROM mail_preferences WHERE user_id = ?",
            },
            [user.into()],
        ),
    )
    .await
    .expect("read")?;
    row.try_get::<Option<chrono::NaiveDate>>("", "digest_made_on")
        .expect("a date")
}

#[tokio::test]
async fn the_pages_offer_a_forgotten_password_and_the_digest_only_when_mail_is_on() {
    let off = spawn_app().await;
    let mut browser = Browser::new(&off);
    let sign_in = browser.get("/connexion").await;
    assert!(
        !sign_in.body.contains("/mot-de-passe/oubli"),
        "{}",
        sign_in.body
    );
    assert!(sign_in.body.contains("Demandez à la direction"));
    let refused = browser.get("/mot-de-passe/oubli").await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.contains("courriels n&#39;est pas configuré")
            || refused.body.contains("courriels n'est pas configuré"),
        "{}",
        refused.body
    );

    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port, 23).await;
    let email = "ines.pages@nido.example";
    app.create_user(email, "staff", "social_worker").await;
    let mut browser = Browser::new(&app);
    let sign_in = browser.get("/connexion").await;
    assert!(
        sign_in.body.contains("href=\"/mot-de-passe/oubli\""),
        "{}",
        sign_in.body
    );
    let ask = browser.get("/mot-de-passe/oubli").await;
    assert_eq!(ask.status, StatusCode::OK);
    let csrf = ask.csrf();
    // Without the form's token, nothing is sent.
    let forged = browser
        .post("/mot-de-passe/oubli", &[("email", email)])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let taken = browser
        .post("/mot-de-passe/oubli", &[("csrf", &csrf), ("email", email)])
        .await;
    assert_eq!(taken.status, StatusCode::OK);
    assert!(
        taken.body.contains("Si un compte actif correspond"),
        "{}",
        taken.body
    );
    let token = link_in(&sink.wait_for(1).await[0]);

    let choose = browser
        .get(&format!("/mot-de-passe/nouveau?jeton={token}"))
        .await;
    assert_eq!(choose.status, StatusCode::OK);
    let csrf = choose.csrf();
    let differ = choose_on_the_page(&mut browser, &csrf, &token, "autre").await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(differ.body.contains("diffèrent"), "{}", differ.body);
    let done = choose_on_the_page(&mut browser, &csrf, &token, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/connexion?nouveau=1");
    let again = choose_on_the_page(&mut browser, &csrf, &token, NEW_PASSWORD).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Ce lien n"), "{}", again.body);

    let mut signed = Browser::signed_in(&app, email, NEW_PASSWORD).await;
    let security = signed.get("/securite").await;
    assert!(
        security.body.contains("Recevoir chaque matin"),
        "{}",
        security.body
    );
    let csrf = security.csrf();
    let saved = signed
        .post(
            "/securite/courriels",
            &[("csrf", &csrf), ("daily_digest", "oui")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert!(
        saved.body.contains("C&#39;est noté") || saved.body.contains("C'est noté"),
        "{}",
        saved.body
    );
    let token = app.token_for(email, NEW_PASSWORD).await;
    assert_eq!(
        app.get_json("/api/v1/me/notifications", &token).await,
        json!({"daily_digest": true})
    );
}

/// Sends the new password's form: `NEW_PASSWORD`, then `again`.
async fn choose_on_the_page(
    browser: &mut Browser<'_>,
    csrf: &str,
    token: &str,
    again: &str,
) -> crate::web::Page {
    browser
        .post(
            "/mot-de-passe/nouveau",
            &[
                ("csrf", csrf),
                ("token", token),
                ("new_password", NEW_PASSWORD),
                ("new_password_again", again),
            ],
        )
        .await
}

#[tokio::test]
async fn a_link_sent_from_several_tabs_at_once_works_once() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port, 23).await;
    let email = "awa.tabs@nido.example";
    app.create_user(email, "staff", "social_worker").await;
    ask_for_a_link(&app, email).await;
    let token = link_in(&sink.wait_for(1).await[0]);
    let passwords = [
        "girouette-sarrasin-pelote-58",
        "cormoran-tilleul-astrolabe-31",
        "boussole-framboise-cadran-64",
        "paravent-lagune-orchidee-12",
    ];
    let answers = crate::helpers::join_all(
        passwords
            .iter()
            .map(|password| complete(&app, &token, password))
            .collect(),
    )
    .await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status().as_u16()).collect();
    let won: Vec<usize> = (0..statuses.len())
        .filter(|at| statuses[*at] == 204)
        .collect();
    assert_eq!(won.len(), 1, "exactly one: {statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 204 || *s == 422),
        "{statuses:?}"
    );
    // The winner's password is the account's; no other is.
    for (at, password) in passwords.iter().enumerate() {
        let expected = if at == won[0] {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(
            app.login(email, password).await.status(),
            expected,
            "{password}"
        );
    }
}

/// Waits (10 s at most) for `action` in `user`'s audit entries: the link is
/// looked for after the answer.
async fn eventually_audited(app: &TestApp, user: Uuid, action: &str) {
    for _ in 0..100 {
        if audited(app, user).await.iter().any(|a| a == action) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{action} never audited for {user}");
}

#[tokio::test]
async fn a_link_dies_with_a_password_change_and_an_email_with_a_control_character_is_refused() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port, 23).await;
    let email = "rokia.change@nido.example";
    app.create_user(email, "staff", "social_worker").await;
    let refused = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            &json!({"email": "a\u{0}b@nido.example"}),
        )
        .await;
    assert_invalid(refused, &["email"]).await;
    ask_for_a_link(&app, email).await;
    let token = link_in(&sink.wait_for(1).await[0]);
    // She remembered it after all, and changed it herself: the link dies.
    let session = app.token_for(email, PASSWORD).await;
    app.change_password(&session, PASSWORD, NEW_PASSWORD).await;
    assert_invalid(
        complete(&app, &token, "encore-un-autre-essai-71").await,
        &["token"],
    )
    .await;
}
