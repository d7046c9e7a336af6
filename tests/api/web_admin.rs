//! The admins' pages (`/logements`, `/admin/utilisateurs`, `/admin/journal`),
//! from the side of whoever tries them: staff and coordinators refused, a
//! form posted without its token, the admin who must never read what a
//! social worker wrote. On SQLite and on PostgreSQL alike.

use reqwest::StatusCode;
use serde_json::json;

use crate::cases::today;
use crate::helpers::{ADMIN_PASSWORD, PASSWORD, TestApp, spawn_app};
use crate::web::{Browser, Page};

const SUMMARY: &str = "Visite : la mère parle de ses dettes de loyer";

/// The initial admin on the pages, her one-time password replaced.
async fn director(app: &TestApp) -> Browser<'_> {
    app.admin_token().await;
    Browser::signed_in(app, "admin@nido.local", ADMIN_PASSWORD).await
}

/// A new user of `role`, signed in on the pages.
async fn member<'a>(app: &'a TestApp, role: &str) -> Browser<'a> {
    let email = format!("{role}-{}@nido.example", uuid::Uuid::new_v4().simple());
    let profession = if role == "coordinator" {
        "coordinator"
    } else {
        "social_worker"
    };
    app.create_user(&email, role, profession).await;
    Browser::signed_in(app, &email, PASSWORD).await
}

fn assert_refused(answer: &Page, path: &str) {
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
    assert!(answer.body.contains("Accès refusé"), "{path}");
}

async fn landlords(app: &TestApp) -> usize {
    let admin = app.admin_token().await;
    let body = app.get_json("/api/v1/landlords", &admin).await;
    body["items"].as_array().expect("items").len()
}

#[tokio::test]
async fn staff_and_coordinators_get_403_on_every_admin_page_and_form() {
    let app = spawn_app().await;
    for role in ["staff", "coordinator"] {
        let mut browser = member(&app, role).await;
        let csrf = browser.get("/").await.csrf();
        for path in ["/logements", "/logements/occupation.csv"] {
            assert_refused(&browser.get(path).await, path);
        }
        for path in [
            "/logements/bailleurs",
            "/logements/demenagements",
            "/admin/utilisateurs",
        ] {
            let answer = browser
                .post(
                    path,
                    &[("csrf", &csrf), ("name", "Valophis"), ("kind", "social")],
                )
                .await;
            assert_refused(&answer, path);
        }
        let home = browser.get("/").await;
        assert!(
            !home.body.contains("href=\"/logements\""),
            "not in the menu"
        );
    }
    assert_eq!(landlords(&app).await, 0, "nothing was added");
}

