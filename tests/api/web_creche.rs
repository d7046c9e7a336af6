//! `/creche` from each side: a staff member who must see only her own
//! families' children, a booking made and refused on the page, a forged
//! post, the crèche's professional noting who came, a social worker who
//! may not, and the director, who has no business there.

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::days_ago;
use crate::creche::{family_with_child, monday_after, set_settings, weekday_ago};
use crate::helpers::{ADMIN_PASSWORD, PASSWORD, TestApp, spawn_app};
use crate::web::{Browser, Page};

/// Inès accompanies the Diallo family, Karim the Secretaire family; each
/// has one child, Inaya, booked at the crèche on `day` (a weekday past).
struct Scene {
    coordinator: String,
    diallo: (String, String),
    secretaire: String,
    secretaire_child: String,
    day: NaiveDate,
}

async fn scene(app: &TestApp) -> Scene {
    app.create_user("coord@nido.example", "coordinator", "coordinator")
        .await;
    let coordinator = app.token_for("coord@nido.example", PASSWORD).await;
    let ines = app.staff_member("ines").await;
    let karim = app.staff_member("karim").await;
    let born = days_ago(300);
    let (diallo, diallo_child, _) = family_with_child(app, &coordinator, "Diallo", born).await;
    let (secretaire, secretaire_child, _) =
        family_with_child(app, &coordinator, "Secretaire", born).await;
    app.assign(&coordinator, &diallo, &ines.0, &[]).await;
    app.assign(&coordinator, &secretaire, &karim.0, &[]).await;
    let day = weekday_ago(2);
    for (family, child, from) in [
        (&diallo, &diallo_child, "09:00"),
        (&secretaire, &secretaire_child, "10:00"),
    ] {
        let response = app
            .post(
                &format!("/api/v1/families/{family}/creche-bookings"),
                Some(&coordinator),
                &json!({"child_id": child, "on": day, "starts_at": from,
                        "ends_at": "12:00", "purpose": "training"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "booked");
    }
    Scene {
        coordinator,
        diallo: (diallo, diallo_child),
        secretaire,
        secretaire_child,
        day,
    }
}

/// The family's bookings (read by the coordinator through the API).
async fn bookings(app: &TestApp, coordinator: &str, family_id: &str) -> Vec<Value> {
    let from = days_ago(20);
    let path = format!(
        "/api/v1/families/{family_id}/creche-bookings?from={from}&to={}",
        monday_after(30)
    );
    app.get_json(&path, coordinator).await["items"]
        .as_array()
        .expect("items")
        .clone()
}

/// The text of the element `id` on the page, its apostrophes unescaped.
fn text(page: &Page, id: &str) -> String {
    page.element(id)
        .unwrap_or_else(|| panic!("#{id} on the page"))
        .replace("&#39;", "'")
}

fn booking_fields<'f>(
    csrf: &'f str,
    child: &'f str,
    on: &'f str,
    from: &'f str,
    to: &'f str,
) -> Vec<(&'static str, &'f str)> {
    vec![
        ("csrf", csrf),
        ("child", child),
        ("on", on),
        ("starts_at", from),
        ("ends_at", to),
        ("purpose", "job_interview"),
        ("notes", "Entretien chez Picard, Créteil"),
    ]
}

#[tokio::test]
async fn the_planning_shows_a_staff_member_only_her_own_families_children() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let path = format!("/creche?jour={}", scene.day);

    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let hers = ines.get(&path).await;
    assert_eq!(hers.status, StatusCode::OK, "{}", hers.body);
    assert!(hers.body.contains("Inaya Diallo"), "{}", hers.body);
    assert!(hers.body.contains("09:00 – 12:00"));
    assert!(
        !hers.body.contains("Secretaire"),
        "another family's child, neither on the planning nor in the form"
    );
    assert!(
        !hers.body.contains("Noter la présence"),
        "a social worker does not note attendance"
    );
    assert!(hers.body.contains("href=\"/creche\""), "in her menu");

    let mut karim = Browser::signed_in(&app, "karim@nido.example", PASSWORD).await;
    let his = karim.get(&path).await;
    assert!(his.body.contains("Inaya Secretaire"));
    assert!(!his.body.contains("Diallo"));

    let mut coordinator = Browser::signed_in(&app, "coord@nido.example", PASSWORD).await;
    let all = coordinator.get(&path).await;
    assert!(all.body.contains("Inaya Diallo") && all.body.contains("Inaya Secretaire"));
    assert!(all.body.contains("8 places libres"), "two booked of ten");
}

