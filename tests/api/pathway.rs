//! The exit to housing: each kind of housing step with its own fields and
//! due date, the status machine, the Visale's rule, the exit naming the
//! accepted step, and the follow-ups after the exit, on the due-dates
//! screen for the coordinator and the referent only.

use chrono::{Datelike, Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{days_ago, today};
use crate::helpers::{
    TestApp, assert_invalid, assert_problem, join_all, spawn_app, the_one_winner,
};

/// Plain calendar arithmetic, apart from nido's: the same day `months`
/// later (earlier when negative), or the month's last day.
fn months_later(day: NaiveDate, months: i32) -> NaiveDate {
    let total = day.year() * 12 + day.month0() as i32 + months;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let last = (28..=31)
        .rev()
        .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())
        .expect("a month ends");
    NaiveDate::from_ymd_opt(year, month, day.day().min(last)).expect("a day")
}

async fn placed(app: &TestApp, coordinator: &str, name: &str, born: NaiveDate) -> (String, String) {
    let placement = app
        .placed_family(coordinator, name, born, days_ago(200))
        .await;
    (
        placement["id"].as_str().expect("id").to_owned(),
        placement["family_id"].as_str().expect("family").to_owned(),
    )
}

async fn add_step(app: &TestApp, token: &str, placement: &str, body: Value) -> Value {
    let response = app
        .post(
            &format!("/api/v1/placements/{placement}/housing-steps"),
            Some(token),
            &body,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    response.json().await.expect("json")
}

async fn change(app: &TestApp, token: &str, step: &Value, body: Value) -> reqwest::Response {
    app.patch(
        &format!("/api/v1/housing-steps/{}", step["id"].as_str().expect("id")),
        token,
        None,
        &body,
    )
    .await
}

/// The due dates of `kind` for `placement`, as (due_on, overdue).
async fn due_of(app: &TestApp, token: &str, kind: &str, placement: &str) -> Vec<(String, bool)> {
    let page = app
        .get_json(
            &format!("/api/v1/due-dates?within_days=800&kind={kind}&limit=200"),
            token,
        )
        .await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|item| item["placement_id"] == placement)
        .map(|item| {
            (
                item["due_on"].as_str().expect("due_on").to_owned(),
                item["overdue"].as_bool().expect("overdue"),
            )
        })
        .collect()
}

fn day(date: NaiveDate) -> String {
    date.to_string()
}

