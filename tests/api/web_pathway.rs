//! "Parcours logement" on the family's page, from the side of whoever
//! uses it: the referent adds and moves steps with plain forms, a refused
//! form comes back in French beside its fields, another team's staff
//! member is answered as if the family did not exist, and after the exit
//! (naming its step) the follow-up is recorded from the page.

use reqwest::StatusCode;
use serde_json::Value;

use crate::cases::{days_ago, today};
use crate::helpers::{PASSWORD, spawn_app};
use crate::web::Browser;

#[tokio::test]
async fn a_social_worker_walks_the_pathway_from_the_family_page() {
    let app = spawn_app().await;
    app.create_user("clara@nido.example", "coordinator", "coordinator")
        .await;
    let coordinator = app.token_for("clara@nido.example", PASSWORD).await;
    let (ines_id, _) = app.staff_member("ines").await;
    app.staff_member("karim").await;
    let placement = app
        .placed_family(&coordinator, "Diallo", days_ago(400), days_ago(200))
        .await;
    let family_id = placement["family_id"].as_str().expect("id").to_owned();
    let placement_id = placement["id"].as_str().expect("id").to_owned();
    app.assign(&coordinator, &family_id, &ines_id, &[]).await;
    let family = format!("/familles/{family_id}");
    let steps_api = format!("/api/v1/placements/{placement_id}/housing-steps");

    let mut ines = Browser::signed_in(&app, "ines@nido.example", PASSWORD).await;
    let page = ines.get(&family).await;
    assert!(page.body.contains("Parcours logement"), "{}", page.body);
    assert!(
        page.body
            .contains("Aucune démarche de logement enregistrée.")
    );
    let csrf = page.csrf();

    // A DALO recourse without what it asks for, and an SIAO application
    // given an offer's rent: each refusal beside its field, the input kept.
    let filed = days_ago(30).to_string();
    let refused = ines
        .post(
            &format!("{family}/demarches"),
            &[
                ("csrf", &csrf),
                ("kind", "dalo_recourse"),
                ("status", "filed"),
                ("reference", "DALO-94-2026-117"),
                ("filed_on", &filed),
                ("recourse", ""),
                ("rent", ""),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("new_recourse-erreur"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Ce champ est obligatoire."));
    assert!(refused.body.contains("DALO-94-2026-117"));
    let foreign = ines
        .post(
            &format!("{family}/demarches"),
            &[
                ("csrf", &csrf),
                ("kind", "siao_application"),
                ("status", "filed"),
                ("demand", "insertion"),
                ("rent", "480"),
            ],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        foreign
            .body
            .contains("Ce champ ne concerne pas ce type de démarche.")
    );

    let added = ines
        .post(
            &format!("{family}/demarches"),
            &[
                ("csrf", &csrf),
                ("kind", "housing_offer"),
                ("status", "offer"),
                ("landlord", "Valophis Habitat"),
                ("commune", "Créteil"),
                ("typology", "T2"),
                ("rent", "512,40"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let steps = app.get_json(&steps_api, &coordinator).await;
    let offer = &steps["items"][0];
    assert_eq!(offer["rent_cents"], 51_240);
    let offer_id = offer["id"].as_str().expect("id").to_owned();
    let page = ines.get(&family).await;
    assert!(
        page.body
            .contains("T2 à Créteil, Valophis Habitat, loyer 512,40"),
        "{}",
        page.body
    );

    // Backwards is refused in French; accepted, it is a housing solution.
    let step_form = format!("{family}/demarches/{offer_id}");
    let backwards = ines
        .post(
            &step_form,
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("status", "filed"),
                ("decided_on", ""),
            ],
        )
        .await;
    assert_eq!(backwards.status, StatusCode::CONFLICT, "{}", backwards.body);
    assert!(backwards.body.contains("Une démarche ne fait qu"));
    let signed = days_ago(3).to_string();
    let accepted = ines
        .post(
            &step_form,
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("status", "accepted"),
                ("decided_on", &signed),
            ],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);

    // Another team's staff member: as if the family did not exist.
    let mut karim = Browser::signed_in(&app, "karim@nido.example", PASSWORD).await;
    let karim_csrf = karim.get("/").await.csrf();
    let hidden = karim
        .post(
            &step_form,
            &[
                ("csrf", &karim_csrf),
                ("version", "2"),
                ("status", "withdrawn"),
            ],
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let steps = app.get_json(&steps_api, &coordinator).await;
    assert_eq!(steps["items"][0]["status"], "accepted");

    // The coordinator records the exit by that step; Inès the follow-up.
    let mut clara = Browser::signed_in(&app, "clara@nido.example", PASSWORD).await;
    let page = clara.get(&family).await;
    assert!(page.body.contains("Démarche par laquelle elle part"));
    let clara_csrf = page.csrf();
    let version = app
        .get_json(&format!("/api/v1/placements/{placement_id}"), &coordinator)
        .await["version"]
        .to_string();
    let today = today().to_string();
    let left = clara
        .post(
            &format!("{family}/sortie"),
            &[
                ("csrf", &clara_csrf),
                ("version", &version),
                ("exited_on", &today),
                ("destination", "social_housing"),
                ("housing_step_id", &offer_id),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.body);
    let page = ines.get(&family).await;
    assert!(page.body.contains("Suivis après la sortie"));
    assert!(page.body.contains("Suivi à 3 mois"));
    let followed = ines
        .post(
            &format!("{family}/suivis"),
            &[
                ("csrf", &csrf),
                ("placement_id", &placement_id),
                ("after_months", "3"),
                ("done_on", &today),
                ("outcome", "housed_stable"),
                ("notes", "Appel : tout va bien dans le nouveau logement."),
            ],
        )
        .await;
    assert_eq!(followed.status, StatusCode::SEE_OTHER, "{}", followed.body);
    let follow_ups: Value = app
        .get_json(
            &format!("/api/v1/placements/{placement_id}/follow-ups"),
            &coordinator,
        )
        .await;
    assert_eq!(follow_ups["items"][0]["outcome"], "housed_stable");
    let again = ines
        .post(
            &format!("{family}/suivis"),
            &[
                ("csrf", &csrf),
                ("placement_id", &placement_id),
                ("after_months", "3"),
                ("done_on", &today),
                ("outcome", "lost_contact"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("déjà enregistré"));
}
