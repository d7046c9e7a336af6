//! The coordinators' pages (waiting list, due dates, a placement's renewal,
//! exit and assignment) and the crèche's, from the side of whoever tries
//! them: a staff member where only coordinators go, a form posted without
//! its CSRF token, a staff member looking for another family's name. On
//! SQLite and PostgreSQL alike.

use reqwest::StatusCode;
use serde_json::Value;

use crate::cases::{days_ago, today};
use crate::helpers::{PASSWORD, TestApp, spawn_app};
use crate::web::Browser;

/// Clara coordinates; Inès accompanies the Diallo family, Karim the
/// Secretaire family.
struct Scene {
    coordinator: String,
    family_id: String,
    placement_id: String,
    other_family_id: String,
    ines_id: String,
    karim_id: String,
}

async fn scene(app: &TestApp) -> Scene {
    app.create_user("clara@nido.example", "coordinator", "coordinator")
        .await;
    let coordinator = app.token_for("clara@nido.example", PASSWORD).await;
    let ines = app.staff_member("ines").await;
    let karim = app.staff_member("karim").await;
    let placement = app
        .placed_family(&coordinator, "Diallo", days_ago(300), days_ago(170))
        .await;
    let family_id = placement["family_id"].as_str().expect("id").to_owned();
    app.assign(&coordinator, &family_id, &ines.0, &[]).await;
    let other = app
        .placed_family(&coordinator, "Secretaire", days_ago(200), days_ago(160))
        .await;
    let other_family_id = other["family_id"].as_str().expect("id").to_owned();
    app.assign(&coordinator, &other_family_id, &karim.0, &[])
        .await;
    Scene {
        coordinator,
        family_id,
        placement_id: placement["id"].as_str().expect("id").to_owned(),
        other_family_id,
        ines_id: ines.0,
        karim_id: karim.0,
    }
}

async fn pending(app: &TestApp, coordinator: &str) -> Vec<Value> {
    app.get_json("/api/v1/referrals?status=pending", coordinator)
        .await["items"]
        .as_array()
        .expect("items")
        .clone()
}

/// The fields of a valid new referral.
fn referral_fields<'f>(
    csrf: &'f str,
    last_name: &'f str,
    referred_on: &'f str,
) -> Vec<(&'static str, &'f str)> {
    vec![
        ("csrf", csrf),
        ("mother_first_name", "Mariam"),
        ("mother_last_name", last_name),
        ("mother_birth_date", "2003-04-02"),
        ("mother_phone", ""),
        ("mother_email", ""),
        ("child_first_name_0", "Nour"),
        ("child_last_name_0", ""),
        ("child_birth_date_0", ""),
        ("child_expected_birth_date_0", "2030-01-15"),
        ("source", "ase"),
        ("eds", "Ivry-sur-Seine"),
        ("referred_on", referred_on),
        ("referrer_name", "Claire Fontaine"),
        ("referrer_contact", "eds.ivry@example.org"),
        ("reason", "distress"),
        ("reason_details", ""),
    ]
}

#[tokio::test]
async fn a_staff_member_may_not_open_the_waiting_list() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let home = ines.get("/").await;
    assert!(!home.body.contains("/liste-attente"), "not in her menu");
    let page = ines.get("/liste-attente").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("Accès refusé"), "{}", page.body);
    assert!(!page.body.contains("Secretaire"));
    let csrf = home.csrf();
    let today = today().to_string();
    let posted = ines
        .post("/liste-attente", &referral_fields(&csrf, "Intruse", &today))
        .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    assert!(pending(&app, &scene.coordinator).await.is_empty());
}

#[tokio::test]
async fn a_referral_posted_without_its_csrf_token_changes_nothing() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut clara = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let today = today().to_string();
    let mut fields = referral_fields("", "Sans-Jeton", &today);
    fields.remove(0);
    let posted = clara.post("/liste-attente", &fields).await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    assert!(posted.body.contains("Formulaire refusé"));
    assert!(pending(&app, &scene.coordinator).await.is_empty());
}

