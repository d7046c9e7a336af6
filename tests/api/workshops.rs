//! Workshops: creation and its rules, who registers and sees which family,
//! the capacity and the one-per-family rule decided by the database under
//! parallel requests, attendance, the timeline and the audit log.

use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{days_ago, today};
use crate::helpers::{
    TestApp, assert_invalid, assert_one_wins, assert_problem, join_all, spawn_app,
};

/// Two families, each accompanied by its own staff member, a staff member
/// who accompanies none, and a coordinator.
struct Scene {
    coordinator: String,
    coordinator_id: String,
    /// Accompanies `diallo`.
    ines: (String, String),
    /// Accompanies `benali`.
    karim: (String, String),
    /// Accompanies nobody.
    lea: (String, String),
    diallo: String,
    diallo_child: String,
    benali: String,
    benali_child: String,
}

async fn family_with_referent(
    app: &TestApp,
    coordinator: &str,
    name: &str,
    referent: &str,
) -> (String, String) {
    let placement = app
        .placed_family(coordinator, name, days_ago(300), days_ago(100))
        .await;
    let family_id = placement["family_id"].as_str().expect("id").to_owned();
    app.assign(coordinator, &family_id, referent, &[]).await;
    let family = app
        .get_json(&format!("/api/v1/families/{family_id}"), coordinator)
        .await;
    let child = family["children"][0]["id"]
        .as_str()
        .expect("child")
        .to_owned();
    (family_id, child)
}

async fn scene(app: &TestApp) -> Scene {
    let coordinator = app.login_as("coordinator").await;
    let me = app.get_json("/api/v1/me", &coordinator).await;
    let ines = app.staff_member("ines").await;
    let karim = app.staff_member("karim").await;
    let lea = app.staff_member("lea").await;
    let (diallo, diallo_child) = family_with_referent(app, &coordinator, "Diallo", &ines.0).await;
    let (benali, benali_child) = family_with_referent(app, &coordinator, "Benali", &karim.0).await;
    Scene {
        coordinator,
        coordinator_id: me["id"].as_str().expect("id").to_owned(),
        ines,
        karim,
        lea,
        diallo,
        diallo_child,
        benali,
        benali_child,
    }
}

fn workshop_on(on: NaiveDate, facilitators: &[&str], capacity: Option<i64>) -> Value {
    json!({
        "title": "Lecture d'albums avec la Médiathèque Boris Vian",
        "on": on,
        "starts_at": "14:00",
        "ends_at": "15:30",
        "partner": "Médiathèque Boris Vian",
        "capacity": capacity,
        "facilitator_ids": facilitators,
    })
}

fn in_days(days: u64) -> NaiveDate {
    today() + Days::new(days)
}

impl TestApp {
    async fn workshop(&self, token: &str, body: &Value) -> Value {
        let response = self.post("/api/v1/workshops", Some(token), body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "workshop");
        response.json().await.expect("json")
    }

    async fn register(
        &self,
        token: &str,
        workshop: &Value,
        family_id: &str,
        child_ids: &[&str],
    ) -> reqwest::Response {
        let path = format!(
            "/api/v1/workshops/{}/participants",
            workshop["id"].as_str().expect("id")
        );
        self.post(
            &path,
            Some(token),
            &json!({"family_id": family_id, "child_ids": child_ids}),
        )
        .await
    }

    async fn attendance(&self, token: &str, workshop: &Value, body: &Value) -> reqwest::Response {
        let path = format!(
            "/api/v1/workshops/{}/attendance",
            workshop["id"].as_str().expect("id")
        );
        self.post(&path, Some(token), body).await
    }
}

