//! The crèche: settings and closures, bookings and every refusal the SPEC
//! lists, capacity and overlaps decided under the day's lock, weekly
//! series, cancellation, attendance, the day's planning from each side,
//! free places, the month's report, and an exit cancelling what is left.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{days_ago, today};
use crate::helpers::{
    TestApp, assert_invalid, assert_problem, join_all, spawn_app, the_one_winner,
};

/// The first Monday at least `days` days from today.
pub(crate) fn monday_after(days: u64) -> NaiveDate {
    let mut day = today() + Days::new(days);
    while day.weekday() != Weekday::Mon {
        day = day.succ_opt().expect("a day");
    }
    day
}

/// The last weekday (the crèche opens Monday to Friday) at least `days`
/// days ago.
pub(crate) fn weekday_ago(days: u64) -> NaiveDate {
    let mut day = days_ago(days);
    while day.weekday().number_from_monday() > 5 {
        day = day.pred_opt().expect("a day");
    }
    day
}

/// A family admitted 30 days ago whose child was born `months` months ago:
/// (family id, child id, placement id).
pub(crate) async fn family_with_child(
    app: &TestApp,
    coordinator: &str,
    name: &str,
    born: NaiveDate,
) -> (String, String, String) {
    let placement = app
        .placed_family(coordinator, name, born, days_ago(30))
        .await;
    let family_id = placement["family_id"].as_str().expect("family").to_owned();
    let family = app
        .get_json(&format!("/api/v1/families/{family_id}"), coordinator)
        .await;
    let child_id = family["children"][0]["id"]
        .as_str()
        .expect("child")
        .to_owned();
    let placement_id = placement["id"].as_str().expect("placement").to_owned();
    (family_id, child_id, placement_id)
}

fn booking(child_id: &str, on: NaiveDate, from: &str, to: &str) -> Value {
    json!({"child_id": child_id, "on": on, "starts_at": from, "ends_at": to,
           "purpose": "job_interview"})
}

async fn book(app: &TestApp, token: &str, family_id: &str, body: &Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/families/{family_id}/creche-bookings"),
        Some(token),
        body,
    )
    .await
}

/// Books, which must succeed: the bookings made.
async fn booked(app: &TestApp, token: &str, family_id: &str, body: &Value) -> Value {
    let response = book(app, token, family_id, body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "booking");
    response.json().await.expect("json")
}

pub(crate) async fn set_settings(app: &TestApp, admin: &str, changes: Value) -> Value {
    let mut settings = json!({"capacity": 10, "opens_at": "08:30", "closes_at": "18:00",
        "open_weekdays": [1, 2, 3, 4, 5], "min_age_months": 2, "max_age_months": 36});
    for (key, value) in changes.as_object().expect("an object") {
        settings[key] = value.clone();
    }
    let response = app.put("/api/v1/creche/settings", admin, &settings).await;
    assert_eq!(response.status(), StatusCode::OK, "settings");
    response.json().await.expect("json")
}

/// A crèche professional (an early childhood educator on no family's team).
async fn creche_professional(app: &TestApp) -> (String, String) {
    let user = app
        .create_user("ejeune@nido.example", "staff", "early_childhood_educator")
        .await;
    let token = app
        .token_for("ejeune@nido.example", crate::helpers::PASSWORD)
        .await;
    (user["id"].as_str().expect("id").to_owned(), token)
}

#[tokio::test]
async fn settings_have_defaults_admins_change_them_and_coordinators_read_them() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let defaults = app.get_json("/api/v1/creche/settings", &coordinator).await;
    assert_eq!(
        defaults,
        json!({"capacity": 10, "opens_at": "08:30", "closes_at": "18:00",
               "open_weekdays": [1, 2, 3, 4, 5], "min_age_months": 2, "max_age_months": 36,
               "version": 1})
    );
    let changed = set_settings(&app, &admin, json!({"max_age_months": 18, "capacity": 8})).await;
    assert_eq!(
        (
            changed["max_age_months"].clone(),
            changed["capacity"].clone(),
            changed["version"].clone()
        ),
        (json!(18), json!(8), json!(2))
    );
    assert_eq!(
        app.get_json("/api/v1/creche/settings", &coordinator).await,
        changed
    );

    let refused = app
        .put(
            "/api/v1/creche/settings",
            &coordinator,
            &json!({"capacity": 10, "opens_at": "08:30", "closes_at": "18:00",
                    "open_weekdays": [1], "min_age_months": 2, "max_age_months": 36}),
        )
        .await;
    assert_problem(refused, 403, "forbidden").await;
    let incoherent = app
        .put(
            "/api/v1/creche/settings",
            &admin,
            &json!({"capacity": 10, "opens_at": "18:00", "closes_at": "08:30",
                    "open_weekdays": [1, 1], "min_age_months": 20, "max_age_months": 18}),
        )
        .await;
    assert_invalid(
        incoherent,
        &["closes_at", "max_age_months", "open_weekdays"],
    )
    .await;

    let stale = app
        .client
        .put(app.url("/api/v1/creche/settings"))
        .bearer_auth(&admin)
        .header("If-Match", "\"1\"")
        .json(
            &json!({"capacity": 10, "opens_at": "08:30", "closes_at": "18:00",
                      "open_weekdays": [1], "min_age_months": 2, "max_age_months": 36}),
        )
        .send()
        .await
        .expect("sent");
    assert_problem(stale, 412, "stale_version").await;
}