#[tokio::test]
async fn a_booking_made_on_the_page_is_on_the_planning() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let form = ines.get("/creche").await;
    let csrf = form.csrf();
    let child = format!("{}:{}", scene.diallo.0, scene.diallo.1);
    let on = monday_after(7).to_string();
    let answer = ines
        .post(
            "/creche/reservations",
            &booking_fields(&csrf, &child, &on, "09:00", "11:30"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(
        answer.location(),
        format!("/creche?jour={on}&ok=reservation")
    );
    let planning = ines.get(answer.location()).await;
    assert!(planning.body.contains("Réservation enregistrée"));
    assert!(planning.body.contains("09:00 – 11:30 · Inaya Diallo"));

    let made = bookings(&app, &scene.coordinator, &scene.diallo.0).await;
    let booked = made
        .iter()
        .find(|booking| booking["on"] == on.as_str())
        .expect("the booking");
    assert_eq!(
        (&booked["starts_at"], &booked["ends_at"], &booked["notes"]),
        (
            &json!("09:00"),
            &json!("11:30"),
            &json!("Entretien chez Picard, Créteil")
        )
    );

    // The same slot again: the child is already booked (409), in French.
    let again = ines
        .post(
            "/creche/reservations",
            &booking_fields(&csrf, &child, &on, "10:00", "12:00"),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body.contains("déjà inscrit à la crèche"),
        "{}",
        again.body
    );
    assert!(again.body.contains("value=\"10:00\""), "the input kept");

    // One place left for that morning: another family's child finds it taken.
    let admin = app.admin_token().await;
    set_settings(&app, &admin, json!({"capacity": 1})).await;
    let mut coordinator = Browser::signed_in(&app, "coord@nido.example", PASSWORD).await;
    let csrf = coordinator.get("/creche").await.csrf();
    let other = format!("{}:{}", scene.secretaire, scene.secretaire_child);
    let full = coordinator
        .post(
            "/creche/reservations",
            &booking_fields(&csrf, &other, &on, "11:00", "12:00"),
        )
        .await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    assert!(full.body.contains("plus de place"), "{}", full.body);
    assert_eq!(
        bookings(&app, &scene.coordinator, &scene.secretaire)
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn a_refused_booking_comes_back_in_french_beside_its_field_with_the_input_kept() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let csrf = ines.get("/creche").await.csrf();
    let child = format!("{}:{}", scene.diallo.0, scene.diallo.1);
    let on = monday_after(7).to_string();
    let refused = ines
        .post(
            "/creche/reservations",
            &booking_fields(&csrf, &child, &on, "09:10", "19:00"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(&refused, "starts_at-erreur").contains("quart d'heure"),
        "{}",
        refused.body
    );
    assert!(text(&refused, "ends_at-erreur").contains("heures d'ouverture (08:30 à 18:00)"));
    assert!(refused.body.contains("value=\"09:10\""), "the input kept");
    assert!(refused.body.contains("Entretien chez Picard, Créteil"));
    assert!(refused.body.contains(&format!("value=\"{on}\"")));
    assert!(
        refused
            .body
            .contains(&format!("value=\"{child}\" selected"))
    );

    // A Saturday: the crèche is closed.
    let saturday = (monday_after(7) - chrono::Days::new(2)).to_string();
    let closed = ines
        .post(
            "/creche/reservations",
            &booking_fields(&csrf, &child, &saturday, "09:00", "10:00"),
        )
        .await;
    assert_eq!(closed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        text(&closed, "on-erreur"),
        "La crèche est fermée ce jour-là."
    );
    assert_eq!(
        bookings(&app, &scene.coordinator, &scene.diallo.0)
            .await
            .len(),
        1,
        "nothing booked"
    );
}

#[tokio::test]
async fn a_booking_posted_without_its_csrf_token_is_refused_and_nothing_is_booked() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let child = format!("{}:{}", scene.diallo.0, scene.diallo.1);
    let on = monday_after(7).to_string();
    for forged in ["", "forged"] {
        let mut fields = booking_fields(forged, &child, &on, "09:00", "10:00");
        if forged.is_empty() {
            fields.remove(0);
        }
        let answer = ines.post("/creche/reservations", &fields).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{forged:?}");
    }
    assert_eq!(
        bookings(&app, &scene.coordinator, &scene.diallo.0)
            .await
            .len(),
        1,
        "only the scene's booking"
    );
}

#[tokio::test]
async fn the_creche_professional_notes_who_came_and_a_social_worker_may_not() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    app.create_user("ejeune@nido.example", "staff", "early_childhood_educator")
        .await;
    let day = scene.day.to_string();
    let mut educator = Browser::signed_in(&app, "ejeune@nido.example", PASSWORD).await;
    let planning = educator.get(&format!("/creche?jour={day}")).await;
    assert!(planning.body.contains("Inaya Diallo") && planning.body.contains("Inaya Secretaire"));
    assert!(planning.body.contains("Noter la présence"));
    let csrf = planning.csrf();
    let diallo = bookings(&app, &scene.coordinator, &scene.diallo.0).await[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let secretaire = bookings(&app, &scene.coordinator, &scene.secretaire).await[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // Left before arriving: refused beside the departure, times kept.
    let refused = educator
        .post(
            &format!("/creche/reservations/{diallo}/presence"),
            &[
                ("csrf", &csrf),
                ("jour", &day),
                ("arrived_at", "09:05"),
                ("left_at", "08:50"),
                ("presence", "venu"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let key = diallo.replace('-', "");
    assert_eq!(
        text(&refused, &format!("left_at-{key}-erreur")),
        "L'heure de départ doit suivre l'heure d'arrivée."
    );
    assert!(refused.body.contains("value=\"08:50\""));

    let came = educator
        .post(
            &format!("/creche/reservations/{diallo}/presence"),
            &[
                ("csrf", &csrf),
                ("jour", &day),
                ("arrived_at", "09:05"),
                ("left_at", "11:50"),
                ("presence", "venu"),
            ],
        )
        .await;
    assert_eq!(came.status, StatusCode::SEE_OTHER, "{}", came.body);
    let absent = educator
        .post(
            &format!("/creche/reservations/{secretaire}/presence"),
            &[
                ("csrf", &csrf),
                ("jour", &day),
                ("arrived_at", "10:00"),
                ("left_at", "12:00"),
                ("presence", "absent"),
            ],
        )
        .await;
    assert_eq!(absent.status, StatusCode::SEE_OTHER);
    let after = educator.get(came.location()).await;
    assert!(after.body.contains("Présence enregistrée"));
    assert!(after.body.contains("arrivé·e à 09:05, parti·e à 11:50"));
    let recorded = bookings(&app, &scene.coordinator, &scene.diallo.0).await;
    assert_eq!(
        (&recorded[0]["status"], &recorded[0]["arrived_at"]),
        (&json!("attended"), &json!("09:05"))
    );
    assert_eq!(
        bookings(&app, &scene.coordinator, &scene.secretaire).await[0]["status"],
        "absent"
    );

    // A social worker, even the family's own, may not.
    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let csrf = ines.get("/creche").await.csrf();
    let denied = ines
        .post(
            &format!("/creche/reservations/{diallo}/presence"),
            &[("csrf", &csrf), ("jour", &day), ("presence", "absent")],
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert!(denied.body.contains("Accès refusé"));
    assert_eq!(
        bookings(&app, &scene.coordinator, &scene.diallo.0).await[0]["status"],
        "attended"
    );
}

#[tokio::test]
async fn the_director_gets_the_french_403_and_no_creche_in_her_menu() {
    let app = spawn_app().await;
    let scene = scene(&app).await;
    app.admin_token().await;
    let mut director = Browser::signed_in(&app, "admin@nido.local", ADMIN_PASSWORD).await;
    let answer = director.get(&format!("/creche?jour={}", scene.day)).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.body.contains("Accès refusé"));
    assert!(!answer.body.contains("Inaya"));
    let home = director.get("/").await;
    assert!(!home.body.contains("href=\"/creche\""), "not in her menu");
}
