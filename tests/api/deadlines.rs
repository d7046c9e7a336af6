use chrono::NaiveDate;
use serde_json::Value;

use crate::cases::date;
use crate::helpers::{assert_problem, invalid_fields, spawn_app, spawn_app_with};

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().expect("items")
}

#[tokio::test]
async fn deadlines_list_periods_ending_soon_or_past_with_their_status() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    // Current periods ending 2026-02-27 (Martin), 2026-02-27 (Benali),
    // 2026-03-31 (Sow), 2026-06-30 (Nguyen, out of the window) and one at its cap (Morel).
    let martin = app
        .placed_family(
            &coordinator,
            "Martin",
            date("2025-06-01"),
            date("2025-08-31"),
        )
        .await;
    let benali = app
        .placed_family(
            &coordinator,
            "Benali",
            date("2025-06-01"),
            date("2025-08-31"),
        )
        .await;
    app.placed_family(&coordinator, "Sow", date("2025-06-01"), date("2025-10-01"))
        .await;
    app.placed_family(
        &coordinator,
        "Nguyen",
        date("2025-06-01"),
        date("2026-01-01"),
    )
    .await;
    let morel = app
        .placed_family(
            &coordinator,
            "Morel",
            date("2023-03-20"),
            date("2026-01-05"),
        )
        .await;
    assert_eq!(morel["periods"][0]["ends_on"], "2026-03-19");

    let path = "/api/v1/deadlines?as_of=2026-01-28&within_days=62";
    let body: Value = app.get_json(path, &coordinator).await;
    let names: Vec<&str> = items(&body)
        .iter()
        .map(|item| item["mother_name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Awa Benali", "Awa Martin", "Awa Morel", "Awa Sow"]);

    let benali_item = &items(&body)[0];
    assert_eq!(benali_item["placement_id"], benali["id"]);
    assert_eq!(benali_item["family_id"], benali["family_id"]);
    assert_eq!(benali_item["current_period"]["number"], 1);
    assert_eq!(benali_item["current_period"]["starts_on"], "2025-08-31");
    assert_eq!(benali_item["current_period"]["ends_on"], "2026-02-27");
    assert_eq!(benali_item["days_remaining"], 30);
    // ends_on + 1 day − 30 days.
    assert_eq!(benali_item["report_due_on"], "2026-01-29");
    assert_eq!(benali_item["status"], "upcoming");
    assert_eq!(benali_item["renewable"], true);
    assert!(benali_item["referent_id"].is_null());

    let morel_item = &items(&body)[2];
    assert_eq!(morel_item["renewable"], false);
    assert_eq!(morel_item["report_due_on"], "2026-02-18");

    // The day the report falls due.
    let body: Value = app
        .get_json(
            "/api/v1/deadlines?as_of=2026-01-29&within_days=0",
            &coordinator,
        )
        .await;
    assert!(items(&body).is_empty());
    let body: Value = app
        .get_json(
            "/api/v1/deadlines?as_of=2026-01-29&within_days=29",
            &coordinator,
        )
        .await;
    assert_eq!(items(&body).len(), 2);
    assert!(
        items(&body)
            .iter()
            .all(|item| item["status"] == "report_due")
    );

    // After the end, without a renewal: overdue, and listed whatever the window.
    let body: Value = app
        .get_json(
            "/api/v1/deadlines?as_of=2026-03-01&within_days=0",
            &coordinator,
        )
        .await;
    let overdue: Vec<&Value> = items(&body)
        .iter()
        .filter(|item| item["status"] == "overdue")
        .collect();
    assert_eq!(overdue.len(), 2);
    assert_eq!(overdue[0]["days_remaining"], -2);

    // A renewal takes the family off the overdue list.
    let renewed = app
        .renew(&coordinator, martin["id"].as_str().expect("id"), 1)
        .await;
    assert_eq!(renewed.status(), 201);
    let body: Value = app
        .get_json(
            "/api/v1/deadlines?as_of=2026-03-01&within_days=0",
            &coordinator,
        )
        .await;
    let names: Vec<&str> = items(&body)
        .iter()
        .map(|item| item["mother_name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Awa Benali"]);
}

