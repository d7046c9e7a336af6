use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{days_ago, today};
use crate::helpers::{TestApp, assert_invalid, assert_problem, invalid_fields, spawn_app};

/// A family accompanied by a team, and one more staff member outside it.
/// The web pages' tests start from it too.
pub struct Scene {
    pub coordinator: String,
    pub admin: String,
    pub family_id: String,
    pub placement_id: String,
    /// Inès, the referent: (id, token).
    pub author: (String, String),
    /// Léa, in the team.
    pub present: (String, String),
    /// Fatou, in the team.
    pub teammate: (String, String),
    /// Karim, in no team.
    pub outsider: (String, String),
}

pub async fn scene(app: &TestApp) -> Scene {
    let coordinator = app.login_as("coordinator").await;
    let admin = app.admin_token().await;
    let author = app.staff_member("ines").await;
    let present = app.staff_member("lea").await;
    let teammate = app.staff_member("fatou").await;
    let outsider = app.staff_member("karim").await;
    let placement = app
        .placed_family(&coordinator, "Diallo", days_ago(300), days_ago(100))
        .await;
    let family_id = placement["family_id"].as_str().expect("id").to_owned();
    app.assign(
        &coordinator,
        &family_id,
        &author.0,
        &[&present.0, &teammate.0],
    )
    .await;
    Scene {
        coordinator,
        admin,
        family_id,
        placement_id: placement["id"].as_str().expect("id").to_owned(),
        author,
        present,
        teammate,
        outsider,
    }
}

fn intervention(staff: &[&str], confidentiality: &str, summary: &str) -> Value {
    json!({
        "kind": "home_visit",
        "occurred_at": format!("{}T09:30:00Z", days_ago(2)),
        "duration_minutes": 75,
        "staff_ids": staff,
        "summary": summary,
        "confidentiality": confidentiality,
    })
}

async fn log(app: &TestApp, token: &str, family_id: &str, body: &Value) -> Value {
    let response = app
        .post(
            &format!("/api/v1/families/{family_id}/interventions"),
            Some(token),
            body,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "intervention");
    response.json().await.expect("json")
}

/// The summaries of a page of interventions.
pub fn summaries(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["summary"].as_str().expect("summary").to_owned())
        .collect()
}

#[tokio::test]
async fn an_intervention_is_logged_with_its_author_staff_and_actions() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let mut body = intervention(
        &[&s.author.0, &s.present.0],
        "team",
        "Visite à domicile : l'appartement est bien tenu.",
    );
    body["actions"] = json!([{"description": "Prendre rendez-vous à la PMI", "due_on": today(), "assignee_id": s.present.0}]);
    let created = log(&app, &s.author.1, &s.family_id, &body).await;
    assert_eq!(created["author_id"], s.author.0.as_str());
    assert_eq!(created["kind"], "home_visit");
    assert_eq!(created["duration_minutes"], 75);
    assert_eq!(created["staff_ids"].as_array().expect("staff").len(), 2);
    assert_eq!(created["actions"][0]["assignee_id"], s.present.0.as_str());
    assert_eq!(created["actions"][0]["overdue"], false);

    let mine = app.get_json("/api/v1/me/actions", &s.present.1).await;
    assert_eq!(mine["items"].as_array().expect("items").len(), 1);
    assert_eq!(
        mine["items"][0]["description"],
        "Prendre rendez-vous à la PMI"
    );
    let theirs = app.get_json("/api/v1/me/actions", &s.author.1).await;
    assert!(theirs["items"].as_array().expect("items").is_empty());
}

