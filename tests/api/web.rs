//! The web pages, from the side of whoever tries them: a signed-out
//! visitor, another site posting a form, a staff member looking for a
//! family that is not hers, a guesser. They run the real server, on SQLite
//! and on PostgreSQL alike.

use std::collections::BTreeMap;

use chrono::{Datelike, TimeZone};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::cases::{days_ago, referral_body, today};
use crate::helpers::{PASSWORD, SET_BY_ADMIN, TestApp, spawn_app, spawn_app_with};

/// An answer, read whole.
pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Page {
    pub(crate) fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }

    /// The `Set-Cookie` line of cookie `name`.
    pub(crate) fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|line| line.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    /// The CSRF token of the page's first form.
    pub(crate) fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("a form with a CSRF token") + marker.len();
        let end = self.body[start..].find('"').expect("end of the token");
        self.body[start..start + end].to_owned()
    }

    /// The text of the element with this id (up to its closing tag).
    pub(crate) fn element(&self, id: &str) -> Option<&str> {
        let start = self.body.find(&format!("id=\"{id}\""))?;
        let open_end = self.body[start..].find('>')? + start + 1;
        let close = self.body[open_end..].find("</")? + open_end;
        Some(&self.body[open_end..close])
    }
}

/// A browser: its own cookies, no automatic redirection.
pub(crate) struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl<'a> Browser<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Self {
        Browser {
            app,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read(&mut self, response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        for line in headers.get_all("set-cookie") {
            let line = line.to_str().expect("ascii");
            let pair = line.split(';').next().expect("a pair");
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || line.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = response.text().await.expect("body");
        Page {
            status,
            headers,
            body,
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(self.app.url(path))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("sent");
        self.read(response).await
    }

    pub(crate) async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(self.app.url(path))
            .header("cookie", self.cookie_header())
            .form(fields)
            .send()
            .await
            .expect("sent");
        self.read(response).await
    }

    /// GETs a download as this browser: the raw answer.
    pub(crate) async fn fetch(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.app.url(path))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("sent")
    }

    /// Posts a multipart form (the fields in order, then the file).
    pub(crate) async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<&[u8]>,
    ) -> Page {
        let (content_type, body) = crate::documents::multipart(fields, file);
        let response = self
            .client
            .post(self.app.url(path))
            .header("cookie", self.cookie_header())
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("sent");
        self.read(response).await
    }

    /// Fills in the sign-in form; the answer to it.
    pub(crate) async fn try_sign_in(&mut self, email: &str, password: &str) -> Page {
        let form = self.get("/connexion").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        let csrf = form.csrf();
        self.post(
            "/connexion",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
    }

    /// A browser signed in as `email`.
    pub(crate) async fn signed_in(app: &'a TestApp, email: &str, password: &str) -> Browser<'a> {
        let mut browser = Browser::new(app);
        let answer = browser.try_sign_in(email, password).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        browser
    }
}

/// The interventions' scene (Inès the referent of the Diallo family, Léa
/// in its team, Karim in no team), and another family, the Secretaire
/// family, that only Karim accompanies.
struct Scene {
    coordinator: String,
    ines: (String, String),
    lea: (String, String),
    outsider: (String, String),
    family_id: String,
    other_family_id: String,
}

async fn scene(app: &TestApp) -> Scene {
    let base = crate::interventions::scene(app).await;
    let other = app
        .placed_family(&base.coordinator, "Secretaire", days_ago(200), days_ago(50))
        .await;
    let other_family_id = other["family_id"].as_str().expect("id").to_owned();
    app.assign(&base.coordinator, &other_family_id, &base.outsider.0, &[])
        .await;
    Scene {
        coordinator: base.coordinator,
        ines: base.author,
        lea: base.present,
        outsider: base.outsider,
        family_id: base.family_id,
        other_family_id,
    }
}

/// The summaries of the family's interventions the token may see.
async fn summaries(app: &TestApp, token: &str, family_id: &str) -> Vec<String> {
    let path = format!("/api/v1/families/{family_id}/interventions");
    crate::interventions::summaries(&app.get_json(&path, token).await)
}

/// The actions of the audit entries of `user_id`, newest first.
async fn audited(app: &TestApp, user_id: &str) -> Vec<String> {
    let admin = app.admin_token().await;
    app.audit_actions_where(&admin, &format!("user_id={user_id}"))
        .await
}

/// The fields of a valid intervention by `me`, with one follow-up action.
fn intervention_fields<'f>(
    csrf: &'f str,
    me: &'f str,
    summary: &'f str,
    due: &'f str,
) -> Vec<(&'static str, &'f str)> {
    vec![
        ("csrf", csrf),
        ("kind", "home_visit"),
        ("occurred_time", "09:30"),
        ("duration_minutes", "45"),
        ("staff_ids", me),
        ("summary", summary),
        ("confidentiality", "team"),
        ("action_description_0", "Relancer la CAF pour l'APL"),
        ("action_due_on_0", due),
        ("action_assignee_0", me),
        ("action_description_1", ""),
        ("action_due_on_1", ""),
        ("action_assignee_1", me),
    ]
}