#[tokio::test]
async fn staff_see_only_their_own_families_deadlines() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (ines, ines_token) = app.staff_member("ines").await;
    let (_, other_token) = app.staff_member("lea").await;
    let mine = app
        .placed_family(
            &coordinator,
            "Martin",
            date("2025-06-01"),
            date("2025-08-31"),
        )
        .await;
    app.placed_family(
        &coordinator,
        "Benali",
        date("2025-06-01"),
        date("2025-08-31"),
    )
    .await;
    app.assign(
        &coordinator,
        mine["family_id"].as_str().expect("id"),
        &ines,
        &[],
    )
    .await;

    let path = "/api/v1/deadlines?as_of=2026-02-01";
    let body: Value = app.get_json(path, &ines_token).await;
    assert_eq!(items(&body).len(), 1);
    assert_eq!(items(&body)[0]["family_id"], mine["family_id"]);
    assert_eq!(items(&body)[0]["referent_id"], ines.as_str());
    let body: Value = app.get_json(path, &other_token).await;
    assert!(items(&body).is_empty());
    let body: Value = app.get_json(path, &coordinator).await;
    assert_eq!(items(&body).len(), 2);

    let admin = app.admin_token().await;
    assert_problem(app.get(path, Some(&admin)).await, 403, "forbidden").await;
}

#[tokio::test]
async fn deadline_parameters_are_checked_and_default_to_today() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    for (query, field) in [
        ("as_of=2026-02-30", "as_of"),
        ("within_days=-1", "within_days"),
        ("within_days=soon", "within_days"),
    ] {
        let response = app
            .get(&format!("/api/v1/deadlines?{query}"), Some(&coordinator))
            .await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(invalid_fields(&problem), [field], "{query}");
    }
    // A placement admitted today ends in about six months: outside the
    // default 60 days, inside a window of 200.
    app.placed_family(
        &coordinator,
        "Martin",
        crate::cases::days_ago(30),
        crate::cases::today(),
    )
    .await;
    let body: Value = app.get_json("/api/v1/deadlines", &coordinator).await;
    assert!(items(&body).is_empty());
    let body: Value = app
        .get_json("/api/v1/deadlines?within_days=200", &coordinator)
        .await;
    assert_eq!(items(&body).len(), 1);
    assert_eq!(items(&body)[0]["status"], "upcoming");
}

/// At 23:30 UTC it is already tomorrow in Paris (00:30 or 01:30): the
/// default `as_of` is Paris's date, not the UTC one.
#[tokio::test]
async fn the_default_as_of_is_todays_date_in_paris_even_late_in_the_utc_evening() {
    let utc_day = crate::helpers::test_now().date_naive();
    let late = utc_day.and_hms_opt(23, 30, 0).expect("a time").and_utc();
    let app = spawn_app_with(move |settings| settings.testing.now = Some(late)).await;
    let paris_day = late.with_timezone(&chrono_tz::Europe::Paris).date_naive();
    assert_eq!(paris_day, utc_day + chrono::Days::new(1));
    let coordinator = app.login_as("coordinator").await;
    let placement = app
        .placed_family(
            &coordinator,
            "Martin",
            utc_day - chrono::Days::new(300),
            utc_day - chrono::Days::new(100),
        )
        .await;
    let ends_on: NaiveDate = placement["periods"][0]["ends_on"]
        .as_str()
        .expect("a date")
        .parse()
        .expect("a date");

    let by_default: Value = app
        .get_json("/api/v1/deadlines?within_days=400", &coordinator)
        .await;
    assert_eq!(items(&by_default).len(), 1);
    assert_eq!(
        items(&by_default)[0]["days_remaining"],
        (ends_on - paris_day).num_days()
    );
    let in_paris: Value = app
        .get_json(
            &format!("/api/v1/deadlines?within_days=400&as_of={paris_day}"),
            &coordinator,
        )
        .await;
    assert_eq!(by_default, in_paris);
    let in_utc: Value = app
        .get_json(
            &format!("/api/v1/deadlines?within_days=400&as_of={utc_day}"),
            &coordinator,
        )
        .await;
    assert_eq!(
        items(&in_utc)[0]["days_remaining"],
        (ends_on - utc_day).num_days(),
        "one day more than by default"
    );
}