/// A new intervention is answered from what was written, not read back:
/// the answer must be what any later read gives, on both engines — the
/// instant to the microsecond (as PostgreSQL keeps it), the staff once
/// each in id order, the actions by due date.
#[tokio::test]
async fn the_answer_to_a_new_intervention_is_what_reading_it_gives() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let mut body = intervention(
        &[&s.present.0, &s.author.0, &s.present.0],
        "restricted",
        "Entretien : démarches pour la CAF.",
    );
    body["occurred_at"] = json!(format!("{}T09:30:15.123456789Z", days_ago(2)));
    body["actions"] = json!([
        {"description": "Relancer la CAF", "due_on": today(), "assignee_id": s.present.0},
        {"description": "Copier le bail", "due_on": days_ago(1), "assignee_id": s.author.0},
    ]);
    let created = log(&app, &s.author.1, &s.family_id, &body).await;
    let id = created["id"].as_str().expect("id");
    let read = app
        .get_json(&format!("/api/v1/interventions/{id}"), &s.author.1)
        .await;
    assert_eq!(created, read);
    assert_eq!(
        created["occurred_at"],
        format!("{}T09:30:15.123456Z", days_ago(2))
    );
    let mut staff = vec![s.author.0.clone(), s.present.0.clone()];
    staff.sort();
    assert_eq!(created["staff_ids"], json!(staff));
    assert_eq!(created["actions"][0]["description"], "Copier le bail");
}

#[tokio::test]
async fn every_validation_bound_answers_422_with_its_field() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let path = format!("/api/v1/families/{}/interventions", s.family_id);
    let ok = intervention(&[&s.author.0], "team", "Entretien");
    let cases: Vec<(&str, Value, &str)> = vec![
        ("duration_minutes", json!(0), "duration_minutes"),
        ("duration_minutes", json!(1441), "duration_minutes"),
        ("summary", json!(""), "summary"),
        ("summary", json!("é".repeat(10_001)), "summary"),
        ("staff_ids", json!([]), "staff_ids"),
        ("staff_ids", json!([uuid::Uuid::new_v4()]), "staff_ids[0]"),
        ("kind", json!("coffee"), "kind"),
        ("confidentiality", json!("secret"), "confidentiality"),
        ("occurred_at", json!("yesterday"), "occurred_at"),
    ];
    for (field, value, reported) in cases {
        let mut body = ok.clone();
        body[field] = value;
        let problem = assert_problem(
            app.post(&path, Some(&s.author.1), &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(invalid_fields(&problem), [reported], "{field}");
    }
    // The bounds themselves are allowed.
    for (duration, summary) in [(1, "x".to_owned()), (1440, "é".repeat(10_000))] {
        let mut body = ok.clone();
        body["duration_minutes"] = json!(duration);
        body["summary"] = json!(summary);
        assert_eq!(
            app.post(&path, Some(&s.author.1), &body).await.status(),
            StatusCode::CREATED
        );
    }
    let mut with_action = ok.clone();
    with_action["actions"] =
        json!([{"description": "", "due_on": today(), "assignee_id": uuid::Uuid::new_v4()}]);
    let problem = assert_problem(
        app.post(&path, Some(&s.author.1), &with_action).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        invalid_fields(&problem),
        ["actions[0].assignee_id", "actions[0].description"]
    );
}

#[tokio::test]
async fn a_restricted_intervention_is_seen_only_by_its_author_and_the_staff_present() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    log(
        &app,
        &s.author.1,
        &s.family_id,
        &intervention(&[&s.author.0], "team", "Atelier portage"),
    )
    .await;
    let restricted = log(
        &app,
        &s.author.1,
        &s.family_id,
        &intervention(
            &[&s.author.0, &s.present.0],
            "restricted",
            "Entretien confidentiel",
        ),
    )
    .await;
    let restricted_path = format!(
        "/api/v1/interventions/{}",
        restricted["id"].as_str().expect("id")
    );
    let list = format!("/api/v1/families/{}/interventions", s.family_id);
    let timeline = format!("/api/v1/families/{}/timeline", s.family_id);
    let family = format!("/api/v1/families/{}", s.family_id);

    // Lists, single reads, timeline and counts: author and staff present see both.
    for token in [&s.author.1, &s.present.1] {
        let page = app.get_json(&list, token).await;
        assert_eq!(
            summaries(&page),
            ["Entretien confidentiel", "Atelier portage"]
        );
        assert_eq!(
            app.get(&restricted_path, Some(token)).await.status(),
            StatusCode::OK
        );
        let events = app.get_json(&timeline, token).await;
        let text = events.to_string();
        assert!(text.contains("Entretien confidentiel"));
        assert_eq!(app.get_json(&family, token).await["intervention_count"], 2);
    }
    // Another member of the family's team, and the coordinator, see only the team one.
    for token in [&s.teammate.1, &s.coordinator] {
        let page = app.get_json(&list, token).await;
        assert_eq!(summaries(&page), ["Atelier portage"]);
        assert_problem(
            app.get(&restricted_path, Some(token)).await,
            404,
            "not_found",
        )
        .await;
        let events = app.get_json(&timeline, token).await;
        assert!(!events.to_string().contains("Entretien confidentiel"));
        assert!(events.to_string().contains("Atelier portage"));
        assert_eq!(app.get_json(&family, token).await["intervention_count"], 1);
        let change = intervention(&[&s.author.0], "team", "Réécrit");
        assert_problem(
            app.patch(&restricted_path, token, None, &change).await,
            404,
            "not_found",
        )
        .await;
    }
    // Staff outside the family see nothing of it.
    assert_problem(app.get(&list, Some(&s.outsider.1)).await, 404, "not_found").await;
    assert_problem(
        app.get(&restricted_path, Some(&s.outsider.1)).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(&timeline, Some(&s.outsider.1)).await,
        404,
        "not_found",
    )
    .await;
    // Admins never see intervention text.
    for path in [&list, &restricted_path, &timeline] {
        assert_problem(app.get(path, Some(&s.admin)).await, 403, "forbidden").await;
    }
}