fn family_ids(detail: &Value) -> Vec<String> {
    detail["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|item| item["family_id"].as_str().expect("family").to_owned())
        .collect()
}

#[tokio::test]
async fn a_workshop_is_created_and_listed_in_the_order_workshops_take_place() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let created = app
        .workshop(
            &s.ines.1,
            &workshop_on(in_days(14), &[&s.ines.0, &s.coordinator_id], Some(6)),
        )
        .await;
    assert_eq!(
        created["title"],
        "Lecture d'albums avec la Médiathèque Boris Vian"
    );
    assert_eq!(created["on"], in_days(14).to_string());
    assert_eq!(created["starts_at"], "14:00");
    assert_eq!(created["ends_at"], "15:30");
    assert_eq!(created["partner"], "Médiathèque Boris Vian");
    assert_eq!(created["capacity"], 6);
    assert_eq!(created["participants_count"], 0);
    assert_eq!(created["version"], 1);
    assert_eq!(created["facilitator_ids"].as_array().expect("ids").len(), 2);

    let mut open = workshop_on(in_days(7), &[&s.karim.0], None);
    open["title"] = json!("  Massage bébé  ");
    open["partner"] = json!("");
    let open = app.workshop(&s.coordinator, &open).await;
    assert_eq!(open["title"], "Massage bébé");
    assert!(open["partner"].is_null() && open["capacity"].is_null());
    let past = app
        .workshop(
            &s.coordinator,
            &workshop_on(days_ago(7), &[&s.karim.0], None),
        )
        .await;

    // From today by default, in the order they take place.
    let listed = app.get_json("/api/v1/workshops", &s.karim.1).await;
    let ids: Vec<&Value> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| &item["id"])
        .collect();
    assert_eq!(ids, [&open["id"], &created["id"]]);
    let path = format!("/api/v1/workshops?from={}&limit=2", days_ago(30));
    let first = app.get_json(&path, &s.coordinator).await;
    assert_eq!(first["items"][0]["id"], past["id"]);
    let cursor = first["next_cursor"].as_str().expect("more");
    let second = app
        .get_json(&format!("{path}&cursor={cursor}"), &s.coordinator)
        .await;
    assert_eq!(second["items"][0]["id"], created["id"]);
    assert!(second["next_cursor"].is_null());
    let until = format!("/api/v1/workshops?from={}&to={}", days_ago(30), today());
    let until = app.get_json(&until, &s.coordinator).await;
    assert_eq!(until["items"].as_array().expect("items").len(), 1);

    let backwards = format!("/api/v1/workshops?from={}&to={}", today(), days_ago(1));
    assert_invalid(app.get(&backwards, Some(&s.coordinator)).await, &["to"]).await;

    // Admins keep out of the centre's daily life.
    let admin = app.admin_token().await;
    assert_problem(
        app.get("/api/v1/workshops", Some(&admin)).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/workshops",
            Some(&admin),
            &workshop_on(in_days(1), &[&s.karim.0], None),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn every_rule_of_a_workshop_answers_422_with_its_field() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let admin = app.admin_token().await;
    let admin_id = app.get_json("/api/v1/me", &admin).await["id"].clone();
    let ok = workshop_on(in_days(3), &[&s.ines.0], Some(5));
    let cases: Vec<(&str, Value, &str)> = vec![
        ("ends_at", json!("14:00"), "ends_at"),
        ("ends_at", json!("13:59"), "ends_at"),
        ("ends_at", json!("24:00"), "ends_at"),
        ("starts_at", json!("2pm"), "starts_at"),
        ("title", json!("   "), "title"),
        ("title", json!("é".repeat(201)), "title"),
        ("partner", json!("é".repeat(201)), "partner"),
        ("capacity", json!(0), "capacity"),
        ("capacity", json!(101), "capacity"),
        ("facilitator_ids", json!([]), "facilitator_ids"),
        (
            "facilitator_ids",
            json!(vec![s.ines.0.clone(); 11]),
            "facilitator_ids",
        ),
        (
            "facilitator_ids",
            json!([s.ines.0, uuid::Uuid::new_v4()]),
            "facilitator_ids[1]",
        ),
        ("facilitator_ids", json!([admin_id]), "facilitator_ids[0]"),
    ];
    for (field, value, reported) in cases {
        let mut body = ok.clone();
        body[field] = value;
        let response = app.post("/api/v1/workshops", Some(&s.ines.1), &body).await;
        assert_invalid(response, &[reported]).await;
    }
    // A disabled account leads nothing.
    let path = format!("/api/v1/users/{}", s.lea.0);
    let disabled = app
        .patch(&path, &admin, None, &json!({"active": false}))
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);
    let mut body = ok.clone();
    body["facilitator_ids"] = json!([s.lea.0]);
    body["title"] = json!("");
    assert_invalid(
        app.post("/api/v1/workshops", Some(&s.ines.1), &body).await,
        &["facilitator_ids[0]", "title"],
    )
    .await;
    // The bounds themselves are allowed.
    let mut body = ok.clone();
    body["title"] = json!("é".repeat(200));
    body["partner"] = json!("é".repeat(200));
    body["capacity"] = json!(100);
    body["starts_at"] = json!("00:00");
    body["ends_at"] = json!("23:59");
    app.workshop(&s.ines.1, &body).await;
    body["capacity"] = json!(1);
    body["facilitator_ids"] = json!(vec![s.ines.0.clone(); 10]);
    let once = app.workshop(&s.ines.1, &body).await;
    assert_eq!(once["facilitator_ids"], json!([s.ines.0]));
}