#[tokio::test]
async fn signing_in_sets_a_cookie_that_scripts_and_other_sites_cannot_use() {
    let app = spawn_app().await;
    let ines = app.staff_member("ines").await;
    let mut browser = Browser::new(&app);
    let form = browser.get("/connexion").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<html lang=\"fr\">"));
    let sign_in_cookie = form.set_cookie("nido_connexion").expect("a sign-in token");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(sign_in_cookie.contains(flag), "{sign_in_cookie}");
    }

    let csrf = form.csrf();
    let answer = browser
        .post(
            "/connexion",
            &[
                ("csrf", &csrf),
                ("email", "ines@nido.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/");
    let session = answer.set_cookie("nido_session").expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(session.contains(flag), "{session}");
    }
    assert!(!session.contains("Secure"), "not asked for: {session}");
    assert!(!session.contains("Max-Age"), "{session}");
    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Bonjour"), "{}", home.body);
    assert_eq!(home.headers["cache-control"], "no-store");
    assert!(home.headers.contains_key("content-security-policy"));
    assert!(
        audited(&app, &ines.0)
            .await
            .contains(&"auth.login".to_owned())
    );

    // The cookie's token is a session of the API's table: it works as a
    // bearer token too, with the same timeouts.
    let token = session
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, token)| token.to_owned())
        .expect("token");
    let me = app.get_json("/api/v1/me", &token).await;
    assert_eq!(me["id"], ines.0.as_str());

    // Configured so, the cookie is sent over HTTPS only.
    let secure = spawn_app_with(|settings| settings.web.secure_cookies = true).await;
    secure.staff_member("ines").await;
    let mut browser = Browser::new(&secure);
    let answer = browser.try_sign_in("ines@nido.example", PASSWORD).await;
    let session = answer.set_cookie("nido_session").expect("a session cookie");
    assert!(session.contains("; Secure"), "{session}");
}