#[tokio::test]
async fn a_referral_goes_on_the_waiting_list_then_the_family_is_admitted() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut clara = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let page = clara.get("/liste-attente").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Aucune orientation n'attend"));
    let csrf = page.csrf();
    let referred_on = days_ago(3).to_string();
    let posted = clara
        .post(
            "/liste-attente",
            &referral_fields(&csrf, "Kone", &referred_on),
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    assert_eq!(posted.location(), "/liste-attente?ok=orientation");
    let list = clara.get("/liste-attente?ok=orientation").await;
    assert!(list.body.contains("Mariam Kone"), "{}", list.body);
    assert!(list.body.contains("naissance prévue le"));
    let referral = pending(&app, &scene.coordinator).await.remove(0);
    let referral_id = referral["id"].as_str().expect("id");

    let admitted = clara
        .post(
            &format!("/liste-attente/{referral_id}/admission"),
            &[
                ("csrf", csrf.as_str()),
                ("admitted_on", &today().to_string()),
                ("referent_id", &scene.ines_id),
                ("unit_id", ""),
            ],
        )
        .await;
    assert_eq!(admitted.status, StatusCode::SEE_OTHER, "{}", admitted.body);
    let family_id = referral["family_id"].as_str().expect("id");
    assert_eq!(
        admitted.location(),
        format!("/familles/{family_id}?ok=admission")
    );
    let family = clara.get(admitted.location()).await;
    assert!(family.body.contains("Admission enregistrée"));
    assert!(pending(&app, &scene.coordinator).await.is_empty());
}

#[tokio::test]
async fn a_refused_referral_shows_its_errors_beside_their_fields_and_keeps_the_input() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut clara = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let csrf = clara.get("/liste-attente").await.csrf();
    let tomorrow = (today() + chrono::Days::new(1)).to_string();
    let mut fields = referral_fields(&csrf, "Kone", &tomorrow);
    fields.retain(|(name, _)| *name != "eds");
    fields.push(("eds", "   "));
    let refused = clara.post("/liste-attente", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .element("referred_on-erreur")
            .expect("beside the date")
            .contains("postérieure"),
        "{}",
        refused.body
    );
    assert!(refused.element("eds-erreur").is_some(), "{}", refused.body);
    assert!(refused.body.contains("value=\"Kone\""), "the input is kept");
    assert!(refused.body.contains("value=\"Claire Fontaine\""));
    assert!(pending(&app, &scene.coordinator).await.is_empty());

    // A closing needs its reason; with it, the referral leaves the list.
    let referral = app.refer(&scene.coordinator, "Traore", days_ago(400)).await;
    let id = referral["id"].as_str().expect("id");
    let key = id.replace('-', "");
    let path = format!("/liste-attente/{id}/cloture");
    let blank = clara
        .post(
            &path,
            &[("csrf", &csrf), ("outcome", "decline"), ("reason", " ")],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        blank.element(&format!("reason-{key}-erreur")).is_some(),
        "{}",
        blank.body
    );
    let declined = clara
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("outcome", "decline"),
                ("reason", "Plus de place"),
            ],
        )
        .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER, "{}", declined.body);
    assert!(pending(&app, &scene.coordinator).await.is_empty());
}

#[tokio::test]
async fn a_staff_member_sees_only_her_families_due_dates() {
    let app = spawn_app().await;
    let _scene = scene(&app).await;
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let mine = ines.get("/echeances").await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert!(mine.body.contains("Diallo"), "{}", mine.body);
    assert!(mine.body.contains("Rapport de renouvellement"));
    assert!(!mine.body.contains("Secretaire"), "never another family");
    let mut clara = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let all = clara.get("/echeances?jours=90").await;
    assert!(all.body.contains("Diallo") && all.body.contains("Secretaire"));
    let overdue = all.body.find("En retard").expect("overdue first");
    let coming = all.body.find("À venir").expect("then to come");
    assert!(overdue < coming);
}

/// More due dates than a page holds: the page says how many the whole
/// window holds ("En retard (N)") and links to the next page, which holds
/// the rest; a page address nido did not give is refused, not a failure.
#[tokio::test]
async fn the_due_dates_page_shows_the_windows_counts_and_links_to_the_next_page() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    for n in 0..10 {
        app.placed_family(
            &scene.coordinator,
            &format!("Famille{n}"),
            days_ago(300),
            days_ago(20 + n),
        )
        .await;
    }
    let api = app
        .get_json(
            "/api/v1/due-dates?within_days=365&limit=200",
            &scene.coordinator,
        )
        .await;
    let total = api["items"].as_array().expect("items").len();
    assert!(total > 50, "{total}");
    let mut clara = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let first = clara.get("/echeances?jours=365").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    for (heading, count) in [("En retard", "overdue"), ("À venir", "upcoming")] {
        let shown = format!("{heading} ({})", api["counts"][count]);
        assert!(first.body.contains(&shown), "{shown}: {}", first.body);
    }
    let link = first
        .body
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.contains("suite="))
        .expect("a link to the next page")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let next = clara.get(&link).await;
    assert_eq!(next.status, StatusCode::OK, "{}", next.body);
    let rows = |body: &str| body.matches("<li class=\"item").count();
    assert_eq!(rows(&first.body) + rows(&next.body), total);
    assert!(!next.body.contains("suite="), "the last page");
    let forged = clara.get("/echeances?jours=365&suite=bm90IGpzb24").await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
}