#[tokio::test]
async fn a_staff_member_reading_the_interventions_one_of_them_or_the_timeline_is_audited() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let created = log(
        &app,
        &s.author.1,
        &s.family_id,
        &intervention(&[&s.author.0], "team", "Atelier portage"),
    )
    .await;
    let one = format!("/interventions/{}", created["id"].as_str().expect("id"));
    let list = format!("/families/{}/interventions", s.family_id);
    let timeline = format!("/families/{}/timeline", s.family_id);
    // The teammate, who wrote nothing, reads all three.
    for path in [&list, &one, &timeline] {
        let read = app
            .get(&format!("/api/v1{path}"), Some(&s.teammate.1))
            .await;
        assert_eq!(read.status(), StatusCode::OK, "{path}");
    }

    let entries = app
        .get_json(
            &format!(
                "/api/v1/audit?user_id={}&family_id={}&limit=200",
                s.teammate.0, s.family_id
            ),
            &s.admin,
        )
        .await;
    let entries = entries["items"].as_array().expect("items");
    let seen: Vec<(&str, &str)> = entries
        .iter()
        .map(|entry| {
            assert_eq!(entry["user_id"], s.teammate.0.as_str());
            assert_eq!(entry["family_id"], s.family_id.as_str());
            (
                entry["action"].as_str().expect("action"),
                entry["resource"].as_str().expect("resource"),
            )
        })
        .collect();
    // Newest first.
    assert_eq!(
        seen,
        [
            ("family.timeline", timeline.as_str()),
            ("intervention.read", one.as_str()),
            ("intervention.list", list.as_str()),
        ]
    );
    assert!(
        !serde_json::to_string(entries)
            .expect("json")
            .contains("portage"),
        "no case text in the log"
    );
}