#[tokio::test]
async fn a_booking_is_refused_with_the_field_of_each_rule_it_breaks() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let (family, child, _) = family_with_child(&app, &coordinator, "Règle", days_ago(365)).await;
    let (other_family, other_child, _) =
        family_with_child(&app, &coordinator, "Autre", days_ago(300)).await;
    let monday = monday_after(7);

    let made = booked(
        &app,
        &coordinator,
        &family,
        &booking(&child, monday, "09:00", "12:00"),
    )
    .await;
    let item = &made["items"][0];
    assert_eq!(item["status"], "booked");
    assert_eq!(
        (item["starts_at"].as_str(), item["ends_at"].as_str()),
        (Some("09:00"), Some("12:00"))
    );
    assert_eq!(made["skipped"], json!([]));

    let saturday = monday + Days::new(5);
    let closed_weekday = book(
        &app,
        &coordinator,
        &family,
        &booking(&child, saturday, "09:00", "10:00"),
    )
    .await;
    assert_invalid(closed_weekday, &["on"]).await;
    let early = book(
        &app,
        &coordinator,
        &family,
        &booking(&child, monday, "08:00", "10:00"),
    )
    .await;
    assert_invalid(early, &["starts_at"]).await;
    let late = book(
        &app,
        &coordinator,
        &family,
        &booking(&child, monday, "17:00", "18:30"),
    )
    .await;
    assert_invalid(late, &["ends_at"]).await;
    let odd = book(
        &app,
        &coordinator,
        &family,
        &booking(&child, monday, "13:10", "14:00"),
    )
    .await;
    assert_invalid(odd, &["starts_at"]).await;
    let backwards = book(
        &app,
        &coordinator,
        &family,
        &booking(&child, monday, "15:00", "14:00"),
    )
    .await;
    assert_invalid(backwards, &["ends_at"]).await;
    let not_hers = book(
        &app,
        &coordinator,
        &family,
        &booking(&other_child, monday, "13:00", "14:00"),
    )
    .await;
    assert_invalid(not_hers, &["child_id"]).await;
    // The last open day before the admission (30 days ago), whatever today is.
    let before_admission = weekday_ago(31);
    let not_placed = book(
        &app,
        &coordinator,
        &family,
        &booking(&child, before_admission, "13:00", "14:00"),
    )
    .await;
    assert_invalid(not_placed, &["on"]).await;

    // An unborn child, and a child too young.
    let unborn = app
        .post(
            &format!("/api/v1/families/{other_family}/children"),
            Some(&coordinator),
            &json!({"first_name": "Bientôt", "expected_birth_date": today() + Days::new(60)}),
        )
        .await;
    assert_eq!(unborn.status(), StatusCode::CREATED);
    let unborn: Value = unborn.json().await.expect("json");
    let refused = book(
        &app,
        &coordinator,
        &other_family,
        &booking(unborn["id"].as_str().expect("id"), monday, "09:00", "10:00"),
    )
    .await;
    assert_invalid(refused, &["child_id"]).await;
    let newborn = app
        .post(
            &format!("/api/v1/families/{other_family}/children"),
            Some(&coordinator),
            &json!({"first_name": "Nouveau", "birth_date": days_ago(20)}),
        )
        .await;
    let newborn: Value = newborn.json().await.expect("json");
    let too_young = book(
        &app,
        &coordinator,
        &other_family,
        &booking(
            newborn["id"].as_str().expect("id"),
            monday,
            "09:00",
            "10:00",
        ),
    )
    .await;
    let problem = assert_invalid(too_young, &["child_id"]).await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("months old"),
        "{problem}"
    );
    // 12 months old: too old once the crèche takes children under 12 months.
    set_settings(&app, &admin, json!({"max_age_months": 12})).await;
    let too_old = book(
        &app,
        &coordinator,
        &family,
        &booking(&child, monday, "14:00", "15:00"),
    )
    .await;
    assert_invalid(too_old, &["child_id"]).await;

    // Several rules at once: every field named.
    let all = book(
        &app,
        &coordinator,
        &family,
        &json!({"child_id": other_child, "on": saturday,
        "starts_at": "07:00", "ends_at": "06:00", "purpose": "training"}),
    )
    .await;
    assert_invalid(all, &["child_id", "ends_at", "ends_at", "on", "starts_at"]).await;
}

