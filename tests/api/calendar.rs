//! The calendar feed: a secret address, read without a token, listing the
//! owner's due dates and open actions with mothers by initials only. The
//! feed is read here by a small parser of its own (unfolding, properties,
//! components), independent of the crate that writes it; CI reads it with
//! Python's `icalendar` too (`.ci/check_calendar.py`).

use std::collections::HashMap;

use chrono::{Days, Months, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{days_ago, today};
use crate::helpers::{TestApp, assert_problem, spawn_app};

/// One VEVENT: its properties by name (parameters kept with the name,
/// e.g. `DTSTART;VALUE=DATE`).
type Event = HashMap<String, String>;

/// An iCalendar text read by hand after RFC 5545: CRLF line ends, lines
/// folded by CRLF and one space or tab, one VCALENDAR of VEVENTs.
fn parse_calendar(text: &str) -> (HashMap<String, String>, Vec<Event>) {
    assert!(text.ends_with("\r\n"), "CRLF line ends");
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "no bare LF: {text}"
    );
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    let lines: Vec<&str> = unfolded.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"), "{text}");
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"), "{text}");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "a line of at most 75 octets: {line}");
    }
    let mut calendar = HashMap::new();
    let mut events = Vec::new();
    let mut current: Option<Event> = None;
    for line in &lines[1..lines.len() - 1] {
        let (name, value) = line.split_once(':').expect("NAME:value");
        match (name, value) {
            ("BEGIN", "VEVENT") => {
                assert!(current.is_none(), "nested VEVENT");
                current = Some(Event::new());
            }
            ("END", "VEVENT") => events.push(current.take().expect("an open VEVENT")),
            ("BEGIN" | "END", other) => panic!("unexpected component {other}"),
            _ => {
                let properties = current.as_mut().unwrap_or(&mut calendar);
                assert!(
                    properties
                        .insert(name.to_owned(), value.to_owned())
                        .is_none(),
                    "{name} once"
                );
            }
        }
    }
    assert!(current.is_none(), "every VEVENT ends");
    (calendar, events)
}

fn ical_date(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// The feed's events, checked for what every event must have: a UID, a
/// stamp, a whole day (`DTEND` the day after `DTSTART`) and a summary.
async fn fetch(app: &TestApp, url: &str) -> (String, Vec<Event>) {
    let response = app.get(url, None).await;
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let text = response.text().await.expect("text");
    let (calendar, events) = parse_calendar(&text);
    assert_eq!(calendar["VERSION"], "2.0");
    assert_eq!(calendar["CALSCALE"], "GREGORIAN");
    assert!(calendar.contains_key("PRODID"));
    for event in &events {
        assert!(event["UID"].ends_with("@nido"), "{event:?}");
        assert!(event["DTSTAMP"].ends_with('Z'), "{event:?}");
        let start = NaiveDate::parse_from_str(&event["DTSTART;VALUE=DATE"], "%Y%m%d")
            .expect("DTSTART is a date");
        assert_eq!(
            event["DTEND;VALUE=DATE"],
            ical_date(start + Days::new(1)),
            "{event:?}"
        );
        assert!(!event["SUMMARY"].is_empty());
    }
    (text, events)
}

async fn create_feed(app: &TestApp, token: &str) -> String {
    let response = app
        .post("/api/v1/me/calendar", Some(token), &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "calendar");
    let body: Value = response.json().await.expect("json");
    let url = body["url"].as_str().expect("url").to_owned();
    assert!(url.starts_with("/api/v1/calendar/"), "{url}");
    assert!(url.ends_with(".ics"), "{url}");
    url
}

async fn revoke_feed(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .delete(app.url("/api/v1/me/calendar"))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent")
}

/// The event with this UID.
fn event<'a>(events: &'a [Event], uid: &str) -> &'a Event {
    events
        .iter()
        .find(|event| event["UID"] == uid)
        .unwrap_or_else(|| panic!("no event {uid} in {events:?}"))
}