#[tokio::test]
async fn only_the_author_or_a_coordinator_edits_and_edits_are_versioned() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let created = log(
        &app,
        &s.author.1,
        &s.family_id,
        &intervention(&[&s.author.0, &s.present.0], "team", "Appel"),
    )
    .await;
    let path = format!(
        "/api/v1/interventions/{}",
        created["id"].as_str().expect("id")
    );
    let change = intervention(
        &[&s.author.0],
        "restricted",
        "Appel à la CAF, dossier complété",
    );

    assert_problem(
        app.patch(&path, &s.present.1, None, &change).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.patch(&path, &s.teammate.1, None, &change).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.patch(&path, &s.outsider.1, None, &change).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.patch(&path, &s.admin, None, &change).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.patch(&path, &s.author.1, Some("\"9\""), &change).await,
        412,
        "stale_version",
    )
    .await;

    let response = app.patch(&path, &s.author.1, Some("\"1\""), &change).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let changed: Value = response.json().await.expect("json");
    assert_eq!(changed["summary"], "Appel à la CAF, dossier complété");
    assert_eq!(changed["confidentiality"], "restricted");
    // Made restricted, without Léa present any more: she no longer sees it.
    assert_problem(app.get(&path, Some(&s.present.1)).await, 404, "not_found").await;

    let team = intervention(&[&s.author.0], "team", "Appel, suite");
    assert_eq!(
        app.patch(&path, &s.author.1, None, &team).await.status(),
        StatusCode::OK
    );
    let by_coordinator = intervention(&[&s.author.0], "team", "Corrigé par la cheffe de service");
    assert_eq!(
        app.patch(&path, &s.coordinator, None, &by_coordinator)
            .await
            .status(),
        StatusCode::OK
    );

    let admin = &s.admin;
    let audit = app
        .get_json(&format!("/api/v1/audit?family_id={}", s.family_id), admin)
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "intervention.update")
            .count(),
        3
    );
    assert!(actions.contains(&"intervention.create"));
    assert!(
        !audit.to_string().contains("CAF"),
        "the audit log holds no case text"
    );
}