#[tokio::test]
async fn a_closed_day_refuses_bookings_and_closing_one_cancels_its_bookings() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let (family, child, _) = family_with_child(&app, &coordinator, "Fermé", days_ago(200)).await;
    let tuesday = monday_after(7) + Days::new(1);
    let made = booked(
        &app,
        &coordinator,
        &family,
        &booking(&child, tuesday, "09:00", "11:00"),
    )
    .await;

    let close = app
        .post(
            "/api/v1/creche/closures",
            Some(&admin),
            &json!({"on": tuesday, "reason": "Journée pédagogique"}),
        )
        .await;
    assert_eq!(close.status(), StatusCode::CREATED);
    let closure: Value = close.json().await.expect("json");
    assert_eq!(closure["cancelled_bookings"], 1);
    let list = app
        .get_json(
            &format!("/api/v1/families/{family}/creche-bookings?from={tuesday}&to={tuesday}"),
            &coordinator,
        )
        .await;
    assert_eq!(list["items"][0]["id"], made["items"][0]["id"]);
    assert_eq!(list["items"][0]["status"], "cancelled");

    let refused = book(
        &app,
        &coordinator,
        &family,
        &booking(&child, tuesday, "09:00", "11:00"),
    )
    .await;
    assert_invalid(refused, &["on"]).await;
    let twice = app
        .post(
            "/api/v1/creche/closures",
            Some(&admin),
            &json!({"on": tuesday, "reason": "Encore"}),
        )
        .await;
    assert_problem(twice, 409, "already_closed").await;
    let by_coordinator = app
        .post(
            "/api/v1/creche/closures",
            Some(&coordinator),
            &json!({"on": tuesday, "reason": "Non"}),
        )
        .await;
    assert_problem(by_coordinator, 403, "forbidden").await;
    let closures = app
        .get_json(
            &format!("/api/v1/creche/closures?from={tuesday}&to={tuesday}"),
            &coordinator,
        )
        .await;
    assert_eq!(
        closures["items"],
        json!([{"on": tuesday, "reason": "Journée pédagogique"}])
    );

    let path = format!("/api/v1/creche/closures/{tuesday}");
    let reopen = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("sent");
    assert_eq!(reopen.status(), StatusCode::NO_CONTENT);
    let again = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("sent");
    assert_problem(again, 404, "not_found").await;
    booked(
        &app,
        &coordinator,
        &family,
        &booking(&child, tuesday, "09:00", "11:00"),
    )
    .await;
}

#[tokio::test]
async fn capacity_and_a_childs_overlaps_are_409s_with_the_days() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    set_settings(&app, &admin, json!({"capacity": 2})).await;
    let mut children = Vec::new();
    for name in ["Un", "Deux", "Trois"] {
        children.push(family_with_child(&app, &coordinator, name, days_ago(400)).await);
    }
    let wednesday = monday_after(7) + Days::new(2);
    let (f1, c1, _) = &children[0];
    let (f2, c2, _) = &children[1];
    let (f3, c3, _) = &children[2];
    booked(
        &app,
        &coordinator,
        f1,
        &booking(c1, wednesday, "09:00", "12:00"),
    )
    .await;
    booked(
        &app,
        &coordinator,
        f2,
        &booking(c2, wednesday, "11:00", "14:00"),
    )
    .await;
    // 11:00–12:00 has both places taken.
    let full = book(
        &app,
        &coordinator,
        f3,
        &booking(c3, wednesday, "11:30", "13:00"),
    )
    .await;
    let problem = assert_problem(full, 409, "creche_full").await;
    assert_eq!(problem["conflicts"], json!([wednesday]));
    // Before 11:00 and from 12:00 one place is free: touching is not overlapping.
    booked(
        &app,
        &coordinator,
        f3,
        &booking(c3, wednesday, "08:30", "11:00"),
    )
    .await;
    booked(
        &app,
        &coordinator,
        f3,
        &booking(c3, wednesday, "14:00", "15:00"),
    )
    .await;

    let overlap = book(
        &app,
        &coordinator,
        f1,
        &booking(c1, wednesday, "10:00", "10:30"),
    )
    .await;
    let problem = assert_problem(overlap, 409, "booking_overlap").await;
    assert_eq!(problem["conflicts"], json!([wednesday]));
}

#[tokio::test]
async fn parallel_bookings_of_the_last_place_let_exactly_one_win() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    set_settings(&app, &admin, json!({"capacity": 1})).await;
    let mut children = Vec::new();
    for index in 0..6 {
        children.push(
            family_with_child(&app, &coordinator, &format!("Course{index}"), days_ago(300)).await,
        );
    }
    let thursday = monday_after(7) + Days::new(3);
    let bodies: Vec<Value> = children
        .iter()
        .map(|(_, child, _)| booking(child, thursday, "10:00", "11:00"))
        .collect();
    let requests = children
        .iter()
        .zip(&bodies)
        .map(|((family, _, _), body)| book(&app, &coordinator, family, body))
        .collect();
    let answers = join_all(requests).await;
    let mut won = 0;
    for answer in answers {
        if answer.status() == StatusCode::CREATED {
            won += 1;
        } else {
            assert_problem(answer, 409, "creche_full").await;
        }
    }
    assert_eq!(won, 1, "exactly one booking takes the last place");
    let day = app
        .get_json(&format!("/api/v1/creche/day?on={thursday}"), &coordinator)
        .await;
    assert_eq!(day["items"].as_array().expect("items").len(), 1);
}

