//! Retention: closed files anonymised for good after `retention.active_years`,
//! reports that still add up, and audit entries deleted after
//! `audit.retention_months` by the job and by nothing else.

use chrono::{DateTime, Utc};
use nido_persistence::entities::{audit_log, referrals};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::cases::{days_ago, referral_body};
use crate::helpers::{TestApp, spawn_app, spawn_app_with, test_now};

/// The retention job of the server's settings, run once at `now`.
async fn run_retention(
    app: &TestApp,
    now: DateTime<Utc>,
    dry_run: bool,
) -> nido::retention::RetentionReport {
    let audit = app.audit_db().await;
    nido::retention::run(
        &app.db,
        &audit,
        app.settings.retention_policy(),
        now,
        dry_run,
    )
    .await
    .expect("the retention job runs")
}

/// A family admitted into `unit` on `admitted_on`, with an intervention and
/// an action, that left on `exited_on` (or is still there).
async fn family_with_history(
    app: &TestApp,
    coordinator: &str,
    last_name: &str,
    unit: &str,
    admitted_on: chrono::NaiveDate,
    exited_on: Option<chrono::NaiveDate>,
) -> (String, String) {
    let children = json!([{"first_name": "Maëlys", "last_name": last_name, "birth_date": admitted_on - chrono::Days::new(200)}]);
    let mut body = referral_body(last_name, admitted_on - chrono::Days::new(30), children);
    body["family"]["mother"]["email"] = json!(format!("{}@example.org", last_name.to_lowercase()));
    let referral = app.refer_with(coordinator, &body).await;
    let path = format!(
        "/api/v1/referrals/{}/admission",
        referral["id"].as_str().expect("id")
    );
    let response = app
        .post(
            &path,
            Some(coordinator),
            &json!({"admitted_on": admitted_on, "unit_id": unit}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "admission");
    let placement: Value = response.json().await.expect("json");
    let placement_id = placement["id"].as_str().expect("id").to_owned();
    let family_id = placement["family_id"].as_str().expect("id").to_owned();
    let me = app.get_json("/api/v1/me", coordinator).await;
    let intervention = json!({
        "kind": "home_visit",
        "occurred_at": format!("{}T09:30:00Z", admitted_on + chrono::Days::new(10)),
        "duration_minutes": 60,
        "staff_ids": [me["id"]],
        "summary": format!("Visite chez Mme {last_name} : tout va bien."),
        "confidentiality": "team",
        "actions": [{"description": format!("Appeler Mme {last_name}"), "due_on": admitted_on + chrono::Days::new(20), "assignee_id": me["id"]}],
    });
    let response = app
        .post(
            &format!("/api/v1/families/{family_id}/interventions"),
            Some(coordinator),
            &intervention,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "intervention");
    // What came later: a crèche booking's notes, the projet personnalisé,
    // an information préoccupante, each naming her.
    let file = app
        .get_json(&format!("/api/v1/families/{family_id}"), coordinator)
        .await;
    let child = file["children"][0]["id"].clone();
    let mut day = admitted_on + chrono::Days::new(10);
    while chrono::Datelike::weekday(&day).number_from_monday() > 5 {
        day = day.succ_opt().expect("a day");
    }
    let booking = json!({"child_id": child, "on": day, "starts_at": "09:00", "ends_at": "11:00",
                         "purpose": "appointment", "notes": format!("Mme {last_name} chez le médecin")});
    let response = app
        .post(
            &format!("/api/v1/families/{family_id}/creche-bookings"),
            Some(coordinator),
            &booking,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "booking");
    let review = json!({"reviewed_on": admitted_on + chrono::Days::new(40), "mother_present": true, "participant_ids": [],
                        "objectives": [{"domain": "housing", "description": format!("Logement pour Mme {last_name}"), "status": "planned"}]});
    let response = app
        .post(
            &format!("/api/v1/placements/{placement_id}/project-reviews"),
            Some(coordinator),
            &review,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "project review");
    let concern = json!({"child_ids": [child], "summary": format!("Inquiétude au sujet de Mme {last_name}"),
                         "transmitted_on": admitted_on + chrono::Days::new(50), "transmitted_to": "CRIP"});
    let response = app
        .post(
            &format!("/api/v1/families/{family_id}/concerns"),
            Some(coordinator),
            &concern,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "concern");
    if let Some(exited_on) = exited_on {
        let exit = json!({"exited_on": exited_on, "destination": "social_housing", "notes": format!("Mme {last_name} part chez sa sœur.")});
        let response = app
            .post(
                &format!("/api/v1/placements/{placement_id}/exit"),
                Some(coordinator),
                &exit,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "exit");
    }
    (family_id, placement_id)
}

#[tokio::test]
async fn closed_files_are_anonymised_for_good_after_two_years_and_reports_still_add_up() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let landlord = app.landlord(&admin, "Valophis Habitat", "social").await;
    let mut units = Vec::new();
    for label in ["T2 Vitry", "T1 Ivry"] {
        let unit = app.unit(&admin, &landlord, label, 4).await;
        let lease = app
            .lease(
                &admin,
                &unit,
                &days_ago(2000).to_string(),
                None,
                60_000,
                9_000,
            )
            .await;
        assert_eq!(lease.status(), StatusCode::CREATED);
        units.push(unit);
    }
    // Left nearly three years ago: due. Left ten months ago: kept.
    let (old, old_placement) = family_with_history(
        &app,
        &coordinator,
        "Lemoine",
        &units[0],
        days_ago(1300),
        Some(days_ago(1000)),
    )
    .await;
    let (recent, _) = family_with_history(
        &app,
        &coordinator,
        "Cherif",
        &units[1],
        days_ago(700),
        Some(days_ago(300)),
    )
    .await;
    // Declined three years ago (the decision's time is when it was recorded).
    let declined = app.refer(&coordinator, "Petrenko", days_ago(1200)).await;
    app.decline(&coordinator, &declined, "Hors critères d'âge")
        .await;
    referrals::Entity::update_many()
        .col_expr(
            referrals::Column::ClosedAt,
            Expr::value(test_now() - chrono::TimeDelta::days(1100)),
        )
        .filter(
            referrals::Column::FamilyId.eq(declined["family_id"]
                .as_str()
                .expect("id")
                .parse::<uuid::Uuid>()
                .expect("uuid")),
        )
        .exec(&app.db)
        .await
        .expect("aged");
    // Waiting for years, but still waiting: kept.
    let waiting = app.refer(&coordinator, "Baldé", days_ago(1500)).await;

    let report_path = format!(
        "/api/v1/reports/occupancy?from={}&to={}",
        days_ago(1500),
        days_ago(1)
    );
    let report_before = app.get_json(&report_path, &admin).await;
    let placement_path = format!("/api/v1/placements/{old_placement}");
    let placement_before = app.get_json(&placement_path, &coordinator).await;
    let timeline_path = format!("/api/v1/families/{old}/timeline?limit=200");
    let timeline_before = app.get_json(&timeline_path, &coordinator).await;

    // A dry run lists the two files, and changes nothing.
    let dry = run_retention(&app, test_now(), true).await;
    let mut listed: Vec<String> = dry
        .due
        .iter()
        .map(|file| file.family_id.to_string())
        .collect();
    listed.sort();
    let mut expected = vec![
        old.clone(),
        declined["family_id"].as_str().expect("id").to_owned(),
    ];
    expected.sort();
    assert_eq!(listed, expected);
    assert!(
        dry.due.iter().any(|file| file.initials == "A. L."),
        "{:?}",
        dry.due
    );
    let family = app
        .get_json(&format!("/api/v1/families/{old}"), &coordinator)
        .await;
    assert_eq!(family["mother"]["last_name"], "Lemoine");

    let done = run_retention(&app, test_now(), false).await;
    assert_eq!(done.anonymised, 2);

    // What named or described her is gone.
    let family = app
        .get_json(&format!("/api/v1/families/{old}"), &coordinator)
        .await;
    assert_eq!(family["mother"]["first_name"], "[anonymisé]");
    assert_eq!(family["mother"]["last_name"], "[anonymisé]");
    assert_eq!(family["mother"]["phone"], Value::Null);
    assert_eq!(family["mother"]["email"], Value::Null);
    assert_eq!(
        family["mother"]["birth_date"], "2001-01-01",
        "the year stays"
    );
    assert_eq!(family["children"][0]["first_name"], "[anonymisé]");
    assert_eq!(family["children"][0]["last_name"], Value::Null);
    let birth = family["children"][0]["birth_date"].as_str().expect("birth");
    assert!(
        birth.ends_with("-01-01"),
        "born before the stay: the year only, {birth}"
    );
    let interventions = app
        .get_json(
            &format!("/api/v1/families/{old}/interventions"),
            &coordinator,
        )
        .await;
    let whole_file = [
        family.to_string(),
        interventions.to_string(),
        app.get_json(&timeline_path, &coordinator).await.to_string(),
        app.get_json(&placement_path, &coordinator)
            .await
            .to_string(),
        app.get_json(
            &format!("/api/v1/placements/{old_placement}/project"),
            &coordinator,
        )
        .await
        .to_string(),
        app.get_json(&format!("/api/v1/families/{old}/concerns"), &coordinator)
            .await
            .to_string(),
        app.get_json(
            &format!(
                "/api/v1/families/{old}/creche-bookings?from={}&to={}",
                days_ago(1300),
                days_ago(1000)
            ),
            &coordinator,
        )
        .await
        .to_string(),
    ]
    .concat();
    for trace in [
        "Lemoine",
        "Maëlys",
        "lemoine@",
        "sœur",
        "Hébergée",
        "Claire Fontaine",
        "06 00",
    ] {
        assert!(!whole_file.contains(trace), "{trace} is still in the file");
    }
    assert_eq!(
        interventions["items"][0]["duration_minutes"], 60,
        "durations stay"
    );
    assert_eq!(
        interventions["items"][0]["kind"], "home_visit",
        "kinds stay"
    );

    // Dates, periods, destinations and the reports are as they were.
    let placement_after = app.get_json(&placement_path, &coordinator).await;
    for field in ["admitted_on", "status"] {
        assert_eq!(placement_after[field], placement_before[field], "{field}");
    }
    assert_eq!(
        placement_after["exit"]["exited_on"],
        placement_before["exit"]["exited_on"]
    );
    assert_eq!(placement_after["exit"]["destination"], "social_housing");
    for (after, before) in placement_after["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .zip(placement_before["periods"].as_array().expect("periods"))
    {
        assert_eq!(after["starts_on"], before["starts_on"]);
        assert_eq!(after["ends_on"], before["ends_on"]);
    }
    assert_eq!(
        app.get_json(&report_path, &admin).await,
        report_before,
        "the report adds up"
    );
    assert_eq!(
        app.get_json(&timeline_path, &coordinator).await["items"]
            .as_array()
            .map(Vec::len),
        timeline_before["items"].as_array().map(Vec::len),
        "the same events"
    );

    // The others are untouched; a second run finds nothing more.
    for (family_id, name) in [
        (&recent, "Cherif"),
        (
            &waiting["family_id"].as_str().expect("id").to_owned(),
            "Baldé",
        ),
    ] {
        let family = app
            .get_json(&format!("/api/v1/families/{family_id}"), &coordinator)
            .await;
        assert_eq!(family["mother"]["last_name"], name);
    }
    assert_eq!(run_retention(&app, test_now(), false).await.anonymised, 0);

    // Each anonymisation is in the audit log, in nobody's name.
    let entries = app
        .get_json(&format!("/api/v1/audit?family_id={old}"), &admin)
        .await;
    let anonymise = entries["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|entry| entry["action"] == "family.anonymise")
        .expect("audited")
        .clone();
    assert_eq!(anonymise["user_id"], "00000000-0000-0000-0000-000000000000");
}

#[tokio::test]
async fn audit_entries_are_deleted_after_their_months_by_the_job_and_by_nothing_else() {
    // A server whose clock stands 400 days back writes entries then.
    let then = test_now() - chrono::TimeDelta::days(400);
    let past = spawn_app_with(move |settings| settings.testing.now = Some(then)).await;
    let coordinator = past.login_as("coordinator").await;
    // A list of two families: one entry naming both.
    for name in ["Aubert", "Benali"] {
        past.refer(&coordinator, name, then.date_naive()).await;
    }
    let read = past.get("/api/v1/families", Some(&coordinator)).await;
    assert_eq!(read.status(), StatusCode::OK);
    let audit = past.audit_db().await;
    let named = "SELECT COUNT(*) AS n FROM audit_log_families";
    let old_entries = nido::retention::run(
        &past.db,
        &audit,
        past.settings.retention_policy(),
        test_now(),
        true,
    )
    .await
    .expect("dry run")
    .audit_entries;
    assert!(old_entries >= 3, "{old_entries} old entries");
    assert_eq!(count(&audit, named).await, 2);

    // Outside the job, the database refuses to delete or change any entry.
    for statement in [
        "DELETE FROM audit_log",
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log_families",
        "UPDATE audit_log_families SET family_id = entry_id",
    ] {
        assert!(
            audit.execute_unprepared(statement).await.is_err(),
            "{statement} refused"
        );
    }

    let report = nido::retention::run(
        &past.db,
        &audit,
        past.settings.retention_policy(),
        test_now(),
        false,
    )
    .await
    .expect("runs");
    assert_eq!(report.audit_entries, old_entries);
    let left = audit_log::Entity::find()
        .all(&audit)
        .await
        .expect("entries");
    assert!(
        left.iter()
            .all(|entry| entry.at >= report.audit_cutoff || entry.action == "audit.purge")
    );
    // The families the old list named went with it.
    assert_eq!(count(&audit, named).await, 0);
    // The purge itself is in the log, and once done the guard is back.
    assert!(left.iter().any(|entry| entry.action == "audit.purge"));
    assert!(
        audit
            .execute_unprepared("DELETE FROM audit_log")
            .await
            .is_err()
    );
    assert_eq!(
        count(&audit, "SELECT COUNT(*) AS n FROM audit_purge").await,
        0
    );
}

/// The one number a `SELECT COUNT(*)` answers.
async fn count(db: &impl ConnectionTrait, query: &str) -> i64 {
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        query,
    ))
    .await
    .expect("count")
    .expect("row")
    .try_get_by_index::<i64>(0)
    .expect("n")
}