#[tokio::test]
async fn staff_register_and_see_only_the_families_they_accompany() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let workshop = app
        .workshop(&s.coordinator, &workshop_on(in_days(7), &[&s.lea.0], None))
        .await;
    let path = format!("/api/v1/workshops/{}", workshop["id"].as_str().expect("id"));

    let registered = app
        .register(&s.ines.1, &workshop, &s.diallo, &[&s.diallo_child])
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let registered: Value = registered.json().await.expect("json");
    assert_eq!(registered["workshop_id"], workshop["id"]);
    assert_eq!(registered["family_id"], s.diallo.as_str());
    assert_eq!(registered["child_ids"], json!([s.diallo_child]));
    assert_eq!(registered["status"], "registered");
    assert!(registered["arrived_at"].is_null());
    assert_eq!(registered["registered_by"], s.ines.0.as_str());

    // Another team's family is hidden, as everywhere in nido.
    for (token, family) in [(&s.ines.1, &s.benali), (&s.lea.1, &s.diallo)] {
        let refused = app.register(token, &workshop, family, &[]).await;
        assert_problem(refused, 404, "not_found").await;
    }
    let unknown = uuid::Uuid::new_v4().to_string();
    let refused = app.register(&s.coordinator, &workshop, &unknown, &[]).await;
    assert_problem(refused, 404, "not_found").await;
    let missing = json!({"id": uuid::Uuid::new_v4()});
    let refused = app.register(&s.coordinator, &missing, &s.benali, &[]).await;
    assert_problem(refused, 404, "not_found").await;
    assert_problem(
        app.get(
            &format!("/api/v1/workshops/{}", missing["id"]),
            Some(&s.coordinator),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    let by_karim = app.register(&s.karim.1, &workshop, &s.benali, &[]).await;
    assert_eq!(by_karim.status(), StatusCode::CREATED);

    let all = app.get_json(&path, &s.coordinator).await;
    assert_eq!(family_ids(&all), [s.diallo.as_str(), s.benali.as_str()]);
    assert_eq!(all["participants_count"], 2);
    let own = app.get_json(&path, &s.ines.1).await;
    assert_eq!(family_ids(&own), [s.diallo.as_str()]);
    assert_eq!(own["participants_count"], 2);
    assert_eq!(own["title"], workshop["title"]);
    // A facilitator who accompanies neither family sees the workshop, not them.
    let facilitator = app.get_json(&path, &s.lea.1).await;
    assert!(family_ids(&facilitator).is_empty());
    assert_eq!(facilitator["participants_count"], 2);
    let listed = app.get_json("/api/v1/workshops", &s.lea.1).await;
    assert_eq!(listed["items"][0]["participants_count"], 2);
}

#[tokio::test]
async fn children_come_only_if_they_are_the_familys_and_born_by_the_day() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let expected = app
        .post(
            &format!("/api/v1/families/{}/children", s.diallo),
            Some(&s.ines.1),
            &json!({"first_name": "Bébé", "expected_birth_date": in_days(40)}),
        )
        .await;
    assert_eq!(expected.status(), StatusCode::CREATED);
    let unborn: Value = expected.json().await.expect("json");
    let unborn = unborn["id"].as_str().expect("id");
    let workshop = app
        .workshop(&s.coordinator, &workshop_on(in_days(7), &[&s.ines.0], None))
        .await;
    let refused = app
        .register(
            &s.coordinator,
            &workshop,
            &s.diallo,
            &[&s.diallo_child, &s.benali_child, unborn],
        )
        .await;
    assert_invalid(refused, &["child_ids[1]", "child_ids[2]"]).await;
    let too_many = vec![s.diallo_child.as_str(); 11];
    let refused = app
        .register(&s.coordinator, &workshop, &s.diallo, &too_many)
        .await;
    assert_invalid(refused, &["child_ids"]).await;
    // A child listed twice comes once; a mother may come alone.
    let twice = app
        .register(
            &s.coordinator,
            &workshop,
            &s.diallo,
            &[&s.diallo_child, &s.diallo_child],
        )
        .await;
    assert_eq!(twice.status(), StatusCode::CREATED);
    let twice: Value = twice.json().await.expect("json");
    assert_eq!(twice["child_ids"], json!([s.diallo_child]));
    let alone = app
        .register(&s.coordinator, &workshop, &s.benali, &[])
        .await;
    assert_eq!(alone.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_family_takes_part_once_and_the_capacity_counts_families() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let workshop = app
        .workshop(
            &s.coordinator,
            &workshop_on(in_days(7), &[&s.ines.0], Some(1)),
        )
        .await;
    let first = app
        .register(&s.coordinator, &workshop, &s.diallo, &[&s.diallo_child])
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = app.register(&s.ines.1, &workshop, &s.diallo, &[]).await;
    assert_problem(again, 409, "already_participating").await;
    let full = app
        .register(&s.coordinator, &workshop, &s.benali, &[&s.benali_child])
        .await;
    let problem = assert_problem(full, 409, "workshop_full").await;
    assert_eq!(
        problem["detail"],
        "This workshop already has as many families as it takes."
    );
    let path = format!("/api/v1/workshops/{}", workshop["id"].as_str().expect("id"));
    let detail = app.get_json(&path, &s.coordinator).await;
    assert_eq!(detail["participants_count"], 1);
    assert_eq!(family_ids(&detail), [s.diallo.as_str()]);
}

/// Families placed by `coordinator`: their ids.
async fn families(app: &TestApp, coordinator: &str, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for at in 0..count {
        let placement = app
            .placed_family(
                coordinator,
                &format!("Famille{at}"),
                days_ago(300),
                days_ago(100),
            )
            .await;
        ids.push(placement["family_id"].as_str().expect("id").to_owned());
    }
    ids
}

#[tokio::test]
async fn parallel_registrations_for_the_last_place_let_exactly_one_in() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let me = app.get_json("/api/v1/me", &coordinator).await;
    let me = me["id"].as_str().expect("id");
    let ids = families(&app, &coordinator, 6).await;
    let workshop = app
        .workshop(&coordinator, &workshop_on(in_days(7), &[me], Some(2)))
        .await;
    let first = app.register(&coordinator, &workshop, &ids[0], &[]).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let attempts = ids[1..]
        .iter()
        .map(|family| app.register(&coordinator, &workshop, family, &[]));
    let answers = join_all(attempts.collect()).await;
    assert_one_wins(answers, 201, 409, "workshop_full").await;
    let path = format!("/api/v1/workshops/{}", workshop["id"].as_str().expect("id"));
    let detail = app.get_json(&path, &coordinator).await;
    assert_eq!(detail["participants_count"], 2);
    assert_eq!(family_ids(&detail).len(), 2);
}