/// The family's bookings from `from` to `to` that start at `starts_at`.
async fn bookings_at(
    app: &TestApp,
    coordinator: &str,
    family: &str,
    (from, to): (NaiveDate, NaiveDate),
    starts_at: &str,
) -> Vec<Value> {
    let list = app
        .get_json(
            &format!("/api/v1/families/{family}/creche-bookings?from={from}&to={to}"),
            coordinator,
        )
        .await;
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|item| item["starts_at"] == starts_at)
        .cloned()
        .collect()
}

/// The crèche's documented races, a few rounds each: one child booked
/// twice at once, two weekly series of one child's slot, a closure against
/// a booking of that day. The database's order decides; never both.
#[tokio::test]
async fn parallel_double_bookings_series_and_closures_never_both_win() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let (family, child, _) = family_with_child(&app, &coordinator, "Course", days_ago(300)).await;
    let (app, coordinator, family) = (&app, coordinator.as_str(), family.as_str());
    let monday = monday_after(7);
    for round in 0..5_u64 {
        // The same child, the same day and time, twice at once.
        let day = monday + Days::new(7 * round);
        let body = booking(&child, day, "09:00", "10:00");
        let answers = join_all(vec![
            book(app, coordinator, family, &body),
            book(app, coordinator, family, &body),
        ])
        .await;
        let (_, _, losers) = the_one_winner(answers, 201).await;
        for loser in losers {
            let problem = assert_problem(loser, 409, "booking_overlap").await;
            assert_eq!(problem["conflicts"], json!([day]), "round {round}");
        }
        let kept = bookings_at(app, coordinator, family, (day, day), "09:00").await;
        assert_eq!(kept.len(), 1, "round {round}: {kept:?}");

        // Two weekly series of the child's slot, the second a week later:
        // one is kept whole, the other refused with the three days they
        // share.
        let tuesday = monday + Days::new(1);
        let slot = format!("{:02}:00", 9 + round);
        let until = format!("{:02}:00", 10 + round);
        let mut first = booking(&child, tuesday, &slot, &until);
        first["weekly_until"] = json!(tuesday + Days::new(21));
        let mut second = booking(&child, tuesday + Days::new(7), &slot, &until);
        second["weekly_until"] = json!(tuesday + Days::new(28));
        let answers = join_all(vec![
            book(app, coordinator, family, &first),
            book(app, coordinator, family, &second),
        ])
        .await;
        let (_, series, losers) = the_one_winner(answers, 201).await;
        for loser in losers {
            let problem = assert_problem(loser, 409, "booking_overlap").await;
            let shared = [7, 14, 21].map(|days| tuesday + Days::new(days));
            assert_eq!(problem["conflicts"], json!(shared), "round {round}");
        }
        // (The closures' race of an earlier round left cancelled bookings
        // on a Thursday of this span.)
        let span = (tuesday, tuesday + Days::new(28));
        let kept: Vec<Value> = bookings_at(app, coordinator, family, span, &slot)
            .await
            .into_iter()
            .filter(|item| item["status"] == "booked")
            .collect();
        assert_eq!(kept.len(), 4, "round {round}: one series, {kept:?}");
        for item in &kept {
            assert_eq!(item["series_id"], series["items"][0]["series_id"]);
        }

        // A closure and bookings of that day at once: a booking that came
        // first is cancelled by the closure, one that came after is
        // refused; never a booking on a closed day. The requests leave a
        // few milliseconds apart, the closure a little later each round,
        // so that the closure falls between a booking's checks and its
        // writing in some round, whatever the machine's speed.
        let thursday = day + Days::new(3);
        let closure = json!({"on": thursday, "reason": "Fuite d'eau"});
        let slots = [
            ("09:00", "10:00"),
            ("10:00", "11:00"),
            ("11:00", "12:00"),
            ("14:00", "15:00"),
        ];
        let bodies: Vec<Value> = slots
            .iter()
            .map(|(from, to)| booking(&child, thursday, from, to))
            .collect();
        let after =
            |milliseconds: u64| tokio::time::sleep(std::time::Duration::from_millis(milliseconds));
        let closing = async {
            after(2 * round).await;
            app.post("/api/v1/creche/closures", Some(&admin), &closure)
                .await
        };
        let booking_all = join_all(
            bodies
                .iter()
                .zip(0_u64..)
                .map(|(body, at)| async move {
                    after(2 * at).await;
                    book(app, coordinator, family, body).await
                })
                .collect(),
        );
        let (closed, answers) = tokio::join!(closing, booking_all);
        assert_eq!(closed.status(), StatusCode::CREATED, "round {round}");
        let closed: Value = closed.json().await.expect("json");
        let mut made = 0;
        for answer in answers {
            if answer.status() == StatusCode::CREATED {
                made += 1;
            } else {
                assert_invalid(answer, &["on"]).await;
            }
        }
        assert_eq!(closed["cancelled_bookings"], made, "round {round}");
        let path =
            format!("/api/v1/families/{family}/creche-bookings?from={thursday}&to={thursday}");
        let list = app.get_json(&path, coordinator).await;
        let that_day = list["items"].as_array().expect("items");
        assert_eq!(that_day.len(), made, "round {round}");
        assert!(
            that_day.iter().all(|item| item["status"] == "cancelled"),
            "round {round}: a booking on a closed day: {that_day:?}"
        );
    }
}