async fn periods(app: &TestApp, coordinator: &str, placement_id: &str) -> usize {
    app.get_json(&format!("/api/v1/placements/{placement_id}"), coordinator)
        .await["periods"]
        .as_array()
        .expect("periods")
        .len()
}

#[tokio::test]
async fn a_placement_is_renewed_from_the_family_page_and_a_stale_form_says_so() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let family = format!("/familles/{}", scene.family_id);
    let renewal = format!("{family}/renouvellement");
    let mut clara = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let page = clara.get(&family).await;
    assert!(page.body.contains("Renouveler la prise en charge"));
    let csrf = page.csrf();
    let yesterday = days_ago(1).to_string();
    let fields = |by: &'static str| {
        [
            ("csrf", csrf.as_str()),
            ("period_number", "1"),
            ("decided_on", yesterday.as_str()),
            ("decided_by", by),
            ("decision_ref", "DEC-7"),
        ]
    };

    // Without its token, nothing changes.
    let forged = clara.post(&renewal, &fields("ASE")[1..]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        periods(&app, &scene.coordinator, &scene.placement_id).await,
        1
    );

    // A blank "decided by" is refused beside its field, the rest kept.
    let refused = clara.post(&renewal, &fields("  ")).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.element("decided_by-erreur").is_some(),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"DEC-7\""));

    let renewed = clara.post(&renewal, &fields("ASE du Val-de-Marne")).await;
    assert_eq!(renewed.status, StatusCode::SEE_OTHER, "{}", renewed.body);
    assert_eq!(
        periods(&app, &scene.coordinator, &scene.placement_id).await,
        2
    );
    let shown = clara.get(renewed.location()).await;
    assert!(shown.body.contains("Renouvellement enregistré"));

    // The same form again (shown before the renewal): a readable refusal.
    let stale = clara.post(&renewal, &fields("ASE du Val-de-Marne")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("déjà été renouvelée"), "{}", stale.body);
    assert_eq!(
        periods(&app, &scene.coordinator, &scene.placement_id).await,
        2
    );
}

#[tokio::test]
async fn only_coordinators_renew_and_another_family_stays_hidden() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let family = format!("/familles/{}", scene.family_id);
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let page = ines.get(&family).await;
    assert!(
        !page.body.contains("/renouvellement"),
        "no coordinators' forms"
    );
    let csrf = page.csrf();
    let yesterday = days_ago(1).to_string();
    let renewal = [
        ("csrf", csrf.as_str()),
        ("period_number", "1"),
        ("decided_on", yesterday.as_str()),
        ("decided_by", "ASE"),
    ];
    let refused = ines
        .post(&format!("{family}/renouvellement"), &renewal)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let elsewhere = format!("/familles/{}/renouvellement", scene.other_family_id);
    let hidden = ines.post(&elsewhere, &renewal).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert!(!hidden.body.contains("Secretaire"));
    assert_eq!(
        periods(&app, &scene.coordinator, &scene.placement_id).await,
        1
    );
}

#[tokio::test]
async fn an_exit_and_an_assignment_from_a_stale_page_are_refused_then_recorded() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let family = format!("/familles/{}", scene.family_id);
    let family_api = format!("/api/v1/families/{}", scene.family_id);
    let placement_api = format!("/api/v1/placements/{}", scene.placement_id);
    let mut clara = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let csrf = clara.get(&family).await.csrf();
    let mut team = [
        ("csrf", csrf.as_str()),
        ("version", "1"),
        ("referent_id", scene.karim_id.as_str()),
        ("team_ids", scene.ines_id.as_str()),
    ];
    let stale = clara.post(&format!("{family}/equipe"), &team).await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.body
    );
    assert!(stale.body.contains("modifiées entre-temps"));
    let version = app.get_json(&family_api, &scene.coordinator).await["version"].to_string();
    team[1] = ("version", version.as_str());
    let assigned = clara.post(&format!("{family}/equipe"), &team).await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
    let now = app.get_json(&family_api, &scene.coordinator).await;
    assert_eq!(now["referent_id"], scene.karim_id.as_str());

    let today = today().to_string();
    let mut leave = [
        ("csrf", csrf.as_str()),
        ("version", "0"),
        ("exited_on", today.as_str()),
        ("destination", "social_housing"),
        ("notes", ""),
    ];
    let stale = clara.post(&format!("{family}/sortie"), &leave).await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.body
    );
    let placement = app.get_json(&placement_api, &scene.coordinator).await;
    assert_eq!(placement["status"], "active");
    let version = placement["version"].to_string();
    leave[1] = ("version", version.as_str());
    let left = clara.post(&format!("{family}/sortie"), &leave).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.body);
    let placement = app.get_json(&placement_api, &scene.coordinator).await;
    assert_eq!(placement["status"], "ended");
}
