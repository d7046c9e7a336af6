//! The right of access: a mother's whole file, for the coordinator, without
//! the professionals' personal notes or the names of those who read it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{days_ago, today};
use crate::helpers::{assert_invalid, assert_problem, spawn_app};

#[tokio::test]
async fn the_whole_file_without_personal_notes_or_readers_names() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (worker, worker_token) = app.staff_member("ines").await;
    let (psychologist, psychologist_token) = app.staff_member("helene").await;
    let placement = app
        .placed_family(&coordinator, "Diallo", days_ago(300), days_ago(100))
        .await;
    let family_id = placement["family_id"].as_str().expect("id").to_owned();
    app.assign(&coordinator, &family_id, &worker, &[&psychologist])
        .await;
    let log = |token: &str, body: Value| {
        let path = format!("/api/v1/families/{family_id}/interventions");
        let token = token.to_owned();
        let app = &app;
        async move {
            let response = app.post(&path, Some(&token), &body).await;
            assert_eq!(response.status(), StatusCode::CREATED);
        }
    };
    log(
        &worker_token,
        json!({"kind": "home_visit", "occurred_at": format!("{}T09:30:00Z", days_ago(20)),
               "duration_minutes": 60, "staff_ids": [worker], "confidentiality": "team",
               "summary": "Visite : la chambre du bébé est prête. <script>alert(1)</script>",
               "actions": [{"description": "Dossier CAF à compléter", "due_on": today(), "assignee_id": worker}]}),
    )
    .await;
    log(
        &psychologist_token,
        json!({"kind": "interview", "occurred_at": format!("{}T14:00:00Z", days_ago(10)),
               "duration_minutes": 45, "staff_ids": [psychologist], "confidentiality": "restricted",
               "summary": "Note personnelle de la psychologue.",
               "actions": [{"description": "Orienter vers le CMP", "due_on": today(), "assignee_id": psychologist}]}),
    )
    .await;
    let read = app
        .get(
            &format!("/api/v1/families/{family_id}"),
            Some(&worker_token),
        )
        .await;
    assert_eq!(read.status(), StatusCode::OK);
    // The contract, the projet personnalisé, the crèche and a workshop.
    let placement_id = placement["id"].as_str().expect("id");
    let contract = app
        .put(
            &format!("/api/v1/placements/{placement_id}/contract"),
            &coordinator,
            &json!({"kind": "contrat_de_sejour", "delivered_on": days_ago(95), "signed_on": days_ago(90)}),
        )
        .await;
    assert_eq!(contract.status(), StatusCode::OK);
    let review = app
        .post(
            &format!("/api/v1/placements/{placement_id}/project-reviews"),
            Some(&worker_token),
            &json!({"reviewed_on": days_ago(30), "mother_present": true, "participant_ids": [worker],
                    "objectives": [{"domain": "housing", "description": "Demande de logement social", "status": "in_progress"}]}),
        )
        .await;
    assert_eq!(review.status(), StatusCode::CREATED);
    let file = app
        .get_json(&format!("/api/v1/families/{family_id}"), &coordinator)
        .await;
    let mut monday = today() + chrono::Days::new(7);
    while chrono::Datelike::weekday(&monday) != chrono::Weekday::Mon {
        monday = monday.succ_opt().expect("a day");
    }
    let booking = app
        .post(
            &format!("/api/v1/families/{family_id}/creche-bookings"),
            Some(&coordinator),
            &json!({"child_id": file["children"][0]["id"], "on": monday, "starts_at": "09:00",
                    "ends_at": "11:00", "purpose": "training"}),
        )
        .await;
    assert_eq!(booking.status(), StatusCode::CREATED);
    let workshop = app
        .post(
            "/api/v1/workshops",
            Some(&coordinator),
            &json!({"title": "Éveil musical", "on": monday, "starts_at": "14:00", "ends_at": "15:00",
                    "partner": "Conservatoire (fictif)", "facilitator_ids": [worker]}),
        )
        .await;
    assert_eq!(workshop.status(), StatusCode::CREATED);
    let workshop: Value = workshop.json().await.expect("json");
    let joined = app
        .post(
            &format!(
                "/api/v1/workshops/{}/participants",
                workshop["id"].as_str().expect("id")
            ),
            Some(&coordinator),
            &json!({"family_id": family_id, "child_ids": []}),
        )
        .await;
    assert_eq!(joined.status(), StatusCode::CREATED);

    let path = format!("/api/v1/families/{family_id}/export");
    let response = app.get(&path, Some(&coordinator)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let export: Value = response.json().await.expect("json");
    assert_eq!(export["family"]["mother"]["last_name"], "Diallo");
    assert_eq!(export["referrals"].as_array().expect("referrals").len(), 1);
    assert_eq!(export["placements"][0]["periods"][0]["number"], 1);
    let interventions = export["interventions"].as_array().expect("interventions");
    assert_eq!(interventions.len(), 1, "team interventions only");
    assert_eq!(
        interventions[0]["professions_present"],
        json!(["social_worker"])
    );
    let actions = export["actions"].as_array().expect("actions");
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0]["description"], "Dossier CAF à compléter");
    assert_eq!(export["contracts"][0]["kind"], "contrat_de_sejour");
    assert_eq!(export["contracts"][0]["signed_on"], json!(days_ago(90)));
    assert_eq!(
        export["project_reviews"][0]["objectives"][0]["description"],
        "Demande de logement social"
    );
    assert!(
        export["project_reviews"][0]
            .get("participant_ids")
            .is_none()
    );
    assert_eq!(export["creche_bookings"][0]["purpose"], "training");
    assert_eq!(export["workshops"][0]["title"], "Éveil musical");
    assert_eq!(export["workshops"][0]["status"], "registered");
    let text = export.to_string();
    for hidden in ["Note personnelle", "CMP", "Test staff", "ines@", "helene@"] {
        assert!(!text.contains(hidden), "{hidden} is in the export");
    }
    // The consultations: when and by which profession.
    let consultations = export["consultations"].as_array().expect("consultations");
    assert!(consultations.iter().any(|entry| entry["action"] == "family.read"
        && entry["profession"] == "social_worker"));
    assert!(
        consultations
            .iter()
            .all(|entry| entry.get("user_id").is_none())
    );

    // The printable page, in French, with every value escaped.
    let response = app
        .get(&format!("{path}?format=html"), Some(&coordinator))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html")
    );
    let page = response.text().await.expect("html");
    assert!(page.contains("<html lang=\"fr\">"));
    assert!(page.contains("Dossier de Awa Diallo"));
    assert!(page.contains("Consultations du dossier"));
    for section in [
        "Contrat de séjour",
        "Projet personnalisé",
        "Crèche",
        "Ateliers",
        "Éveil musical",
    ] {
        assert!(page.contains(section), "{section} in the page");
    }
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>"));
    assert!(!page.contains("Note personnelle"));

    // The exports are in the audit log.
    let admin = app.admin_token().await;
    let audit = app
        .get_json(&format!("/api/v1/audit?family_id={family_id}"), &admin)
        .await;
    let exports = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|entry| entry["action"] == "family.export")
        .count();
    assert_eq!(exports, 2);
}

#[tokio::test]
async fn only_coordinators_export_a_file() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (worker, worker_token) = app.staff_member("ines").await;
    let placement = app
        .placed_family(&coordinator, "Diallo", days_ago(300), days_ago(100))
        .await;
    let family_id = placement["family_id"].as_str().expect("id");
    app.assign(&coordinator, family_id, &worker, &[]).await;
    let path = format!("/api/v1/families/{family_id}/export");
    let admin = app.admin_token().await;
    for token in [&worker_token, &admin] {
        assert_problem(app.get(&path, Some(token)).await, 403, "forbidden").await;
    }
    let unknown = format!("/api/v1/families/{}/export", uuid::Uuid::new_v4());
    assert_problem(
        app.get(&unknown, Some(&coordinator)).await,
        404,
        "not_found",
    )
    .await;
    let bad = format!("{path}?format=pdf");
    assert_invalid(app.get(&bad, Some(&coordinator)).await, &["format"]).await;
}