#[tokio::test]
async fn a_weekly_series_is_all_or_nothing_and_skips_closed_days() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    set_settings(&app, &admin, json!({"capacity": 1})).await;
    let (family, child, _) = family_with_child(&app, &coordinator, "Série", days_ago(300)).await;
    let (other, other_child, _) =
        family_with_child(&app, &coordinator, "Place", days_ago(300)).await;
    let monday = monday_after(7);
    let closed = monday + Days::new(14);
    let close = app
        .post(
            "/api/v1/creche/closures",
            Some(&admin),
            &json!({"on": closed, "reason": "Pont"}),
        )
        .await;
    assert_eq!(close.status(), StatusCode::CREATED);
    let taken = monday + Days::new(21);
    booked(
        &app,
        &coordinator,
        &other,
        &booking(&other_child, taken, "09:00", "10:00"),
    )
    .await;

    let mut series = booking(&child, monday, "09:00", "10:00");
    series["weekly_until"] = json!(monday + Days::new(28));
    let refused = book(&app, &coordinator, &family, &series).await;
    let problem = assert_problem(refused, 409, "creche_full").await;
    assert_eq!(problem["conflicts"], json!([taken]));
    let nothing = app
        .get_json(
            &format!(
                "/api/v1/families/{family}/creche-bookings?from={monday}&to={}",
                monday + Days::new(28)
            ),
            &coordinator,
        )
        .await;
    assert_eq!(nothing["items"], json!([]), "all or nothing");

    series["weekly_until"] = json!(monday + Days::new(20));
    let made = booked(&app, &coordinator, &family, &series).await;
    let days: Vec<&str> = made["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["on"].as_str().expect("on"))
        .collect();
    let expected = [monday, monday + Days::new(7)].map(|day| day.to_string());
    assert_eq!(days, expected);
    assert_eq!(made["skipped"], json!([closed]));
    let series_id = &made["items"][0]["series_id"];
    assert!(series_id.is_string());
    assert_eq!(&made["items"][1]["series_id"], series_id);

    series["on"] = json!(monday + Days::new(35));
    series["weekly_until"] = json!(monday + Days::new(35 + 183));
    let too_long = book(&app, &coordinator, &family, &series).await;
    assert_invalid(too_long, &["weekly_until"]).await;
    series["weekly_until"] = json!(monday + Days::new(30));
    let backwards = book(&app, &coordinator, &family, &series).await;
    assert_invalid(backwards, &["weekly_until"]).await;
}

