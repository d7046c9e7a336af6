//! The sites (SPEC "Several centres in one installation"): the first made
//! from the settings, read by everyone, changed by admins only, and read
//! by the billing statement and the activity report from then on.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_invalid, assert_problem, spawn_app_with, spawn_sibling_with};

async fn patch_site(
    app: &TestApp,
    token: &str,
    id: &str,
    version: Option<i64>,
    body: &Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .patch(app.url(&format!("/api/v1/sites/{id}")))
        .bearer_auth(token)
        .json(body);
    if let Some(version) = version {
        request = request.header("if-match", format!("\"{version}\""));
    }
    request.send().await.expect("sent")
}

#[tokio::test]
async fn the_first_site_comes_from_the_settings_and_only_an_admin_changes_it() {
    let app = spawn_app_with(|settings| {
        settings.centre.name = "Centre maternel Les Lilas".into();
        settings.centre.authorized_places = 12;
        settings.billing.daily_rate_cents = 11_000;
    })
    .await;
    let staff = app.login_as("staff").await;
    let sites = app.get_json("/api/v1/sites", &staff).await;
    let items = sites["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{sites}");
    let site = &items[0];
    assert_eq!(site["name"], "Centre maternel Les Lilas");
    assert_eq!(site["authorized_places"], 12);
    assert_eq!(site["daily_rate_cents"], 11_000);
    let id = site["id"].as_str().expect("id").to_owned();

    for role in ["staff", "coordinator"] {
        let token = app.login_as(role).await;
        let refused = patch_site(&app, &token, &id, None, &json!({"authorized_places": 0})).await;
        assert_problem(refused, 403, "forbidden").await;
    }
    let admin = app.admin_token().await;
    assert_invalid(
        patch_site(
            &app,
            &admin,
            &id,
            None,
            &json!({"name": "  ", "authorized_places": 0, "daily_rate_cents": -1}),
        )
        .await,
        &["authorized_places", "daily_rate_cents", "name"],
    )
    .await;
    let stale = patch_site(
        &app,
        &admin,
        &id,
        Some(7),
        &json!({"authorized_places": 14}),
    )
    .await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let changed = patch_site(
        &app,
        &admin,
        &id,
        Some(1),
        &json!({"name": "Les Lilas", "authorized_places": 14, "daily_rate_cents": 12_500,
                "address": "3 allée des Lilas, 94400 Vitry-sur-Seine", "director": "Hélène Marchand"}),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.expect("json");
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["director"], "Hélène Marchand");

    // The site's record counts from now on, whatever the settings say at
    // the next start; the statement reads its rate.
    let restarted = spawn_sibling_with(&app, |settings| {
        settings.billing.daily_rate_cents = 1;
        settings.centre.name = "Autre nom".into();
    })
    .await;
    let site = restarted
        .get_json(&format!("/api/v1/sites/{id}"), &staff)
        .await;
    assert_eq!(site["name"], "Les Lilas");
    assert_eq!(site["daily_rate_cents"], 12_500);
    let month = crate::cases::today().format("%Y-%m").to_string();
    let statement = restarted
        .get_json(&format!("/api/v1/reports/billing?month={month}"), &admin)
        .await;
    assert_eq!(statement["daily_rate_cents"], 12_500, "{statement}");
    let actions = app.audit_actions_where(&admin, "limit=200").await;
    assert!(actions.iter().any(|a| a == "site.update"), "{actions:?}");
    assert_eq!(
        app.get(
            &format!("/api/v1/sites/{}", uuid::Uuid::now_v7()),
            Some(&staff)
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
}

/// Rows of the tables that belong to a site and name none, and users who
/// belong to no site.
pub(crate) async fn rows_without_a_site(db: &nido_persistence::DatabaseConnection) -> i64 {
    let mut missing = 0;
    for query in ["families", "units", "workshops", "incidents"]
        .map(|table| format!("SELECT COUNT(*) AS missing FROM {table} WHERE site_id IS NULL"))
        .into_iter()
        .chain([
            "SELECT COUNT(*) AS missing FROM users WHERE id NOT IN (SELECT user_id FROM user_sites)"
                .to_owned(),
        ])
    {
        let row = sea_orm::ConnectionTrait::query_one_raw(
            db,
            sea_orm::Statement::from_string(db.get_database_backend(), query),
        )
        .await
        .expect("counted")
        .expect("a row");
        missing += row.try_get::<i64>("", "missing").expect("a count");
    }
    missing
}

#[tokio::test]
async fn every_family_unit_workshop_and_incident_belongs_to_a_site() {
    let app = crate::helpers::spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let placed = app
        .placed_family(
            &coordinator,
            "Sow",
            crate::cases::days_ago(200),
            crate::cases::days_ago(20),
        )
        .await;
    let family_id = placed["family_id"].as_str().expect("family").to_owned();
    let incident = app
        .post(
            "/api/v1/incidents",
            Some(&coordinator),
            &json!({"occurred_at": crate::helpers::test_now() - chrono::TimeDelta::hours(2),
                    "category": "violent_behaviour", "description": "Une altercation dans le hall.",
                    "family_id": family_id, "measures_taken": "Entretien avec chacune."}),
        )
        .await;
    assert_eq!(
        incident.status(),
        StatusCode::CREATED,
        "{}",
        incident.text().await.unwrap_or_default()
    );
    assert_eq!(rows_without_a_site(&app.db).await, 0);
}

/// A second site, written straight into the database (`POST /sites` comes
/// with the scoping of every read): its id.
pub(crate) async fn second_site(app: &TestApp, name: &str) -> uuid::Uuid {
    let site = nido_domain::site::Site {
        id: uuid::Uuid::now_v7(),
        name: name.to_owned(),
        address: "12 rue des Tilleuls, 94200 Ivry-sur-Seine".to_owned(),
        director: "Sophie Garnier".to_owned(),
        authorized_places: 8,
        daily_rate_cents: 9_800,
        version: 1,
    };
    nido_persistence::sites::insert(&app.db, &site, chrono::Utc::now())
        .await
        .expect("a second site")
        .id
}

/// A site made by `admin` through the API: she belongs to it.
async fn made_site(app: &TestApp, admin: &str, name: &str) -> uuid::Uuid {
    let made = app
        .post(
            "/api/v1/sites",
            Some(admin),
            &json!({"name": name, "address": "12 rue des Tilleuls, 94200 Ivry-sur-Seine",
                    "director": "Sophie Garnier", "authorized_places": 8, "daily_rate_cents": 9_800}),
        )
        .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.expect("json");
    made["id"].as_str().expect("id").parse().expect("a uuid")
}

#[tokio::test]
async fn an_admin_makes_a_site_she_then_belongs_to_and_its_team_sees_only_its_families() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let body = json!({"name": "Centre maternel d'Ivry", "address": "12 rue des Tilleuls, 94200 Ivry-sur-Seine",
                      "director": "Sophie Garnier", "authorized_places": 8});
    assert_problem(
        app.post("/api/v1/sites", Some(&coordinator), &body).await,
        403,
        "forbidden",
    )
    .await;
    assert_invalid(
        app.post(
            "/api/v1/sites",
            Some(&admin),
            &json!({"name": " ", "address": "1 rue A, 75001 Paris", "director": "D",
                    "authorized_places": 0, "daily_rate_cents": -5}),
        )
        .await,
        &["authorized_places", "daily_rate_cents", "name"],
    )
    .await;
    let made = app.post("/api/v1/sites", Some(&admin), &body).await;
    assert_eq!(made.status(), StatusCode::CREATED);
    assert_eq!(made.headers()["etag"], "\"1\"");
    let made: Value = made.json().await.expect("json");
    assert_eq!(made["daily_rate_cents"], 0, "{made}");
    let ivry = made["id"].as_str().expect("id").to_owned();
    assert_problem(
        app.post("/api/v1/sites", Some(&admin), &body).await,
        409,
        "site_name_taken",
    )
    .await;
    assert_eq!(
        app.get_json("/api/v1/sites", &coordinator).await["items"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // She belongs to it (and still to the first); the coordinator, who
    // belonged to every site, belongs to the first only.
    let me = app.get_json("/api/v1/me", &admin).await;
    assert!(
        me["site_ids"]
            .as_array()
            .expect("site_ids")
            .contains(&json!(ivry)),
        "{me}"
    );
    assert_eq!(me["site_ids"].as_array().map(Vec::len), Some(2));
    let actions = app.audit_actions_where(&admin, "limit=200").await;
    assert!(actions.iter().any(|a| a == "site.create"), "{actions:?}");
    assert!(
        actions.iter().any(|a| a == "user.sites_change"),
        "{actions:?}"
    );

    // The new site's coordinator refers a family: it is Ivry's, and the
    // first site's coordinator does not find it.
    let site: uuid::Uuid = ivry.parse().expect("uuid");
    let (_, ivry_coordinator) = member_of(&app, &admin, "coordinator", site).await;
    let referral = app
        .refer(
            &ivry_coordinator,
            "Ivry-Referred",
            crate::cases::date("2026-01-05"),
        )
        .await;
    let family_id = referral["family_id"].as_str().expect("family_id");
    let family = app
        .get_json(&format!("/api/v1/families/{family_id}"), &ivry_coordinator)
        .await;
    assert_eq!(family["site_id"], json!(ivry), "{family}");
    assert_eq!(
        app.get(&format!("/api/v1/families/{family_id}"), Some(&coordinator))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Once she belongs to both sites, a new family needs its site named; a
    // family nido knows keeps hers, named or not.
    let coordinator_id = app.get_json("/api/v1/me", &coordinator).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    join_site(&app, &coordinator_id, site).await;
    let unnamed = crate::cases::referral_body("Sans-Site", crate::cases::days_ago(1), json!([]));
    assert_invalid(
        app.post("/api/v1/referrals", Some(&coordinator), &unnamed)
            .await,
        &["site_id"],
    )
    .await;
    let withdraw = format!(
        "/api/v1/referrals/{}/withdraw",
        referral["id"].as_str().expect("id")
    );
    let withdrawn = app
        .post(
            &withdraw,
            Some(&coordinator),
            &json!({"reason": "Partie chez sa sœur"}),
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::OK);
    let mut again =
        crate::cases::referral_body("Ivry-Referred", crate::cases::days_ago(1), json!([]));
    again.as_object_mut().expect("object").remove("family");
    again["family_id"] = json!(family_id);
    let known = app
        .post("/api/v1/referrals", Some(&coordinator), &again)
        .await;
    assert_eq!(
        known.status(),
        StatusCode::CREATED,
        "a known family keeps her site"
    );
    let family = app
        .get_json(&format!("/api/v1/families/{family_id}"), &coordinator)
        .await;
    assert_eq!(family["site_id"], json!(ivry));
}

/// `user_id` belongs to `site_id` too, written straight into the database.
pub(crate) async fn join_site(app: &TestApp, user_id: &str, site_id: uuid::Uuid) {
    nido_persistence::sites::add_member(&app.db, user_id.parse().expect("an id"), site_id)
        .await
        .expect("joined");
}

async fn patch_user(app: &TestApp, admin: &str, id: &str, body: &Value) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/api/v1/users/{id}")))
        .bearer_auth(admin)
        .json(body)
        .send()
        .await
        .expect("sent")
}

fn new_user(email: &str, site_ids: Option<Value>) -> Value {
    let mut user = json!({
        "email": email,
        "display_name": "Camille Roche",
        "role": "staff",
        "profession": "social_worker",
        "password": "lanterne-violon-gravier-47",
    });
    if let Some(site_ids) = site_ids {
        user["site_ids"] = site_ids;
    }
    user
}

#[tokio::test]
async fn users_belong_to_sites_and_an_admin_gives_only_hers() {
    let app = crate::helpers::spawn_app().await;
    let first = nido_domain::site::FIRST_SITE.to_string();
    let admin = app.admin_token().await;
    let me = app.get_json("/api/v1/me", &admin).await;
    assert_eq!(me["site_ids"], json!([first]), "{me}");
    let admin_id = me["id"].as_str().expect("id").to_owned();
    // An admin of the first site only.
    let other_admin = app.login_as("admin").await;

    // One site: a new account belongs to it without being told.
    let created = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &new_user("camille.roche@nido.example", None),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let camille: Value = created.json().await.expect("json");
    assert_eq!(camille["site_ids"], json!([first]), "{camille}");
    let camille_id = camille["id"].as_str().expect("id").to_owned();

    // A site the admin does not belong to is neither given nor managed.
    let ivry = second_site(&app, "Centre maternel d'Ivry").await;
    let unknown = uuid::Uuid::now_v7();
    assert_invalid(
        app.post(
            "/api/v1/users",
            Some(&admin),
            &new_user("a@nido.example", Some(json!([ivry, unknown]))),
        )
        .await,
        &["site_ids[0]", "site_ids[1]"],
    )
    .await;
    assert_invalid(
        app.post(
            "/api/v1/users",
            Some(&admin),
            &new_user("b@nido.example", Some(json!([]))),
        )
        .await,
        &["site_ids"],
    )
    .await;
    assert_invalid(
        patch_user(
            &app,
            &admin,
            &camille_id,
            &json!({"site_ids": [first, ivry]}),
        )
        .await,
        &["site_ids[1]"],
    )
    .await;
    assert_problem(
        patch_site(
            &app,
            &admin,
            &ivry.to_string(),
            None,
            &json!({"authorized_places": 9}),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    // Once she belongs to both, she names the site of each new account.
    join_site(&app, &admin_id, ivry).await;
    assert_invalid(
        app.post(
            "/api/v1/users",
            Some(&admin),
            &new_user("c@nido.example", None),
        )
        .await,
        &["site_ids"],
    )
    .await;
    let created = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &new_user("d@nido.example", Some(json!([ivry, ivry]))),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let ivry_only: Value = created.json().await.expect("json");
    assert_eq!(ivry_only["site_ids"], json!([ivry]), "{ivry_only}");
    let changed = patch_user(
        &app,
        &admin,
        &camille_id,
        &json!({"site_ids": [ivry, first]}),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.expect("json");
    let mut both = vec![first.clone(), ivry.to_string()];
    both.sort();
    assert_eq!(changed["site_ids"], json!(both), "{changed}");
    assert_eq!(changed["version"], 2);
    let read = app
        .get_json(&format!("/api/v1/users/{camille_id}"), &admin)
        .await;
    assert_eq!(read["site_ids"], json!(both));
    let listed = app.get_json("/api/v1/users?limit=200", &admin).await;
    let listed = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|user| user["id"] == camille_id.as_str())
        .expect("listed")
        .clone();
    assert_eq!(listed["site_ids"], json!(both));
    let actions = app.audit_actions_where(&admin, "limit=200").await;
    assert_eq!(
        actions.iter().filter(|a| *a == "user.sites_change").count(),
        1,
        "{actions:?}"
    );

    // An admin of the first site only keeps Ivry where it is: she may not
    // take it away.
    assert_invalid(
        patch_user(
            &app,
            &other_admin,
            &camille_id,
            &json!({"site_ids": [first]}),
        )
        .await,
        &["site_ids"],
    )
    .await;
    let kept = patch_user(
        &app,
        &other_admin,
        &camille_id,
        &json!({"site_ids": [first, ivry]}),
    )
    .await;
    assert_eq!(kept.status(), StatusCode::OK);
    assert_eq!(
        patch_site(
            &app,
            &admin,
            &ivry.to_string(),
            None,
            &json!({"authorized_places": 9})
        )
        .await
        .status(),
        StatusCode::OK
    );
}

/// A user of `site` only, created by `admin` (who belongs to it), her
/// password replaced: her id and token.
async fn member_of(app: &TestApp, admin: &str, role: &str, site: uuid::Uuid) -> (String, String) {
    let email = format!("{role}-{}@nido.example", uuid::Uuid::new_v4().simple());
    let created = app
        .post(
            "/api/v1/users",
            Some(admin),
            &json!({
                "email": email,
                "display_name": format!("Ivry {role}"),
                "role": role,
                "profession": if role == "coordinator" { "coordinator" } else { "social_worker" },
                "password": crate::helpers::SET_BY_ADMIN,
                "site_ids": [site],
            }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.expect("json");
    let token = app.token_for(&email, crate::helpers::SET_BY_ADMIN).await;
    app.change_password(
        &token,
        crate::helpers::SET_BY_ADMIN,
        crate::helpers::PASSWORD,
    )
    .await;
    let token = app.token_for(&email, crate::helpers::PASSWORD).await;
    (created["id"].as_str().expect("id").to_owned(), token)
}

/// A second site and its team (tokens), made by `admin`, who joins it.
struct Ivry {
    site: uuid::Uuid,
    coordinator: String,
    staff_id: String,
    staff: String,
    admin: String,
}

async fn ivry_and_its_team(app: &TestApp, admin: &str) -> Ivry {
    let site = made_site(app, admin, "Centre maternel d'Ivry").await;
    let (_, coordinator) = member_of(app, admin, "coordinator", site).await;
    let (staff_id, staff) = member_of(app, admin, "staff", site).await;
    let (_, ivry_admin) = member_of(app, admin, "admin", site).await;
    Ivry {
        site,
        coordinator,
        staff_id,
        staff,
        admin: ivry_admin,
    }
}

/// The served OpenAPI document's paths and their operations.
async fn openapi_paths(app: &TestApp) -> serde_json::Map<String, Value> {
    let document: Value = app
        .get("/api/v1/openapi.json", None)
        .await
        .json()
        .await
        .expect("json");
    document["paths"].as_object().expect("paths").clone()
}

/// Every route of the OpenAPI document under `prefix` with no parameter
/// but `{id}`, with `id` in its place, and its methods.
async fn routes_of(app: &TestApp, prefix: &str, id: &str) -> Vec<(String, String)> {
    let mut routes = Vec::new();
    for (path, operations) in openapi_paths(app).await {
        let Some(rest) = path.strip_prefix(&format!("/api/v1{prefix}/{{id}}")) else {
            continue;
        };
        if rest.contains('{') {
            continue;
        }
        for method in operations.as_object().expect("operations").keys() {
            routes.push((method.clone(), format!("/api/v1{prefix}/{id}{rest}")));
        }
    }
    assert!(!routes.is_empty(), "{prefix}");
    routes
}

/// What `token` gets from `method` on `path` (with an empty JSON body for
/// a write).
async fn status_of(app: &TestApp, token: &str, method: &str, path: &str) -> StatusCode {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
    let mut request = app
        .client
        .request(method.clone(), app.url(path))
        .bearer_auth(token);
    if method != reqwest::Method::GET {
        request = request.json(&json!({}));
    }
    request.send().await.expect("sent").status()
}

/// The first site's family placed by `lilas`, accompanied by a staff
/// member (`staff_id`) who logged a home visit with an action.
struct Martin {
    family_id: String,
    placement_id: String,
    staff_id: String,
    intervention: Value,
}

async fn martin_visited(app: &TestApp, lilas: &str) -> Martin {
    use crate::cases::days_ago;
    let (staff_id, staff) = app.staff_member("lilas-staff").await;
    let placed = app
        .placed_family(lilas, "Martin", days_ago(300), days_ago(100))
        .await;
    let family_id = placed["family_id"].as_str().expect("id").to_owned();
    let placement_id = placed["id"].as_str().expect("id").to_owned();
    app.assign(lilas, &family_id, &staff_id, &[]).await;
    let intervention = app
        .post(
            &format!("/api/v1/families/{family_id}/interventions"),
            Some(&staff),
            &json!({"kind": "home_visit", "occurred_at": format!("{}T09:30:00Z", days_ago(2)),
                    "duration_minutes": 45, "staff_ids": [staff_id],
                    "summary": "Visite à domicile.", "confidentiality": "team",
                    "actions": [{"description": "Appeler la CAF", "assignee_id": staff_id,
                                 "due_on": crate::cases::today()}]}),
        )
        .await;
    assert_eq!(intervention.status(), StatusCode::CREATED);
    Martin {
        family_id,
        placement_id,
        staff_id,
        intervention: intervention.json().await.expect("json"),
    }
}

#[tokio::test]
async fn another_sites_family_is_not_found_on_any_of_its_routes_nor_in_any_list() {
    use crate::cases::days_ago;
    let app = crate::helpers::spawn_app().await;
    // The first site's team and family, before a second site exists.
    let lilas = app.login_as("coordinator").await;
    let Martin {
        family_id,
        placement_id,
        staff_id: lilas_staff_id,
        intervention,
        ..
    } = martin_visited(&app, &lilas).await;
    let intervention_id = intervention["id"].as_str().expect("id").to_owned();
    let referral = app.refer(&lilas, "Martin-Waiting", days_ago(200)).await;
    let referral_id = referral["id"].as_str().expect("id").to_owned();
    let incident = app
        .post(
            "/api/v1/incidents",
            Some(&lilas),
            &json!({"occurred_at": format!("{}T21:00:00Z", days_ago(1)), "category": "care_or_supervision_failure",
                    "description": "Chute dans l'escalier.", "family_id": family_id,
                    "measures_taken": "Médecin appelé."}),
        )
        .await;
    assert_eq!(incident.status(), StatusCode::CREATED);
    let incident: Value = incident.json().await.expect("json");
    assert_eq!(
        incident["site_id"],
        nido_domain::site::FIRST_SITE.to_string()
    );
    let incident_id = incident["id"].as_str().expect("id").to_owned();
    let workshop = app
        .post(
            "/api/v1/workshops",
            Some(&lilas),
            &json!({"title": "Massage bébé", "on": crate::cases::today(), "starts_at": "14:00",
                    "ends_at": "15:00", "facilitator_ids": [lilas_staff_id]}),
        )
        .await;
    assert_eq!(workshop.status(), StatusCode::CREATED);
    let workshop: Value = workshop.json().await.expect("json");
    assert_eq!(
        workshop["site_id"],
        nido_domain::site::FIRST_SITE.to_string()
    );
    let workshop_id = workshop["id"].as_str().expect("id").to_owned();

    let admin = app.admin_token().await;
    // A morning at the crèche for the first site's child.
    crate::creche::set_settings(&app, &admin, json!({})).await;
    let creche_day = crate::creche::weekday_ago(3);
    let child_id = app
        .get_json(&format!("/api/v1/families/{family_id}"), &lilas)
        .await["children"][0]["id"]
        .as_str()
        .expect("a child")
        .to_owned();
    let booked = app
        .post(
            &format!("/api/v1/families/{family_id}/creche-bookings"),
            Some(&lilas),
            &json!({"child_id": child_id, "on": creche_day, "starts_at": "09:00",
                    "ends_at": "11:00", "purpose": "job_interview"}),
        )
        .await;
    assert_eq!(booked.status(), StatusCode::CREATED);
    let creche_report = format!(
        "/api/v1/reports/creche?month={}",
        creche_day.format("%Y-%m")
    );
    let lilas_unit = app.leased_unit(&admin, "T2 Lilas", 3).await;
    let lilas_lease = app
        .get_json(&format!("/api/v1/units/{lilas_unit}/leases"), &admin)
        .await["items"][0]["id"]
        .as_str()
        .expect("a lease")
        .to_owned();
    // A second site, its own admin, coordinator and staff member.
    let Ivry {
        site: ivry,
        coordinator: ivry_coordinator,
        staff_id: ivry_staff_id,
        staff: ivry_staff,
        admin: ivry_admin,
    } = ivry_and_its_team(&app, &admin).await;
    // Ivry's own family: the referral is Ivry's, its coordinator's only site.
    let theirs = app
        .placed_family(&ivry_coordinator, "Benali", days_ago(300), days_ago(100))
        .await;
    let theirs_id = theirs["family_id"].as_str().expect("id").to_owned();
    // Ivry's family is not moved into the first site's unit.
    let moved = app
        .post(
            &format!(
                "/api/v1/placements/{}/move",
                theirs["id"].as_str().expect("id")
            ),
            Some(&ivry_coordinator),
            &json!({"unit_id": lilas_unit, "on": days_ago(10)}),
        )
        .await;
    assert_invalid(moved, &["unit_id"]).await;
    app.assign(&ivry_coordinator, &theirs_id, &ivry_staff_id, &[])
        .await;
    let read = app
        .get_json(&format!("/api/v1/families/{theirs_id}"), &ivry_coordinator)
        .await;
    assert_eq!(read["site_id"], ivry.to_string(), "{read}");
    let read = app
        .get_json(&format!("/api/v1/families/{family_id}"), &lilas)
        .await;
    assert_eq!(
        read["site_id"],
        nido_domain::site::FIRST_SITE.to_string(),
        "{read}"
    );

    // Every route of the first site's family, placement, referral and
    // intervention: not found to Ivry's team (a write's empty body may be
    // refused first, as for any family: never done).
    let mut routes = Vec::new();
    for (prefix, id) in [
        ("/families", &family_id),
        ("/placements", &placement_id),
        ("/referrals", &referral_id),
        ("/interventions", &intervention_id),
        ("/incidents", &incident_id),
        ("/workshops", &workshop_id),
    ] {
        routes.extend(routes_of(&app, prefix, id).await);
    }
    // The first site's apartment: not found to Ivry's admin and
    // coordinator, nor in their housing lists and reports.
    let mut housing = routes_of(&app, "/units", &lilas_unit).await;
    housing.extend(routes_of(&app, "/leases", &lilas_lease).await);
    for token in [&ivry_admin, &ivry_coordinator] {
        for (method, path) in &housing {
            let status = status_of(&app, token, method, path).await;
            let expected: &[u16] = if method == "get" {
                &[404]
            } else {
                &[400, 403, 404, 422]
            };
            assert!(
                expected.contains(&status.as_u16()),
                "{method} {path}: {status}"
            );
        }
        for list in [
            "/api/v1/units?limit=200",
            "/api/v1/housing/vacancies",
            "/api/v1/housing/leases-ending?within_days=3650",
        ] {
            let text = app.get(list, Some(token)).await.text().await.expect("text");
            assert!(!text.contains(lilas_unit.as_str()), "{list}: {text}");
        }
    }
    for list in ["/api/v1/units?limit=200", "/api/v1/housing/vacancies"] {
        let text = app
            .get(list, Some(&lilas))
            .await
            .text()
            .await
            .expect("text");
        assert!(text.contains(lilas_unit.as_str()), "{list}: {text}");
    }
    // The crèche's month and day: the first site's child is not in the
    // second's.
    let creche_planning = format!("/api/v1/creche/day?on={creche_day}");
    for (path, token, shown) in [
        (&creche_report, &lilas, true),
        (&creche_report, &ivry_admin, false),
        (&creche_report, &ivry_coordinator, false),
        (&creche_planning, &lilas, true),
        (&creche_planning, &ivry_coordinator, false),
    ] {
        let response = app.get(path, Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let text = response.text().await.expect("text");
        assert_eq!(text.contains(family_id.as_str()), shown, "{path}: {text}");
    }
    for (token, role) in [(&ivry_coordinator, "coordinator"), (&ivry_staff, "staff")] {
        for (method, path) in &routes {
            let status = status_of(&app, token, method, path).await;
            if method == "get" {
                // A staff member's role may forbid the route to her first.
                let forbidden = role == "staff" && status == StatusCode::FORBIDDEN;
                assert!(
                    status == StatusCode::NOT_FOUND || forbidden,
                    "{role}: {method} {path}: {status}"
                );
            } else {
                assert!(
                    matches!(status.as_u16(), 400 | 403 | 404 | 422),
                    "{role}: {method} {path}: {status}"
                );
            }
        }
    }
    // Nor in any list, search or screen; and the other way round.
    let lists = [
        "/api/v1/families?limit=200",
        "/api/v1/families/search?q=martin",
        "/api/v1/families/search?q=benali",
        "/api/v1/referrals?limit=200",
        "/api/v1/due-dates?within_days=365&limit=200",
        "/api/v1/deadlines?within_days=365&limit=200",
        "/api/v1/me/actions",
        "/api/v1/incidents",
        "/api/v1/duplicates",
    ];
    for (token, hidden, shown) in [
        (&ivry_coordinator, &family_id, &theirs_id),
        (&lilas, &theirs_id, &family_id),
    ] {
        let mut seen_own = false;
        for list in lists {
            let response = app.get(list, Some(token)).await;
            let status = response.status();
            let text = response.text().await.expect("text");
            assert!(status.is_success(), "{list}: {status} {text}");
            assert!(!text.contains(hidden.as_str()), "{list}: {text}");
            seen_own |= text.contains(shown.as_str());
        }
        assert!(seen_own, "her own family is listed");
    }
    for token in [&ivry_coordinator, &ivry_staff] {
        let text = app
            .get("/api/v1/workshops", Some(token))
            .await
            .text()
            .await
            .expect("text");
        assert!(!text.contains(workshop_id.as_str()), "{text}");
    }
    let text = app
        .get("/api/v1/workshops", Some(&lilas))
        .await
        .text()
        .await
        .expect("text");
    assert!(text.contains(workshop_id.as_str()), "{text}");
    for list in ["/api/v1/families", "/api/v1/me/actions"] {
        let text = app
            .get(list, Some(&ivry_staff))
            .await
            .text()
            .await
            .expect("text");
        assert!(!text.contains(family_id.as_str()), "{list}: {text}");
    }
    // A referral of the first site's family by Ivry's coordinator: no such
    // family for her.
    let known = app
        .post(
            "/api/v1/referrals",
            Some(&ivry_coordinator),
            &json!({"family_id": family_id, "source": "ase", "eds": "Ivry",
                    "referred_on": days_ago(1), "referrer_name": "ASE Ivry",
                    "referrer_contact": "01 00 00 00 00", "reason": "distress"}),
        )
        .await;
    assert_invalid(known, &["family_id"]).await;
}

/// The first site's family (placed by `lilas`), a second site with its
/// team, and its family: (the first's placement, Ivry, Ivry's placement).
async fn a_family_at_each_site(app: &TestApp, admin: &str, lilas: &str) -> (Value, Ivry, Value) {
    use crate::cases::days_ago;
    let martin = app
        .placed_family(lilas, "Martin", days_ago(300), days_ago(100))
        .await;
    let ivry = ivry_and_its_team(app, admin).await;
    let benali = app
        .placed_family(&ivry.coordinator, "Benali", days_ago(300), days_ago(100))
        .await;
    (martin, ivry, benali)
}

#[tokio::test]
async fn the_billing_statement_bills_each_site_at_its_rate_and_sums_them_with_a_line_per_site() {
    let app = crate::helpers::spawn_app().await;
    let first = nido_domain::site::FIRST_SITE.to_string();
    let admin = app.admin_token().await;
    let lilas = app.login_as("coordinator").await;
    assert_eq!(
        patch_site(
            &app,
            &admin,
            &first,
            None,
            &json!({"daily_rate_cents": 10_000})
        )
        .await
        .status(),
        StatusCode::OK
    );
    let (martin, ivry, benali) = a_family_at_each_site(&app, &admin, &lilas).await;
    let Ivry {
        site: ivry,
        admin: ivry_admin,
        ..
    } = ivry;
    let month = crate::cases::today().format("%Y-%m").to_string();
    let path = format!("/api/v1/reports/billing?month={month}");

    // Both sites, summed: each line at its site's rate, a line per site.
    let both = app.get_json(&path, &admin).await;
    assert_eq!(both["daily_rate_cents"], Value::Null, "{both}");
    let lines = both["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 2, "{both}");
    let line_of = |family: &Value| {
        lines
            .iter()
            .find(|line| line["family_id"] == family["family_id"])
            .expect("a line")
            .clone()
    };
    let (martin_line, benali_line) = (line_of(&martin), line_of(&benali));
    assert_eq!(martin_line["daily_rate_cents"], 10_000);
    assert_eq!(benali_line["daily_rate_cents"], 9_800);
    let days = martin_line["days"].as_i64().expect("days");
    assert!(days > 0);
    assert_eq!(martin_line["amount_cents"], days * 10_000);
    assert_eq!(benali_line["amount_cents"], days * 9_800);
    let sites = both["sites"].as_array().expect("sites");
    assert_eq!(sites.len(), 2, "{both}");
    let total: i64 = sites
        .iter()
        .map(|site| site["total_cents"].as_i64().expect("cents"))
        .sum();
    assert_eq!(both["total_cents"], total);
    assert_eq!(total, days * (10_000 + 9_800));

    // One site's, asked by its id; another site's is not found.
    let one = app
        .get_json(&format!("{path}&site_id={ivry}"), &admin)
        .await;
    assert_eq!(one["daily_rate_cents"], 9_800, "{one}");
    assert_eq!(one["lines"].as_array().expect("lines").len(), 1);
    assert_eq!(one["total_cents"], days * 9_800);
    let own = app.get_json(&path, &ivry_admin).await;
    assert_eq!(own["lines"].as_array().expect("lines").len(), 1, "{own}");
    assert_eq!(own["lines"][0]["family_id"], benali["family_id"]);
    assert_problem(
        app.get(&format!("{path}&site_id={first}"), Some(&ivry_admin))
            .await,
        404,
        "not_found",
    )
    .await;
    // The spreadsheet: a total per site, then the statement's.
    let rows = app
        .get_csv(
            &format!("{path}&format=csv"),
            &admin,
            &format!("facturation-{month}.csv"),
        )
        .await;
    let names: Vec<&str> = rows.iter().map(|row| row[2].as_str()).collect();
    assert!(names.contains(&"Total Centre maternel d'Ivry"), "{names:?}");
    assert_eq!(names.last(), Some(&"Total"), "{names:?}");
}

#[tokio::test]
async fn the_head_office_reads_every_sites_families_due_dates_and_reports_and_writes_nothing() {
    use crate::cases::days_ago;
    let app = crate::helpers::spawn_app().await;
    let first = nido_domain::site::FIRST_SITE;
    let admin = app.admin_token().await;
    let lilas = app.login_as("coordinator").await;
    let (martin, Ivry { site: ivry, .. }, benali) =
        a_family_at_each_site(&app, &admin, &lilas).await;
    // The head office's account belongs to the first site only: it reads
    // every site all the same.
    let (_, head_office) = member_of(&app, &admin, "head_office", first).await;
    let me = app.get_json("/api/v1/me", &head_office).await;
    assert_eq!(me["role"], "head_office", "{me}");

    // Both sites' families: listed, read, their placements.
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|item| item["id"].as_str().map(str::to_owned))
            .collect()
    };
    let listed = ids(&app.get_json("/api/v1/families", &head_office).await);
    for family in [&martin, &benali] {
        let family_id = family["family_id"].as_str().expect("id");
        assert!(listed.iter().any(|id| id == family_id), "{listed:?}");
        let read = app
            .get_json(&format!("/api/v1/families/{family_id}"), &head_office)
            .await;
        assert_eq!(read["id"], family["family_id"], "{read}");
        let placement = app
            .get(
                &format!("/api/v1/placements/{}", family["id"].as_str().expect("id")),
                Some(&head_office),
            )
            .await;
        assert_eq!(placement.status(), StatusCode::OK);
    }
    // The due dates and deadlines of both sites.
    for screen in [
        "/api/v1/due-dates?within_days=90",
        "/api/v1/deadlines?within_days=90",
    ] {
        let page = app.get_json(screen, &head_office).await.to_string();
        for family in [&martin, &benali] {
            let family_id = family["family_id"].as_str().expect("id");
            assert!(page.contains(family_id), "{screen}: {page}");
        }
    }
    // The reports, every site summed with a line per site, or one site's.
    let month = crate::cases::today().format("%Y-%m").to_string();
    let billing = app
        .get_json(
            &format!("/api/v1/reports/billing?month={month}"),
            &head_office,
        )
        .await;
    assert_eq!(
        billing["sites"].as_array().expect("sites").len(),
        2,
        "{billing}"
    );
    assert_eq!(billing["lines"].as_array().expect("lines").len(), 2);
    let ivry_only = app
        .get_json(
            &format!("/api/v1/reports/billing?month={month}&site_id={ivry}"),
            &head_office,
        )
        .await;
    assert_eq!(ivry_only["lines"][0]["family_id"], benali["family_id"]);
    let year = crate::cases::today().format("%Y").to_string();
    for report in [
        format!("/api/v1/reports/activity?year={year}"),
        format!("/api/v1/reports/creche?month={month}"),
        format!(
            "/api/v1/reports/occupancy?from={}&to={}",
            days_ago(30),
            crate::cases::today()
        ),
    ] {
        let response = app.get(&report, Some(&head_office)).await;
        assert_eq!(response.status(), StatusCode::OK, "{report}");
    }
    assert_eq!(
        app.get_json("/api/v1/sites", &head_office).await["items"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let found = app
        .get_json("/api/v1/families/search?q=benali", &head_office)
        .await;
    assert_eq!(found["items"][0]["last_name"], "Benali", "{found}");

    // Nothing beyond: no case notes, documents, incidents, accounts or
    // audit log (need-to-know), and no write, whatever it names.
    let martin_id = martin["family_id"].as_str().expect("id");
    for path in [
        format!("/api/v1/families/{martin_id}/interventions"),
        format!("/api/v1/families/{martin_id}/documents"),
        format!("/api/v1/families/{martin_id}/timeline"),
        "/api/v1/incidents".to_owned(),
        "/api/v1/users".to_owned(),
        "/api/v1/audit".to_owned(),
    ] {
        let response = app.get(&path, Some(&head_office)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let patched = app
        .client
        .patch(app.url(&format!("/api/v1/families/{martin_id}")))
        .bearer_auth(&head_office)
        .json(&json!({"mother": {"phone": "0600000000"}}))
        .send()
        .await
        .expect("sent");
    assert_problem(patched, 403, "forbidden").await;
    let referred = app
        .post(
            "/api/v1/referrals",
            Some(&head_office),
            &json!({"family_id": martin_id, "source": "ase", "eds": "Lilas",
                    "referred_on": days_ago(1), "referrer_name": "ASE"}),
        )
        .await;
    assert_problem(referred, 403, "forbidden").await;
    // Its own account is its own: it changes its password.
    let changed = app
        .client
        .put(app.url("/api/v1/me/password"))
        .bearer_auth(&head_office)
        .json(&json!({"current_password": crate::helpers::PASSWORD,
                      "new_password": "Un autre mot de passe du siège 2026"}))
        .send()
        .await
        .expect("sent");
    assert!(changed.status().is_success(), "{}", changed.status());
}

/// A site's crèche settings, as `admin` puts them: the defaults with
/// `capacity`.
async fn creche_of(app: &TestApp, admin: &str, site: uuid::Uuid, capacity: i64) {
    let settings = json!({"capacity": capacity, "opens_at": "08:30", "closes_at": "18:00",
        "open_weekdays": [1, 2, 3, 4, 5], "min_age_months": 2, "max_age_months": 36});
    let response = app
        .put(
            &format!("/api/v1/creche/settings?site_id={site}"),
            admin,
            &settings,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "settings of {site}");
}

/// Books the first child of `family` (a placement's JSON) on `on`, 9:00
/// to 11:00, as `coordinator`.
async fn book_morning(
    app: &TestApp,
    coordinator: &str,
    family: &Value,
    on: chrono::NaiveDate,
) -> reqwest::Response {
    let family_id = family["family_id"].as_str().expect("id");
    let child_id = app
        .get_json(&format!("/api/v1/families/{family_id}"), coordinator)
        .await["children"][0]["id"]
        .as_str()
        .expect("a child")
        .to_owned();
    app.post(
        &format!("/api/v1/families/{family_id}/creche-bookings"),
        Some(coordinator),
        &json!({"child_id": child_id, "on": on, "starts_at": "09:00",
                "ends_at": "11:00", "purpose": "job_interview"}),
    )
    .await
}

#[tokio::test]
async fn each_site_has_its_creche_with_its_places_closures_and_month() {
    let app = crate::helpers::spawn_app().await;
    let first = nido_domain::site::FIRST_SITE;
    let admin = app.admin_token().await;
    let lilas = app.login_as("coordinator").await;
    let (martin, ivry_team, benali) = a_family_at_each_site(&app, &admin, &lilas).await;
    let Ivry {
        site: ivry,
        coordinator: ivry_coordinator,
        admin: ivry_admin,
        ..
    } = ivry_team;
    // One place in each crèche.
    creche_of(&app, &admin, first, 1).await;
    creche_of(&app, &ivry_admin, ivry, 1).await;
    // The admin of both sites names the one she means; each site's team
    // reads its own, and another site's is not found.
    assert_problem(
        app.get("/api/v1/creche/settings", Some(&admin)).await,
        422,
        "validation_failed",
    )
    .await;
    let theirs = app
        .get_json("/api/v1/creche/settings", &ivry_coordinator)
        .await;
    assert_eq!(theirs["capacity"], 1, "{theirs}");
    assert_problem(
        app.get(
            &format!("/api/v1/creche/settings?site_id={first}"),
            Some(&ivry_coordinator),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.put(
            &format!("/api/v1/creche/settings?site_id={first}"),
            &ivry_admin,
            &json!({"capacity": 5, "opens_at": "08:30", "closes_at": "18:00",
                    "open_weekdays": [1, 2, 3, 4, 5], "min_age_months": 2, "max_age_months": 36}),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    // The same morning in each crèche: each has its one place.
    let day = crate::creche::monday_after(7);
    assert_eq!(
        book_morning(&app, &lilas, &martin, day).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        book_morning(&app, &ivry_coordinator, &benali, day)
            .await
            .status(),
        StatusCode::CREATED
    );
    let free_at_nine = |availability: &Value| availability["days"][0]["slots"][0]["free"].clone();
    let path = format!("/api/v1/creche/availability?from={day}&to={day}");
    assert_eq!(free_at_nine(&app.get_json(&path, &lilas).await), json!(0));
    creche_of(&app, &ivry_admin, ivry, 2).await;
    let ivry_free = app.get_json(&path, &ivry_coordinator).await;
    assert_eq!(free_at_nine(&ivry_free), json!(1), "{ivry_free}");
    assert_eq!(free_at_nine(&app.get_json(&path, &lilas).await), json!(0));
    // Each team's day planning shows its own crèche's children.
    let planning = app
        .get_json(&format!("/api/v1/creche/day?on={day}"), &ivry_coordinator)
        .await;
    let items = planning["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{planning}");
    assert_eq!(items[0]["family_id"], benali["family_id"]);

    // A closure closes one site's crèche: the first site's booking that
    // day is cancelled, Ivry's stays, and Ivry's closures do not list it.
    let closed = app
        .post(
            "/api/v1/creche/closures",
            Some(&admin),
            &json!({"on": day, "reason": "Formation de l'équipe", "site_id": first}),
        )
        .await;
    assert_eq!(closed.status(), StatusCode::CREATED);
    let closed: Value = closed.json().await.expect("json");
    assert_eq!(closed["cancelled_bookings"], 1, "{closed}");
    let ivry_closures = app
        .get_json("/api/v1/creche/closures", &ivry_coordinator)
        .await;
    assert_eq!(ivry_closures["items"], json!([]), "{ivry_closures}");
    let ivry_bookings = app
        .get_json(
            &format!(
                "/api/v1/families/{}/creche-bookings?from={day}&to={day}",
                benali["family_id"].as_str().expect("id")
            ),
            &ivry_coordinator,
        )
        .await;
    assert_eq!(
        ivry_bookings["items"][0]["status"], "booked",
        "{ivry_bookings}"
    );
    assert_problem(
        app.client
            .delete(app.url(&format!("/api/v1/creche/closures/{day}?site_id={ivry}")))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("sent"),
        404,
        "not_found",
    )
    .await;

    // The month: one site's, or both summed with a line per site.
    let month = day.format("%Y-%m").to_string();
    let both = app
        .get_json(&format!("/api/v1/reports/creche?month={month}"), &admin)
        .await;
    let lines = both["sites"].as_array().expect("sites");
    assert_eq!(lines.len(), 2, "{both}");
    assert_eq!(both["capacity"], 3, "{both}");
    let booked: i64 = lines
        .iter()
        .map(|line| line["booked_place_minutes"].as_i64().expect("minutes"))
        .sum();
    assert_eq!(both["booked_place_minutes"], booked);
    assert_eq!(
        booked, 120,
        "Ivry's morning; the first site's was cancelled"
    );
    let one = app
        .get_json(
            &format!("/api/v1/reports/creche?month={month}&site_id={ivry}"),
            &admin,
        )
        .await;
    assert_eq!(one["sites"].as_array().map(Vec::len), Some(1), "{one}");
    assert_eq!(one["capacity"], 2);
    assert_eq!(one["children"][0]["family_id"], benali["family_id"]);
}

#[tokio::test]
async fn the_activity_report_counts_each_sites_families_and_sums_them_with_a_line_per_site() {
    let app = crate::helpers::spawn_app().await;
    let first = nido_domain::site::FIRST_SITE;
    let admin = app.admin_token().await;
    let lilas = app.login_as("coordinator").await;
    let (_, ivry_team, benali) = a_family_at_each_site(&app, &admin, &lilas).await;
    let Ivry {
        site: ivry,
        coordinator: ivry_coordinator,
        ..
    } = ivry_team;
    let admitted_on: chrono::NaiveDate = benali["admitted_on"]
        .as_str()
        .expect("admitted_on")
        .parse()
        .expect("a date");
    let year = admitted_on.format("%Y").to_string();
    let path = format!("/api/v1/reports/activity?year={year}");

    // Both sites summed, a line per site with its own places.
    let both = app.get_json(&path, &admin).await;
    assert_eq!(both["admissions"], 2, "{both}");
    let lines = both["sites"].as_array().expect("sites");
    assert_eq!(lines.len(), 2, "{both}");
    let line = |id: uuid::Uuid| {
        lines
            .iter()
            .find(|line| line["site_id"] == id.to_string())
            .expect("a line")
            .clone()
    };
    let (first_line, ivry_line) = (line(first), line(ivry));
    assert_eq!(ivry_line["authorized_places"], 8);
    let days = ivry_line["family_days"].as_i64().expect("days");
    assert!(days > 0);
    assert_eq!(first_line["family_days"], days, "admitted the same day");
    assert_eq!(both["family_days"], 2 * days);

    // One site's: its families only, asked by the admin or read by its team.
    for (token, asked) in [
        (&admin, format!("{path}&site_id={ivry}")),
        (&ivry_coordinator, path.clone()),
    ] {
        let one = app.get_json(&asked, token).await;
        assert_eq!(one["admissions"], 1, "{asked}: {one}");
        assert_eq!(one["family_days"], days, "{asked}");
        assert_eq!(one["sites"].as_array().map(Vec::len), Some(1));
    }
    assert_problem(
        app.get(&format!("{path}&site_id={first}"), Some(&ivry_coordinator))
            .await,
        404,
        "not_found",
    )
    .await;
    // The head office reads both, summed.
    let (_, head_office) = member_of(&app, &admin, "head_office", first).await;
    assert_eq!(app.get_json(&path, &head_office).await["admissions"], 2);

    // The printed report is one site's: named, or the caller's one site.
    let pdf = format!("/api/v1/reports/activity.pdf?year={year}");
    assert_problem(app.get(&pdf, Some(&admin)).await, 422, "validation_failed").await;
    for (token, asked) in [
        (&admin, format!("{pdf}&site_id={ivry}")),
        (&ivry_coordinator, pdf.clone()),
        (&head_office, format!("{pdf}&site_id={first}")),
    ] {
        let response = app.get(&asked, Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK, "{asked}");
    }
}

#[tokio::test]
async fn the_head_office_reads_every_sites_families_and_reports_on_the_pages_and_nothing_more() {
    use crate::web::Browser;
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin_token().await;
    let lilas = app.login_as("coordinator").await;
    // Made while the admin has one site: the account is the first site's.
    app.create_user("siege@nido.example", "head_office", "director")
        .await;
    let (martin, Ivry { site: ivry, .. }, benali) =
        a_family_at_each_site(&app, &admin, &lilas).await;
    let mut browser =
        Browser::signed_in(&app, "siege@nido.example", crate::helpers::PASSWORD).await;

    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    for entry in ["Familles", "Échéances", "Rapports"] {
        assert!(home.body.contains(entry), "{entry}");
    }
    let families = browser.get("/familles").await;
    assert_eq!(families.status, StatusCode::OK);
    assert!(families.body.contains("Martin") && families.body.contains("Benali"));
    assert!(
        families
            .body
            .contains("Les familles de tous les établissements, en lecture seule.")
    );
    // A family of the second site: its summary, read only.
    let benali_id = benali["family_id"].as_str().expect("id");
    let page = browser.get(&format!("/familles/{benali_id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Centre maternel d&#39;Ivry"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Lecture seule"));
    assert!(page.body.contains("Périodes"));
    for team_only in [
        "Nouvelle intervention",
        "<form method=\"post\"",
        "contrat.pdf",
    ] {
        let main = page.body.split("<main").nth(1).unwrap_or_default();
        assert!(!main.contains(team_only), "{team_only}");
    }
    let due = browser.get("/echeances").await;
    assert_eq!(due.status, StatusCode::OK);
    assert!(due.body.contains("de tous les établissements"));
    for family in [&martin, &benali] {
        let id = family["family_id"].as_str().expect("id");
        assert!(due.body.contains(id), "{id} in the due dates");
    }
    // The reports page offers each site's activity report.
    let reports = browser.get("/rapports").await;
    assert_eq!(reports.status, StatusCode::OK);
    let ivry_pdf = format!("site={ivry}");
    assert!(reports.body.contains(&ivry_pdf), "{}", reports.body);
    let year = crate::cases::today().format("%Y");
    let pdf = browser
        .fetch(&format!("/rapports/activite.pdf?annee={year}&site={ivry}"))
        .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    // The team's pages are not the head office's.
    for path in ["/creche", "/liste-attente", "/admin/journal"] {
        assert_eq!(
            browser.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

#[tokio::test]
async fn every_read_of_the_api_but_the_head_offices_own_answers_it_403_or_404() {
    use crate::cases::days_ago;
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin_token().await;
    let lilas = app.login_as("coordinator").await;
    let (_, head_office) =
        member_of(&app, &admin, "head_office", nido_domain::site::FIRST_SITE).await;
    let Martin {
        family_id,
        placement_id,
        intervention,
        ..
    } = martin_visited(&app, &lilas).await;
    let referral = app.refer(&lilas, "Martin-Waiting", days_ago(200)).await;
    let month = crate::cases::today().format("%Y-%m").to_string();
    let year = crate::cases::today().format("%Y").to_string();
    // What the head office reads (SPEC: families, due dates, reports), and
    // the query each needs.
    let reads: &[(&str, String)] = &[
        ("/families", String::new()),
        ("/families/search", "?q=martin".to_owned()),
        ("/families/{id}", String::new()),
        ("/placements/{id}", String::new()),
        ("/deadlines", String::new()),
        ("/due-dates", String::new()),
        ("/reports/activity", format!("?year={year}")),
        ("/reports/activity.pdf", format!("?year={year}")),
        ("/reports/billing", format!("?month={month}")),
        ("/reports/creche", format!("?month={month}")),
        (
            "/reports/occupancy",
            format!("?from={}&to={}", days_ago(30), crate::cases::today()),
        ),
        ("/sites", String::new()),
        ("/sites/{id}", String::new()),
    ];
    let mut checked = 0;
    for (path, operations) in openapi_paths(&app).await {
        let Some(route) = path.strip_prefix("/api/v1") else {
            continue;
        };
        if operations.get("get").is_none()
            || route.starts_with("/me")
            || route.starts_with("/calendar/")
        {
            continue;
        }
        let id = match route.split('/').nth(1).unwrap_or_default() {
            "families" => family_id.clone(),
            "placements" => placement_id.clone(),
            "interventions" => intervention["id"].as_str().expect("id").to_owned(),
            "referrals" => referral["id"].as_str().expect("id").to_owned(),
            "sites" => nido_domain::site::FIRST_SITE.to_string(),
            _ => uuid::Uuid::now_v7().to_string(),
        };
        let concrete = route.replace("{id}", &id).replace("{number}", "1");
        let response = match reads.iter().find(|(read, _)| *read == route) {
            Some((_, query)) => {
                let response = app
                    .get(&format!("/api/v1{concrete}{query}"), Some(&head_office))
                    .await;
                assert_eq!(response.status(), StatusCode::OK, "{route}");
                response
            }
            None => {
                let response = app
                    .get(&format!("/api/v1{concrete}"), Some(&head_office))
                    .await;
                assert!(
                    [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&response.status()),
                    "{route}: {}",
                    response.status()
                );
                response
            }
        };
        drop(response);
        checked += 1;
    }
    assert!(checked > 40, "{checked} reads");
}

#[tokio::test]
async fn an_admin_of_one_site_reads_the_audit_entries_of_her_sites_accounts_and_families() {
    let app = crate::helpers::spawn_app().await;
    let first = nido_domain::site::FIRST_SITE;
    let admin = app.admin_token().await;
    let lilas = app.login_as("coordinator").await;
    let lilas_id = app.get_json("/api/v1/me", &lilas).await["id"].clone();
    let (head_office_id, head_office) = member_of(&app, &admin, "head_office", first).await;
    let (martin, ivry_team, benali) = a_family_at_each_site(&app, &admin, &lilas).await;
    let Ivry {
        coordinator: ivry_coordinator,
        admin: ivry_admin,
        ..
    } = ivry_team;
    let (martin_id, benali_id) = (
        martin["family_id"].as_str().expect("id"),
        benali["family_id"].as_str().expect("id"),
    );
    for (token, family_id) in [
        (&lilas, martin_id),
        (&ivry_coordinator, benali_id),
        (&head_office, benali_id),
    ] {
        let read = app
            .get(&format!("/api/v1/families/{family_id}"), Some(token))
            .await;
        assert_eq!(read.status(), StatusCode::OK);
    }
    let entries = |audit: &Value| audit["items"].as_array().expect("items").clone();
    let names = |entry: &Value, family_id: &str| {
        entry["family_ids"]
            .as_array()
            .is_some_and(|ids| ids.iter().any(|id| id == family_id))
    };

    // Ivry's admin: her site's accounts' entries and those naming its
    // families (the head office's read of Benali too); nothing of the
    // first site's family or coordinator.
    let ivry_log = entries(&app.get_json("/api/v1/audit?limit=100", &ivry_admin).await);
    assert!(
        ivry_log.iter().any(|entry| names(entry, benali_id)
            && entry["user_id"] == head_office_id.as_str()
            && entry["action"] == "family.read"),
        "{ivry_log:?}"
    );
    assert!(ivry_log.iter().any(|entry| names(entry, benali_id)));
    assert!(!ivry_log.iter().any(|entry| names(entry, martin_id)));
    assert!(!ivry_log.iter().any(|entry| entry["user_id"] == lilas_id));
    let asked = app
        .get_json(&format!("/api/v1/audit?family_id={martin_id}"), &ivry_admin)
        .await;
    assert_eq!(asked["items"], json!([]), "{asked}");
    // The admin of both sites reads both.
    for family_id in [martin_id, benali_id] {
        let whole = app
            .get_json(&format!("/api/v1/audit?family_id={family_id}"), &admin)
            .await;
        assert!(!entries(&whole).is_empty(), "{family_id}");
    }
}

#[tokio::test]
async fn a_user_of_several_sites_chooses_hers_on_the_pages_and_names_it_on_her_forms() {
    use crate::helpers::{ADMIN_PASSWORD, PASSWORD};
    use crate::web::Browser;
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin_token().await;
    let lilas = app.login_as("coordinator").await;
    // Made while the admin has one site: the first site's; then Ivry's too.
    let both = app
        .create_user("deux@nido.example", "coordinator", "coordinator")
        .await;
    let (_, Ivry { site: ivry, .. }, _) = a_family_at_each_site(&app, &admin, &lilas).await;
    join_site(&app, both["id"].as_str().expect("id"), ivry).await;
    app.refer(&lilas, "Attente-Lilas", crate::cases::days_ago(40))
        .await;
    let mut browser = Browser::signed_in(&app, "deux@nido.example", PASSWORD).await;

    // All her sites at first: both families, each naming its site, and
    // the switcher in the header.
    let families = browser.get("/familles").await;
    assert_eq!(families.status, StatusCode::OK);
    let header = families.body.split("<main").next().unwrap_or_default();
    assert!(header.contains("action=\"/etablissement\""), "{header}");
    assert!(header.contains("Centre maternel d&#39;Ivry"));
    assert!(families.body.contains("Martin") && families.body.contains("Benali"));
    assert!(families.body.contains("· Centre maternel d&#39;Ivry</p>"));
    // A crèche is one site's: she picks the site first.
    let creche = browser.get("/creche").await;
    assert_eq!(creche.status, StatusCode::OK);
    assert!(
        creche.body.contains("choisissez l'établissement"),
        "{}",
        creche.body
    );
    // The referral form asks the site; without it, the refusal is said next
    // to the field and nothing is written.
    let waiting = browser.get("/liste-attente").await;
    assert!(
        waiting.body.contains("id=\"site_id\""),
        "the form asks the site"
    );
    let csrf = waiting.csrf();
    let today = crate::cases::today().to_string();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("mother_first_name", "Mariam"),
        ("mother_last_name", "Sans-Site"),
        ("mother_birth_date", "2003-04-02"),
        ("child_first_name_0", "Nour"),
        ("child_expected_birth_date_0", "2030-01-15"),
        ("source", "ase"),
        ("eds", "Ivry-sur-Seine"),
        ("referred_on", today.as_str()),
        ("referrer_name", "Claire Fontaine"),
        ("referrer_contact", "eds.ivry@example.org"),
        ("reason", "distress"),
    ];
    let refused = browser.post("/liste-attente", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .element("site_id-erreur")
            .is_some_and(|text| text.contains("plusieurs établissements")),
        "{}",
        refused.body
    );

    // She chooses Ivry: Ivry's families only, its crèche, and Ivry first
    // on her forms.
    let ivry_id = ivry.to_string();
    let chosen = browser
        .post(
            "/etablissement",
            &[
                ("csrf", &csrf),
                ("site_id", &ivry_id),
                ("retour", "/familles"),
            ],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    assert_eq!(chosen.location(), "/familles");
    let families = browser.get("/familles").await;
    assert!(families.body.contains("Benali") && !families.body.contains("Martin"));
    let creche = browser.get("/creche").await;
    assert!(
        creche.body.contains("famille de"),
        "Ivry's children to book"
    );
    assert!(creche.body.contains("Benali") && !creche.body.contains("Martin"));
    let waiting = browser.get("/liste-attente").await;
    assert!(
        !waiting.body.contains("Attente-Lilas"),
        "the first site's waiting list"
    );
    let form = waiting.body.split("<main").nth(1).unwrap_or_default();
    assert!(
        form.contains(&format!("<option value=\"{ivry_id}\" selected>")),
        "Ivry chosen first"
    );
    fields.push(("site_id", &ivry_id));
    let referred = browser.post("/liste-attente", &fields).await;
    assert_eq!(referred.status, StatusCode::SEE_OTHER, "{}", referred.body);
    let token = app.token_for("deux@nido.example", PASSWORD).await;
    let listed = app.get_json("/api/v1/families?limit=200", &token).await;
    let referred = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|family| family["mother"]["last_name"] == "Sans-Site")
        .expect("the family referred")
        .clone();
    assert_eq!(referred["site_id"], json!(ivry_id), "{referred}");

    // A site she does not read is refused (her choice stays); « Tous » is
    // all of hers again; back to a page of nido only.
    let elsewhere = uuid::Uuid::now_v7().to_string();
    let refused = browser
        .post(
            "/etablissement",
            &[
                ("csrf", &csrf),
                ("site_id", &elsewhere),
                ("retour", "/familles"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let families = browser.get("/familles").await;
    assert!(!families.body.contains("Martin"), "still Ivry's");
    let all = browser
        .post(
            "/etablissement",
            &[
                ("csrf", &csrf),
                ("site_id", ""),
                ("retour", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(all.location(), "/");
    let families = browser.get("/familles").await;
    assert!(families.body.contains("Benali") && families.body.contains("Martin"));
    let waiting = browser.get("/liste-attente").await;
    assert!(waiting.body.contains("Attente-Lilas") && waiting.body.contains("Sans-Site"));
    assert!(
        waiting
            .body
            .contains("EDS de Ivry-sur-Seine · Centre maternel d&#39;Ivry")
    );
    // Signing out forgets the choice: the next person at this browser
    // starts with all of her sites.
    browser
        .post(
            "/etablissement",
            &[("csrf", &csrf), ("site_id", &ivry_id), ("retour", "/")],
        )
        .await;
    let out = browser.post("/deconnexion", &[("csrf", &csrf)]).await;
    let cleared = out
        .set_cookie("nido_etablissement")
        .expect("the choice cleared");
    assert!(
        cleared.contains("Max-Age=0") || cleared.starts_with("nido_etablissement=;"),
        "{cleared}"
    );

    // The admin of both sites gives an account its sites on the page.
    let mut admin_browser =
        Browser::signed_in(&app, nido::startup::INITIAL_ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let users = admin_browser.get("/admin/utilisateurs").await;
    assert!(users.body.contains("name=\"site_ids\""), "the sites' boxes");
    assert!(users.body.contains("Établissements : "));
    let csrf = users.csrf();
    let account = [
        ("csrf", csrf.as_str()),
        ("display_name", "Nina Roche"),
        ("email", "nina@nido.example"),
        ("role", "staff"),
        ("profession", "social_worker"),
        ("password", "lanterne-violon-gravier-47"),
        ("site_ids_shown", "1"),
    ];
    let none_ticked = admin_browser.post("/admin/utilisateurs", &account).await;
    assert_eq!(none_ticked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        none_ticked.element("compte-site_ids-erreur").is_some(),
        "{}",
        none_ticked.body
    );
    let mut ticked = account.to_vec();
    ticked.push(("site_ids", &ivry_id));
    let made = admin_browser.post("/admin/utilisateurs", &ticked).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let accounts = app.get_json("/api/v1/users?limit=200", &admin).await;
    let nina = accounts["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|user| user["email"] == "nina@nido.example")
        .expect("Nina")
        .clone();
    assert_eq!(nina["site_ids"], json!([ivry_id]));
}

#[tokio::test]
async fn an_admin_of_one_site_manages_only_her_sites_accounts() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin_token().await;
    let lilas_id = app
        .create_user("lilas@nido.example", "coordinator", "coordinator")
        .await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let ivry = ivry_and_its_team(&app, &admin).await;
    // Ivry's admin lists Ivry's accounts only.
    let listed = app.get_json("/api/v1/users?limit=200", &ivry.admin).await;
    let listed = listed["items"].as_array().expect("items").clone();
    assert!(!listed.is_empty());
    assert!(
        listed.iter().all(|user| user["site_ids"]
            .as_array()
            .expect("sites")
            .contains(&json!(ivry.site))),
        "{listed:?}"
    );
    // The first site's coordinator is not found for her: no reading, no
    // password set (then a sign-in as her), no factor reset; each refusal
    // audited.
    let account = format!("/api/v1/users/{lilas_id}");
    assert_problem(app.get(&account, Some(&ivry.admin)).await, 404, "not_found").await;
    let taken = app
        .client
        .patch(app.url(&account))
        .bearer_auth(&ivry.admin)
        .json(&json!({"password": "renard-ardoise-tulipe-83"}))
        .send()
        .await
        .expect("sent");
    assert_problem(taken, 404, "not_found").await;
    assert_eq!(
        app.login("lilas@nido.example", "renard-ardoise-tulipe-83")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let reset = app
        .client
        .delete(app.url(&format!("{account}/mfa")))
        .bearer_auth(&ivry.admin)
        .send()
        .await
        .expect("sent");
    assert_problem(reset, 404, "not_found").await;
    let ivry_admin_id = app.get_json("/api/v1/me", &ivry.admin).await["id"].clone();
    let actions = app
        .audit_actions_where(
            &admin,
            &format!("user_id={}&limit=200", ivry_admin_id.as_str().expect("id")),
        )
        .await;
    let denied = actions
        .iter()
        .filter(|action| *action == "access_denied")
        .count();
    assert_eq!(denied, 3, "{actions:?}");
    assert!(!actions.iter().any(|action| action == "user.password_set"));
    // The admin of both sites manages both sites' accounts.
    assert_eq!(
        app.get(&account, Some(&admin)).await.status(),
        StatusCode::OK
    );
    let both = app.get_json("/api/v1/users?limit=200", &admin).await;
    assert!(
        both["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|user| user["id"] == json!(lilas_id))
    );
}