#[tokio::test]
async fn actions_are_listed_open_first_by_due_date_and_marked_done() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let path = format!("/api/v1/families/{}/actions", s.family_id);
    let mut ids = Vec::new();
    for (description, due) in [
        ("Relancer la CAF", days_ago(3)),
        ("Dossier DALO", today() + chrono::Days::new(10)),
        ("Vaccins", today()),
    ] {
        let body = json!({"description": description, "due_on": due, "assignee_id": s.author.0});
        let response = app.post(&path, Some(&s.coordinator), &body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let action: Value = response.json().await.expect("json");
        ids.push(action["id"].as_str().expect("id").to_owned());
    }
    let mine = app
        .get_json("/api/v1/me/actions?status=open", &s.author.1)
        .await;
    let items = mine["items"].as_array().expect("items");
    let order: Vec<&str> = items
        .iter()
        .map(|a| a["description"].as_str().expect("d"))
        .collect();
    assert_eq!(order, ["Relancer la CAF", "Vaccins", "Dossier DALO"]);
    assert_eq!(items[0]["overdue"], true);
    assert_eq!(items[1]["overdue"], false);

    let action_path = format!("/api/v1/actions/{}", ids[0]);
    assert_problem(
        app.patch(
            &action_path,
            &s.present.1,
            None,
            &json!({"done_on": today()}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.patch(
            &action_path,
            &s.outsider.1,
            None,
            &json!({"done_on": today()}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let future = json!({"done_on": today() + chrono::Days::new(1)});
    let problem = assert_problem(
        app.patch(&action_path, &s.author.1, None, &future).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["done_on"]);
    let done = app
        .patch(
            &action_path,
            &s.author.1,
            Some("\"1\""),
            &json!({"done_on": today()}),
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let done: Value = done.json().await.expect("json");
    assert_eq!(done["done_on"], today().to_string());
    assert_eq!(done["overdue"], false, "done: no longer overdue");

    let open = app.get_json("/api/v1/me/actions", &s.author.1).await;
    assert_eq!(open["items"].as_array().expect("items").len(), 2);
    let all = app
        .get_json("/api/v1/me/actions?status=all", &s.author.1)
        .await;
    let all = all["items"].as_array().expect("items");
    assert_eq!(all.len(), 3);
    assert_eq!(all[2]["description"], "Relancer la CAF", "done ones last");
    assert_eq!(all[2]["overdue"], false);
    assert_eq!(all[2]["done_on"], today().to_string());
    // A coordinator may reopen it too: it is open, and overdue, again.
    let reopen = app
        .patch(
            &action_path,
            &s.coordinator,
            None,
            &json!({"done_on": null}),
        )
        .await;
    assert_eq!(reopen.status(), StatusCode::OK);
    let reopened: Value = reopen.json().await.expect("json");
    assert_eq!(reopened["id"], ids[0].as_str());
    assert!(reopened["done_on"].is_null(), "{reopened}");
    assert_eq!(reopened["overdue"], true);
    let open = app.get_json("/api/v1/me/actions", &s.author.1).await;
    let open = open["items"].as_array().expect("items");
    assert_eq!(open.len(), 3);
    let read_back = open
        .iter()
        .find(|action| action["id"] == ids[0].as_str())
        .expect("open again");
    assert!(read_back["done_on"].is_null(), "{read_back}");
    assert_eq!(read_back["overdue"], true);
}

#[tokio::test]
async fn the_timeline_tells_the_familys_story_newest_first_page_by_page() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let renewed = app.renew(&s.coordinator, &s.placement_id, 1).await;
    assert_eq!(renewed.status(), StatusCode::CREATED);
    log(
        &app,
        &s.author.1,
        &s.family_id,
        &intervention(&[&s.author.0], "team", "Visite"),
    )
    .await;
    app.exit(&s.coordinator, &s.placement_id, &days_ago(1).to_string())
        .await;

    let path = format!("/api/v1/families/{}/timeline", s.family_id);
    let mut kinds = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit=2&cursor={c}"),
            None => format!("{path}?limit=2"),
        };
        let page = app.get_json(&url, &s.author.1).await;
        for event in page["items"].as_array().expect("items") {
            kinds.push(event["kind"].as_str().expect("kind").to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    // The second period, renewed before the exit, starts in the future.
    assert_eq!(
        kinds,
        [
            "period",
            "exit",
            "renewal",
            "intervention",
            "period",
            "admission",
            "referral"
        ]
    );
    let dates: Vec<String> = {
        let page = app
            .get_json(&format!("{path}?limit=200"), &s.coordinator)
            .await;
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|e| e["date"].as_str().expect("date").to_owned())
            .collect()
    };
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
}

/// Each page reads only the interventions it can show, yet the pages
/// together are the whole timeline, in the same order, whatever their size:
/// interventions between other events, two at the same instant.
#[tokio::test]
async fn timeline_pages_of_any_size_add_up_to_the_whole_story() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let renewed = app.renew(&s.coordinator, &s.placement_id, 1).await;
    assert_eq!(renewed.status(), StatusCode::CREATED);
    for days in [1, 3, 3, 5, 8, 13, 21] {
        let mut body = intervention(&[&s.author.0], "team", &format!("Visite J-{days}"));
        body["occurred_at"] = json!(format!("{}T09:30:00Z", days_ago(days)));
        log(&app, &s.author.1, &s.family_id, &body).await;
    }
    let path = format!("/api/v1/families/{}/timeline", s.family_id);
    let event_of = |event: &Value| {
        format!(
            "{} {} {}",
            event["date"].as_str().expect("date"),
            event["kind"].as_str().expect("kind"),
            event["intervention"]["id"].as_str().unwrap_or("-")
        )
    };
    let whole: Vec<String> = app
        .get_json(&format!("{path}?limit=200"), &s.author.1)
        .await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(event_of)
        .collect();
    assert_eq!(
        whole.iter().filter(|e| e.contains("intervention")).count(),
        7
    );
    for size in [1, 2, 3, 5] {
        let mut paged = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("{path}?limit={size}&cursor={c}"),
                None => format!("{path}?limit={size}"),
            };
            let page = app.get_json(&url, &s.author.1).await;
            let items = page["items"].as_array().expect("items");
            assert!(items.len() <= size);
            paged.extend(items.iter().map(event_of));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(paged, whole, "pages of {size}");
    }
}

/// Logs `body` on the scene's family as its author.
async fn try_log(app: &TestApp, s: &Scene, body: &Value) -> reqwest::Response {
    let path = format!("/api/v1/families/{}/interventions", s.family_id);
    app.post(&path, Some(&s.author.1), body).await
}

#[tokio::test]
async fn an_action_goes_only_to_someone_on_the_family() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let actions = format!("/api/v1/families/{}/actions", s.family_id);
    let to = |assignee: &str| json!({"description": "Relancer la CAF", "due_on": today(), "assignee_id": assignee});
    let response = app
        .post(&actions, Some(&s.coordinator), &to(&s.outsider.0))
        .await;
    assert_invalid(response, &["assignee_id"]).await;
    // Within an intervention too.
    let mut body = intervention(&[&s.author.0], "team", "Entretien");
    body["actions"] =
        json!([{"description": "Appeler", "due_on": today(), "assignee_id": s.outsider.0}]);
    assert_invalid(try_log(&app, &s, &body).await, &["actions[0].assignee_id"]).await;
    // Teammates are fine.
    for assignee in [&s.teammate.0, &s.present.0] {
        let response = app
            .post(&actions, Some(&s.coordinator), &to(assignee))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
}

#[tokio::test]
async fn a_restricted_interventions_action_goes_only_to_those_present() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let mut body = intervention(&[&s.author.0, &s.present.0], "restricted", "Entretien psy");
    body["actions"] = json!([{"description": "Orienter vers le CMP", "due_on": today(), "assignee_id": s.teammate.0}]);
    assert_invalid(try_log(&app, &s, &body).await, &["actions[0].assignee_id"]).await;
}

#[tokio::test]
async fn actions_of_a_restricted_intervention_stay_with_those_present() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let mut body = intervention(&[&s.author.0, &s.present.0], "restricted", "Entretien psy");
    body["actions"] = json!([{"description": "Orienter vers le CMP", "due_on": today(), "assignee_id": s.present.0}]);
    let created = log(&app, &s.author.1, &s.family_id, &body).await;
    let action_id = created["actions"][0]["id"].as_str().expect("id").to_owned();
    let action_path = format!("/api/v1/actions/{action_id}");

    let mine = app.get_json("/api/v1/me/actions", &s.present.1).await;
    assert_eq!(mine["items"].as_array().expect("items").len(), 1);
    // A teammate and a coordinator who were not there cannot reach it.
    for token in [&s.teammate.1, &s.coordinator] {
        let response = app
            .patch(&action_path, token, None, &json!({"done_on": today()}))
            .await;
        let problem = assert_problem(response, 404, "not_found").await;
        assert!(!problem.to_string().contains("CMP"));
    }
    // Admins never see actions, not even their existence.
    let response = app
        .patch(&action_path, &s.admin, None, &json!({"done_on": today()}))
        .await;
    assert_problem(response, 403, "forbidden").await;
    let admins = app.get_json("/api/v1/me/actions", &s.admin).await;
    assert_eq!(admins["items"], json!([]));
}

#[tokio::test]
async fn an_assignee_who_leaves_the_team_loses_her_actions() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let body =
        json!({"description": "Relancer la CAF", "due_on": today(), "assignee_id": s.teammate.0});
    let response = app
        .post(
            &format!("/api/v1/families/{}/actions", s.family_id),
            Some(&s.coordinator),
            &body,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let action: Value = response.json().await.expect("json");
    let action_path = format!("/api/v1/actions/{}", action["id"].as_str().expect("id"));
    let mine = app.get_json("/api/v1/me/actions", &s.teammate.1).await;
    assert_eq!(mine["items"].as_array().expect("items").len(), 1);

    // The coordinator reorganises the team: the teammate is no longer on it.
    app.assign(&s.coordinator, &s.family_id, &s.author.0, &[&s.present.0])
        .await;
    let mine = app.get_json("/api/v1/me/actions", &s.teammate.1).await;
    assert_eq!(mine["items"], json!([]), "no text after leaving the team");
    let response = app
        .patch(
            &action_path,
            &s.teammate.1,
            None,
            &json!({"done_on": today()}),
        )
        .await;
    assert_problem(response, 404, "not_found").await;
    // The refusal is in the family's audit trail.
    let audit = app
        .get_json(
            &format!("/api/v1/audit?family_id={}", s.family_id),
            &s.admin,
        )
        .await;
    let refused = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|entry| entry["action"] == "family.access_denied");
    assert!(refused, "{audit}");
    // The coordinator still manages it.
    let response = app
        .patch(
            &action_path,
            &s.coordinator,
            None,
            &json!({"done_on": today()}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}
