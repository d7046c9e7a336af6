//! The deadlines and due-dates screens are paged like every list: walking
//! the pages gives the whole window once, in order, ties included, and
//! every page carries the counts of the whole window, for a coordinator
//! and for a staff member, who never sees another family's items or counts
//! — not even through a cursor taken from a coordinator's page.

use std::collections::HashSet;

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{date, days_ago};
use crate::helpers::{TestApp, assert_problem, invalid_fields, spawn_app, test_now};

/// Every item of the window, page by page (`limit` a page), and the
/// counts each page carried.
async fn walk(app: &TestApp, token: &str, path: &str, limit: u64) -> (Vec<Value>, Vec<Value>) {
    let (mut items, mut counts) = (Vec::new(), Vec::new());
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{path}&limit={limit}");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let response = app.get(&url, Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        let page: Value = response.json().await.expect("json");
        let got = page["items"].as_array().expect("items");
        assert!(got.len() as u64 <= limit, "{url}");
        items.extend(got.iter().cloned());
        counts.push(page["counts"].clone());
        match page["next_cursor"].as_str() {
            Some(next) => {
                assert!(!got.is_empty(), "a page before the last is not empty");
                cursor = Some(next.to_owned());
            }
            None => break,
        }
        assert!(counts.len() < 100, "the walk ends");
    }
    (items, counts)
}

/// The placements of the deadlines test: three families named alike,
/// admitted the same day (same `ends_on`, same last name: only the
/// placement id orders them), and others ending before, after, and out of
/// the window. Answers the staff member's id and token, and her
/// placements.
async fn centre(app: &TestApp, coordinator: &str) -> ((String, String), HashSet<String>) {
    let staff = app.staff_member("ines").await;
    let mut hers = HashSet::new();
    let families = [
        ("Martin", "2025-08-31"),
        ("Martin", "2025-08-31"),
        ("Martin", "2025-08-31"),
        ("Benali", "2025-08-31"),
        ("Sow", "2025-07-15"),
        ("Diallo", "2025-10-01"),
        ("Nguyen", "2025-09-10"),
        ("Ba", "2026-01-01"),
    ];
    for (n, (name, admitted)) in families.into_iter().enumerate() {
        let placement = app
            .placed_family(coordinator, name, date("2025-06-01"), date(admitted))
            .await;
        if n % 2 == 0 {
            let family = placement["family_id"].as_str().expect("family");
            app.assign(coordinator, family, &staff.0, &[]).await;
            hers.insert(placement["id"].as_str().expect("id").to_owned());
        }
    }
    (staff, hers)
}

/// A coordinator's cursor shows a staff member no other family (nor an
/// incident she did not declare): it is a position in the list, not a
/// right.
async fn forged_cursor_shows_only_hers(
    app: &TestApp,
    coordinator: &str,
    staff_token: &str,
    path: &str,
    hers: &HashSet<String>,
    her_counts: &Value,
) {
    let page: Value = app.get_json(&format!("{path}&limit=1"), coordinator).await;
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let forged: Value = app
        .get_json(&format!("{path}&limit=200&cursor={cursor}"), staff_token)
        .await;
    for item in forged["items"].as_array().expect("items") {
        assert!(hers.contains(text(item, "placement_id")), "{item}");
    }
    assert_eq!(&forged["counts"], her_counts);
}

fn text<'a>(item: &'a Value, field: &str) -> &'a str {
    item[field].as_str().unwrap_or_default()
}

/// The deadlines' order: `ends_on`, the mother's last name, the placement.
fn deadline_key(item: &Value) -> (String, String, String) {
    let last_name = text(item, "mother_name")
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_owned();
    (
        item["current_period"]["ends_on"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        last_name,
        text(item, "placement_id").to_owned(),
    )
}

fn assert_once_in_order<K: Ord + std::fmt::Debug>(items: &[Value], key: impl Fn(&Value) -> K) {
    let keys: Vec<K> = items.iter().map(key).collect();
    for pair in keys.windows(2) {
        assert!(pair[0] < pair[1], "in order, each once: {pair:?}");
    }
}

/// How many items of a whole window have each status.
fn count_by(items: &[Value], field: &str, value: &Value) -> usize {
    items.iter().filter(|item| &item[field] == value).count()
}

#[tokio::test]
async fn deadlines_walk_the_window_once_in_order_with_the_counts_of_the_whole_window() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let ((_, staff_token), hers) = centre(&app, &coordinator).await;
    // On 2026-02-10: Sow's period ended on 2026-01-14 (overdue); the
    // 2026-02-27 ones and Nguyen's (2026-03-09, report due from 2026-02-08)
    // have their report due; Diallo's (2026-03-31) is to come; Ba's
    // (2026-06-30) is out of the window.
    let path = "/api/v1/deadlines?as_of=2026-02-10&within_days=60";
    let whole: Value = app
        .get_json(&format!("{path}&limit=200"), &coordinator)
        .await;
    let all = whole["items"].as_array().expect("items").clone();
    assert_eq!(all.len(), 7);
    assert!(whole["next_cursor"].is_null());
    assert_once_in_order(&all, deadline_key);
    let expected_counts = json!({
        "overdue": count_by(&all, "status", &json!("overdue")),
        "report_due": count_by(&all, "status", &json!("report_due")),
        "upcoming": count_by(&all, "status", &json!("upcoming")),
    });
    assert_eq!(
        expected_counts,
        json!({"overdue": 1, "report_due": 5, "upcoming": 1})
    );
    assert_eq!(whole["counts"], expected_counts);

    for limit in [1, 2, 3] {
        let (walked, counts) = walk(&app, &coordinator, path, limit).await;
        assert_eq!(walked, all, "limit {limit}");
        assert!(counts.iter().all(|page| page == &expected_counts));
    }
    // The default page holds them all; fewer than 50.
    let first: Value = app.get_json(path, &coordinator).await;
    assert_eq!(first["items"], whole["items"]);

    // Staff: her families only, and their counts only.
    let (walked, counts) = walk(&app, &staff_token, path, 2).await;
    let mine: Vec<Value> = all
        .iter()
        .filter(|item| hers.contains(text(item, "placement_id")))
        .cloned()
        .collect();
    assert_eq!(walked, mine);
    let her_counts = json!({
        "overdue": count_by(&mine, "status", &json!("overdue")),
        "report_due": count_by(&mine, "status", &json!("report_due")),
        "upcoming": count_by(&mine, "status", &json!("upcoming")),
    });
    assert!(counts.iter().all(|page| page == &her_counts));

    forged_cursor_shows_only_hers(&app, &coordinator, &staff_token, path, &hers, &her_counts).await;
}