#[tokio::test]
async fn cancellation_and_attendance_from_each_side() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (referent_id, referent) = app.staff_member("referente").await;
    let (_, stranger) = app.staff_member("etrangere").await;
    let (_, educator) = creche_professional(&app).await;
    let (family, child, _) = family_with_child(&app, &coordinator, "Présence", days_ago(500)).await;
    app.assign(&coordinator, &family, &referent_id, &[]).await;
    let past = weekday_ago(1);
    let (past_booking, future_booking) = {
        let a = booked(
            &app,
            &referent,
            &family,
            &booking(&child, past, "09:00", "12:00"),
        )
        .await;
        let b = booked(
            &app,
            &referent,
            &family,
            &booking(&child, monday_after(7), "09:00", "12:00"),
        )
        .await;
        (
            a["items"][0]["id"].as_str().expect("id").to_owned(),
            b["items"][0]["id"].as_str().expect("id").to_owned(),
        )
    };

    let hidden = app
        .post(
            &format!("/api/v1/families/{family}/creche-bookings"),
            Some(&stranger),
            &booking(&child, monday_after(7), "14:00", "15:00"),
        )
        .await;
    assert_problem(hidden, 404, "not_found").await;
    let hidden = app
        .post(
            &format!("/api/v1/creche-bookings/{future_booking}/cancel"),
            Some(&stranger),
            &json!({}),
        )
        .await;
    assert_problem(hidden, 404, "not_found").await;

    let attendance = |id: &str| format!("/api/v1/creche-bookings/{id}/attendance");
    let not_creche = app
        .post(
            &attendance(&past_booking),
            Some(&referent),
            &json!({"absent": true}),
        )
        .await;
    assert_problem(not_creche, 403, "forbidden").await;
    let future = app
        .post(
            &attendance(&future_booking),
            Some(&educator),
            &json!({"absent": true}),
        )
        .await;
    assert_invalid(future, &["on"]).await;
    let backwards = app
        .post(
            &attendance(&past_booking),
            Some(&educator),
            &json!({"arrived_at": "11:00", "left_at": "09:00"}),
        )
        .await;
    assert_invalid(backwards, &["left_at"]).await;
    let neither = app
        .post(
            &attendance(&past_booking),
            Some(&educator),
            &json!({"arrived_at": "09:00", "absent": true}),
        )
        .await;
    assert_invalid(neither, &["absent"]).await;
    let came = app
        .post(
            &attendance(&past_booking),
            Some(&educator),
            &json!({"arrived_at": "09:05", "left_at": "11:50"}),
        )
        .await;
    assert_eq!(came.status(), StatusCode::OK);
    let came: Value = came.json().await.expect("json");
    assert_eq!(
        (
            came["status"].as_str(),
            came["arrived_at"].as_str(),
            came["left_at"].as_str()
        ),
        (Some("attended"), Some("09:05"), Some("11:50"))
    );
    let corrected = app
        .post(
            &attendance(&past_booking),
            Some(&coordinator),
            &json!({"absent": true}),
        )
        .await;
    let corrected: Value = corrected.json().await.expect("json");
    assert_eq!(
        (
            corrected["status"].as_str(),
            corrected["arrived_at"].is_null()
        ),
        (Some("absent"), true)
    );
    let late_cancel = app
        .post(
            &format!("/api/v1/creche-bookings/{past_booking}/cancel"),
            Some(&referent),
            &json!({}),
        )
        .await;
    assert_problem(late_cancel, 409, "booking_closed").await;

    let cancelled = app
        .post(
            &format!("/api/v1/creche-bookings/{future_booking}/cancel"),
            Some(&referent),
            &json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let cancelled: Value = cancelled.json().await.expect("json");
    assert_eq!(cancelled["status"], "cancelled");
    let twice = app
        .post(
            &format!("/api/v1/creche-bookings/{future_booking}/cancel"),
            Some(&coordinator),
            &json!({}),
        )
        .await;
    assert_problem(twice, 409, "booking_closed").await;
    let on_cancelled = app
        .post(
            &attendance(&future_booking),
            Some(&educator),
            &json!({"absent": true}),
        )
        .await;
    assert_problem(on_cancelled, 409, "booking_closed").await;
}

#[tokio::test]
async fn the_days_planning_shows_each_reader_what_she_may_see_and_no_case_data() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (referent_id, referent) = app.staff_member("referente").await;
    let (_, educator) = creche_professional(&app).await;
    let (mine, my_child, _) = family_with_child(&app, &coordinator, "Mienne", days_ago(400)).await;
    let (theirs, their_child, _) =
        family_with_child(&app, &coordinator, "Autre", days_ago(300)).await;
    app.assign(&coordinator, &mine, &referent_id, &[]).await;
    let friday = monday_after(7) + Days::new(4);
    booked(
        &app,
        &coordinator,
        &mine,
        &booking(&my_child, friday, "09:00", "12:00"),
    )
    .await;
    booked(
        &app,
        &coordinator,
        &theirs,
        &booking(&their_child, friday, "08:30", "10:00"),
    )
    .await;

    let path = format!("/api/v1/creche/day?on={friday}");
    for (reader, expected) in [(&coordinator, 2), (&educator, 2), (&referent, 1)] {
        let day = app.get_json(&path, reader).await;
        assert_eq!(
            day["items"].as_array().expect("items").len(),
            expected,
            "{day}"
        );
        assert_eq!(day["capacity"], 10);
    }
    let day = app.get_json(&path, &referent).await;
    let item = &day["items"][0];
    assert_eq!(item["family_id"], mine.as_str());
    assert_eq!(item["child"]["first_name"], "Inaya");
    assert_eq!(
        item["child"]["age_months"],
        json!(crate_age(days_ago(400), friday))
    );
    let keys: Vec<&String> = item.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "arrived_at",
            "booking_id",
            "child",
            "ends_at",
            "family_id",
            "left_at",
            "purpose",
            "starts_at",
            "status"
        ]
    );
    let admin = app.admin_token().await;
    let refused = app.get(&path, Some(&admin)).await;
    assert_problem(refused, 403, "forbidden").await;
    // A day with nobody booked is read, and traced, all the same.
    let sunday = friday + Days::new(2);
    let empty = app
        .get_json(&format!("/api/v1/creche/day?on={sunday}"), &coordinator)
        .await;
    assert_eq!(empty["items"], json!([]));
    let audit = app.get_json("/api/v1/audit?limit=200", &admin).await;
    let traced = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|entry| {
            entry["action"] == "creche.day.read"
                && entry["resource"] == format!("/creche/day?on={sunday}").as_str()
        });
    assert!(traced, "the empty day's read is audited");
    // The earliest first.
    let day = app.get_json(&path, &coordinator).await;
    assert_eq!(day["items"][0]["starts_at"], "08:30");
}