#[tokio::test]
async fn a_signed_out_visitor_is_sent_to_sign_in_and_learns_nothing() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut visitor = Browser::new(&app);
    let home = visitor.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/connexion");
    let family = visitor.get(&format!("/familles/{}", scene.family_id)).await;
    assert_eq!(family.status, StatusCode::SEE_OTHER);
    assert_eq!(
        family.location(),
        format!("/connexion?suite=%2Ffamilles%2F{}", scene.family_id)
    );
    assert!(!family.body.contains("Diallo"));
    // An address that does not exist is not told apart from one that does.
    let nowhere = visitor.get("/nulle-part").await;
    assert_eq!(nowhere.status, StatusCode::SEE_OTHER);
    assert_eq!(nowhere.location(), "/connexion?suite=%2Fnulle-part");
    // The API keeps answering problems.
    let api = app.get("/api/v1/nowhere", None).await;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.headers()["content-type"], "application/problem+json");

    // Signed in, she lands where she was going (and only on this site).
    let mut ines = Browser::new(&app);
    let form = ines
        .get(&format!(
            "/connexion?suite=%2Ffamilles%2F{}",
            scene.family_id
        ))
        .await;
    let csrf = form.csrf();
    let suite = format!("/familles/{}", scene.family_id);
    let answer = ines
        .post(
            "/connexion",
            &[
                ("csrf", &csrf),
                ("email", "ines@nido.example"),
                ("password", PASSWORD),
                ("suite", &suite),
            ],
        )
        .await;
    assert_eq!(answer.location(), suite);
    let mut other = Browser::new(&app);
    let form = other.get("/connexion").await;
    let csrf = form.csrf();
    let answer = other
        .post(
            "/connexion",
            &[
                ("csrf", &csrf),
                ("email", "lea@nido.example"),
                ("password", PASSWORD),
                ("suite", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(answer.location(), "/");
}

#[tokio::test]
async fn a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let mut lea = Browser::signed_in(&app, "lea@nido.example", PASSWORD).await;
    let page = ines.get(&format!("/familles/{}", scene.family_id)).await;
    let own = page.csrf();
    let leas = lea
        .get(&format!("/familles/{}", scene.family_id))
        .await
        .csrf();
    assert_ne!(own, leas, "each session has its own token");
    let path = format!("/familles/{}/interventions", scene.family_id);
    let due = today().to_string();
    for forged in ["", "forged", leas.as_str()] {
        let mut fields = intervention_fields(forged, &scene.ines.0, "Forgée", &due);
        if forged.is_empty() {
            fields.remove(0);
        }
        let answer = ines.post(&path, &fields).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "token {forged:?}");
        assert!(answer.body.contains("Formulaire refusé"), "{}", answer.body);
        assert!(answer.body.contains("lang=\"fr\""));
    }
    assert!(
        summaries(&app, &scene.ines.1, &scene.family_id)
            .await
            .is_empty()
    );

    // Signing out and signing in need their tokens too.
    let answer = ines.post("/deconnexion", &[]).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        ines.get("/").await.status,
        StatusCode::OK,
        "still signed in"
    );
    let mut visitor = Browser::new(&app);
    visitor.get("/connexion").await;
    let answer = visitor
        .post(
            "/connexion",
            &[("email", "ines@nido.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.set_cookie("nido_session").is_none());
}

#[tokio::test]
async fn a_staff_member_never_sees_a_family_she_does_not_accompany() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;

    let hidden = ines
        .get(&format!("/familles/{}", scene.other_family_id))
        .await;
    let missing = ines
        .get(&format!("/familles/{}", uuid::Uuid::now_v7()))
        .await;
    let garbage = ines.get("/familles/pas-un-identifiant").await;
    for answer in [&hidden, &missing, &garbage] {
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert!(answer.body.contains("Page introuvable"));
        assert!(!answer.body.contains("Secretaire"));
    }
    assert_eq!(hidden.body, missing.body, "hidden reads as missing");

    for path in [
        "/",
        "/familles",
        "/familles?q=secr",
        "/familles?q=Secretaire",
    ] {
        let page = ines.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("Awa Secretaire"), "{path}");
        assert!(
            !page.body.contains(&scene.other_family_id),
            "{path} links to it"
        );
    }
    let searched = ines.get("/familles?q=Secretaire").await;
    assert!(searched.body.contains("Aucune famille ne porte ce nom"));
    let own = ines.get("/familles?q=DIAL").await;
    assert!(own.body.contains("Awa Diallo"), "{}", own.body);
    assert!(ines.get("/").await.body.contains("Awa Diallo"));

    // Nor can she write to it.
    let page = ines.get(&format!("/familles/{}", scene.family_id)).await;
    let csrf = page.csrf();
    let due = today().to_string();
    let answer = ines
        .post(
            &format!("/familles/{}/interventions", scene.other_family_id),
            &intervention_fields(&csrf, &scene.ines.0, "Intruse", &due),
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(
        summaries(&app, &scene.coordinator, &scene.other_family_id)
            .await
            .is_empty()
    );
    // Each refusal is in the audit log, as the API's are.
    let audit = audited(&app, &scene.ines.0).await;
    assert!(
        audit
            .iter()
            .filter(|action| *action == "family.access_denied")
            .count()
            >= 2,
        "{audit:?}"
    );

    // The outsider sees her own, the coordinator every one.
    let mut karim = Browser::signed_in(&app, "karim@nido.example", PASSWORD).await;
    assert!(karim.get("/familles").await.body.contains("Secretaire"));
    assert_eq!(
        karim
            .get(&format!("/familles/{}", scene.family_id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_page_a_role_may_not_use_answers_403_in_french() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    // The initial admin, her one-time password replaced.
    app.admin_token().await;
    let mut director =
        Browser::signed_in(&app, "admin@nido.local", crate::helpers::ADMIN_PASSWORD).await;
    for path in [
        "/familles".to_owned(),
        format!("/familles/{}", scene.family_id),
    ] {
        let answer = director.get(&path).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert!(answer.body.contains("Accès refusé"));
        assert!(!answer.body.contains("Diallo"));
    }
    let home = director.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.body.contains("Diallo"), "no case data for admins");
    assert!(!home.body.contains("href=\"/familles\""), "not in her menu");
}

#[tokio::test]
async fn a_restricted_note_appears_only_to_its_author_and_those_present() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let response = app
        .post(
            &format!("/api/v1/families/{}/interventions", scene.family_id),
            Some(&scene.lea.1),
            &json!({
                "kind": "interview", "occurred_at": format!("{}T10:00:00Z", days_ago(1)),
                "duration_minutes": 50, "staff_ids": [scene.lea.0],
                "summary": "NOTE-RESTREINTE-psy", "confidentiality": "restricted",
                "actions": [{"description": "ACTION-RESTREINTE", "due_on": days_ago(3),
                             "assignee_id": scene.lea.0}],
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let path = format!("/familles/{}", scene.family_id);

    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    for page in [ines.get(&path).await, ines.get("/").await] {
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("NOTE-RESTREINTE"), "{}", page.body);
        assert!(!page.body.contains("ACTION-RESTREINTE"));
    }
    let mut lea = Browser::signed_in(&app, "lea@nido.example", PASSWORD).await;
    let page = lea.get(&path).await;
    assert!(page.body.contains("NOTE-RESTREINTE-psy"));
    assert!(page.body.contains("Restreinte"));
    let home = lea.get("/").await;
    assert!(home.body.contains("ACTION-RESTREINTE"), "her own action");
    assert!(home.body.contains("En retard"), "overdue, and said so");
}

#[tokio::test]
async fn a_password_someone_else_set_must_be_replaced_before_any_page_opens() {
    let app = spawn_app().await;
    app.add_user("nour@nido.example", "staff", "social_worker")
        .await;
    let mut nour = Browser::signed_in(&app, "nour@nido.example", SET_BY_ADMIN).await;
    for path in ["/", "/familles", "/nulle-part"] {
        let answer = nour.get(path).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(answer.location(), "/mot-de-passe", "{path}");
    }
    let form = nour.get("/mot-de-passe").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("défini par quelqu'un d'autre"));
    let csrf = form.csrf();
    let change = |current: &'static str, new: &'static str, again: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("current_password", current.to_owned()),
            ("new_password", new.to_owned()),
            ("new_password_again", again.to_owned()),
        ]
    };
    let cases = [
        (
            change(
                "pas-le-bon-mot-de-passe",
                "cerf-volant-ardoise-91",
                "cerf-volant-ardoise-91",
            ),
            "current_password-erreur",
            "pas votre mot de passe actuel.",
        ),
        (
            change(
                SET_BY_ADMIN,
                "cerf-volant-ardoise-91",
                "cerf-volant-ardoise-19",
            ),
            "new_password_again-erreur",
            "diffèrent",
        ),
        (
            change(SET_BY_ADMIN, "motdepasse12", "motdepasse12"),
            "new_password-erreur",
            "trop facile à deviner",
        ),
    ];
    for (fields, id, message) in cases {
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = nour.post("/mot-de-passe", &borrowed).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{id}");
        let shown = answer.element(id).unwrap_or_default();
        assert!(shown.contains(message), "{id}: {shown}");
        assert!(
            !answer.body.contains("cerf-volant"),
            "passwords are never echoed"
        );
    }
    let fields = change(
        SET_BY_ADMIN,
        "cerf-volant-ardoise-91",
        "cerf-volant-ardoise-91",
    );
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = nour.post("/mot-de-passe", &borrowed).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/?ok=mot-de-passe");
    let home = nour.get("/?ok=mot-de-passe").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Votre mot de passe a été changé."));
    assert_eq!(
        app.login("nour@nido.example", SET_BY_ADMIN).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.token_for("nour@nido.example", "cerf-volant-ardoise-91")
        .await;
}

#[tokio::test]
async fn repeated_wrong_passwords_are_throttled_with_the_wait_in_french() {
    let app = spawn_app().await;
    let ines = app.staff_member("ines").await;
    let mut guesser = Browser::new(&app);
    let wrong = guesser
        .try_sign_in("ines@nido.example", "pas-le-bon-mot-de-passe")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .body
            .contains("Adresse électronique ou mot de passe incorrect")
    );
    assert!(wrong.body.contains("value=\"ines@nido.example\""), "kept");
    assert!(!wrong.body.contains("pas-le-bon"), "never echoed");
    // An unknown email reads exactly like a wrong password.
    let unknown = guesser
        .try_sign_in("personne@nido.example", "pas-le-bon-mot-de-passe")
        .await;
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(
        unknown
            .body
            .replace("personne@nido.example", "ines@nido.example"),
        wrong.body
    );
    for _ in 0..4 {
        guesser
            .try_sign_in("ines@nido.example", "pas-le-bon-mot-de-passe")
            .await;
    }
    let throttled = guesser.try_sign_in("ines@nido.example", PASSWORD).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        throttled.body.contains("Trop de tentatives"),
        "{}",
        throttled.body
    );
    assert!(throttled.body.contains("15 minutes"), "{}", throttled.body);
    assert!(throttled.headers.contains_key("retry-after"));
    assert!(throttled.set_cookie("nido_session").is_none());
    let audit = audited(&app, &ines.0).await;
    assert!(audit.contains(&"auth.login_failed".to_owned()), "{audit:?}");
    assert!(
        audit.contains(&"auth.login_throttled".to_owned()),
        "{audit:?}"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    let app = spawn_app().await;
    let ines = app.staff_member("ines").await;
    let mut browser = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let stolen = browser.cookies.clone();
    let home = browser.get("/").await;
    let csrf = home.csrf();
    let answer = browser.post("/deconnexion", &[("csrf", &csrf)]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/connexion?fin=1");
    let cleared = answer.set_cookie("nido_session").expect("cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let farewell = browser.get("/connexion?fin=1").await;
    assert!(farewell.body.contains("Vous êtes déconnecté"));

    // The cookie kept by someone else no longer opens anything.
    let mut replay = Browser::new(&app);
    replay.cookies = stolen;
    let answer = replay.get("/").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.location(), "/connexion");
    assert!(
        answer
            .set_cookie("nido_session")
            .is_some_and(|line| line.contains("Max-Age=0")),
        "the dead cookie is cleared"
    );
    assert!(
        audited(&app, &ines.0)
            .await
            .contains(&"auth.logout".to_owned())
    );
}

#[tokio::test]
async fn an_intervention_logged_on_the_page_is_on_the_timeline_with_its_action() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let path = format!("/familles/{}", scene.family_id);
    let page = ines.get(&path).await;
    assert!(page.body.contains("Nouvelle intervention"));
    let csrf = page.csrf();
    let due = (today() + chrono::Days::new(7)).to_string();
    let on = days_ago(1).to_string();
    let mut fields =
        intervention_fields(&csrf, &scene.ines.0, "Visite : point sur le budget", &due);
    fields.push(("occurred_on", &on));
    fields.push(("staff_ids", &scene.lea.0));
    let answer = ines.post(&format!("{path}/interventions"), &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), format!("{path}?ok=intervention#journal"));
    let page = ines.get(&format!("{path}?ok=intervention")).await;
    assert!(page.body.contains("Intervention enregistrée."));
    let journal = &page.body[page.body.find("id=\"journal\"").expect("journal")..];
    assert!(journal.contains("Visite : point sur le budget"));
    assert!(journal.contains("Relancer la CAF pour l&#39;APL"));
    assert!(journal.contains("Visite à domicile"));

    // The same use case as the API's: the API sees it, with both present.
    let timeline = app
        .get_json(
            &format!("/api/v1/families/{}/timeline", scene.family_id),
            &scene.lea.1,
        )
        .await;
    let logged: Vec<&Value> = timeline["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|event| event["kind"] == "intervention")
        .collect();
    assert_eq!(logged.len(), 1);
    let intervention = &logged[0]["intervention"];
    assert_eq!(intervention["summary"], "Visite : point sur le budget");
    assert_eq!(intervention["duration_minutes"], 45);
    assert_eq!(
        intervention["occurred_at"],
        chrono_tz::Europe::Paris
            .from_local_datetime(&days_ago(1).and_hms_opt(9, 30, 0).expect("time"))
            .earliest()
            .expect("instant")
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    assert_eq!(intervention["staff_ids"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        intervention["actions"].as_array().map(Vec::len),
        Some(1),
        "the empty row is ignored"
    );

    // Her new action is on her home page.
    let home = ines.get("/").await;
    assert!(home.body.contains("Relancer la CAF pour l&#39;APL"));
}

#[tokio::test]
async fn a_refused_intervention_comes_back_in_french_next_to_its_fields_with_the_input_kept() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let path = format!("/familles/{}", scene.family_id);
    let csrf = ines.get(&path).await.csrf();
    let due = today().to_string();
    let on = today().to_string();

    // A rule of the request itself: the duration.
    let mut fields = intervention_fields(&csrf, &scene.ines.0, "Texte gardé <b>tel quel</b>", &due);
    fields.push(("occurred_on", &on));
    fields.retain(|(name, _)| *name != "duration_minutes");
    fields.push(("duration_minutes", "0"));
    let answer = ines.post(&format!("{path}/interventions"), &fields).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer.element("duration_minutes-erreur"),
        Some("Entre 1 et 1440 minutes.")
    );
    assert!(
        answer
            .body
            .contains("aria-describedby=\"duration_minutes-erreur\"")
    );
    assert!(
        answer
            .body
            .contains("name=\"duration_minutes\" value=\"0\"")
    );
    assert!(
        answer
            .element("summary")
            .is_some_and(|kept| kept.contains("Texte gardé &#60;b&#62;tel quel")),
        "{:?}",
        answer.element("summary")
    );
    assert!(
        answer
            .body
            .contains("value=\"Relancer la CAF pour l&#39;APL\"")
    );
    assert!(
        answer
            .body
            .contains("L'intervention n'a pas été enregistrée")
    );

    // A rule of the use case: an action for someone off the family's team.
    let mut fields = intervention_fields(&csrf, &scene.ines.0, "Avec une action mal confiée", &due);
    fields.push(("occurred_on", &on));
    fields.retain(|(name, _)| *name != "action_assignee_0");
    fields.push(("action_assignee_0", &scene.outsider.0));
    let answer = ines.post(&format!("{path}/interventions"), &fields).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let shown = answer
        .element("action_assignee_0-erreur")
        .unwrap_or_default();
    assert!(shown.contains("équipe de la famille"), "{shown}");
    assert!(answer.body.contains("Avec une action mal confiée"));

    // Fields that do not even parse.
    let answer = ines
        .post(
            &format!("{path}/interventions"),
            &[
                ("csrf", &csrf),
                ("kind", "sortilege"),
                ("occurred_on", "hier"),
                ("summary", "x"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in [
        "kind-erreur",
        "occurred_on-erreur",
        "duration_minutes-erreur",
        "confidentiality-erreur",
    ] {
        assert!(answer.element(id).is_some(), "{id}");
    }
    assert!(answer.body.contains("value=\"hier\""), "kept as typed");

    assert!(
        summaries(&app, &scene.ines.1, &scene.family_id)
            .await
            .is_empty(),
        "nothing was recorded"
    );
}

#[tokio::test]
async fn a_birth_is_recorded_from_the_family_page() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let ines = app.staff_member("ines").await;
    let expected = today() + chrono::Days::new(20);
    let referral = app
        .refer_with(
            &coordinator,
            &referral_body(
                "Keita",
                days_ago(30),
                json!([{"first_name": "Bébé", "expected_birth_date": expected}]),
            ),
        )
        .await;
    let placement = app.admit(&coordinator, &referral, days_ago(10)).await;
    let family_id = placement["family_id"].as_str().expect("id").to_owned();
    app.assign(&coordinator, &family_id, &ines.0, &[]).await;
    let family = app
        .get_json(&format!("/api/v1/families/{family_id}"), &coordinator)
        .await;
    let child_id = family["children"][0]["id"].as_str().expect("id").to_owned();

    let mut browser = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let path = format!("/familles/{family_id}");
    let page = browser.get(&path).await;
    assert!(page.body.contains("Enregistrer la naissance"));
    assert!(page.body.contains("naissance prévue"));
    let csrf = page.csrf();
    let action = format!("{path}/enfants/{child_id}/naissance");
    let field = format!("birth_date_{child_id}-erreur");

    // Not in the future; kept as typed, said in French beside the field.
    let tomorrow = (today() + chrono::Days::new(1)).to_string();
    let answer = browser
        .post(
            &action,
            &[("csrf", &csrf), ("version", "1"), ("birth_date", &tomorrow)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer
            .element(&field)
            .is_some_and(|m| m.contains("postérieure à aujourd")),
        "{:?}",
        answer.element(&field)
    );
    assert!(answer.body.contains(&format!("value=\"{tomorrow}\"")));

    // A version that is no longer the one shown: 412, and said so.
    let born = days_ago(2).to_string();
    let answer = browser
        .post(
            &action,
            &[("csrf", &csrf), ("version", "0"), ("birth_date", &born)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert!(
        answer
            .element(&field)
            .is_some_and(|m| m.contains("modifiées entre-temps"))
    );

    let answer = browser
        .post(
            &action,
            &[("csrf", &csrf), ("version", "1"), ("birth_date", &born)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let page = browser.get(&format!("{path}?ok=naissance")).await;
    assert!(page.body.contains("Naissance enregistrée."));
    assert!(
        page.body.contains("Bébé, moins d&#39;un mois"),
        "{}",
        page.body
    );
    let family = app
        .get_json(&format!("/api/v1/families/{family_id}"), &coordinator)
        .await;
    assert_eq!(family["children"][0]["birth_date"], born.as_str());
}

#[tokio::test]
async fn the_style_sheet_and_script_are_served_by_nido_and_cached() {
    let app = spawn_app().await;
    app.staff_member("ines").await;
    let mut browser = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let home = browser.get("/").await;
    for (asset, kind) in [
        ("/static/nido.css?v=", "text/css"),
        ("/static/nido.js?v=", "text/javascript"),
    ] {
        let start = home.body.find(asset).expect("linked with its version");
        let end = home.body[start..].find('"').expect("end") + start;
        let answer = browser.get(&home.body[start..end]).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(
            answer.headers["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with(kind)
        );
        assert_eq!(
            answer.headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
    }
    assert!(!home.body.contains("https://"), "nothing from elsewhere");
}

#[tokio::test]
async fn a_document_is_added_from_the_family_page_and_downloaded_from_it() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let ines = app.staff_member("ines").await;
    let placement = app
        .placed_family(&coordinator, "Papiers", days_ago(300), days_ago(10))
        .await;
    let family_id = placement["family_id"].as_str().expect("id").to_owned();
    app.assign(&coordinator, &family_id, &ines.0, &[]).await;

    let mut browser = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let path = format!("/familles/{family_id}");
    let page = browser.get(&path).await;
    assert!(page.body.contains("Aucun document dans le dossier."));
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let csrf = page.csrf();
    let action = format!("{path}/documents");

    // Without the form's token: refused before the file is read.
    let forged = browser
        .post_multipart(
            &action,
            &[("kind", "caf"), ("title", "Faux")],
            Some(&crate::documents::pdf("FAUX")),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // A token field of any length is read no further than a token's.
    let endless = "A".repeat(64 * 1024);
    let forged = browser
        .post_multipart(
            &action,
            &[("csrf", &endless), ("kind", "caf")],
            Some(b"%PDF-"),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Not a PDF nor a photo: said in French beside the file, what was typed kept.
    let refused = browser
        .post_multipart(
            &action,
            &[
                ("csrf", &csrf),
                ("kind", "income"),
                ("title", "Fiche de paie"),
                ("confidentiality", "team"),
            ],
            Some(b"<html>pas un document</html>"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        refused
            .element("document_file-erreur")
            .is_some_and(|m| m.contains("ni un PDF ni une photo")),
        "{:?}",
        refused.element("document_file-erreur")
    );
    assert!(refused.body.contains("value=\"Fiche de paie\""));
    assert!(app.documents.store.keys().await.expect("keys").is_empty());

    let scan = crate::documents::pdf("ATTESTATION-FICTIVE");
    let added = browser
        .post_multipart(
            &action,
            &[
                ("csrf", &csrf),
                ("kind", "caf"),
                ("title", "Attestation CAF"),
                ("confidentiality", "team"),
            ],
            Some(&scan),
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = browser.get(&format!("{path}?ok=document")).await;
    assert!(page.body.contains("Document ajouté au dossier."));
    let marker = "<a href=\"/documents/";
    let at = page.body.find(marker).expect("a download link");
    let href: String = page.body[at + "<a href=\"".len()..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    assert!(page.body.contains("Attestation CAF</a>"));
    assert!(page.body.contains("CAF · ajouté le"));
    let response = browser.fetch(&href).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("attachment;")
    );
    assert_eq!(response.bytes().await.expect("body").as_ref(), &scan[..]);

    // The contract of stay, printed from the same page.
    let placement_id = placement["id"].as_str().expect("id");
    let link = format!("/prises-en-charge/{placement_id}/contrat.pdf");
    assert!(page.body.contains(&link), "the page offers the contract");
    let response = browser.fetch(&link).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.bytes().await.expect("body").starts_with(b"%PDF-"));
}

#[tokio::test]
async fn the_reports_page_prints_the_activity_report_for_coordinators_and_admins_only() {
    let app = spawn_app().await;
    app.login_as("coordinator").await;
    let coordinator = app
        .create_user("rapports@nido.example", "coordinator", "coordinator")
        .await;
    assert!(coordinator["id"].is_string());
    let mut browser = Browser::signed_in(&app, "rapports@nido.example", PASSWORD).await;
    let page = browser.get("/rapports").await;
    assert_eq!(page.status, StatusCode::OK);
    let year = today().year();
    let link = format!("/rapports/activite.pdf?annee={year}");
    assert!(page.body.contains(&link), "{}", page.body);
    let response = browser.fetch(&link).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.bytes().await.expect("body").starts_with(b"%PDF-"));

    app.staff_member("equipe").await;
    let mut staff = Browser::signed_in(&app, "equipe@nido.example", PASSWORD).await;
    assert_eq!(staff.get("/rapports").await.status, StatusCode::FORBIDDEN);
    assert_eq!(staff.fetch(&link).await.status(), StatusCode::FORBIDDEN);
}