#[tokio::test]
async fn each_steps_due_date_appears_moves_and_disappears_when_met() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (referent_id, referent) = app.staff_member("referente").await;
    let (_, stranger) = app.staff_member("autre-equipe").await;
    // The child turns three in about five months: within the warning.
    let born = months_later(today(), -31);
    let (placement, family) = placed(&app, &coordinator, "Parcours", born).await;
    app.assign(&coordinator, &family, &referent_id, &[]).await;
    let cap = months_later(born, 36) - Days::new(1);
    assert_eq!(
        due_of(&app, &referent, "no_housing_solution", &placement).await,
        [(day(cap), false)]
    );
    // From the warning on, whatever the window: the default 60 days too.
    let seen = app
        .get_json("/api/v1/due-dates?kind=no_housing_solution", &coordinator)
        .await;
    assert_eq!(seen["items"][0]["due_on"], json!(cap), "{seen}");
    assert_eq!(seen["counts"], json!({"overdue": 0, "upcoming": 1}));

    // The social-housing application: one month before each anniversary
    // of the later of its filing and its renewal.
    let filed = days_ago(340);
    let social = add_step(
        &app,
        &referent,
        &placement,
        json!({"kind": "social_housing_application", "status": "filed", "filed_on": filed,
               "reference": "094-2026-00042"}),
    )
    .await;
    let renewal = months_later(months_later(filed, 12), -1);
    assert_eq!(social["due_kind"], "social_housing_renewal");
    assert_eq!(social["due_on"], json!(renewal));
    assert_eq!(
        due_of(&app, &coordinator, "social_housing_renewal", &placement).await,
        [(day(renewal), renewal < today())]
    );
    let renewed = change(&app, &referent, &social, json!({"renewed_on": today()})).await;
    assert_eq!(renewed.status(), StatusCode::OK);
    let next = months_later(months_later(today(), 12), -1);
    assert_eq!(
        due_of(&app, &referent, "social_housing_renewal", &placement).await,
        [(day(next), false)]
    );

    // DALO: three months for a home, six weeks for a shelter, until decided.
    let logement = add_step(
        &app,
        &referent,
        &placement,
        json!({"kind": "dalo_recourse", "status": "filed", "filed_on": days_ago(100),
               "recourse": "logement"}),
    )
    .await;
    add_step(
        &app,
        &referent,
        &placement,
        json!({"kind": "dalo_recourse", "status": "filed", "filed_on": days_ago(10),
               "recourse": "hebergement"}),
    )
    .await;
    let three_months = months_later(days_ago(100), 3);
    let six_weeks = days_ago(10) + Days::new(42);
    let mut dalo = due_of(&app, &referent, "dalo_decision", &placement).await;
    dalo.sort();
    let mut expected = vec![
        (day(three_months), three_months < today()),
        (day(six_weeks), false),
    ];
    expected.sort();
    assert_eq!(dalo, expected);
    let decided = change(
        &app,
        &referent,
        &logement,
        json!({"status": "decided", "decided_on": days_ago(5)}),
    )
    .await;
    assert_eq!(decided.status(), StatusCode::OK);
    assert_eq!(
        due_of(&app, &referent, "dalo_decision", &placement).await,
        [(day(six_weeks), false)]
    );

    // An FSL granted is a means, not a home: the warning stays.
    add_step(
        &app,
        &referent,
        &placement,
        json!({"kind": "fsl_request", "status": "accepted", "filed_on": days_ago(40),
               "decided_on": days_ago(20),
               "items": [{"label": "Dépôt de garantie", "amount_cents": 58_000}]}),
    )
    .await;
    assert_eq!(
        due_of(&app, &coordinator, "no_housing_solution", &placement).await,
        [(day(cap), false)]
    );

    // A bail glissant: a review every six months from the sublease's
    // start, the first after the latest recorded, until it slides.
    let starts = days_ago(200);
    let bail = add_step(
        &app,
        &referent,
        &placement,
        json!({"kind": "bail_glissant", "status": "accepted", "decided_on": starts,
               "landlord": "Habitat Solidaire 94", "sublease_starts_on": starts}),
    )
    .await;
    let first = months_later(starts, 6);
    assert_eq!(
        due_of(&app, &referent, "bail_glissant_review", &placement).await,
        [(day(first), first < today())]
    );
    // An accepted step is a housing solution: no warning any more.
    assert!(
        due_of(&app, &coordinator, "no_housing_solution", &placement)
            .await
            .is_empty()
    );
    let reviewed = change(&app, &referent, &bail, json!({"reviewed_on": first})).await;
    assert_eq!(reviewed.status(), StatusCode::OK);
    assert_eq!(
        due_of(&app, &referent, "bail_glissant_review", &placement).await,
        [(day(months_later(starts, 12)), false)]
    );
    let slid = change(&app, &referent, &bail, json!({"slides_on": today()})).await;
    let slid: Value = slid.json().await.expect("json");
    assert_eq!(
        (slid["due_kind"].clone(), slid["version"].clone()),
        (Value::Null, json!(3))
    );
    assert!(
        due_of(&app, &referent, "bail_glissant_review", &placement)
            .await
            .is_empty()
    );

    // Another team's staff member sees none of it, and is refused the steps.
    for kind in [
        "social_housing_renewal",
        "dalo_decision",
        "no_housing_solution",
    ] {
        assert!(due_of(&app, &stranger, kind, &placement).await.is_empty());
    }
    let hidden = app
        .get(
            &format!("/api/v1/placements/{placement}/housing-steps"),
            Some(&stranger),
        )
        .await;
    assert_problem(hidden, 404, "not_found").await;
    let steps = app
        .get_json(
            &format!("/api/v1/placements/{placement}/housing-steps"),
            &referent,
        )
        .await;
    let kinds: Vec<&str> = steps["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|step| step["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "social_housing_application",
            "dalo_recourse",
            "dalo_recourse",
            "fsl_request",
            "bail_glissant"
        ]
    );
    // A kind's own fields only: an offer's rent is not on a DALO recourse.
    assert!(steps["items"][1].get("rent_cents").is_none());
    assert_eq!(steps["items"][1]["recourse"], "logement");
    let actions = app.audit_actions(&app.admin_token().await, &family).await;
    for action in [
        "housing_step.create",
        "housing_step.update",
        "housing_step.list",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[tokio::test]
async fn a_step_keeps_its_kind_moves_forward_and_refuses_impossible_facts() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (placement, _) = placed(&app, &coordinator, "Statuts", days_ago(300)).await;
    let path = format!("/api/v1/placements/{placement}/housing-steps");

    // A field of another kind, a kind's field missing, the filing a social
    // housing application needs, a decision before the filing, a future
    // filing.
    let foreign = app
        .post(
            &path,
            Some(&coordinator),
            &json!({"kind": "siao_application", "status": "preparing", "demand": "insertion",
                    "rent_cents": 45000}),
        )
        .await;
    assert_invalid(foreign, &["rent_cents"]).await;
    let missing = app
        .post(
            &path,
            Some(&coordinator),
            &json!({"kind": "housing_offer", "status": "offer", "landlord": "Valophis",
                    "commune": "Créteil"}),
        )
        .await;
    assert_invalid(missing, &["rent_cents", "typology"]).await;
    let unfiled = app
        .post(
            &path,
            Some(&coordinator),
            &json!({"kind": "social_housing_application", "status": "preparing"}),
        )
        .await;
    assert_invalid(unfiled, &["filed_on"]).await;
    let backwards = app
        .post(&path, Some(&coordinator),
            &json!({"kind": "fsl_request", "status": "decided", "filed_on": days_ago(3),
                    "decided_on": days_ago(4), "items": [{"label": "Dépôt de garantie", "amount_cents": 60000}]}))
        .await;
    assert_invalid(backwards, &["decided_on"]).await;
    let future = app
        .post(
            &path,
            Some(&coordinator),
            &json!({"kind": "siao_application", "status": "filed", "demand": "urgence",
                    "filed_on": today() + Days::new(1)}),
        )
        .await;
    assert_invalid(future, &["filed_on"]).await;
    let reason = app
        .post(
            &path,
            Some(&coordinator),
            &json!({"kind": "housing_offer", "status": "offer", "landlord": "Valophis",
                    "commune": "Créteil", "typology": "T2", "rent_cents": 52000,
                    "refusal_reason": "Trop loin de la crèche"}),
        )
        .await;
    assert_invalid(reason, &["refusal_reason"]).await;
    let admin = app.admin_token().await;
    let forbidden = app
        .post(
            &path,
            Some(&admin),
            &json!({"kind": "siao_application", "status": "preparing", "demand": "insertion"}),
        )
        .await;
    assert_problem(forbidden, 403, "forbidden").await;

    // Forward only; an end never moves; a stale version loses.
    let siao = add_step(
        &app,
        &coordinator,
        &placement,
        json!({"kind": "siao_application", "status": "filed", "filed_on": days_ago(20),
               "demand": "insertion", "reference": "SI-SIAO 123456"}),
    )
    .await;
    let back = change(&app, &coordinator, &siao, json!({"status": "preparing"})).await;
    assert_problem(back, 409, "step_status_move").await;
    let kind = change(&app, &coordinator, &siao, json!({"kind": "visale"})).await;
    assert_eq!(kind.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let foreign = change(&app, &coordinator, &siao, json!({"landlord": "Valophis"})).await;
    assert_invalid(foreign, &["landlord"]).await;
    let step_path = format!("/api/v1/housing-steps/{}", siao["id"].as_str().expect("id"));
    let stale = app
        .patch(
            &step_path,
            &coordinator,
            Some("\"0\""),
            &json!({"notes": "Relancé"}),
        )
        .await;
    assert_problem(stale, 412, "stale_version").await;
    // Bad input is bad input first, whatever the tag (the fuzzer's rule).
    let stale_and_bad = app
        .patch(
            &step_path,
            &coordinator,
            Some("\"0\""),
            &json!({"filed_on": "2999-01-01"}),
        )
        .await;
    assert_invalid(stale_and_bad, &["filed_on"]).await;
    // A body that is not an object is refused as such, whatever the tag
    // (found by the fuzzer: serde reads an array into a struct).
    let array = app
        .client
        .patch(app.url(&step_path))
        .bearer_auth(&coordinator)
        .header("If-Match", "")
        .header("content-type", "application/json")
        .body("[null, null]")
        .send()
        .await
        .expect("sent");
    assert_invalid(array, &["body"]).await;
    // Two moves at once from the version read: one wins.
    let bodies = [json!({"status": "withdrawn"}), json!({"status": "decided"})];
    let moves = join_all(
        bodies
            .iter()
            .map(|body| app.patch(&step_path, &coordinator, Some("\"1\""), body))
            .collect(),
    )
    .await;
    let (_, _, losers) = the_one_winner(moves, 200).await;
    for loser in losers {
        assert_problem(loser, 412, "stale_version").await;
    }
    let cleared = app
        .patch(&step_path, &coordinator, None, &json!({"reference": null}))
        .await;
    let cleared: Value = cleared.json().await.expect("json");
    assert_eq!(cleared["reference"], Value::Null);
    // Decided or withdrawn, it may end; once ended, it never moves again.
    let ended = change(&app, &coordinator, &siao, json!({"status": "withdrawn"})).await;
    assert_eq!(ended.status(), StatusCode::OK);
    let again = change(&app, &coordinator, &siao, json!({"status": "decided"})).await;
    assert_problem(again, 409, "step_status_move").await;

    // The Visale must still be valid when the lease is signed.
    add_step(
        &app,
        &coordinator,
        &placement,
        json!({"kind": "visale", "status": "decided", "decided_on": days_ago(60),
               "valid_until": days_ago(10), "reference": "V-2026-778"}),
    )
    .await;
    let offer = add_step(
        &app,
        &coordinator,
        &placement,
        json!({"kind": "housing_offer", "status": "offer", "landlord": "Valophis",
               "commune": "Créteil", "typology": "T2", "rent_cents": 52000}),
    )
    .await;
    let late = change(
        &app,
        &coordinator,
        &offer,
        json!({"status": "accepted", "decided_on": days_ago(2)}),
    )
    .await;
    assert_problem(late, 409, "visale_expired").await;
    // Signed before the visa was granted: the guarantee came too late.
    let early = change(
        &app,
        &coordinator,
        &offer,
        json!({"status": "accepted", "decided_on": days_ago(70)}),
    )
    .await;
    assert_problem(early, 409, "visale_expired").await;
    // A lease accepted says when it was signed; a bail slides on a day
    // that has come.
    let undated = change(&app, &coordinator, &offer, json!({"status": "accepted"})).await;
    assert_invalid(undated, &["decided_on"]).await;
    let planned = app
        .post(
            &path,
            Some(&coordinator),
            &json!({"kind": "bail_glissant", "status": "offer", "landlord": "Solidarités Nouvelles",
                    "sublease_starts_on": days_ago(30), "slides_on": today() + Days::new(200)}),
        )
        .await;
    assert_invalid(planned, &["slides_on"]).await;
    let in_time = change(
        &app,
        &coordinator,
        &offer,
        json!({"status": "accepted", "decided_on": days_ago(10)}),
    )
    .await;
    assert_eq!(in_time.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_exit_names_its_step_and_owes_the_referents_follow_ups() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (referent_id, referent) = app.staff_member("suivi-referente").await;
    let (member_id, member) = app.staff_member("suivi-equipe").await;
    let (placement, family) = placed(&app, &coordinator, "Sortie", days_ago(400)).await;
    app.assign(&coordinator, &family, &referent_id, &[&member_id])
        .await;
    add_step(
        &app,
        &referent,
        &placement,
        json!({"kind": "social_housing_application", "status": "filed", "filed_on": days_ago(300)}),
    )
    .await;
    let offer = add_step(
        &app,
        &referent,
        &placement,
        json!({"kind": "housing_offer", "status": "offer", "landlord": "Valophis",
               "commune": "Vitry-sur-Seine", "typology": "T2", "rent_cents": 48000}),
    )
    .await;
    let exited_on = days_ago(100);
    let exit_path = format!("/api/v1/placements/{placement}/exit");
    let not_accepted = app
        .post(
            &exit_path,
            Some(&coordinator),
            &json!({"exited_on": exited_on, "destination": "social_housing",
                    "housing_step_id": offer["id"]}),
        )
        .await;
    assert_invalid(not_accepted, &["housing_step_id"]).await;
    let accepted = change(
        &app,
        &referent,
        &offer,
        json!({"status": "accepted", "decided_on": days_ago(110)}),
    )
    .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let exit = app
        .post(
            &exit_path,
            Some(&coordinator),
            &json!({"exited_on": exited_on, "destination": "social_housing",
                    "housing_step_id": offer["id"]}),
        )
        .await;
    assert_eq!(exit.status(), StatusCode::OK);
    let exit: Value = exit.json().await.expect("json");
    assert_eq!(exit["exit"]["housing_step_id"], offer["id"]);

    // Owed at 3 and 6 months: the referent's, not the team member's.
    let three = months_later(exited_on, 3);
    let six = months_later(exited_on, 6);
    assert_eq!(
        due_of(&app, &referent, "post_exit_follow_up", &placement).await,
        [(day(three), three < today()), (day(six), false)]
    );
    assert_eq!(
        due_of(&app, &coordinator, "post_exit_follow_up", &placement)
            .await
            .len(),
        2
    );
    assert!(
        due_of(&app, &member, "post_exit_follow_up", &placement)
            .await
            .is_empty()
    );
    let follow_ups = format!("/api/v1/placements/{placement}/follow-ups");
    let owed = app.get_json(&follow_ups, &referent).await;
    assert_eq!(owed["items"][0]["due_on"], json!(three));
    assert_eq!(owed["items"][1]["outcome"], Value::Null);
    let first = app
        .get_json(&format!("{follow_ups}?limit=1"), &referent)
        .await;
    let next = first["next_cursor"].as_str().expect("a next page");
    let second = app
        .get_json(&format!("{follow_ups}?limit=1&cursor={next}"), &referent)
        .await;
    assert_eq!(second["items"][0]["due_on"], json!(six));

    let unknown = app
        .post(
            &follow_ups,
            Some(&referent),
            &json!({"after_months": 4, "done_on": today(), "outcome": "housed_stable"}),
        )
        .await;
    assert_invalid(unknown, &["after_months"]).await;
    let early = app
        .post(&follow_ups, Some(&referent),
            &json!({"after_months": 3, "done_on": exited_on - Days::new(1), "outcome": "housed_stable"}))
        .await;
    assert_invalid(early, &["done_on"]).await;
    // Two recordings at once: one is kept, the other is a conflict.
    let bodies = ["housed_stable", "rent_arrears"].map(|outcome| {
        json!({"after_months": 3, "done_on": today(), "outcome": outcome,
               "notes": "Appel à la mère : bail signé, enfant en crèche municipale."})
    });
    let recorded = join_all(
        bodies
            .iter()
            .map(|body| app.post(&follow_ups, Some(&referent), body))
            .collect(),
    )
    .await;
    let (_, _, losers) = the_one_winner(recorded, 200).await;
    for loser in losers {
        assert_problem(loser, 409, "follow_up_recorded").await;
    }
    assert_eq!(
        due_of(&app, &referent, "post_exit_follow_up", &placement).await,
        [(day(six), false)]
    );

    // The timeline and the mother's export carry the pathway.
    let timeline = app
        .get_json(
            &format!("/api/v1/families/{family}/timeline?limit=200"),
            &coordinator,
        )
        .await;
    let kinds: Vec<&str> = timeline["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|event| event["kind"].as_str().expect("kind"))
        .collect();
    assert!(
        kinds.contains(&"housing_step") && kinds.contains(&"follow_up"),
        "{kinds:?}"
    );
    let export = app
        .get_json(&format!("/api/v1/families/{family}/export"), &coordinator)
        .await;
    assert_eq!(
        export["housing_pathway"]["steps"][1]["kind"],
        "housing_offer"
    );
    assert_eq!(
        export["housing_pathway"]["follow_ups"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // The activity report counts the exit by its step, the wait from the
    // filing to the acceptance (300 − 110 days), and the follow-up made.
    let report = |on: NaiveDate| {
        let app = &app;
        let coordinator = &coordinator;
        async move {
            app.get_json(
                &format!("/api/v1/reports/activity?year={}", on.year()),
                coordinator,
            )
            .await
        }
    };
    let exits = report(exited_on).await;
    assert_eq!(exits["exits"]["by_housing_step"]["housing_offer"], 1);
    let accepted = report(days_ago(110)).await;
    assert_eq!(
        (
            accepted["housing"]["waits"].clone(),
            accepted["housing"]["median_wait_days"].clone()
        ),
        (json!(1), json!(190))
    );
    let followed = report(today()).await;
    assert_eq!(
        followed["housing"]["follow_ups"],
        json!([{"after_months": 3, "made": 1, "housed": 1, "housed_share": 1.0},
               {"after_months": 6, "made": 0, "housed": 0, "housed_share": null}])
    );
    // A team change moves the follow-ups with the family: the former
    // referent loses them, the new one has them.
    app.assign(&coordinator, &family, &member_id, &[]).await;
    assert!(
        due_of(&app, &referent, "post_exit_follow_up", &placement)
            .await
            .is_empty()
    );
    assert_problem(
        app.get(&follow_ups, Some(&referent)).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        due_of(&app, &member, "post_exit_follow_up", &placement).await,
        [(day(six), false)]
    );
    let referent = member;
    // After the exit, no step is added.
    let ended = app
        .post(
            &format!("/api/v1/placements/{placement}/housing-steps"),
            Some(&referent),
            &json!({"kind": "siao_application", "status": "preparing", "demand": "insertion"}),
        )
        .await;
    assert_problem(ended, 409, "placement_ended").await;
}
