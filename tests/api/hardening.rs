//! Cookies, the sign-in form's token and the security headers, from the
//! side of whoever attacks them: a cookie planted under a plain name, a
//! sign-in token the attacker made up, a page framed by another site, a
//! downgrade to plain HTTP.

use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, spawn_app, spawn_app_with};
use crate::web::{Browser, Page};

/// A client that keeps no cookie and follows no redirection.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A sign-in post with exactly this `Cookie` header and CSRF field.
async fn sign_in_with(app: &TestApp, cookie: &str, csrf: &str) -> StatusCode {
    bare_client()
        .post(app.url("/connexion"))
        .header("cookie", cookie)
        .form(&[
            ("csrf", csrf),
            ("email", "ines@nido.example"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("sent")
        .status()
}

/// The value of the cookie `name` that `page` sets.
fn value_of(page: &Page, name: &str) -> String {
    let line = page
        .set_cookie(name)
        .unwrap_or_else(|| panic!("{name} is set: {:?}", page.headers));
    let pair = line.split(';').next().expect("a pair");
    pair.split_once('=').expect("name=value").1.to_owned()
}

#[tokio::test]
async fn outside_development_every_cookie_is_host_prefixed_and_secure() {
    let app = spawn_app_with(|settings| settings.env = "ci".into()).await;
    app.staff_member("ines").await;
    let mut browser = Browser::new(&app);
    let form = browser.get("/connexion").await;
    let answer = browser.try_sign_in("ines@nido.example", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let lines = [
        form.set_cookie("__Host-nido_connexion"),
        answer.set_cookie("__Host-nido_session"),
        answer.set_cookie("__Host-nido_device"),
    ];
    for line in lines {
        let line = line.expect("a __Host- cookie");
        for flag in ["; Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(line.contains(flag), "{line}");
        }
        assert!(!line.to_lowercase().contains("domain"), "{line}");
    }
    for (page, plain) in [(&form, "nido_connexion"), (&answer, "nido_session")] {
        assert!(page.set_cookie(plain).is_none(), "{plain}");
    }
    let api = app.login("ines@nido.example", PASSWORD).await;
    let device = api
        .headers()
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert!(device.starts_with("__Host-nido_device="), "{device}");
    assert!(device.contains("; Secure"), "{device}");

    // A session token planted under the plain name (by a sibling subdomain,
    // or over plain HTTP) opens nothing; under its own name it does.
    let token = value_of(&answer, "__Host-nido_session");
    let home = |cookie: String| {
        let app = &app;
        async move {
            bare_client()
                .get(app.url("/"))
                .header("cookie", cookie)
                .send()
                .await
                .expect("sent")
                .status()
        }
    };
    assert_eq!(
        home(format!("nido_session={token}")).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        home(format!("__Host-nido_session={token}")).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_sign_in_token_the_client_chose_is_refused_and_signs_nobody_in() {
    let app = spawn_app().await;
    let (ines, _) = app.staff_member("ines").await;
    let mut visitor = Browser::new(&app);
    let form = visitor.get("/connexion").await;
    let nonce = value_of(&form, "nido_connexion");
    let token = form.csrf();
    let mut other = Browser::new(&app);
    let others_form = other.get("/connexion").await;
    let others_nonce = value_of(&others_form, "nido_connexion");

    let admin = app.admin_token().await;
    let logins = || {
        let (app, admin, ines) = (&app, &admin, &ines);
        async move {
            app.audit_actions_where(admin, &format!("user_id={ines}&limit=200"))
                .await
                .iter()
                .filter(|action| *action == "auth.login" || *action == "auth.login_failed")
                .count()
        }
    };
    let before = logins().await;

    let chosen = "A".repeat(43);
    let forged_mac = format!("{chosen}.{}", "B".repeat(43));
    for (cookie, csrf) in [
        // The same value, chosen by the attacker, in the cookie and the form.
        (chosen.as_str(), chosen.as_str()),
        (chosen.as_str(), forged_mac.as_str()),
        // The visitor's nonce, repeated without its MAC.
        (nonce.as_str(), nonce.as_str()),
        // A real token, with another visitor's cookie.
        (others_nonce.as_str(), token.as_str()),
        // A real token, with no cookie at all.
        ("", token.as_str()),
    ] {
        let status = sign_in_with(&app, &format!("nido_connexion={cookie}"), csrf).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "cookie {cookie:?}, token {csrf:?}"
        );
    }
    assert_eq!(logins().await, before, "no attempt reached the login");

    // The visitor's own pair is taken.
    let status = sign_in_with(&app, &format!("nido_connexion={nonce}"), &token).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn over_https_every_answer_forbids_plain_http_and_only_then() {
    const HSTS: &str = "max-age=31536000; includeSubDomains";
    let secure = spawn_app_with(|settings| settings.web.secure_cookies = true).await;
    let plain = spawn_app().await;
    for path in [
        "/health/live",
        "/api/v1/me",
        "/api/v1/nowhere",
        "/docs/",
        "/connexion",
        "/",
    ] {
        let answer = secure.get(path, None).await;
        assert_eq!(
            answer
                .headers()
                .get("strict-transport-security")
                .map(|v| v.to_str().ok()),
            Some(Some(HSTS)),
            "{path}"
        );
        let answer = plain.get(path, None).await;
        assert!(
            answer.headers().get("strict-transport-security").is_none(),
            "{path}"
        );
    }
}

/// The pages' policy (`crates/web`): only what nido serves, no inline
/// script, no framing, forms posted to nido only.
const PAGES_POLICY: &[&str] = &[
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
];

/// The policy of `/docs` (`crates/http`): Swagger UI's one inline style by
/// its hash, the OpenAPI document fetched from nido, no form, no framing.
const DOCS_POLICY: &[&str] = &[
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
];

/// The value of the header `name`, which must be there once.
fn header<'h>(headers: &'h reqwest::header::HeaderMap, name: &str, what: &str) -> &'h str {
    let values: Vec<_> = headers.get_all(name).iter().collect();
    assert_eq!(values.len(), 1, "{what}: one {name}: {values:?}");
    values[0].to_str().expect("text")
}

/// A policy's directives, whitespace and order aside.
fn directives(policy: &str) -> std::collections::BTreeSet<String> {
    policy
        .split(';')
        .map(|directive| directive.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|directive| !directive.is_empty())
        .collect()
}

#[tokio::test]
async fn pages_and_the_api_docs_carry_the_documented_security_headers_by_value() {
    let app = spawn_app().await;
    app.staff_member("ines").await;
    let mut visitor = Browser::new(&app);
    let mut pages = vec![
        ("the sign-in page", visitor.get("/connexion").await),
        ("a redirection to it", visitor.get("/").await),
    ];
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    pages.push(("a signed-in page", ines.get("/").await));
    pages.push(("a page that does not exist", ines.get("/nulle-part").await));
    pages.push(("the style sheet", ines.get("/static/nido.css").await));
    let statuses: Vec<u16> = pages.iter().map(|(_, page)| page.status.as_u16()).collect();
    assert_eq!(statuses, [200, 303, 200, 404, 200]);
    let pages_policy: std::collections::BTreeSet<String> = PAGES_POLICY
        .iter()
        .map(|directive| (*directive).to_owned())
        .collect();
    for (what, page) in &pages {
        let headers = &page.headers;
        let policy = header(headers, "content-security-policy", what);
        assert_eq!(directives(policy), pages_policy, "{what}: {policy}");
        assert_eq!(header(headers, "x-frame-options", what), "DENY", "{what}");
        assert_eq!(
            header(headers, "permissions-policy", what),
            "camera=(), microphone=(), geolocation=()",
            "{what}"
        );
        assert_eq!(header(headers, "x-content-type-options", what), "nosniff");
        assert_eq!(header(headers, "referrer-policy", what), "no-referrer");
    }

    // The API's documentation has its own policy, also never framed. (The
    // API's answers are checked in `errors::every_answer_forbids_caching_sniffing_and_referrers`.)
    let docs_policy: std::collections::BTreeSet<String> = DOCS_POLICY
        .iter()
        .map(|directive| (*directive).to_owned())
        .collect();
    for path in ["/docs/", "/docs/swagger-initializer.js"] {
        let answer = app.get(path, None).await;
        assert_eq!(answer.status(), StatusCode::OK, "{path}");
        let headers = answer.headers();
        let policy = header(headers, "content-security-policy", path);
        assert_eq!(directives(policy), docs_policy, "{path}: {policy}");
        assert_eq!(header(headers, "x-content-type-options", path), "nosniff");
        assert_eq!(header(headers, "referrer-policy", path), "no-referrer");
    }
}