#[tokio::test]
async fn parallel_registrations_of_one_family_leave_one_participation() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let me = app.get_json("/api/v1/me", &coordinator).await;
    let me = me["id"].as_str().expect("id");
    let ids = families(&app, &coordinator, 1).await;
    let workshop = app
        .workshop(&coordinator, &workshop_on(in_days(7), &[me], Some(3)))
        .await;
    let attempts = (0..5).map(|_| app.register(&coordinator, &workshop, &ids[0], &[]));
    let answers = join_all(attempts.collect()).await;
    assert_one_wins(answers, 201, 409, "already_participating").await;
    let path = format!("/api/v1/workshops/{}", workshop["id"].as_str().expect("id"));
    let detail = app.get_json(&path, &coordinator).await;
    assert_eq!(detail["participants_count"], 1);
    assert_eq!(family_ids(&detail), [ids[0].as_str()]);
}

#[tokio::test]
async fn attendance_is_recorded_from_the_day_on_by_those_who_may() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    // Lea leads the workshop without accompanying either family.
    let held = app
        .workshop(&s.coordinator, &workshop_on(days_ago(2), &[&s.lea.0], None))
        .await;
    for (family, child) in [(&s.diallo, &s.diallo_child), (&s.benali, &s.benali_child)] {
        let registered = app.register(&s.coordinator, &held, family, &[child]).await;
        assert_eq!(registered.status(), StatusCode::CREATED);
    }

    let came = json!({"family_id": s.diallo, "arrived_at": "14:05", "left_at": "15:20"});
    let response = app.attendance(&s.ines.1, &held, &came).await;
    assert_eq!(response.status(), StatusCode::OK);
    let attended: Value = response.json().await.expect("json");
    assert_eq!(attended["status"], "attended");
    assert_eq!(attended["arrived_at"], "14:05");
    assert_eq!(attended["left_at"], "15:20");
    assert_eq!(attended["version"], 2);

    // The facilitator records for any participant; staff of another
    // family do not, and do not learn it exists.
    let absent = json!({"family_id": s.benali, "absent": true});
    assert_problem(
        app.attendance(&s.ines.1, &held, &absent).await,
        404,
        "not_found",
    )
    .await;
    let response = app.attendance(&s.lea.1, &held, &absent).await;
    assert_eq!(response.status(), StatusCode::OK);
    let recorded: Value = response.json().await.expect("json");
    assert_eq!(recorded["status"], "absent");
    assert!(recorded["arrived_at"].is_null());
    // Recording again corrects it.
    let corrected = app.attendance(&s.coordinator, &held, &absent).await;
    assert_eq!(corrected.status(), StatusCode::OK);
    let corrected = app
        .attendance(
            &s.karim.1,
            &held,
            &json!({"family_id": s.benali, "arrived_at": "14:30", "left_at": "15:00"}),
        )
        .await;
    assert_eq!(corrected.status(), StatusCode::OK);

    let path = format!("/api/v1/workshops/{}", held["id"].as_str().expect("id"));
    let detail = app.get_json(&path, &s.coordinator).await;
    let statuses: Vec<&Value> = detail["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|item| &item["status"])
        .collect();
    assert_eq!(statuses, ["attended", "attended"]);

    // The rules of the body.
    let cases: Vec<(Value, &[&str])> = vec![
        (json!({"family_id": s.diallo}), &["arrived_at"]),
        (json!({"family_id": s.diallo, "absent": false}), &["absent"]),
        (
            json!({"family_id": s.diallo, "absent": true, "left_at": "15:00"}),
            &["absent"],
        ),
        (
            json!({"family_id": s.diallo, "arrived_at": "14:00"}),
            &["left_at"],
        ),
        (
            json!({"family_id": s.diallo, "arrived_at": "15:00", "left_at": "15:00"}),
            &["left_at"],
        ),
        (
            json!({"family_id": s.diallo, "arrived_at": "3pm", "left_at": "16:00"}),
            &["arrived_at"],
        ),
    ];
    for (body, fields) in cases {
        assert_invalid(app.attendance(&s.coordinator, &held, &body).await, fields).await;
    }
    // Only a family taking part.
    let other = app
        .workshop(&s.coordinator, &workshop_on(days_ago(1), &[&s.lea.0], None))
        .await;
    assert_invalid(
        app.attendance(&s.coordinator, &other, &absent).await,
        &["family_id"],
    )
    .await;

    // Not before the workshop's day.
    let coming = app
        .workshop(&s.coordinator, &workshop_on(in_days(1), &[&s.lea.0], None))
        .await;
    let registered = app.register(&s.coordinator, &coming, &s.benali, &[]).await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let early = app.attendance(&s.lea.1, &coming, &absent).await;
    assert_problem(early, 422, "workshop_not_held_yet").await;
    let today_workshop = app
        .workshop(&s.coordinator, &workshop_on(today(), &[&s.lea.0], None))
        .await;
    let registered = app
        .register(&s.coordinator, &today_workshop, &s.benali, &[])
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let on_the_day = app.attendance(&s.lea.1, &today_workshop, &absent).await;
    assert_eq!(on_the_day.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_participation_is_on_the_familys_timeline_and_in_the_audit_log() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let workshop = app
        .workshop(&s.ines.1, &workshop_on(days_ago(3), &[&s.ines.0], Some(4)))
        .await;
    let workshop_id = workshop["id"].as_str().expect("id");
    let registered = app
        .register(&s.ines.1, &workshop, &s.diallo, &[&s.diallo_child])
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let came = json!({"family_id": s.diallo, "arrived_at": "14:00", "left_at": "15:30"});
    assert_eq!(
        app.attendance(&s.ines.1, &workshop, &came).await.status(),
        StatusCode::OK
    );
    let path = format!("/api/v1/workshops/{workshop_id}");
    assert_eq!(
        app.get(&path, Some(&s.ines.1)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/workshops", Some(&s.ines.1)).await.status(),
        StatusCode::OK
    );

    let timeline = app
        .get_json(
            &format!("/api/v1/families/{}/timeline", s.diallo),
            &s.ines.1,
        )
        .await;
    let events = timeline["items"].as_array().expect("items");
    let event = events
        .iter()
        .find(|event| event["kind"] == "workshop")
        .expect("a workshop event");
    assert_eq!(event["workshop_id"], workshop_id);
    assert_eq!(event["title"], workshop["title"]);
    assert_eq!(event["status"], "attended");
    assert_eq!(event["date"], days_ago(3).to_string());
    assert!(event["at"].as_str().is_some_and(|at| at.ends_with('Z')));
    // Newest first: the workshop three days ago comes before the admission.
    let kinds: Vec<&str> = events
        .iter()
        .map(|event| event["kind"].as_str().expect("kind"))
        .collect();
    let at = |kind: &str| kinds.iter().position(|k| *k == kind).expect(kind);
    assert!(at("workshop") < at("admission"), "{kinds:?}");
    let benali = app
        .get_json(
            &format!("/api/v1/families/{}/timeline", s.benali),
            &s.karim.1,
        )
        .await;
    assert!(!benali.to_string().contains("\"workshop\""));

    let admin = app.admin_token().await;
    let entries = app
        .get_json(&format!("/api/v1/audit?family_id={}", s.diallo), &admin)
        .await;
    let actions: Vec<&str> = entries["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|entry| entry["user_id"] == s.ines.0.as_str())
        .map(|entry| entry["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        [
            "family.timeline",
            "workshop.read",
            "workshop.attendance",
            "workshop.participant.add"
        ]
    );
    let by_ines = app
        .get_json(&format!("/api/v1/audit?user_id={}", s.ines.0), &admin)
        .await;
    let without_family: Vec<(&str, &str)> = by_ines["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|entry| entry["family_id"].is_null())
        .filter(|entry| {
            entry["action"]
                .as_str()
                .is_some_and(|a| a.starts_with("workshop."))
        })
        .map(|entry| {
            (
                entry["action"].as_str().expect("action"),
                entry["resource"].as_str().expect("resource"),
            )
        })
        .collect();
    assert_eq!(
        without_family,
        [
            ("workshop.list", "/workshops"),
            ("workshop.create", path.trim_start_matches("/api/v1")),
        ]
    );
    // A read that shows no family is audited without one.
    app.get_json(&path, &s.karim.1).await;
    let by_karim = app
        .get_json(&format!("/api/v1/audit?user_id={}", s.karim.0), &admin)
        .await;
    assert_eq!(by_karim["items"][0]["action"], "workshop.read");
    assert!(by_karim["items"][0]["family_id"].is_null());
}

#[tokio::test]
async fn the_database_itself_refuses_a_second_participation_and_one_past_the_capacity() {
    use nido_domain::Conflict;
    use nido_persistence::RepoError;
    use nido_persistence::entities::workshops;
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let app = spawn_app().await;
    let s = scene(&app).await;
    let workshop = app
        .workshop(
            &s.coordinator,
            &workshop_on(in_days(7), &[&s.ines.0], Some(1)),
        )
        .await;
    let registered = app
        .register(&s.coordinator, &workshop, &s.diallo, &[])
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let workshop_id: uuid::Uuid = workshop["id"].as_str().expect("id").parse().expect("uuid");
    let by: uuid::Uuid = s.coordinator_id.parse().expect("uuid");
    for (family, conflict) in [
        (&s.diallo, Conflict::AlreadyParticipating),
        (&s.benali, Conflict::WorkshopFull),
    ] {
        let family: uuid::Uuid = family.parse().expect("uuid");
        let refused = nido_persistence::workshops::add_participant(
            &app.db,
            workshop_id,
            family,
            &[],
            by,
            crate::helpers::test_now(),
        )
        .await;
        assert!(
            matches!(refused, Err(RepoError::Conflict(found)) if found == conflict),
            "{refused:?}"
        );
    }
    // Written straight into the table, a count past the capacity is refused.
    let past = workshops::Entity::update_many()
        .col_expr(
            workshops::Column::ParticipantsCount,
            Expr::col(workshops::Column::ParticipantsCount).add(1),
        )
        .filter(workshops::Column::Id.eq(workshop_id))
        .exec(&app.db)
        .await;
    assert!(past.is_err(), "{past:?}");
}

/// The status, media type and body of an answer, to compare refusals.
async fn refusal(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let media = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    (status, media, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_facilitator_learns_nothing_of_another_teams_family_from_a_refusal() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    // Lea leads both workshops and accompanies neither family; Benali
    // (Karim's) takes part in both.
    let coming = app
        .workshop(&s.coordinator, &workshop_on(in_days(1), &[&s.lea.0], None))
        .await;
    let held = app
        .workshop(&s.coordinator, &workshop_on(days_ago(1), &[&s.lea.0], None))
        .await;
    for workshop in [&coming, &held] {
        let registered = app
            .register(&s.coordinator, workshop, &s.benali, &[&s.benali_child])
            .await;
        assert_eq!(registered.status(), StatusCode::CREATED);
    }
    let unknown = uuid::Uuid::now_v7().to_string();

    // Registering: another team's family, or none at all.
    for workshop in [&coming, &held] {
        for children in [
            vec![],
            vec![s.benali_child.as_str()],
            vec![s.diallo_child.as_str()],
        ] {
            let theirs =
                refusal(app.register(&s.lea.1, workshop, &s.benali, &children).await).await;
            let nobody = refusal(app.register(&s.lea.1, workshop, &unknown, &children).await).await;
            assert_eq!(theirs, nobody);
            assert_eq!(theirs.0, 404);
        }
    }
    // Attendance before the day: taking part or not, existing or not.
    for body in [
        json!({"absent": true}),
        json!({"arrived_at": "14:05", "left_at": "15:00"}),
    ] {
        let mut theirs = body.clone();
        theirs["family_id"] = json!(s.benali);
        let mut nobody = body.clone();
        nobody["family_id"] = json!(unknown);
        let mut not_taking_part = body.clone();
        not_taking_part["family_id"] = json!(s.diallo);
        let theirs = refusal(app.attendance(&s.lea.1, &coming, &theirs).await).await;
        assert_eq!(
            theirs,
            refusal(app.attendance(&s.lea.1, &coming, &nobody).await).await
        );
        assert_eq!(
            theirs,
            refusal(app.attendance(&s.lea.1, &coming, &not_taking_part).await).await
        );
    }
    // Once held: a family that does not take part is answered like none.
    let other = app
        .workshop(&s.coordinator, &workshop_on(days_ago(1), &[&s.lea.0], None))
        .await;
    let theirs = refusal(
        app.attendance(
            &s.lea.1,
            &other,
            &json!({"family_id": s.benali, "absent": true}),
        )
        .await,
    )
    .await;
    let nobody = refusal(
        app.attendance(
            &s.lea.1,
            &other,
            &json!({"family_id": unknown, "absent": true}),
        )
        .await,
    )
    .await;
    assert_eq!(theirs, nobody);
    assert_eq!(theirs.0, 422);
}