/// Whole months from `birth` to `on`, counted month by month.
fn crate_age(birth: NaiveDate, on: NaiveDate) -> i64 {
    let mut months = 0;
    while birth
        .checked_add_months(chrono::Months::new(months + 1))
        .expect("date")
        <= on
    {
        months += 1;
    }
    i64::from(months)
}

#[tokio::test]
async fn availability_gives_the_free_places_hour_by_hour() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let (_, staff) = app.staff_member("quiconque").await;
    set_settings(
        &app,
        &admin,
        json!({"capacity": 3, "opens_at": "08:30", "closes_at": "11:00"}),
    )
    .await;
    let (family, child, _) = family_with_child(&app, &coordinator, "Dispo", days_ago(300)).await;
    let (other, other_child, _) =
        family_with_child(&app, &coordinator, "Dispo2", days_ago(300)).await;
    let monday = monday_after(7);
    booked(
        &app,
        &coordinator,
        &family,
        &booking(&child, monday, "09:00", "10:00"),
    )
    .await;
    booked(
        &app,
        &coordinator,
        &other,
        &booking(&other_child, monday, "09:45", "11:00"),
    )
    .await;

    let sunday = monday + Days::new(6);
    let availability = app
        .get_json(
            &format!("/api/v1/creche/availability?from={monday}&to={sunday}"),
            &staff,
        )
        .await;
    let days = availability["days"].as_array().expect("days");
    assert_eq!(days.len(), 5, "Monday to Friday");
    assert_eq!(
        days[0],
        json!({"on": monday, "slots": [
            {"starts_at": "08:30", "ends_at": "09:30", "free": 2},
            {"starts_at": "09:30", "ends_at": "10:30", "free": 1},
            {"starts_at": "10:30", "ends_at": "11:00", "free": 2},
        ]})
    );
    assert_eq!(days[1]["slots"][0]["free"], 3);
    let too_long = app
        .get(
            &format!(
                "/api/v1/creche/availability?from={monday}&to={}",
                monday + Days::new(62)
            ),
            Some(&staff),
        )
        .await;
    assert_invalid(too_long, &["to"]).await;
}

