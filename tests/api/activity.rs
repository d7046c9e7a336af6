//! The yearly activity report: its figures against a count made day by day
//! in the test, its access rule, its bad parameters and its CSV.

use chrono::{Datelike, Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{days_ago, referral_body, today};
use crate::helpers::{assert_problem, spawn_app};

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
