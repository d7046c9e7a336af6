//! The yearly activity report: its figures against a count made day by day
//! in the test, each figure of a year with known numbers asked while the
//! year runs and after it, its access rule, its bad parameters and its CSV.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{date, days_ago, referral_body, today};
use crate::helpers::{
    PASSWORD, TestApp, assert_problem, spawn_app, spawn_app_with, spawn_sibling_with,
};

/// Days of `year` from `from` to `to` inclusive, counted one by one.
fn days_in_year(year: i32, from: NaiveDate, to: NaiveDate) -> i64 {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("first");
    first
        .iter_days()
        .take_while(|day| day.year() == year)
        .filter(|day| *day >= from && *day <= to)
        .count() as i64
}

#[tokio::test]
async fn the_activity_report_counts_what_happened_in_the_year() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let admin = app.admin_token().await;
    let (referred, admitted, exited) = (days_ago(40), days_ago(30), days_ago(5));
    let born = days_ago(200);
    let placed = app
        .refer_with(
            &coordinator,
            &referral_body(
                "Activité",
                referred,
                json!([{"first_name": "Lou", "birth_date": born}]),
            ),
        )
        .await;
    let placement = app.admit(&coordinator, &placed, admitted).await;
    let declined = app
        .refer_with(
            &coordinator,
            &referral_body(
                "Refusée",
                days_ago(35),
                json!([{"first_name": "Sam", "birth_date": born}]),
            ),
        )
        .await;
    app.decline(&coordinator, &declined, "Pas de place adaptée")
        .await;
    let exit = app
        .post(
            &format!(
                "/api/v1/placements/{}/exit",
                placement["id"].as_str().expect("id")
            ),
            Some(&coordinator),
            &json!({"exited_on": exited, "destination": "social_housing"}),
        )
        .await;
    assert_eq!(exit.status(), StatusCode::OK);

    let year = admitted.year();
    let report = app
        .get_json(&format!("/api/v1/reports/activity?year={year}"), &admin)
        .await;
    let in_year = |day: NaiveDate| i64::from(day.year() == year);
    let referrals = in_year(referred) + in_year(days_ago(35));
    assert_eq!(report["referrals"]["total"], referrals);
    assert_eq!(report["referrals"]["by_source"]["ase"], referrals);
    assert_eq!(
        report["referrals"]["outcomes"]["admitted"],
        in_year(referred)
    );
    assert_eq!(
        report["referrals"]["outcomes"]["declined"],
        in_year(days_ago(35))
    );
    assert_eq!(report["admissions"], 1);
    assert_eq!(report["exits"]["total"], in_year(exited));
    assert_eq!(
        report["exits"]["by_destination"]["social_housing"],
        in_year(exited)
    );
    if exited.year() == year {
        assert_eq!(report["average_stay_days"], json!(26.0));
    }
    assert_eq!(report["average_wait_days"], json!(10.0));
    let family_days = days_in_year(year, admitted, exited);
    assert_eq!(report["family_days"], family_days);
    assert_eq!(
        report["child_days"],
        days_in_year(year, admitted.max(born), exited)
    );
    let months: i64 = report["months"]
        .as_array()
        .expect("months")
        .iter()
        .map(|month| month["family_days"].as_i64().expect("days"))
        .sum();
    assert_eq!(months, family_days, "the months add up to the year");
    let days = days_in_year(year, NaiveDate::MIN, NaiveDate::MAX) as f64;
    let rate = (family_days as f64 / (20.0 * days) * 10_000.0).round() / 10_000.0;
    assert_eq!(report["occupancy_rate"].as_f64(), Some(rate));
    // Present on 31 December (today while the year runs) only if her stay
    // covers that day.
    let present_on = NaiveDate::from_ymd_opt(year, 12, 31)
        .expect("31 December")
        .min(today());
    let present = i64::from(admitted <= present_on && present_on <= exited);
    assert_eq!(report["present_on_dec_31"]["families"], present);
    assert_eq!(report["present_on_dec_31"]["children"], present);
    assert_eq!(report["concerns"], 0);

    let csv = app
        .get(
            &format!("/api/v1/reports/activity?year={year}&format=csv"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let bytes = csv.bytes().await.expect("body");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for French Excel");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    assert_eq!(
        reader
            .headers()
            .expect("headers")
            .iter()
            .collect::<Vec<_>>(),
        ["Rubrique", "Élément", "Valeur"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|row| row.expect("a row")).collect();
    let total = rows
        .iter()
        .find(|row| &row[0] == "Journées familles" && &row[1] == "Année")
        .expect("the year's family-days");
    assert_eq!(&total[2], family_days.to_string());
}

#[tokio::test]
async fn the_activity_report_is_for_admins_and_coordinators_and_refuses_odd_years() {
    let app = spawn_app().await;
    let (_, staff) = app.staff_member("curieuse").await;
    let coordinator = app.login_as("coordinator").await;
    let year = today().year();
    let refused = app
        .get(
            &format!("/api/v1/reports/activity?year={year}"),
            Some(&staff),
        )
        .await;
    assert_problem(refused, 403, "forbidden").await;
    for bad in ["0", "1999", "2101", "deux-mille", ""] {
        let response = app
            .get(
                &format!("/api/v1/reports/activity?year={bad}"),
                Some(&coordinator),
            )
            .await;
        let problem: Value = response.json().await.expect("problem");
        assert_eq!(problem["status"], 422, "year={bad}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "year", "year={bad}");
    }
    let missing = app
        .get("/api/v1/reports/activity", Some(&coordinator))
        .await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let next = NaiveDate::from_ymd_opt(year, 1, 1).expect("first") + Days::new(400);
    let future = app
        .get_json(
            &format!("/api/v1/reports/activity?year={}", next.year()),
            &coordinator,
        )
        .await;
    assert_eq!(future["family_days"], 0);
}

/// The first day the crèche opens (Monday to Friday) on or after `day`.
fn open_day_from(raw: &str) -> NaiveDate {
    date(raw)
        .iter_days()
        .find(|day| day.weekday().number_from_monday() <= 5)
        .expect("a weekday")
}

/// Posts `body` to `path` as `token`: the JSON answer, which must have
/// `status`.
async fn posted(app: &TestApp, token: &str, path: &str, body: Value, status: u16) -> Value {
    let response = app.post(path, Some(token), &body).await;
    assert_eq!(response.status().as_u16(), status, "{path}");
    response.json().await.expect("json")
}

/// A referral of the family `last_name` on `referred_on`, from `eds`, for
/// `reason`, with `children`.
async fn referred(
    app: &TestApp,
    coordinator: &str,
    (last_name, referred_on): (&str, &str),
    (eds, reason): (&str, &str),
    children: Value,
) -> Value {
    let mut body = referral_body(last_name, date(referred_on), children);
    body["eds"] = json!(eds);
    body["reason"] = json!(reason);
    app.refer_with(coordinator, &body).await
}

/// A family of the report: its id and its children's ids, in order.
struct Family {
    id: String,
    children: Vec<String>,
}

impl Family {
    async fn of(app: &TestApp, coordinator: &str, referral: &Value) -> Self {
        let id = referral["family_id"].as_str().expect("family").to_owned();
        let file = app
            .get_json(&format!("/api/v1/families/{id}"), coordinator)
            .await;
        let children = file["children"]
            .as_array()
            .expect("children")
            .iter()
            .map(|child| child["id"].as_str().expect("id").to_owned())
            .collect();
        Self { id, children }
    }

    /// Logs an intervention of `kind` at `at` (RFC 3339), `staff` present.
    async fn log(&self, app: &TestApp, coordinator: &str, staff: &str, kind: &str, at: &str) {
        let body = json!({"kind": kind, "occurred_at": at, "duration_minutes": 30,
                          "staff_ids": [staff], "confidentiality": "team",
                          "summary": "Point sur la semaine."});
        let path = format!("/api/v1/families/{}/interventions", self.id);
        posted(app, coordinator, &path, body, 201).await;
    }

    /// Records an information préoccupante about the first child.
    async fn concern(&self, app: &TestApp, coordinator: &str, on: &str) {
        let body = json!({"child_ids": [self.children[0]], "summary": "Inquiétude pour l'enfant.",
                          "transmitted_on": on, "transmitted_to": "CRIP du Val-de-Marne"});
        let path = format!("/api/v1/families/{}/concerns", self.id);
        posted(app, coordinator, &path, body, 201).await;
    }

    /// Books the first child on the first open day from `from_day`: the
    /// booking's id.
    async fn book(
        &self,
        app: &TestApp,
        coordinator: &str,
        from_day: &str,
        (from, to): (&str, &str),
        purpose: &str,
    ) -> String {
        let body = json!({"child_id": self.children[0], "on": open_day_from(from_day),
                          "starts_at": from, "ends_at": to, "purpose": purpose});
        let path = format!("/api/v1/families/{}/creche-bookings", self.id);
        let made = posted(app, coordinator, &path, body, 201).await;
        made["items"][0]["id"].as_str().expect("id").to_owned()
    }
}

/// Checks the report's figures of the scenario below: those that time does
/// not change, then who was present on `on` and the accompaniments.
fn check_figures(report: &Value, on: &str, (families, children): (i64, i64), accompaniments: i64) {
    let referrals = &report["referrals"];
    assert_eq!(referrals["total"], 5, "{report}");
    assert_eq!(referrals["by_source"]["ase"], 5, "{report}");
    assert_eq!(
        referrals["by_eds"],
        json!({"Alfortville": 1, "Créteil": 3, "Vitry-sur-Seine": 1})
    );
    assert_eq!(
        referrals["by_reason"],
        json!({"distress": 3, "educational_difficulties": 1, "other": 1})
    );
    assert_eq!(
        referrals["outcomes"],
        json!({"admitted": 2, "declined": 1, "withdrawn": 1, "pending": 1})
    );
    assert_eq!(report["admissions"], 3, "{report}");
    assert_eq!(
        report["present_on_dec_31"],
        json!({"on": on, "families": families, "children": children})
    );
    assert_eq!(
        report["interventions_by_kind"],
        json!({"home_visit": 1, "interview": 2, "phone_call": 1,
               "accompaniment": accompaniments, "workshop": 0, "childcare": 0, "other": 0})
    );
    assert_eq!(report["concerns"], 3, "{report}");
    assert_eq!(
        report["creche_minutes_by_purpose"],
        json!({"job_interview": 150, "training": 180, "employment": 0, "appointment": 0,
               "workshop": 0, "respite": 0, "other": 0})
    );
}

/// One year, 2026, with known figures, its report asked on 28 December
/// (the year still running: "present on 31 December" means today) and
/// again on 10 March 2027, after a family present on 31 December left in
/// January and a child was born in January: every figure counted exactly.
#[tokio::test]
async fn the_activity_report_counts_each_figure_exactly_in_december_and_in_march() {
    let december: DateTime<Utc> = "2026-12-28T10:00:00Z".parse().expect("instant");
    let app = spawn_app_with(move |settings| settings.testing.now = Some(december)).await;
    let email = "coordinatrice-rapport@nido.example";
    let user = app.create_user(email, "coordinator", "coordinator").await;
    let staff = user["id"].as_str().expect("id");
    let token = app.token_for(email, PASSWORD).await;
    let coordinator = token.as_str();

    // Referrals of 2026, and one of 2025 admitted in 2026: (name, day, EDS,
    // reason, children).
    let born = |day: &str| json!([{"first_name": "Lina", "birth_date": day}]);
    let fabre_children = json!([{"first_name": "Noé", "birth_date": "2026-02-01"},
                                {"first_name": "Léa", "expected_birth_date": "2027-01-25"}]);
    let mut referrals = Vec::new();
    for (name, on, eds, reason, children) in [
        (
            "Aubert",
            "2026-02-02",
            "Alfortville",
            "distress",
            born("2025-06-10"),
        ),
        (
            "Benoit",
            "2025-11-20",
            "Créteil",
            "educational_difficulties",
            born("2025-09-01"),
        ),
        (
            "Chevalier",
            "2026-04-10",
            "Vitry-sur-Seine",
            "other",
            json!([]),
        ),
        ("Dumas", "2026-05-05", "Créteil", "distress", json!([])),
        (
            "Etienne",
            "2026-11-30",
            "Créteil",
            "educational_difficulties",
            json!([]),
        ),
        ("Fabre", "2026-05-20", "Créteil", "distress", fabre_children),
    ] {
        referrals.push(referred(&app, coordinator, (name, on), (eds, reason), children).await);
    }
    let [aubert, benoit, chevalier, dumas, _pending, fabre]: [Value; 6] =
        referrals.try_into().expect("six referrals");
    let aubert_stay = app.admit(coordinator, &aubert, date("2026-03-01")).await;
    let benoit_stay = app.admit(coordinator, &benoit, date("2026-01-05")).await;
    app.admit(coordinator, &fabre, date("2026-06-01")).await;
    app.decline(coordinator, &chevalier, "Pas de place adaptée")
        .await;
    let id = |value: &Value| value["id"].as_str().expect("id").to_owned();
    let withdraw = format!("/api/v1/referrals/{}/withdraw", id(&dumas));
    let reason = json!({"reason": "Solution trouvée par l'EDS"});
    posted(&app, coordinator, &withdraw, reason, 200).await;
    let exit = |stay: &Value| format!("/api/v1/placements/{}/exit", id(stay));
    let left = json!({"exited_on": "2026-12-28", "destination": "social_housing"});
    posted(&app, coordinator, &exit(&benoit_stay), left, 200).await;
    let aubert = Family::of(&app, coordinator, &aubert).await;
    let benoit = Family::of(&app, coordinator, &benoit).await;
    let fabre = Family::of(&app, coordinator, &fabre).await;

    // Interventions: the year runs from midnight in Paris, not in UTC.
    for (family, kind, at) in [
        (&benoit, "phone_call", "2025-12-31T22:30:00Z"),
        (&benoit, "phone_call", "2025-12-31T23:30:00Z"),
        (&aubert, "home_visit", "2026-03-10T09:00:00Z"),
        (&aubert, "interview", "2026-12-27T10:00:00Z"),
        (&fabre, "interview", "2026-07-01T13:00:00Z"),
    ] {
        family.log(&app, coordinator, staff, kind, at).await;
    }
    // Informations préoccupantes: three transmitted in 2026, one in 2025.
    for (family, on) in [
        (&aubert, "2026-06-15"),
        (&aubert, "2026-09-01"),
        (&fabre, "2026-12-20"),
        (&benoit, "2025-12-31"),
    ] {
        family.concern(&app, coordinator, on).await;
    }
    // The crèche: booked, attended and absent minutes count; cancelled ones
    // and a booking of 2027 do not.
    let mut bookings = Vec::new();
    for (family, from_day, slot, purpose) in [
        (&aubert, "2026-10-05", ("09:00", "10:30"), "job_interview"),
        (&aubert, "2026-11-02", ("14:00", "15:00"), "job_interview"),
        (&fabre, "2026-10-07", ("09:00", "12:00"), "training"),
        (&fabre, "2026-12-07", ("10:00", "11:00"), "appointment"),
        (&aubert, "2027-01-04", ("09:00", "11:00"), "training"),
    ] {
        bookings.push(
            family
                .book(&app, coordinator, from_day, slot, purpose)
                .await,
        );
    }
    for (at, what, body) in [
        (
            1,
            "attendance",
            json!({"arrived_at": "14:05", "left_at": "14:50"}),
        ),
        (2, "attendance", json!({"absent": true})),
        (3, "cancel", json!({})),
    ] {
        let path = format!("/api/v1/creche-bookings/{}/{what}", bookings[at]);
        posted(&app, coordinator, &path, body, 200).await;
    }

    // On 28 December the year runs: present today, Benoit's family too
    // (she leaves today), Fabre's expected child not yet.
    let admin = app.admin_token().await;
    let report = app
        .get_json("/api/v1/reports/activity?year=2026", &admin)
        .await;
    check_figures(&report, "2026-12-28", (3, 3), 0);

    // On 10 March 2027: Aubert left on 15 January, Fabre's second child was
    // born on 20 January; an accompaniment late on 31 December (in Paris)
    // counts in 2026, one just after midnight does not, nor a concern of
    // 2027.
    let march: DateTime<Utc> = "2027-03-10T10:00:00Z".parse().expect("instant");
    let later = spawn_sibling_with(&app, move |settings| settings.testing.now = Some(march)).await;
    let token = later.token_for(email, PASSWORD).await;
    let coordinator = token.as_str();
    let left = json!({"exited_on": "2027-01-15", "destination": "family_or_friends"});
    posted(&later, coordinator, &exit(&aubert_stay), left, 200).await;
    let birth = format!(
        "/api/v1/families/{}/children/{}",
        fabre.id, fabre.children[1]
    );
    let born = json!({"birth_date": "2027-01-20"});
    let response = later.patch(&birth, coordinator, None, &born).await;
    assert_eq!(response.status(), StatusCode::OK);
    for at in ["2026-12-31T22:30:00Z", "2026-12-31T23:30:00Z"] {
        fabre
            .log(&later, coordinator, staff, "accompaniment", at)
            .await;
    }
    aubert.concern(&later, coordinator, "2027-01-10").await;
    let report = later
        .get_json("/api/v1/reports/activity?year=2026", coordinator)
        .await;
    check_figures(&report, "2026-12-31", (2, 2), 1);
}
