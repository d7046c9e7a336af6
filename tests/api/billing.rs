//! The billing statement to the département: days present in a month at
//! the prix de journée, as JSON and as CSV for French Excel.

use chrono::{Datelike, Days, Months, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{date, referral_body, today};
use crate::helpers::{TestApp, assert_problem, invalid_fields, spawn_app, spawn_app_with};

const RATE: i64 = 12_000;

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("a first day")
}

fn month_of(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// The independent count: the days of `day`'s month, one at a time, on
/// which a placement from `admitted_on` to `last_day` is there.
fn days_in_month_present(day: NaiveDate, admitted_on: NaiveDate, last_day: NaiveDate) -> i64 {
    first_of_month(day)
        .iter_days()
        .take_while(|d| d.month() == day.month())
        .filter(|d| admitted_on <= *d && *d <= last_day)
        .count() as i64
}

impl TestApp {
    /// A family whose mother is `first_name last_name`, admitted on
    /// `admitted_on`: the placement.
    async fn admitted_mother(
        &self,
        coordinator: &str,
        first_name: &str,
        last_name: &str,
        admitted_on: NaiveDate,
    ) -> Value {
        let born = today() - Days::new(200);
        let mut body = referral_body(
            last_name,
            date("2020-01-01"),
            json!([{"first_name": "Inaya", "birth_date": born}]),
        );
        body["family"]["mother"]["first_name"] = json!(first_name);
        let referral = self.refer_with(coordinator, &body).await;
        self.admit(coordinator, &referral, admitted_on).await
    }

    async fn billing(&self, admin: &str, month: &str) -> Value {
        let response = self
            .get(
                &format!("/api/v1/reports/billing?month={month}"),
                Some(admin),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{month}");
        response.json().await.expect("json")
    }
}

fn names(statement: &Value) -> Vec<&str> {
    statement["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|line| line["mother_name"].as_str().expect("name"))
        .collect()
}

#[tokio::test]
async fn each_placement_present_counts_its_days_at_the_daily_rate_sorted_by_name() {
    let app = spawn_app_with(|settings| settings.billing.daily_rate_cents = RATE).await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let this_month = first_of_month(today());
    let last_month = this_month - Months::new(1);
    let last_of_last_month = this_month - Days::new(1);

    // Present all of last month and still here; present a few days of last
    // month only; arrived today.
    let long_stay = app
        .admitted_mother(&coordinator, "Awa", "Bernard", last_month - Days::new(20))
        .await;
    let short_admitted = last_month + Days::new(4);
    let short_exited = last_month + Days::new(14);
    let short_stay = app
        .admitted_mother(&coordinator, "Inès", "Arnaud", short_admitted)
        .await;
    app.exit(
        &coordinator,
        short_stay["id"].as_str().expect("id"),
        &short_exited.to_string(),
    )
    .await;
    let new_today = app
        .admitted_mother(&coordinator, "Zoé", "Martin", today())
        .await;

    let statement = app.billing(&admin, &month_of(last_month)).await;
    assert_eq!(statement["month"], month_of(last_month));
    assert_eq!(statement["daily_rate_cents"], RATE);
    assert_eq!(names(&statement), ["Inès Arnaud", "Awa Bernard"]);
    let short = &statement["lines"][0];
    assert_eq!(short["placement_id"], short_stay["id"]);
    assert_eq!(short["family_id"], short_stay["family_id"]);
    assert_eq!(short["admitted_on"], json!(short_admitted));
    assert_eq!(short["exited_on"], json!(short_exited));
    assert_eq!(short["days"], 11);
    assert_eq!(short["amount_cents"], 11 * RATE);
    let long = &statement["lines"][1];
    let whole_month = i64::from(last_of_last_month.day());
    assert_eq!(long["placement_id"], long_stay["id"]);
    assert_eq!(long["exited_on"], Value::Null);
    assert_eq!(long["days"], whole_month);
    assert_eq!(long["amount_cents"], whole_month * RATE);
    assert_eq!(statement["total_days"], 11 + whole_month);
    assert_eq!(statement["total_cents"], (11 + whole_month) * RATE);

    // This month runs up to today.
    let statement = app.billing(&admin, &month_of(today())).await;
    assert_eq!(names(&statement), ["Awa Bernard", "Zoé Martin"]);
    let up_to_today = days_in_month_present(today(), last_month - Days::new(20), today());
    assert_eq!(statement["lines"][0]["days"], up_to_today);
    assert_eq!(statement["lines"][1]["placement_id"], new_today["id"]);
    assert_eq!(statement["lines"][1]["days"], 1);
    assert_eq!(statement["total_days"], up_to_today + 1);
    assert_eq!(statement["total_cents"], (up_to_today + 1) * RATE);

    // A month to come has nobody in it yet.
    let next_month = this_month + Months::new(1);
    let statement = app.billing(&admin, &month_of(next_month)).await;
    assert_eq!(statement["lines"], json!([]));
    assert_eq!(statement["total_days"], 0);
    assert_eq!(statement["total_cents"], 0);

    // Every family listed was read: one audit entry each.
    for placement in [&long_stay, &short_stay, &new_today] {
        let family = placement["family_id"].as_str().expect("family");
        assert!(
            app.audit_actions(&admin, family)
                .await
                .iter()
                .any(|action| action == "report.billing.read"),
            "{family}"
        );
    }
}

#[tokio::test]
async fn the_statement_as_csv_is_for_french_excel_with_its_totals_last() {
    let app = spawn_app_with(|settings| settings.billing.daily_rate_cents = RATE).await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let last_month = first_of_month(today()) - Months::new(1);
    let admitted_on = last_month + Days::new(9);
    let exited_on = last_month + Days::new(19);
    let formula = "=HYPERLINK(\"http://example.org/x\")";
    let placement = app
        .admitted_mother(&coordinator, formula, "Diallo", admitted_on)
        .await;
    let placement_id = placement["id"].as_str().expect("id");
    app.exit(&coordinator, placement_id, &exited_on.to_string())
        .await;
    let month = month_of(last_month);

    let rows = app
        .get_csv(
            &format!("/api/v1/reports/billing?month={month}&format=csv"),
            &admin,
            &format!("facturation-{month}.csv"),
        )
        .await;
    assert_eq!(
        rows,
        [
            vec![
                "Identifiant de la prise en charge".to_owned(),
                "Identifiant de la famille".to_owned(),
                "Mère".to_owned(),
                "Admise le".to_owned(),
                "Sortie le".to_owned(),
                "Jours de présence".to_owned(),
                "Prix de journée (€)".to_owned(),
                "Montant (€)".to_owned(),
            ],
            vec![
                placement_id.to_owned(),
                placement["family_id"].as_str().expect("family").to_owned(),
                format!("'{formula} Diallo"),
                admitted_on.format("%d/%m/%Y").to_string(),
                exited_on.format("%d/%m/%Y").to_string(),
                "11".to_owned(),
                "120,00".to_owned(),
                "1320,00".to_owned(),
            ],
            vec![
                String::new(),
                String::new(),
                "Total".to_owned(),
                String::new(),
                String::new(),
                "11".to_owned(),
                "120,00".to_owned(),
                "1320,00".to_owned(),
            ],
        ]
    );
}

#[tokio::test]
async fn without_a_daily_rate_the_days_are_counted_and_nothing_is_owed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let last_month = first_of_month(today()) - Months::new(1);
    app.admitted_mother(&coordinator, "Awa", "Bernard", last_month)
        .await;
    let statement = app.billing(&admin, &month_of(last_month)).await;
    let whole_month = days_in_month_present(last_month, last_month, today());
    assert_eq!(statement["daily_rate_cents"], 0);
    assert_eq!(statement["lines"][0]["days"], whole_month);
    assert_eq!(statement["lines"][0]["amount_cents"], 0);
    assert_eq!(statement["total_days"], whole_month);
    assert_eq!(statement["total_cents"], 0);
}

#[tokio::test]
async fn only_admins_read_the_statement_and_the_month_must_be_yyyy_mm() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let staff = app.login_as("staff").await;
    for token in [&coordinator, &staff] {
        let refused = app
            .get("/api/v1/reports/billing?month=2026-01", Some(token))
            .await;
        assert_problem(refused, 403, "forbidden").await;
    }
    for query in [
        "month=2026-13",
        "month=abc",
        "month=2026-1",
        "",
        "month=2026-01&format=pdf",
    ] {
        let response = app
            .get(&format!("/api/v1/reports/billing?{query}"), Some(&admin))
            .await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        let expected = if query.contains("pdf") {
            "format"
        } else {
            "month"
        };
        assert_eq!(invalid_fields(&problem), [expected], "{query}");
    }
}

#[tokio::test]
async fn a_family_readmitted_within_the_month_has_a_line_per_stay_and_the_sort_ignores_case() {
    let app = spawn_app_with(|settings| settings.billing.daily_rate_cents = RATE).await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let month = first_of_month(today()) - Months::new(1);
    // Names whose case would change a byte-wise order: "de Souza" after
    // "Duval", "awa" after "Zoé".
    let mut stays = Vec::new();
    for (first_name, last_name, admitted_on, exited_on) in [
        ("Zoé", "Martin", month - Days::new(3), None),
        ("Inès", "Duval", month + Days::new(2), None),
        ("awa", "Martin", month + Days::new(6), None),
        (
            "Maëlle",
            "de Souza",
            month - Days::new(20),
            Some(month + Days::new(4)),
        ),
        ("Awa", "Dauphin", month - Days::new(10), None),
    ] {
        let placement = app
            .admitted_mother(&coordinator, first_name, last_name, admitted_on)
            .await;
        if let Some(exited_on) = exited_on {
            let id = placement["id"].as_str().expect("id");
            app.exit(&coordinator, id, &exited_on.to_string()).await;
        }
        stays.push((placement, admitted_on, exited_on));
    }
    // Mme de Souza comes back on the 12th and leaves again on the 20th.
    let family_id = stays[3].0["family_id"].clone();
    let again = app
        .refer_with(
            &coordinator,
            &json!({"family_id": family_id, "source": "ase", "eds": "Alfortville",
                    "referred_on": month + Days::new(6), "referrer_name": "Claire Fontaine",
                    "referrer_contact": "eds.alfortville@example.org", "reason": "distress"}),
        )
        .await;
    let (readmitted_on, left_on) = (month + Days::new(11), month + Days::new(19));
    let placement = app.admit(&coordinator, &again, readmitted_on).await;
    let id = placement["id"].as_str().expect("id");
    app.exit(&coordinator, id, &left_on.to_string()).await;
    stays.push((placement, readmitted_on, Some(left_on)));

    let statement = app.billing(&admin, &month_of(month)).await;
    assert_eq!(
        names(&statement),
        [
            "Awa Dauphin",
            "Maëlle de Souza",
            "Maëlle de Souza",
            "Inès Duval",
            "awa Martin",
            "Zoé Martin",
        ]
    );
    let mut total = 0;
    for (line, stay) in statement["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .zip([4, 3, 5, 1, 2, 0])
    {
        let (placement, admitted_on, exited_on) = &stays[stay];
        let last_day = exited_on.unwrap_or_else(today);
        let days = days_in_month_present(month, *admitted_on, last_day);
        assert_eq!(line["placement_id"], placement["id"], "{line}");
        assert_eq!(line["family_id"], placement["family_id"], "{line}");
        assert_eq!(line["admitted_on"], json!(admitted_on), "{line}");
        assert_eq!(line["exited_on"], json!(exited_on), "{line}");
        assert_eq!(line["days"], days, "{line}");
        assert_eq!(line["amount_cents"], days * RATE, "{line}");
        total += days;
    }
    // The two stays: the 1st to the 5th, the 12th to the 20th.
    assert_eq!(statement["lines"][1]["days"], 5);
    assert_eq!(statement["lines"][2]["days"], 9);
    assert_eq!(statement["total_days"], total);
    assert_eq!(statement["total_cents"], total * RATE);
}
