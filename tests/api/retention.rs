//! Retention: closed files anonymised for good after `retention.active_years`,
//! reports that still add up, and audit entries deleted after
//! `audit.retention_months` by the job and by nothing else.

use chrono::{DateTime, Utc};
use nido_persistence::entities::{audit_log, referrals};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::cases::{days_ago, referral_body, today};
use crate::helpers::{TestApp, spawn_app, spawn_app_with, test_now};

/// The retention job of the server's settings, run once at `now`.
async fn run_retention(
    app: &TestApp,
    now: DateTime<Utc>,
    dry_run: bool,
) -> nido::retention::RetentionReport {
    let audit = app.audit_db().await;
    nido::retention::run(
        &app.writer,
        app.documents.store.as_ref(),
        &audit,
        app.settings.retention_policy(),
        now,
        dry_run,
    )
    .await
    .expect("the retention job runs")
}

/// A new family referred and declined for `reason`, the decision recorded
/// at `at`: the referral.
async fn declined_at(
    app: &TestApp,
    coordinator: &str,
    last_name: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> Value {
    let referral = app.refer(coordinator, last_name, days_ago(1200)).await;
    app.decline(coordinator, &referral, reason).await;
    let id: uuid::Uuid = referral["id"].as_str().expect("id").parse().expect("uuid");
    referrals::Entity::update_many()
        .col_expr(referrals::Column::ClosedAt, Expr::value(at))
        .filter(referrals::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .expect("decided then");
    referral
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
    let scan = crate::documents::pdf(&format!("Avis d'imposition de Mme {last_name}"));
    app.uploaded(
        coordinator,
        &family_id,
        &format!("Avis d'imposition {last_name}"),
        &scan,
    )
    .await;
    if let Some(exited_on) = exited_on {
        // The way to a home: an application, an offer accepted, the exit
        // naming it, and the follow-up three months later.
        let steps = format!("/api/v1/placements/{placement_id}/housing-steps");
        let application = json!({"kind": "social_housing_application", "status": "filed",
                                 "filed_on": admitted_on + chrono::Days::new(15),
                                 "reference": format!("094-{last_name}")});
        let response = app.post(&steps, Some(coordinator), &application).await;
        assert_eq!(response.status(), StatusCode::CREATED, "application");
        let offer = json!({"kind": "housing_offer", "status": "accepted",
                           "decided_on": exited_on - chrono::Days::new(20),
                           "landlord": "Valophis Habitat", "commune": "Vitry-sur-Seine",
                           "typology": "T2", "rent_cents": 48_000,
                           "notes": format!("Bail au nom de Mme {last_name}")});
        let response = app.post(&steps, Some(coordinator), &offer).await;
        assert_eq!(response.status(), StatusCode::CREATED, "offer");
        let offer: Value = response.json().await.expect("json");
        let exit = json!({"exited_on": exited_on, "destination": "social_housing", "notes": format!("Mme {last_name} part chez sa sœur."),
                          "housing_step_id": offer["id"]});
        let response = app
            .post(
                &format!("/api/v1/placements/{placement_id}/exit"),
                Some(coordinator),
                &exit,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "exit");
        let followed = json!({"after_months": 3, "done_on": exited_on + chrono::Months::new(3),
                              "outcome": "housed_stable",
                              "notes": format!("Mme {last_name} va bien.")});
        let response = app
            .post(
                &format!("/api/v1/placements/{placement_id}/follow-ups"),
                Some(coordinator),
                &followed,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "follow-up");
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
    let declined = declined_at(
        &app,
        &coordinator,
        "Petrenko",
        "Hors critères d'âge",
        test_now() - chrono::TimeDelta::days(1100),
    )
    .await;
    // Waiting for years, but still waiting: kept.
    let waiting = app.refer(&coordinator, "Baldé", days_ago(1500)).await;

    let report_path = format!(
        "/api/v1/reports/occupancy?from={}&to={}",
        days_ago(1500),
        days_ago(1)
    );
    let report_before = app.get_json(&report_path, &admin).await;
    let placement_path = format!("/api/v1/placements/{old_placement}");
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
    // Nothing of her file is left to single her out: its rows are gone,
    // the reports still add up (see the tests below).
    assert_eq!(interventions["items"], json!([]));
    assert_eq!(
        app.get(&placement_path, Some(&coordinator)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_json(&timeline_path, &coordinator).await["items"],
        json!([])
    );
    assert!(
        !timeline_before["items"]
            .as_array()
            .expect("items")
            .is_empty()
    );
    assert_eq!(family["referent_id"], Value::Null);
    assert_eq!(family["team_ids"], json!([]));
    assert_eq!(
        app.get_json(&report_path, &admin).await,
        report_before,
        "the report adds up"
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
        &past.writer,
        past.documents.store.as_ref(),
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
        &past.writer,
        past.documents.store.as_ref(),
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

/// Three closed files and a recent one, in two units: what the report tests
/// anonymise. Answers the units, the files due (family ids) and the one
/// kept.
struct Centre {
    units: Vec<String>,
    due: Vec<String>,
    /// Each due family's stay, for ranges that cut it.
    stays: Vec<(chrono::NaiveDate, chrono::NaiveDate)>,
}

async fn centre_with_closed_files(app: &TestApp, admin: &str, coordinator: &str) -> Centre {
    let landlord = app.landlord(admin, "Valophis Habitat", "social").await;
    let mut units = Vec::new();
    for label in ["T2 Vitry", "T1 Ivry"] {
        let unit = app.unit(admin, &landlord, label, 4).await;
        let start = days_ago(2000).to_string();
        let lease = app.lease(admin, &unit, &start, None, 60_000, 9_000).await;
        assert_eq!(lease.status(), StatusCode::CREATED);
        units.push(unit);
    }
    let stays = vec![
        (days_ago(1300), days_ago(1000)),
        (days_ago(1290), days_ago(890)),
    ];
    let (first, _) = family_with_history(
        app,
        coordinator,
        "Lemoine",
        &units[0],
        stays[0].0,
        Some(stays[0].1),
    )
    .await;
    // The second has a baby born during her stay, and an intervention late
    // on 31 December (UTC), which is 1 January in Paris.
    let (second, _) = family_with_history(
        app,
        coordinator,
        "Moreau",
        &units[1],
        stays[1].0,
        Some(stays[1].1),
    )
    .await;
    let born = app
        .post(
            &format!("/api/v1/families/{second}/children"),
            Some(coordinator),
            &json!({"first_name": "Noé", "birth_date": stays[1].0 + chrono::Days::new(30)}),
        )
        .await;
    assert_eq!(born.status(), StatusCode::CREATED, "birth");
    let mut new_years_eve =
        chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&stays[1].0), 12, 31).expect("day");
    if new_years_eve < stays[1].0 {
        new_years_eve = new_years_eve + chrono::Months::new(12);
    }
    let me = app.get_json("/api/v1/me", coordinator).await;
    let late = app
        .post(
            &format!("/api/v1/families/{second}/interventions"),
            Some(coordinator),
            &json!({"kind": "phone_call", "occurred_at": format!("{new_years_eve}T23:30:00Z"),
                    "duration_minutes": 15, "staff_ids": [me["id"]], "summary": "Appel du soir.",
                    "confidentiality": "restricted"}),
        )
        .await;
    assert_eq!(late.status(), StatusCode::CREATED, "late intervention");
    // Kept: left ten months ago, in the first unit.
    family_with_history(
        app,
        coordinator,
        "Cherif",
        &units[0],
        days_ago(700),
        Some(days_ago(300)),
    )
    .await;
    // Declined three years ago.
    let declined = declined_at(
        app,
        coordinator,
        "Petrenko",
        "Hors critères d'âge",
        test_now() - chrono::TimeDelta::days(1100),
    )
    .await;
    let declined = declined["family_id"].as_str().expect("id").to_owned();
    Centre {
        units,
        due: vec![first, second, declined],
        stays,
    }
}

/// Every activity report of the years the files touched, and occupancy
/// reports over ranges that cut the stays.
async fn reports(app: &TestApp, admin: &str, centre: &Centre) -> Vec<Value> {
    let mut paths = Vec::new();
    let first_year = chrono::Datelike::year(&days_ago(1400));
    for year in first_year..=chrono::Datelike::year(&today()) {
        paths.push(format!("/api/v1/reports/activity?year={year}"));
    }
    let mut ranges = vec![(days_ago(1500), days_ago(1))];
    for (admitted, exited) in &centre.stays {
        // From the middle of a month of the stay to the middle of another.
        ranges.push((
            *admitted + chrono::Days::new(45),
            *exited - chrono::Days::new(40),
        ));
        ranges.push((
            *admitted - chrono::Days::new(5),
            *admitted + chrono::Days::new(5),
        ));
        ranges.push((
            *exited - chrono::Days::new(3),
            *exited + chrono::Days::new(3),
        ));
    }
    for (from, to) in ranges {
        paths.push(format!("/api/v1/reports/occupancy?from={from}&to={to}"));
    }
    paths.push(format!("/api/v1/housing/vacancies?as_of={}", days_ago(800)));
    let mut answers = Vec::new();
    for path in paths {
        let answer = app.get_json(&path, admin).await;
        answers.push(json!({"path": path, "answer": answer}));
    }
    answers
}

#[tokio::test]
async fn the_activity_and_occupancy_reports_are_the_same_after_anonymisation() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let centre = centre_with_closed_files(&app, &admin, &coordinator).await;
    let before = reports(&app, &admin, &centre).await;
    let done = run_retention(&app, test_now(), false).await;
    assert_eq!(done.anonymised, 3);
    let after = reports(&app, &admin, &centre).await;
    for (before, after) in before.iter().zip(&after) {
        assert_eq!(after, before);
    }
    // The figures are not all zero: the files did count.
    let busy = &before[0]["answer"];
    assert!(
        before
            .iter()
            .any(|report| report["answer"]["family_days"].as_i64() > Some(0)),
        "{busy}"
    );
    // …and so did their way to a home: the step they left by, their wait,
    // their follow-up.
    let answers: Vec<&Value> = before.iter().map(|report| &report["answer"]).collect();
    assert!(
        answers
            .iter()
            .any(|a| a["exits"]["by_housing_step"]["housing_offer"].as_i64() > Some(0))
    );
    assert!(
        answers
            .iter()
            .any(|a| a["housing"]["median_wait_days"].as_i64().is_some())
    );
    assert!(
        answers
            .iter()
            .any(|a| a["housing"]["follow_ups"][0]["housed_share"] == 1.0)
    );
}

/// Each row of the database that holds one of `ids`, as text, by table;
/// the audit log's tables aside (kept 12 months by law, then purged).
async fn rows_holding(
    db: &sea_orm::DatabaseConnection,
    ids: &[uuid::Uuid],
) -> Vec<(String, String)> {
    rows_where(db, |row| {
        ids.iter().any(|id| {
            row.contains(&id.to_string()) || row.contains(&id.simple().to_string().to_uppercase())
        })
    })
    .await
}

/// Each row of the database, as text, by table, for which `holds` is true;
/// the audit log's tables aside.
async fn rows_where(
    db: &sea_orm::DatabaseConnection,
    holds: impl Fn(&str) -> bool,
) -> Vec<(String, String)> {
    use sea_orm::Statement;
    let backend = db.get_database_backend();
    let texts = |sql: String| async move {
        db.query_all_raw(Statement::from_string(backend, sql))
            .await
            .expect("rows")
            .into_iter()
            .map(|row| row.try_get_by_index::<String>(0).expect("text"))
            .collect::<Vec<String>>()
    };
    let postgres = backend == sea_orm::DatabaseBackend::Postgres;
    let tables = texts(if postgres {
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'"
            .to_owned()
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            .to_owned()
    })
    .await;
    let mut found = Vec::new();
    for table in tables
        .into_iter()
        .filter(|t| !t.starts_with("audit_") && !t.starts_with("seaql_"))
    {
        let sql = if postgres {
            format!("SELECT row_to_json(t)::text FROM {table} t")
        } else {
            let columns = texts(format!("SELECT name FROM pragma_table_info('{table}')")).await;
            let quoted: Vec<String> = columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
            format!("SELECT {} FROM \"{table}\"", quoted.join(" || '|' || "))
        };
        for row in texts(sql).await {
            if holds(&row) {
                found.push((table.clone(), row));
            }
        }
    }
    found
}

/// Every `YYYY-MM-DD` in `text` that is not the first of a month.
fn exact_dates(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| range.clone().all(|i| bytes[i].is_ascii_digit());
    (0..bytes.len().saturating_sub(9))
        .filter(|&i| {
            digits(i..i + 4)
                && bytes[i + 4] == b'-'
                && digits(i + 5..i + 7)
                && bytes[i + 7] == b'-'
                && digits(i + 8..i + 10)
        })
        .map(|i| text[i..i + 10].to_owned())
        .filter(|date| !date.ends_with("-01"))
        .collect()
}

#[tokio::test]
async fn nothing_left_of_an_anonymised_family_can_single_her_out() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let centre = centre_with_closed_files(&app, &admin, &coordinator).await;
    // Every id of the due files, before they go.
    let parse = |raw: &str| raw.parse::<uuid::Uuid>().expect("uuid");
    let mut ids = Vec::new();
    for family_id in &centre.due {
        ids.push(parse(family_id));
        let family = app
            .get_json(&format!("/api/v1/families/{family_id}"), &coordinator)
            .await;
        for child in family["children"].as_array().expect("children") {
            ids.push(parse(child["id"].as_str().expect("id")));
        }
        let timeline = app
            .get_json(
                &format!("/api/v1/families/{family_id}/timeline?limit=200"),
                &coordinator,
            )
            .await;
        for event in timeline["items"].as_array().expect("items") {
            for key in ["placement_id", "referral_id", "intervention_id", "id"] {
                if let Some(id) = event[key].as_str().and_then(|raw| raw.parse().ok()) {
                    ids.push(id);
                }
            }
        }
    }
    let users = app.get_json("/api/v1/users?limit=200", &admin).await;
    let user_ids: Vec<uuid::Uuid> = users["items"]
        .as_array()
        .expect("users")
        .iter()
        .map(|user| parse(user["id"].as_str().expect("id")))
        .collect();
    let unit_ids: Vec<uuid::Uuid> = centre.units.iter().map(|unit| parse(unit)).collect();
    assert!(!rows_holding(&app.db, &ids).await.is_empty());

    let stored_before = app.documents.store.keys().await.expect("keys").len();
    assert_eq!(run_retention(&app, test_now(), false).await.anonymised, 3);
    // Their documents' contents went with their rows; the others' stay.
    let stored = app.documents.store.keys().await.expect("keys");
    // Two of the three had one (the third was a referral declined).
    assert_eq!(
        stored.len(),
        stored_before - 2,
        "their documents' contents are erased"
    );
    for key in stored {
        let path = format!("/api/v1/documents/{}/content", key.0);
        assert_eq!(
            app.get(&path, Some(&coordinator)).await.status(),
            StatusCode::OK
        );
    }
    let left = rows_holding(&app.db, &ids).await;
    let tables: std::collections::BTreeSet<&str> =
        left.iter().map(|(table, _)| table.as_str()).collect();
    assert_eq!(
        tables.into_iter().collect::<Vec<_>>(),
        ["children", "families"],
        "{left:#?}"
    );
    for (table, row) in &left {
        assert_eq!(
            exact_dates(row),
            Vec::<String>::new(),
            "an exact date in {table}: {row}"
        );
        for other in unit_ids.iter().chain(&user_ids) {
            assert!(
                !row.contains(&other.to_string())
                    && !row.contains(&other.simple().to_string().to_uppercase()),
                "a unit or a user in {table}: {row}"
            );
        }
        for trace in [
            "Alfortville",
            "Lemoine",
            "Moreau",
            "Petrenko",
            "Maëlys",
            "Noé",
            "@",
        ] {
            assert!(!row.contains(trace), "{trace} in {table}: {row}");
        }
    }
}

#[tokio::test]
async fn the_days_an_anonymised_family_lived_in_a_unit_stay_taken() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let centre = centre_with_closed_files(&app, &admin, &coordinator).await;
    assert_eq!(run_retention(&app, test_now(), false).await.anonymised, 3);
    // A family admitted, back-dated, into the second unit (nobody lived
    // there since) while the anonymised family lived there.
    let referral = app.refer(&coordinator, "Girard", days_ago(2000)).await;
    let admission = app
        .post(
            &format!(
                "/api/v1/referrals/{}/admission",
                referral["id"].as_str().expect("id")
            ),
            Some(&coordinator),
            &json!({"admitted_on": centre.stays[1].0 + chrono::Days::new(10), "unit_id": centre.units[1]}),
        )
        .await;
    crate::helpers::assert_problem(admission, 409, "unit_occupied").await;
}

#[tokio::test]
async fn a_files_referral_texts_renewal_decisions_and_incidents_go_with_it() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    // Admitted, renewed by the département, an incident naming her, gone
    // nearly three years ago.
    let admitted_on = days_ago(1300);
    let mut body = referral_body(
        "Lefebvre",
        admitted_on - chrono::Days::new(20),
        json!([{"first_name": "Inaya", "birth_date": admitted_on - chrono::Days::new(100)}]),
    );
    body["referrer_name"] = json!("Odile Marchetti");
    body["referrer_contact"] = json!("marchetti.eds@example.org");
    body["reason_details"] = json!("Quitte le foyer Lilas-Verdier en urgence.");
    let admitted = app.refer_with(&coordinator, &body).await;
    let placement = app.admit(&coordinator, &admitted, admitted_on).await;
    let placement_id = placement["id"].as_str().expect("id");
    let family_id = placement["family_id"].as_str().expect("id");
    let renewal = app
        .post(
            &format!("/api/v1/placements/{placement_id}/renewals"),
            Some(&coordinator),
            &json!({"period_number": 1, "decided_on": admitted_on + chrono::Days::new(150),
                    "decided_by": "Inspectrice Bellanger-Roux", "decision_ref": "DEC-ROUX-0777"}),
        )
        .await;
    assert_eq!(renewal.status(), StatusCode::CREATED, "renewal");
    let incident = app
        .post(
            "/api/v1/incidents",
            Some(&coordinator),
            &json!({"occurred_at": format!("{}T10:00:00Z", admitted_on + chrono::Days::new(100)),
                    "category": "relational_difficulties", "family_id": family_id,
                    "description": "Altercation entre Mme Lefebvre et une voisine.",
                    "measures_taken": "Entretien Vasseur-Lefebvre le lendemain."}),
        )
        .await;
    assert_eq!(incident.status(), StatusCode::CREATED, "incident");
    let incident: Value = incident.json().await.expect("json");
    let incident_path = format!("/api/v1/incidents/{}", incident["id"].as_str().expect("id"));
    app.exit(&coordinator, placement_id, &days_ago(1000).to_string())
        .await;
    // Declined three years ago, for a reason the coordinator wrote.
    let declined = declined_at(
        &app,
        &coordinator,
        "Petrenko",
        "Refus motivé : hébergement Kerjean déjà trouvé.",
        test_now() - chrono::TimeDelta::days(1100),
    )
    .await;

    // What each answer carried before: the referrals' texts in the referral,
    // the list and the export; the decision in the placement and the export;
    // the incident's texts and family.
    let texts = [
        "Marchetti",
        "marchetti.eds@",
        "Lilas-Verdier",
        "Kerjean",
        "Bellanger-Roux",
        "DEC-ROUX-0777",
        "Vasseur-Lefebvre",
        "voisine",
    ];
    let referral_paths: Vec<String> = [&admitted, &declined]
        .iter()
        .map(|referral| format!("/api/v1/referrals/{}", referral["id"].as_str().expect("id")))
        .collect();
    let export_paths: Vec<String> = [family_id, declined["family_id"].as_str().expect("id")]
        .iter()
        .map(|family| format!("/api/v1/families/{family}/export"))
        .collect();
    let referral = app.get_json(&referral_paths[0], &coordinator).await;
    assert_eq!(referral["referrer_name"], "Odile Marchetti");
    assert_eq!(referral["referrer_contact"], "marchetti.eds@example.org");
    assert_eq!(
        referral["reason_details"],
        "Quitte le foyer Lilas-Verdier en urgence."
    );
    let refused = app.get_json(&referral_paths[1], &coordinator).await;
    assert_eq!(
        refused["closed_reason"],
        "Refus motivé : hébergement Kerjean déjà trouvé."
    );
    let decided = app
        .get_json(&format!("/api/v1/placements/{placement_id}"), &coordinator)
        .await;
    assert_eq!(
        decided["periods"][0]["decided_by"],
        "Inspectrice Bellanger-Roux"
    );
    assert_eq!(decided["periods"][0]["decision_ref"], "DEC-ROUX-0777");
    let before = app.get_json(&incident_path, &coordinator).await;
    assert_eq!(before["family_id"], family_id);
    let paths: Vec<String> = referral_paths
        .iter()
        .chain(&export_paths)
        .cloned()
        .chain([
            "/api/v1/referrals?limit=200".to_owned(),
            incident_path.clone(),
        ])
        .collect();
    let answers = async || {
        let mut text = String::new();
        for path in &paths {
            let response = app.get(path, Some(&coordinator)).await;
            text.push_str(&response.text().await.expect("text"));
        }
        text
    };
    let found = async || {
        let said = answers().await;
        texts
            .into_iter()
            .filter(|text| said.contains(text))
            .collect::<Vec<_>>()
    };
    assert_eq!(found().await, texts, "in the answers before");

    assert_eq!(run_retention(&app, test_now(), false).await.anonymised, 2);

    // The decision went with the placement, the referrals with their texts.
    assert_eq!(found().await, [""; 0], "still in the answers");
    let kept = rows_where(&app.db, |row| texts.iter().any(|text| row.contains(text))).await;
    assert!(kept.is_empty(), "{kept:#?}");
    for path in &referral_paths {
        assert_eq!(
            app.get(path, Some(&coordinator)).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // The incident is the centre's record: it stays, of its category and
    // day, naming nobody, its texts erased.
    let after = app.get_json(&incident_path, &coordinator).await;
    assert_eq!(after["family_id"], Value::Null);
    assert_eq!(after["description"], "[anonymisé]");
    assert_eq!(after["measures_taken"], "[anonymisé]");
    assert_eq!(after["category"], before["category"]);
    assert_eq!(after["occurred_at"], before["occurred_at"]);
}

#[tokio::test]
async fn a_later_intervention_keeps_a_closed_file_to_the_day_in_paris() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let me = app.get_json("/api/v1/me", &coordinator).await;
    // Two families left more than two years ago; one was called since,
    // at 23:30 UTC, which is the next day in Paris.
    let exited_on = days_ago(1100);
    let mut left = Vec::new();
    for name in ["Rousseau", "Texier"] {
        let placement = app
            .placed_family(&coordinator, name, days_ago(1500), days_ago(1300))
            .await;
        app.exit(
            &coordinator,
            placement["id"].as_str().expect("id"),
            &exited_on.to_string(),
        )
        .await;
        left.push(placement["family_id"].as_str().expect("id").to_owned());
    }
    let called = &left[0];
    let utc_day = days_ago(400);
    let late = format!("{utc_day}T23:30:00Z");
    let paris_day = utc_day + chrono::Days::new(1);
    let response = app
        .post(
            &format!("/api/v1/families/{called}/interventions"),
            Some(&coordinator),
            &json!({"kind": "phone_call", "occurred_at": late, "duration_minutes": 20,
                    "staff_ids": [me["id"]], "summary": "Nouvelles après la sortie.",
                    "confidentiality": "team"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "intervention");
    // And a referral declined at that same instant, for a third family.
    let declined = declined_at(
        &app,
        &coordinator,
        "Vidal",
        "Hors critères",
        late.parse().expect("instant"),
    )
    .await;
    let kept = [
        (called.clone(), "Rousseau"),
        (
            declined["family_id"].as_str().expect("id").to_owned(),
            "Vidal",
        ),
    ];
    let still_named = async || {
        for (family_id, name) in &kept {
            let family = app
                .get_json(&format!("/api/v1/families/{family_id}"), &coordinator)
                .await;
            assert_eq!(family["mother"]["last_name"], *name);
        }
    };

    // Today: only the family nobody has heard of since her exit is due.
    let done = run_retention(&app, test_now(), false).await;
    let due: Vec<String> = done
        .due
        .iter()
        .map(|file| file.family_id.to_string())
        .collect();
    assert_eq!(due, [left[1].clone()]);
    still_named().await;

    // Their last contact is the Paris day: kept through its second
    // anniversary (a 29 February clamped to the 28th, as chrono does), due
    // the day after, from midnight in Paris (23:00 or 22:00 UTC).
    let kept_until = paris_day
        .checked_add_months(chrono::Months::new(24))
        .expect("a day");
    let at_half_past_eleven_utc =
        |day: chrono::NaiveDate| day.and_hms_opt(23, 30, 0).expect("an instant").and_utc();
    // Just after midnight in Paris on the last day kept (00:30 or 01:30),
    // still the day before in UTC.
    let last_day_kept = at_half_past_eleven_utc(kept_until - chrono::Days::new(1));
    let run = run_retention(&app, last_day_kept, false).await;
    assert_eq!(run.anonymised, 0, "{:?}", run.due);
    still_named().await;
    // Just after midnight in Paris on the day after, still the last day
    // kept in UTC.
    let first_day_due = at_half_past_eleven_utc(kept_until);
    let run = run_retention(&app, first_day_due, false).await;
    assert_eq!(run.anonymised, 2, "{:?}", run.due);
    for (family_id, _) in &kept {
        let file = run
            .due
            .iter()
            .find(|file| file.family_id.to_string() == *family_id)
            .expect("due");
        assert_eq!(file.last_contact, paris_day);
    }
}

#[tokio::test]
async fn a_follow_up_after_the_exit_is_a_contact_that_keeps_the_file() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    // Both left 800 days ago; one was followed up six months later, less
    // than two years ago.
    let exited_on = days_ago(800);
    let mut left = Vec::new();
    for name in ["Suivie", "Perdue"] {
        let placement = app
            .placed_family(&coordinator, name, days_ago(1200), days_ago(1000))
            .await;
        let placement_id = placement["id"].as_str().expect("id").to_owned();
        app.exit(&coordinator, &placement_id, &exited_on.to_string())
            .await;
        left.push((
            placement["family_id"].as_str().expect("id").to_owned(),
            placement_id,
        ));
    }
    let response = app
        .post(
            &format!("/api/v1/placements/{}/follow-ups", left[0].1),
            Some(&coordinator),
            &json!({"after_months": 6, "done_on": exited_on + chrono::Months::new(6),
                    "outcome": "housed_stable"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "follow-up");
    let done = run_retention(&app, test_now(), false).await;
    assert_eq!(done.anonymised, 1);
    let kept = app
        .get_json(&format!("/api/v1/families/{}", left[0].0), &coordinator)
        .await;
    assert_eq!(kept["mother"]["last_name"], "Suivie");
    let gone = app
        .get_json(&format!("/api/v1/families/{}", left[1].0), &coordinator)
        .await;
    assert_eq!(gone["mother"]["last_name"], "[anonymisé]");
}

#[tokio::test]
async fn an_anonymised_file_is_found_by_nobody_and_tied_to_nothing() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let long_ago = test_now() - chrono::Duration::days(3 * 366);
    let closed = declined_at(&app, &coordinator, "Sissoko", "Hors critères.", long_ago).await;
    let closed_id = closed["family_id"].as_str().expect("family").to_owned();
    let live = app.refer(&coordinator, "Sissoko", days_ago(40)).await;
    let live_id = live["family_id"].as_str().expect("family").to_owned();
    let decide = |note: &str| serde_json::json!({"family_ids": [closed_id, live_id], "decision": "same_person", "note": note});
    let response = app
        .post(
            "/api/v1/duplicates/decisions",
            Some(&coordinator),
            &decide("La même mère."),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);

    assert_eq!(run_retention(&app, test_now(), false).await.anonymised, 1);
    // Her link went with her file; nothing new may be tied to it, and no
    // search finds it.
    let read = app
        .get_json(&format!("/api/v1/families/{live_id}"), &coordinator)
        .await;
    assert_eq!(read["linked_family_ids"], serde_json::json!([]), "{read}");
    let again = app
        .post(
            "/api/v1/duplicates/decisions",
            Some(&coordinator),
            &decide("Encore."),
        )
        .await;
    crate::helpers::assert_invalid(again, &["family_ids"]).await;
    let found = app
        .get_json("/api/v1/families/search?q=sissoko", &coordinator)
        .await;
    let ids: Vec<&str> = found["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|hit| hit["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [live_id.as_str()]);
}
