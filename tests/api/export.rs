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

/// A family placed the same way as its twin, under another name.
async fn twin(app: &crate::helpers::TestApp, coordinator: &str, last_name: &str) -> Value {
    let placement = app
        .placed_family(coordinator, last_name, days_ago(200), days_ago(120))
        .await;
    let family_id = placement["family_id"].as_str().expect("id");
    app.get_json(&format!("/api/v1/families/{family_id}"), coordinator)
        .await
}

/// `text` with the other family's ids and name put in place of `twin`'s:
/// only what must differ between two files built alike.
fn as_if(text: &str, twin: &Value, other: &Value, names: (&str, &str)) -> String {
    let ids = |family: &Value, export: &Value| {
        let mut ids = vec![family["id"].clone()];
        ids.extend(
            family["children"]
                .as_array()
                .expect("children")
                .iter()
                .map(|c| c["id"].clone()),
        );
        for list in ["placements", "referrals"] {
            ids.extend(
                export[list]
                    .as_array()
                    .expect(list)
                    .iter()
                    .map(|r| r["id"].clone()),
            );
        }
        ids.into_iter()
            .map(|id| id.as_str().expect("an id").to_owned())
            .collect::<Vec<_>>()
    };
    let mut text = text.to_owned();
    for (from, to) in ids(&twin["family"], twin)
        .iter()
        .zip(ids(&other["family"], other))
    {
        text = text.replace(from.as_str(), &to);
    }
    // Each mother of a test is born in her own month (`referral_body`):
    // her birth date is hers, like her name.
    let born = |export: &Value| -> chrono::NaiveDate {
        export["family"]["mother"]["birth_date"]
            .as_str()
            .expect("a birth date")
            .parse()
            .expect("a date")
    };
    let (from, to) = (born(twin), born(other));
    text.replace(names.0, names.1)
        .replace(&from.to_string(), &to.to_string())
        .replace(
            &from.format("%d/%m/%Y").to_string(),
            &to.format("%d/%m/%Y").to_string(),
        )
}

#[tokio::test]
async fn nothing_in_the_export_tells_whether_a_concern_or_an_incident_exists() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let admin = app.admin_token().await;
    let named = twin(&app, &coordinator, "Lemoine").await;
    let unnamed = twin(&app, &coordinator, "Garnier").await;
    let (named_id, unnamed_id) = (
        named["id"].as_str().expect("id").to_owned(),
        unnamed["id"].as_str().expect("id").to_owned(),
    );
    // An information préoccupante and an incident naming the first family,
    // created and read by the coordinator and an admin.
    let child = named["children"][0]["id"].as_str().expect("child");
    let concerns = format!("/api/v1/families/{named_id}/concerns");
    let concern = app
        .post(
            &concerns,
            Some(&coordinator),
            &json!({"child_ids": [child], "summary": "Hématomes inexpliqués.",
                    "transmitted_on": days_ago(2), "transmitted_to": "CRIP du Val-de-Marne"}),
        )
        .await;
    assert_eq!(concern.status(), StatusCode::CREATED);
    app.get_json(&concerns, &coordinator).await;
    let incident = app
        .post(
            "/api/v1/incidents",
            Some(&coordinator),
            &json!({"occurred_at": crate::helpers::test_now() - chrono::Duration::hours(3),
                    "category": "violent_behaviour", "description": "Altercation dans la cour.",
                    "family_id": named_id, "measures_taken": "Entretien."}),
        )
        .await;
    assert_eq!(incident.status(), StatusCode::CREATED);
    let incident: Value = incident.json().await.expect("json");
    let incident_path = format!("/api/v1/incidents/{}", incident["id"].as_str().expect("id"));
    app.get_json(&incident_path, &coordinator).await;
    app.get_json(&incident_path, &admin).await;
    app.get_json("/api/v1/incidents", &coordinator).await;
    let amended = app
        .patch(
            &incident_path,
            &coordinator,
            None,
            &json!({"measures_taken": "Entretien, puis rappel du règlement."}),
        )
        .await;
    assert_eq!(amended.status(), StatusCode::OK);
    // The coordinator's calendar feed, which holds the incident's due date.
    let feed = app
        .post("/api/v1/me/calendar", Some(&coordinator), &json!({}))
        .await;
    assert_eq!(feed.status(), StatusCode::CREATED);
    let feed: Value = feed.json().await.expect("json");
    let feed = app
        .get(feed["url"].as_str().expect("url"), None)
        .await
        .text()
        .await
        .expect("text");
    assert!(feed.contains("Rapport d'incident"), "{feed}");
    // Lists that show both families, one of them also for its incident,
    // and one that shows her only for it.
    app.get_json("/api/v1/due-dates?within_days=400", &coordinator)
        .await;
    let due = app
        .get_json(
            "/api/v1/due-dates?within_days=400&kind=incident_report",
            &coordinator,
        )
        .await;
    assert!(
        due["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|item| item["kind"] == "incident_report"),
        "{due}"
    );
    for family_id in [&named_id, &unnamed_id] {
        app.get_json(
            &format!("/api/v1/families/{family_id}/timeline"),
            &coordinator,
        )
        .await;
    }

    let mut exports = Vec::new();
    for format in ["json", "html"] {
        for family_id in [&named_id, &unnamed_id] {
            let response = app
                .get(
                    &format!("/api/v1/families/{family_id}/export?format={format}"),
                    Some(&coordinator),
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            exports.push(response.text().await.expect("text"));
        }
    }
    let named_json: Value = serde_json::from_str(&exports[0]).expect("json");
    let unnamed_json: Value = serde_json::from_str(&exports[1]).expect("json");
    let names = ("Lemoine", "Garnier");
    assert_eq!(
        as_if(&exports[0], &named_json, &unnamed_json, names),
        exports[1],
        "the two JSON files differ by more than ids and names"
    );
    assert_eq!(
        as_if(&exports[2], &named_json, &unnamed_json, names),
        exports[3],
        "the two pages differ by more than ids and names"
    );
    // Consultations are there, and the withheld kinds are named in both.
    assert!(
        !unnamed_json["consultations"]
            .as_array()
            .expect("list")
            .is_empty()
    );
    let left_out = unnamed_json["left_out"].to_string();
    assert!(
        left_out.contains("Informations préoccupantes"),
        "{left_out}"
    );
    assert!(left_out.contains("Incidents"), "{left_out}");
}

#[tokio::test]
async fn the_printable_file_is_a_download_that_loads_nothing_and_is_never_framed() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let family = twin(&app, &coordinator, "Lemoine").await;
    let family_id = family["id"].as_str().expect("id");
    let response = app
        .get(
            &format!("/api/v1/families/{family_id}/export?format=html"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| response.headers()[name].to_str().expect("text").to_owned();
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"dossier-{family_id}.html\"")
    );
    let policy = header("content-security-policy");
    for directive in [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "style-src 'sha256-",
    ] {
        assert!(policy.contains(directive), "{policy}");
    }
    assert!(!policy.contains("unsafe"), "{policy}");
    assert_eq!(header("cache-control"), "no-store");
}