/// The audit entries of `user_id`, newest first.
async fn audit_of(app: &TestApp, user_id: &str) -> Vec<Value> {
    let admin = app.admin_token().await;
    let body = app
        .get_json(
            &format!("/api/v1/audit?user_id={user_id}&limit=200"),
            &admin,
        )
        .await;
    body["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn a_feed_holds_the_owners_due_dates_and_actions_with_initials_only() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (staff_id, staff) = app.staff_member("ines").await;
    let admitted_on = days_ago(10);
    let placement = app
        .placed_family(&coordinator, "Diallo", days_ago(300), admitted_on)
        .await;
    let placement_id = placement["id"].as_str().expect("id");
    let family_id = placement["family_id"].as_str().expect("id");
    app.assign(&coordinator, family_id, &staff_id, &[]).await;
    let other = app
        .placed_family(&coordinator, "Traore", days_ago(200), days_ago(20))
        .await;
    let other_placement = other["id"].as_str().expect("id");

    let action_due = today() + Days::new(3);
    let intervention = app
        .post(
            &format!("/api/v1/families/{family_id}/interventions"),
            Some(&staff),
            &json!({
                "kind": "home_visit",
                "occurred_at": format!("{}T09:30:00Z", days_ago(1)),
                "duration_minutes": 45,
                "staff_ids": [staff_id],
                "summary": "Visite à domicile chez Mme Diallo.",
                "confidentiality": "team",
                "actions": [{"description": "Rappeler Mme Diallo pour la PMI",
                             "due_on": action_due, "assignee_id": staff_id}],
            }),
        )
        .await;
    assert_eq!(intervention.status(), StatusCode::CREATED, "intervention");
    let intervention: Value = intervention.json().await.expect("json");
    let action_id = intervention["actions"][0]["id"].as_str().expect("id");

    let url = create_feed(&app, &staff).await;
    let (text, events) = fetch(&app, &url).await;

    let signature_due = admitted_on
        .checked_add_months(Months::new(1))
        .expect("date");
    let signature = event(
        &events,
        &format!("contract_signature-{placement_id}-{signature_due}@nido"),
    );
    assert_eq!(signature["DTSTART;VALUE=DATE"], ical_date(signature_due));
    assert_eq!(
        signature["SUMMARY"],
        "Signature du contrat de séjour — A. D."
    );
    let delivery_due = admitted_on + Days::new(15);
    let delivery = event(
        &events,
        &format!("contract_delivery-{placement_id}-{delivery_due}@nido"),
    );
    assert_eq!(delivery["SUMMARY"], "Remise du contrat de séjour — A. D.");
    let action = event(&events, &format!("action-{action_id}@nido"));
    assert_eq!(action["DTSTART;VALUE=DATE"], ical_date(action_due));
    assert_eq!(action["SUMMARY"], "Action de suivi — A. D.");

    // Initials only, no case text, and only the staff member's families.
    for leak in ["Diallo", "Awa", "PMI", "Traore", other_placement] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
    let window = (days_ago(30), today() + Days::new(180));
    for event in &events {
        let on = NaiveDate::parse_from_str(&event["DTSTART;VALUE=DATE"], "%Y%m%d").expect("date");
        if !event["UID"].starts_with("action-") {
            assert!(on >= window.0 && on <= window.1, "{event:?}");
        }
    }

    // The same obligations keep their UIDs from one fetch to the next.
    let (_, again) = fetch(&app, &url).await;
    let uids = |events: &[Event]| {
        let mut uids: Vec<String> = events.iter().map(|e| e["UID"].clone()).collect();
        uids.sort();
        uids
    };
    assert_eq!(uids(&events), uids(&again));

    // A coordinator's feed holds every family's due dates, by initials.
    let coordinator_url = create_feed(&app, &coordinator).await;
    let (text, events) = fetch(&app, &coordinator_url).await;
    assert!(
        events
            .iter()
            .any(|event| event["UID"].contains(other_placement)),
        "{text}"
    );
    assert!(
        events
            .iter()
            .any(|event| event["UID"].contains(placement_id))
    );
    assert!(
        !text.contains("Traore") && !text.contains("Diallo"),
        "{text}"
    );
    // The staff member's action is hers, not the coordinator's.
    assert!(!text.contains(action_id), "{text}");

    // Creating and reading are audited in the owner's name, one read per
    // family shown, and no entry carries the secret.
    let secret = url
        .trim_start_matches("/api/v1/calendar/")
        .trim_end_matches(".ics");
    let entries = audit_of(&app, &staff_id).await;
    let actions: Vec<(&str, Option<&str>)> = entries
        .iter()
        .filter(|entry| {
            entry["action"]
                .as_str()
                .is_some_and(|a| a.starts_with("calendar."))
        })
        .map(|entry| {
            (
                entry["action"].as_str().expect("action"),
                entry["family_id"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("calendar.read", Some(family_id)),
            ("calendar.read", Some(family_id)),
            ("calendar.create", None),
        ]
    );
    for entry in &entries {
        let resource = entry["resource"].as_str().expect("resource");
        assert!(!resource.contains(secret), "{resource}");
    }
}

#[tokio::test]
async fn a_new_feed_replaces_the_old_and_a_revoked_or_unknown_one_is_not_found() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let me = app.get_json("/api/v1/me", &coordinator).await;

    let first = create_feed(&app, &coordinator).await;
    fetch(&app, &first).await;
    let second = create_feed(&app, &coordinator).await;
    assert_ne!(first, second);
    assert_problem(app.get(&first, None).await, 404, "not_found").await;
    fetch(&app, &second).await;

    let revoked = revoke_feed(&app, &coordinator).await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get(&second, None).await, 404, "not_found").await;
    assert_problem(revoke_feed(&app, &coordinator).await, 404, "not_found").await;

    let unknown = format!("/api/v1/calendar/{}.ics", "A".repeat(43));
    assert_problem(app.get(&unknown, None).await, 404, "not_found").await;
    let third = create_feed(&app, &coordinator).await;
    assert_problem(
        app.get(third.trim_end_matches(".ics"), None).await,
        404,
        "not_found",
    )
    .await;
    // A token is no way in: the secret is the credential.
    assert_problem(
        app.get(&unknown, Some(&coordinator)).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.post("/api/v1/me/calendar", None, &json!({})).await,
        401,
        "unauthorized",
    )
    .await;

    let entries = audit_of(&app, me["id"].as_str().expect("id")).await;
    let actions: Vec<&str> = entries
        .iter()
        .filter_map(|entry| entry["action"].as_str())
        .filter(|action| action.starts_with("calendar."))
        .collect();
    // Newest first; a coordinator with no family reads an entry without one.
    assert_eq!(
        actions,
        [
            "calendar.create",
            "calendar.revoke",
            "calendar.read",
            "calendar.create",
            "calendar.read",
            "calendar.create",
        ]
    );
    assert!(entries.iter().all(|entry| {
        entry["action"] != "calendar.read"
            || (entry["family_id"].is_null() && entry["resource"] == "/calendar")
    }));
}

#[tokio::test]
async fn a_disabled_users_feed_is_not_found_and_an_admins_is_empty() {
    let app = spawn_app().await;
    let (staff_id, staff) = app.staff_member("lea").await;
    let url = create_feed(&app, &staff).await;
    fetch(&app, &url).await;

    let admin = app.admin_token().await;
    let disabled = app
        .patch(
            &format!("/api/v1/users/{staff_id}"),
            &admin,
            None,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(disabled.status(), StatusCode::OK, "disable");
    assert_problem(app.get(&url, None).await, 404, "not_found").await;

    let admin_url = create_feed(&app, &admin).await;
    let (_, events) = fetch(&app, &admin_url).await;
    assert!(events.is_empty(), "{events:?}");
}

#[tokio::test]
async fn a_password_change_a_password_set_and_a_disabling_each_revoke_the_calendar_address() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (staff_id, staff) = app.staff_member("lea").await;
    let user_path = format!("/api/v1/users/{staff_id}");

    // Her own password change.
    let url = create_feed(&app, &staff).await;
    fetch(&app, &url).await;
    app.change_password(
        &staff,
        crate::helpers::PASSWORD,
        "orage-pivoine-tabouret-93",
    )
    .await;
    assert_problem(app.get(&url, None).await, 404, "not_found").await;

    // A password an admin sets (once she has chosen her own again, the old
    // address would work if it survived).
    let url = create_feed(&app, &staff).await;
    fetch(&app, &url).await;
    let set = app
        .patch(
            &user_path,
            &admin,
            None,
            &json!({"password": crate::helpers::SET_BY_ADMIN}),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    // Gone at once, not merely masked while she must change the password.
    assert_eq!(
        feeds(&app).await,
        0,
        "the address survived the password set"
    );
    let token = app
        .token_for("lea@nido.example", crate::helpers::SET_BY_ADMIN)
        .await;
    app.change_password(
        &token,
        crate::helpers::SET_BY_ADMIN,
        crate::helpers::PASSWORD,
    )
    .await;
    assert_problem(app.get(&url, None).await, 404, "not_found").await;

    // A disabling, and it stays revoked once the account is enabled again.
    let staff = app
        .token_for("lea@nido.example", crate::helpers::PASSWORD)
        .await;
    let url = create_feed(&app, &staff).await;
    fetch(&app, &url).await;
    for active in [false, true] {
        let response = app
            .patch(&user_path, &admin, None, &json!({"active": active}))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    app.token_for("lea@nido.example", crate::helpers::PASSWORD)
        .await;
    assert_problem(app.get(&url, None).await, 404, "not_found").await;
}

/// How many calendar addresses exist.
async fn feeds(app: &TestApp) -> u64 {
    use nido_persistence::entities::calendar_feeds;
    use sea_orm::{EntityTrait, PaginatorTrait};
    calendar_feeds::Entity::find()
        .count(&app.db)
        .await
        .expect("counted")
}

/// Backdates every calendar address to `at`.
async fn made_at(app: &TestApp, at: chrono::DateTime<chrono::Utc>) {
    use nido_persistence::entities::calendar_feeds;
    use sea_orm::{EntityTrait, sea_query::Expr};
    calendar_feeds::Entity::update_many()
        .col_expr(calendar_feeds::Column::CreatedAt, Expr::value(at))
        .exec(&app.db)
        .await
        .expect("backdated");
}

#[tokio::test]
async fn a_calendar_address_expires_after_valid_days() {
    let app = spawn_app().await;
    let (_, staff) = app.staff_member("lea").await;
    let url = create_feed(&app, &staff).await;
    let valid = chrono::TimeDelta::days(app.settings.calendar.valid_days.into());
    // The server's clock is fixed at `test_now()`.
    let now = crate::helpers::test_now();
    made_at(&app, now - valid + chrono::TimeDelta::minutes(1)).await;
    fetch(&app, &url).await;
    made_at(&app, now - valid - chrono::TimeDelta::seconds(1)).await;
    assert_problem(app.get(&url, None).await, 404, "not_found").await;
}

#[tokio::test]
async fn a_feed_holds_due_dates_from_30_days_ago_to_180_days_ahead_only() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    // Admitted 100 days ago: its contract was due 85 and 70 days ago (too
    // old), its first projet personnalisé in about 82 days (inside).
    let old = app
        .placed_family(&coordinator, "Ancienne", days_ago(300), days_ago(100))
        .await;
    let old_id = old["id"].as_str().expect("id");
    // Admitted today: its contract is due within a month (inside), its
    // first projet personnalisé in six months, 181 days or more (too far).
    let new = app
        .placed_family(&coordinator, "Nouvelle", days_ago(300), today())
        .await;
    let new_id = new["id"].as_str().expect("id");
    let url = create_feed(&app, &coordinator).await;
    let (_, events) = fetch(&app, &url).await;
    let has = |kind: &str, placement: &str| {
        events
            .iter()
            .any(|event| event["UID"].starts_with(&format!("{kind}-{placement}-")))
    };
    assert!(has("project_initial", old_id), "{events:?}");
    assert!(has("contract_delivery", new_id), "{events:?}");
    assert!(!has("contract_delivery", old_id), "more than 30 days ago");
    assert!(!has("contract_signature", old_id), "more than 30 days ago");
    assert!(!has("project_initial", new_id), "more than 180 days ahead");
}

#[tokio::test]
async fn the_way_to_a_home_is_in_the_feed_in_french_with_initials_only() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let placement = app
        .placed_family(&coordinator, "Logement", days_ago(300), days_ago(100))
        .await;
    let placement_id = placement["id"].as_str().expect("id");
    let step = app
        .post(
            &format!("/api/v1/placements/{placement_id}/housing-steps"),
            Some(&coordinator),
            &json!({"kind": "dalo_recourse", "status": "filed", "filed_on": today(),
                    "recourse": "hebergement"}),
        )
        .await;
    assert_eq!(step.status(), StatusCode::CREATED);
    let url = create_feed(&app, &coordinator).await;
    let (text, events) = fetch(&app, &url).await;
    let dalo = events
        .iter()
        .find(|event| event["UID"].starts_with("dalo_decision-"))
        .unwrap_or_else(|| panic!("no DALO decision in {events:?}"));
    assert_eq!(
        dalo["DTSTART;VALUE=DATE"],
        ical_date(today() + Days::new(42))
    );
    assert_eq!(dalo["SUMMARY"], "Décision de la commission DALO — A. L.");
    assert!(!text.contains("Logement —"), "no name leaves the centre");
}

/// Sets or clears the owner's duty to change her password, as nothing but
/// the flag (an admin's setting also revokes the address: see above).
async fn must_change_password(app: &TestApp, user_id: &str, must: bool) {
    use nido_persistence::entities::users;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    users::Entity::update_many()
        .col_expr(users::Column::MustChangePassword, Expr::value(must))
        .filter(users::Column::Id.eq(user_id.parse::<uuid::Uuid>().expect("uuid")))
        .exec(&app.db)
        .await
        .expect("flag set");
}

#[tokio::test]
async fn a_feed_is_not_found_while_its_owner_must_change_her_password_and_serves_once_she_has() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let (staff_id, staff) = app.staff_member("lea").await;
    let placement = app
        .placed_family(&coordinator, "Diallo", days_ago(300), days_ago(10))
        .await;
    let placement_id = placement["id"].as_str().expect("id");
    app.assign(
        &coordinator,
        placement["family_id"].as_str().expect("id"),
        &staff_id,
        &[],
    )
    .await;
    let holds_her_family = |events: &[Event]| {
        events
            .iter()
            .any(|event| event["UID"].contains(placement_id))
    };
    let url = create_feed(&app, &staff).await;
    assert!(holds_her_family(&fetch(&app, &url).await.1));

    // The feed is read with her account as it is at each fetch.
    must_change_password(&app, &staff_id, true).await;
    assert_problem(app.get(&url, None).await, 404, "not_found").await;
    must_change_password(&app, &staff_id, false).await;
    assert!(holds_her_family(&fetch(&app, &url).await.1));

    // The whole way: an admin sets her password; until she has chosen her
    // own, no address answers and she can make none; then a new one serves.
    let set = app
        .patch(
            &format!("/api/v1/users/{staff_id}"),
            &admin,
            None,
            &json!({"password": crate::helpers::SET_BY_ADMIN}),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    assert_problem(app.get(&url, None).await, 404, "not_found").await;
    let token = app
        .token_for("lea@nido.example", crate::helpers::SET_BY_ADMIN)
        .await;
    let refused = app
        .post("/api/v1/me/calendar", Some(&token), &json!({}))
        .await;
    assert_problem(refused, 403, "password_change_required").await;
    app.change_password(
        &token,
        crate::helpers::SET_BY_ADMIN,
        crate::helpers::PASSWORD,
    )
    .await;
    let url = create_feed(&app, &token).await;
    assert!(holds_her_family(&fetch(&app, &url).await.1));
}

#[tokio::test]
async fn a_staff_member_taken_off_a_familys_team_stops_seeing_its_dates_at_the_next_poll() {
    let app = spawn_app().await;
    let coordinator = app.login_as("coordinator").await;
    let (lea_id, lea) = app.staff_member("lea").await;
    let (referent_id, _) = app.staff_member("ines").await;
    // Léa is on the team of two families, with an action for the first.
    let mut placements = Vec::new();
    for name in ["Diallo", "Traore"] {
        let placement = app
            .placed_family(&coordinator, name, days_ago(300), days_ago(10))
            .await;
        app.assign(
            &coordinator,
            placement["family_id"].as_str().expect("id"),
            &referent_id,
            &[&lea_id],
        )
        .await;
        placements.push(placement);
    }
    let (leaving, staying) = (&placements[0], &placements[1]);
    let family_id = leaving["family_id"].as_str().expect("id");
    let intervention = app
        .post(
            &format!("/api/v1/families/{family_id}/interventions"),
            Some(&lea),
            &json!({
                "kind": "home_visit",
                "occurred_at": format!("{}T09:30:00Z", days_ago(1)),
                "duration_minutes": 45,
                "staff_ids": [lea_id],
                "summary": "Visite à domicile.",
                "confidentiality": "team",
                "actions": [{"description": "Rappeler la PMI",
                             "due_on": today() + Days::new(3), "assignee_id": lea_id}],
            }),
        )
        .await;
    assert_eq!(intervention.status(), StatusCode::CREATED, "intervention");
    let intervention: Value = intervention.json().await.expect("json");
    let action = format!(
        "action-{}@nido",
        intervention["actions"][0]["id"].as_str().expect("id")
    );
    let url = create_feed(&app, &lea).await;
    let shows = |events: &[Event], placement: &Value| {
        let id = placement["id"].as_str().expect("id");
        events.iter().any(|event| event["UID"].contains(id))
    };
    let (_, events) = fetch(&app, &url).await;
    assert!(
        shows(&events, leaving) && shows(&events, staying),
        "{events:?}"
    );
    event(&events, &action);

    // Taken off the first family's team: its due dates and her action for
    // it leave the feed at the next poll; the other family's stay.
    app.assign(&coordinator, family_id, &referent_id, &[]).await;
    let (text, events) = fetch(&app, &url).await;
    assert!(!shows(&events, leaving), "{text}");
    assert!(!text.contains(&action), "{text}");
    assert!(shows(&events, staying), "{text}");
}