/// The due dates' order: `due_on`, the kind, the placement or incident.
fn due_key(item: &Value) -> (String, String, String) {
    let subject = if item["incident_id"].is_string() {
        text(item, "incident_id")
    } else {
        text(item, "placement_id")
    };
    (
        text(item, "due_on").to_owned(),
        text(item, "kind").to_owned(),
        subject.to_owned(),
    )
}

#[tokio::test]
async fn due_dates_walk_the_window_once_in_order_with_the_counts_of_the_whole_window() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (staff, staff_token) = app.staff_member("ines").await;
    let mut hers = HashSet::new();
    // Admitted the same days, in pairs: every due date ties with another.
    for (n, admitted) in [40, 40, 10, 10, 200].into_iter().enumerate() {
        let placement = app
            .placed_family(
                &coordinator,
                &format!("Famille{n}"),
                days_ago(300),
                days_ago(admitted),
            )
            .await;
        if n % 2 == 0 {
            let family = placement["family_id"].as_str().expect("family");
            app.assign(&coordinator, family, &staff, &[]).await;
            hers.insert(placement["id"].as_str().expect("id").to_owned());
        }
    }
    // Two incidents of the same hour: their reports fall due together.
    for _ in 0..2 {
        let declared = app
            .post(
                "/api/v1/incidents",
                Some(&coordinator),
                &json!({"occurred_at": test_now() - Duration::hours(60),
                        "category": "equipment_failure", "description": "Panne de chauffage.",
                        "measures_taken": "Radiateurs d'appoint."}),
            )
            .await;
        assert_eq!(declared.status(), StatusCode::CREATED);
    }

    let path = "/api/v1/due-dates?within_days=365";
    let whole: Value = app
        .get_json(&format!("{path}&limit=200"), &coordinator)
        .await;
    let all = whole["items"].as_array().expect("items").clone();
    assert!(all.len() > 20, "{}", all.len());
    assert_once_in_order(&all, due_key);
    let overdue = count_by(&all, "overdue", &json!(true));
    assert!(overdue > 0);
    let expected = json!({"overdue": overdue, "upcoming": all.len() - overdue});
    assert_eq!(whole["counts"], expected);
    for limit in [1, 4, 7] {
        let (walked, counts) = walk(&app, &coordinator, path, limit).await;
        assert_eq!(walked, all, "limit {limit}");
        assert!(counts.iter().all(|page| page == &expected));
    }

    // The kind filter and the counts agree.
    for kind in ["period_end", "incident_report", "contract_signature"] {
        let of_kind: Vec<Value> = all
            .iter()
            .filter(|item| item["kind"] == kind)
            .cloned()
            .collect();
        let (walked, counts) = walk(&app, &coordinator, &format!("{path}&kind={kind}"), 2).await;
        assert_eq!(walked, of_kind, "{kind}");
        let late = count_by(&of_kind, "overdue", &json!(true));
        let expected = json!({"overdue": late, "upcoming": of_kind.len() - late});
        assert!(counts.iter().all(|page| page == &expected), "{kind}");
    }

    // Staff: her families' due dates only (the incidents are not hers).
    let mine: Vec<Value> = all
        .iter()
        .filter(|item| hers.contains(text(item, "placement_id")) && item["incident_id"].is_null())
        .cloned()
        .collect();
    let (walked, counts) = walk(&app, &staff_token, path, 3).await;
    assert_eq!(walked, mine);
    let late = count_by(&mine, "overdue", &json!(true));
    let her_counts = json!({"overdue": late, "upcoming": mine.len() - late});
    assert!(counts.iter().all(|page| page == &her_counts));
    forged_cursor_shows_only_hers(&app, &coordinator, &staff_token, path, &hers, &her_counts).await;
}

#[tokio::test]
async fn a_bad_limit_or_cursor_is_refused_never_a_server_error() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    app.placed_family(&coordinator, "Martin", days_ago(300), days_ago(30))
        .await;
    for screen in [
        "/api/v1/deadlines?within_days=400",
        "/api/v1/due-dates?within_days=400",
    ] {
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=201", "limit"),
            ("limit=many", "limit"),
            ("limit=-1", "limit"),
            ("cursor=!!not-base64", "cursor"),
            ("cursor=bm90IGpzb24", "cursor"),
            ("cursor=WzFd", "cursor"),
        ] {
            let response = app
                .get(&format!("{screen}&{query}"), Some(&coordinator))
                .await;
            let problem = assert_problem(response, 422, "validation_failed").await;
            assert_eq!(invalid_fields(&problem), [field], "{screen} {query}");
        }
    }
}
