//! The pages' refusals, each in its own French: a rule the API words the
//! same way in two places ("must not be before the admission") reads on
//! each form as what it is about.

use reqwest::StatusCode;

use crate::helpers::{ADMIN_PASSWORD, PASSWORD, spawn_app};
use crate::web::Browser;

#[tokio::test]
async fn a_move_and_an_exit_before_the_admission_each_say_which_date_is_wrong() {
    let app = spawn_app().await;
    let scene = crate::interventions::scene(&app).await;
    let unit = app.leased_unit(&scene.admin, "Alfortville B3", 3).await;
    let placement_api = format!("/api/v1/placements/{}", scene.placement_id);
    let placement = app.get_json(&placement_api, &scene.coordinator).await;
    let admitted: chrono::NaiveDate = placement["admitted_on"]
        .as_str()
        .and_then(|day| day.parse().ok())
        .expect("admitted_on");
    let before = (admitted - chrono::Duration::days(1)).to_string();

    app.admin_token().await;
    let mut browser = Browser::signed_in(&app, "admin@nido.local", ADMIN_PASSWORD).await;
    let csrf = browser.get("/logements").await.csrf();
    let moved = browser
        .post(
            "/logements/demenagements",
            &[
                ("csrf", &csrf),
                ("placement_id", &scene.placement_id),
                ("unit_id", &unit),
                ("on", &before),
            ],
        )
        .await;
    assert_eq!(
        moved.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        moved.body
    );
    assert_eq!(
        shown(moved.element("demenagement-on-erreur")),
        "Le déménagement ne peut pas précéder l'admission."
    );

    app.create_user("clara@nido.example", "coordinator", "coordinator")
        .await;
    let mut browser = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let family = format!("/familles/{}", scene.family_id);
    let page = browser.get(&family).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let version = placement["version"].to_string();
    let left = browser
        .post(
            &format!("{family}/sortie"),
            &[
                ("csrf", &page.csrf()),
                ("version", &version),
                ("exited_on", &before),
                ("destination", "social_housing"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(
        left.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        left.body
    );
    assert_eq!(
        shown(left.element("exited_on-erreur")),
        "La date de sortie ne peut pas précéder l'admission."
    );
    let placement = app.get_json(&placement_api, &scene.coordinator).await;
    assert_eq!(placement["status"], "active", "nothing recorded");
}

/// An element's text as the browser shows it (askama escapes apostrophes).
fn shown(element: Option<&str>) -> String {
    element
        .expect("the message beside its field")
        .replace("&#39;", "'")
}