#[tokio::test]
async fn the_months_report_adds_up_minutes_by_child_and_purpose() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let (_, educator) = creche_professional(&app).await;
    let (family, child, _) = family_with_child(&app, &coordinator, "Rapport", days_ago(400)).await;
    // A weekday in the past that the family was placed on.
    let day = weekday_ago(5);
    let made = booked(
        &app,
        &coordinator,
        &family,
        &booking(&child, day, "09:00", "12:00"),
    )
    .await;
    let id = made["items"][0]["id"].as_str().expect("id");
    let attended = app
        .post(
            &format!("/api/v1/creche-bookings/{id}/attendance"),
            Some(&educator),
            &json!({"arrived_at": "09:10", "left_at": "11:40"}),
        )
        .await;
    assert_eq!(attended.status(), StatusCode::OK);
    let mut training = booking(&child, day, "14:00", "15:00");
    training["purpose"] = json!("training");
    booked(&app, &coordinator, &family, &training).await;

    let month = day.format("%Y-%m").to_string();
    let report = app
        .get_json(&format!("/api/v1/reports/creche?month={month}"), &admin)
        .await;
    assert_eq!(report["month"], month.as_str());
    assert_eq!(report["children"].as_array().expect("children").len(), 1);
    let line = &report["children"][0];
    assert_eq!(
        (
            line["booked_minutes"].as_i64(),
            line["attended_minutes"].as_i64(),
            line["bookings"].as_i64(),
            line["absences"].as_i64()
        ),
        (Some(240), Some(150), Some(2), Some(0))
    );
    let by_purpose: Vec<(String, i64)> = report["minutes_by_purpose"]
        .as_array()
        .expect("purposes")
        .iter()
        .map(|entry| {
            (
                entry["purpose"].as_str().expect("purpose").to_owned(),
                entry["minutes"].as_i64().expect("minutes"),
            )
        })
        .filter(|(_, minutes)| *minutes > 0)
        .collect();
    assert_eq!(
        by_purpose,
        [
            ("job_interview".to_owned(), 180),
            ("training".to_owned(), 60)
        ]
    );
    // Independent figure: the month's weekdays × 570 minutes × 10 places.
    let first = NaiveDate::from_ymd_opt(day.year(), day.month(), 1).expect("first");
    let weekdays = first
        .iter_days()
        .take_while(|d| d.month() == day.month())
        .filter(|d| d.weekday().number_from_monday() <= 5)
        .count() as i64;
    assert_eq!(report["open_minutes"].as_i64(), Some(weekdays * 570));
    let rate = 240.0 / (10.0 * (weekdays * 570) as f64);
    assert_eq!(
        report["occupancy_rate"].as_f64(),
        Some((rate * 10_000.0).round() / 10_000.0)
    );

    let rows = app
        .get_csv(
            &format!("/api/v1/reports/creche?month={month}&format=csv"),
            &coordinator,
            &format!("creche-{month}.csv"),
        )
        .await;
    assert_eq!(
        rows[0],
        [
            "Identifiant de la famille",
            "Identifiant de l'enfant",
            "Prénom",
            "Nom",
            "Minutes réservées",
            "Minutes de présence",
            "Réservations",
            "Absences"
        ]
    );
    assert!(
        rows[1..]
            .iter()
            .any(|row| row[4..] == ["240", "150", "2", "0"]),
        "{rows:?}"
    );
    let (_, staff) = app.staff_member("curieuse").await;
    let refused = app
        .get(
            &format!("/api/v1/reports/creche?month={month}"),
            Some(&staff),
        )
        .await;
    assert_problem(refused, 403, "forbidden").await;
    let bad = app
        .get("/api/v1/reports/creche?month=2026-13", Some(&admin))
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_exit_cancels_the_familys_future_bookings_and_bookings_are_audited() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let (family, child, placement) =
        family_with_child(&app, &coordinator, "Départ", days_ago(400)).await;
    let monday = monday_after(7);
    booked(
        &app,
        &coordinator,
        &family,
        &booking(&child, monday, "09:00", "12:00"),
    )
    .await;
    let timeline = app
        .get_json(&format!("/api/v1/families/{family}/timeline"), &coordinator)
        .await;
    let first = &timeline["items"][0];
    assert_eq!(first["kind"], "creche_booking", "{timeline}");
    assert_eq!(first["date"], json!(monday));
    assert_eq!(first["creche_booking"]["status"], "booked");
    assert_eq!(first["creche_booking"]["purpose"], "job_interview");
    let exit = app
        .post(
            &format!("/api/v1/placements/{placement}/exit"),
            Some(&coordinator),
            &json!({"exited_on": today(), "destination": "social_housing"}),
        )
        .await;
    assert_eq!(exit.status(), StatusCode::OK);
    let list = app
        .get_json(
            &format!("/api/v1/families/{family}/creche-bookings?from={monday}&to={monday}"),
            &coordinator,
        )
        .await;
    assert_eq!(list["items"][0]["status"], "cancelled");
    let after_exit = book(
        &app,
        &coordinator,
        &family,
        &booking(&child, monday, "09:00", "12:00"),
    )
    .await;
    assert_invalid(after_exit, &["on"]).await;

    let actions = app.audit_actions(&admin, &family).await;
    for action in ["creche.booking.create", "creche.booking.list"] {
        assert!(
            actions.iter().any(|done| done == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn a_childcare_assistants_attendance_answer_is_the_plannings_view_without_notes() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (referent_id, referent) = app.staff_member("referente").await;
    app.create_user("auxiliaire@nido.example", "staff", "childcare_assistant")
        .await;
    let assistant = app
        .token_for("auxiliaire@nido.example", crate::helpers::PASSWORD)
        .await;
    let (family, child, _) = family_with_child(&app, &coordinator, "Notes", days_ago(500)).await;
    app.assign(&coordinator, &family, &referent_id, &[]).await;
    let on = weekday_ago(1);
    let mut body = booking(&child, on, "09:00", "12:00");
    body["notes"] = json!("NOTE-CONFIDENTIELLE : audience au tribunal pour enfants");
    let made = booked(&app, &referent, &family, &body).await;
    let id = made["items"][0]["id"].as_str().expect("id");

    // She does not accompany the family: she records attendance all the
    // same, and reads back no more than the day's planning shows her.
    let response = app
        .post(
            &format!("/api/v1/creche-bookings/{id}/attendance"),
            Some(&assistant),
            &json!({"arrived_at": "09:05", "left_at": "11:50"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key("etag"));
    let text = response.text().await.expect("text");
    assert!(!text.contains("NOTE-CONFIDENTIELLE"), "{text}");
    let answer: Value = serde_json::from_str(&text).expect("json");
    assert!(answer.get("notes").is_none(), "{answer}");
    assert_eq!(answer["status"], "attended");
    assert_eq!(answer["arrived_at"], "09:05");
    let day = app
        .get_json(&format!("/api/v1/creche/day?on={on}"), &assistant)
        .await;
    let planned = day["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["booking_id"] == id)
        .expect("on the planning");
    assert_eq!(&answer, planned);
}