#[tokio::test]
async fn an_admin_form_posted_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let mut browser = director(&app).await;
    let page = browser.get("/logements").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for csrf in ["", "forged"] {
        let answer = browser
            .post(
                "/logements/bailleurs",
                &[("csrf", csrf), ("name", "Valophis"), ("kind", "social")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert!(answer.body.contains("Formulaire refusé"));
    }
    assert_eq!(landlords(&app).await, 0);
}

#[tokio::test]
async fn a_landlord_a_unit_and_a_lease_added_on_the_page_are_the_apis() {
    let app = spawn_app().await;
    let mut browser = director(&app).await;
    let csrf = browser.get("/logements").await.csrf();
    let answer = browser
        .post(
            "/logements/bailleurs",
            &[
                ("csrf", &csrf),
                ("name", "Valophis Habitat"),
                ("kind", "social"),
                ("contact_name", ""),
                ("phone", "01 02 03 04 05"),
                ("email", ""),
                ("address", ""),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/logements?ok=bailleur");
    let admin = app.admin_token().await;
    let listed = app.get_json("/api/v1/landlords", &admin).await;
    let landlord = listed["items"][0]["id"].as_str().expect("id").to_owned();
    assert_eq!(listed["items"][0]["kind"], "social");

    let unit = [
        ("csrf", csrf.as_str()),
        ("landlord_id", landlord.as_str()),
        ("label", "Alfortville B3"),
        ("street", "12 rue Véron"),
        ("postal_code", "94140"),
        ("city", "Alfortville"),
        ("typology", "t2"),
        ("surface_m2", "41,5"),
        ("capacity", "3"),
    ];
    let answer = browser.post("/logements/appartements", &unit).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let units = app.get_json("/api/v1/units", &admin).await;
    assert_eq!(units["items"][0]["surface_m2"], 41.5);
    let unit_id = units["items"][0]["id"].as_str().expect("id").to_owned();

    let lease = [
        ("csrf", csrf.as_str()),
        ("unit_id", unit_id.as_str()),
        ("starts_on", "2025-01-01"),
        ("ends_on", ""),
        ("monthly_rent", "680,50"),
        ("monthly_charges", "95"),
        ("deposit", "680"),
    ];
    let answer = browser.post("/logements/baux", &lease).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let leases = app
        .get_json(&format!("/api/v1/units/{unit_id}/leases"), &admin)
        .await;
    assert_eq!(leases["items"][0]["monthly_rent_cents"], 68_050);
    assert_eq!(leases["items"][0]["monthly_charges_cents"], 9_500);
    let page = browser.get("/logements?ok=bail").await;
    assert!(page.body.contains("Le bail a été enregistré."));
    assert!(page.body.contains("Alfortville B3"));
    assert!(page.body.contains("Valophis Habitat"));
}

#[tokio::test]
async fn an_overlapping_lease_is_refused_with_the_apis_409_in_french_and_the_input_kept() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let unit = app.leased_unit(&admin, "Alfortville B3", 3).await;
    let mut browser = director(&app).await;
    let csrf = browser.get("/logements").await.csrf();
    let lease = [
        ("csrf", csrf.as_str()),
        ("unit_id", unit.as_str()),
        ("starts_on", "2026-01-01"),
        ("ends_on", ""),
        ("monthly_rent", "700"),
        ("monthly_charges", "80"),
        ("deposit", "700"),
    ];
    let answer = browser.post("/logements/baux", &lease).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(
        answer
            .body
            .contains("Ce bail chevaucherait un autre bail du même logement.")
    );
    assert!(answer.body.contains("value=\"2026-01-01\""), "kept");

    // A refused field: its message beside it, and what was typed kept.
    let mut unit_form = vec![
        ("csrf", csrf.as_str()),
        ("label", "Vitry, T3 du 2e"),
        ("street", "3 avenue Guy Môquet"),
        ("postal_code", "94400"),
        ("city", "Vitry"),
        ("typology", "t3"),
        ("surface_m2", "60"),
        ("capacity", "0"),
    ];
    let landlord = app.landlord(&admin, "Mme Lefort", "private").await;
    unit_form.push(("landlord_id", &landlord));
    let answer = browser.post("/logements/appartements", &unit_form).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = answer.element("logement-capacity-erreur").expect("beside");
    assert_eq!(error, "De 1 à 20 personnes.");
    assert!(answer.body.contains("value=\"Vitry, T3 du 2e\""));
    assert!(answer.body.contains("aria-invalid=\"true\""));
}

#[tokio::test]
async fn a_family_moved_on_the_page_lives_in_its_new_unit_and_no_note_shows() {
    let app = spawn_app().await;
    let scene = crate::interventions::scene(&app).await;
    let body = json!({
        "kind": "home_visit",
        "occurred_at": format!("{}T09:30:00Z", today()),
        "duration_minutes": 60,
        "staff_ids": [scene.author.0],
        "summary": SUMMARY,
        "confidentiality": "team",
    });
    let path = format!("/api/v1/families/{}/interventions", scene.family_id);
    let logged = app.post(&path, Some(&scene.coordinator), &body).await;
    assert_eq!(logged.status(), StatusCode::CREATED);
    let unit = app.leased_unit(&scene.admin, "Alfortville B3", 3).await;

    let mut browser = director(&app).await;
    let page = browser.get("/logements").await;
    assert!(page.body.contains("Diallo"), "who lives where");
    assert!(page.body.contains("Sans logement"));
    let csrf = page.csrf();
    let on = today().to_string();
    let answer = browser
        .post(
            "/logements/demenagements",
            &[
                ("csrf", &csrf),
                ("placement_id", &scene.placement_id),
                ("unit_id", &unit),
                ("on", &on),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let occupancies = app
        .get_json(&format!("/api/v1/units/{unit}/occupancies"), &scene.admin)
        .await;
    assert_eq!(
        occupancies["items"][0]["family_id"],
        scene.family_id.as_str()
    );

    // Moving in again the same day is the API's refusal, in French.
    let again = browser
        .post(
            "/logements/demenagements",
            &[
                ("csrf", &csrf),
                ("placement_id", &scene.placement_id),
                ("unit_id", &unit),
                ("on", &on),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .element("demenagement-on-erreur")
            .is_some_and(|message| message.contains("logement actuel"))
    );

    for path in ["/logements", "/admin/journal", "/admin/utilisateurs", "/"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            !page.body.contains("dettes"),
            "no intervention text on {path}"
        );
    }
}

#[tokio::test]
async fn the_occupancy_csv_is_the_apis_file_with_its_headers() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    app.leased_unit(&admin, "Alfortville B3", 3).await;
    let mut browser = director(&app).await;
    let page = browser.get("/logements?du=2026-01-01&au=2026-01-31").await;
    assert!(
        page.body
            .contains("href=\"/logements/occupation.csv?du=2026-01-01&#38;au=2026-01-31\"")
    );
    let from_page = browser
        .get("/logements/occupation.csv?du=2026-01-01&au=2026-01-31")
        .await;
    let from_api = app
        .get(
            "/api/v1/reports/occupancy?from=2026-01-01&to=2026-01-31&format=csv",
            Some(&admin),
        )
        .await;
    assert_eq!(from_page.status, StatusCode::OK);
    for header in ["content-type", "content-disposition", "cache-control"] {
        assert_eq!(
            from_page.headers.get(header),
            from_api.headers().get(header),
            "{header}"
        );
    }
    assert!(
        from_page.headers["content-disposition"]
            .to_str()
            .expect("ascii")
            .contains("occupation-2026-01-01-2026-01-31.csv")
    );
    assert_eq!(from_page.body, from_api.text().await.expect("body"));
    assert!(from_page.body.contains("Jours-logements sous bail"));
}

#[tokio::test]
async fn an_account_created_on_the_page_must_change_its_password_and_a_stale_edit_is_refused() {
    let app = spawn_app().await;
    let mut browser = director(&app).await;
    let csrf = browser.get("/admin/utilisateurs").await.csrf();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("display_name", "Nadia Benali"),
        ("email", "nadia.benali@nido.example"),
        ("role", "staff"),
        ("profession", "psychologist"),
        ("password", "court"),
    ];
    let refused = browser.post("/admin/utilisateurs", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .element("compte-password-erreur")
            .is_some_and(|message| message.contains("12 à 128 caractères"))
    );
    assert!(refused.body.contains("value=\"Nadia Benali\""), "kept");
    assert!(!refused.body.contains("value=\"court\""), "never sent back");

    fields[5] = ("password", crate::helpers::SET_BY_ADMIN);
    let created = browser.post("/admin/utilisateurs", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let mut nadia = Browser::new(&app);
    let first = nadia
        .try_sign_in("nadia.benali@nido.example", crate::helpers::SET_BY_ADMIN)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(nadia.get("/").await.location(), "/mot-de-passe");

    let admin = app.admin_token().await;
    let users = app.get_json("/api/v1/users", &admin).await;
    let id = users["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|user| user["email"] == "nadia.benali@nido.example")
        .expect("created")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let path = format!("/admin/utilisateurs/{id}");
    let shown = browser.get(&path).await;
    assert_eq!(shown.status, StatusCode::OK);
    let edit = |name: &'static str, active: &'static str| {
        vec![
            ("display_name", name),
            ("email", "nadia.benali@nido.example"),
            ("role", "staff"),
            ("profession", "psychologist"),
            ("active", active),
            ("password", ""),
            ("version", "1"),
        ]
    };
    let mut first_edit = edit("Nadia B.", "oui");
    first_edit.push(("csrf", &csrf));
    let answer = browser.post(&path, &first_edit).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    // The same page, posted again: its version is stale now.
    let mut stale = edit("Nadia Benali-Roux", "non");
    stale.push(("csrf", &csrf));
    let answer = browser.post(&path, &stale).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert!(answer.body.contains("modifiées entre-temps"));
    assert!(answer.body.contains("value=\"Nadia Benali-Roux\""), "kept");
    let user = app.get_json(&format!("/api/v1/users/{id}"), &admin).await;
    assert_eq!(user["display_name"], "Nadia B.");
    assert_eq!(user["active"], true);
}

#[tokio::test]
async fn the_audit_log_page_filters_by_user_and_family_and_pages_with_the_apis_cursor() {
    let app = spawn_app().await;
    let scene = crate::interventions::scene(&app).await;
    let family_page = format!("/api/v1/families/{}", scene.family_id);
    for _ in 0..55 {
        app.get_json(&family_page, &scene.coordinator).await;
    }
    let mut browser = director(&app).await;
    let page = browser
        .get(&format!("/admin/journal?famille={}", scene.family_id))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.body.matches("<code>family.read</code>").count(), 50);
    let marker = "href=\"/admin/journal?famille=";
    let next = page.body[page.body.rfind(marker).expect("a next page") + 6..]
        .split('"')
        .next()
        .expect("href")
        .replace("&#38;", "&");
    assert!(next.contains("suite="), "{next}");
    let older = browser.get(&next).await;
    assert_eq!(older.status, StatusCode::OK);
    assert!(older.body.matches("<code>family.read</code>").count() >= 5);
    assert!(!older.body.contains("rel=\"next\"") || older.body.contains("suite="));

    let refused = browser
        .get("/admin/journal?famille=pas-un-id&du=hier")
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.element("filtre-famille-erreur").is_some());
    assert!(refused.body.contains("value=\"hier\""), "kept");
}

/// The edit form's fields for the initial admin's own account.
fn own_account<'f>(
    me: &'f serde_json::Value,
    email: &'f str,
    password: &'f str,
    version: &'f str,
) -> Vec<(&'static str, &'f str)> {
    vec![
        ("display_name", me["display_name"].as_str().expect("name")),
        ("email", email),
        ("role", "admin"),
        ("profession", me["profession"].as_str().expect("profession")),
        ("active", "oui"),
        ("password", password),
        ("version", version),
    ]
}

#[tokio::test]
async fn a_stolen_admin_page_session_cannot_change_her_own_password_or_email() {
    let app = spawn_app().await;
    let mut browser = director(&app).await;
    let admin = app.admin_token().await;
    let me = app.get_json("/api/v1/me", &admin).await;
    let path = format!("/admin/utilisateurs/{}", me["id"].as_str().expect("id"));
    let csrf = browser.get(&path).await.csrf();
    let version = me["version"].to_string();
    let own_email = me["email"].as_str().expect("email");
    for (email, password) in [
        (own_email, "orage-pivoine-tabouret-93"),
        ("voleuse@nido.example", ""),
    ] {
        let mut fields = own_account(&me, email, password, &version);
        fields.push(("csrf", &csrf));
        let answer = browser.post(&path, &fields).await;
        assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
        assert!(answer.body.contains("/mot-de-passe"), "{}", answer.body);
    }
    let after = app.get_json("/api/v1/me", &admin).await;
    assert_eq!(after["email"], me["email"]);
    assert_eq!(after["version"], me["version"]);
    app.token_for(own_email, ADMIN_PASSWORD).await;
    // The same form without a new password or email goes through.
    let mut fields = own_account(&me, own_email, "", &version);
    fields.push(("csrf", &csrf));
    let answer = browser.post(&path, &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
}

#[tokio::test]
async fn an_edit_without_its_state_changes_nothing_and_one_without_its_version_is_refused() {
    let app = spawn_app().await;
    let mut browser = director(&app).await;
    let admin = app.admin_token().await;
    let user = app
        .create_user("odile.marchand@nido.example", "staff", "psychologist")
        .await;
    let id = user["id"].as_str().expect("id");
    let disabled = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &admin,
            None,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);
    let disabled: serde_json::Value = disabled.json().await.expect("json");
    let version = disabled["version"].to_string();
    let path = format!("/admin/utilisateurs/{id}");
    let csrf = browser.get(&path).await.csrf();
    let fields = |name: &'static str, with_version: bool| {
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("display_name", name),
            ("email", "odile.marchand@nido.example"),
            ("role", "staff"),
            ("profession", "psychologist"),
            ("password", ""),
        ];
        if with_version {
            fields.push(("version", version.as_str()));
        }
        fields
    };

    // No `active` field: the account stays disabled.
    let answer = browser.post(&path, &fields("Odile M.", true)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let after = app.get_json(&format!("/api/v1/users/{id}"), &admin).await;
    assert_eq!(after["display_name"], "Odile M.");
    assert_eq!(
        after["active"], false,
        "a missing state enabled the account"
    );

    // No version: refused in French, nothing changed.
    let answer = browser.post(&path, &fields("Odile Marchand", false)).await;
    assert_eq!(answer.status, StatusCode::PRECONDITION_FAILED);
    assert!(
        answer.body.contains("modifiées entre-temps"),
        "{}",
        answer.body
    );
    let unchanged = app.get_json(&format!("/api/v1/users/{id}"), &admin).await;
    assert_eq!(unchanged["display_name"], "Odile M.");
    assert_eq!(unchanged["version"], after["version"]);
}

#[tokio::test]
async fn the_audit_log_page_shows_a_lists_families_and_its_reading_is_audited() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let mut families = Vec::new();
    for name in ["Aubert", "Benali"] {
        let placement = app
            .placed_family(
                &coordinator,
                name,
                crate::cases::days_ago(300),
                crate::cases::days_ago(100),
            )
            .await;
        families.push(placement["family_id"].as_str().expect("id").to_owned());
    }
    app.get_json("/api/v1/families", &coordinator).await;
    let mut browser = director(&app).await;
    let page = browser
        .get(&format!("/admin/journal?famille={}", families[1]))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("<code>family.list</code>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("2 dossiers"), "{}", page.body);
    // Another admin sees that the log was read, and with which filter.
    let admin = app.login_as("admin").await;
    let reads = app.get_json("/api/v1/audit?limit=200", &admin).await["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|entry| entry["action"] == "audit.read")
        .map(|entry| entry["resource"].as_str().expect("text").to_owned())
        .collect::<Vec<_>>();
    assert!(
        reads.contains(&format!("/audit?family_id={}", families[1])),
        "{reads:?}"
    );
}
