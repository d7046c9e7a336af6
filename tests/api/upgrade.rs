//! Upgrading a populated database. The previous release's database, filled
//! with its demo centre (`tests/fixtures/release-ecfc9f7`, made by
//! `.ci/make-upgrade-fixture`, see docs/testing.md), is loaded into a fresh
//! database of the suite's engine; the current server starts on it, which
//! runs every migration the release did not have; the data reads back
//! through the API, and what the new migrations added works on it.
//!
//! The clock is the fixture's, not `test_now()`: the server upgrades the
//! database an hour after the demo was made (`upgraded-at`), whatever day
//! the suite runs, so that the demo's families stand where they stood (a
//! file the release closed stays short of its retention date) and the
//! reports can be compared with the release's own answers at that instant.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Days, Utc};
use nido::Settings;
use nido_domain::Role;
use nido_persistence::ConnectionTrait;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::TempDir;
use totp_rs::{Builder, Secret};

use crate::cases::date;
use crate::helpers::{
    TestApp, assert_problem, fresh_database_url, spawn_app_with, spawn_sibling_with,
};
use crate::throttling::login_via_proxy;

/// The previous release's fixture.
const RELEASE: &str = "tests/fixtures/release-ecfc9f7";

/// The password of every demo account of the release.
const DEMO_PASSWORD: &str = "voie-lactee-demo-2026";

/// The current server on the previous release's demo database.
pub(crate) struct Upgraded {
    pub app: TestApp,
    /// When the release made the demo: every entry it logged is at this instant.
    pub made_at: DateTime<Utc>,
    /// The server's clock: an hour later.
    pub upgraded_at: DateTime<Utc>,
    /// What the release answered, at `upgraded_at`, to its reports: {path: answer}.
    pub reports: Value,
    _data_dir: TempDir,
}

fn release_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(RELEASE)
        .join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(release_file(path))
        .unwrap_or_else(|err| panic!("the fixture's {path}: {err}"))
}

fn instant(path: &str) -> DateTime<Utc> {
    read(path).trim().parse().expect("an RFC 3339 instant")
}

/// Runs a dump on a connection of its own, then closes it (a PostgreSQL
/// dump empties the session's search path).
async fn restore(url: &str, dump: &str) {
    let db = nido_persistence::connect(url, 1)
        .await
        .unwrap_or_else(|err| panic!("open {url}: {err}"));
    db.execute_unprepared(&read(dump))
        .await
        .unwrap_or_else(|err| panic!("restore {dump}: {err}"));
    db.close().await.expect("close");
}

/// The previous release's demo database, in a fresh database of the
/// suite's engine, and the current server started on it with `customize`d
/// settings and the fixture's clock.
pub(crate) async fn spawn_upgraded_with(customize: impl FnOnce(&mut Settings)) -> Upgraded {
    let data_dir = TempDir::new().expect("temporary data directory");
    let database_url = fresh_database_url().await;
    let engine = if database_url.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    match &database_url {
        Some(url) => restore(url, "postgres/nido.sql").await,
        None => {
            for name in ["nido", "nido-audit"] {
                let file = data_dir.path().join(format!("{name}.db"));
                restore(
                    &format!("sqlite://{}?mode=rwc", file.display()),
                    &format!("sqlite/{name}.sql"),
                )
                .await;
            }
        }
    }
    // The one-time password the release gave its initial admin.
    std::fs::copy(
        release_file(&format!("{engine}/initial-admin-password")),
        data_dir
            .path()
            .join(nido::startup::INITIAL_ADMIN_PASSWORD_FILE),
    )
    .expect("the initial admin's password file");
    let made_at = instant("made-at");
    let upgraded_at = instant("upgraded-at");
    let dir = data_dir.path().to_owned();
    let app = spawn_app_with(|settings| {
        settings.data_dir = dir;
        settings.database_url = database_url.map(Into::into);
        settings.testing.now = Some(upgraded_at);
        customize(settings);
    })
    .await;
    let reports =
        serde_json::from_str(&read(&format!("{engine}/reports.json"))).expect("reports json");
    Upgraded {
        app,
        made_at,
        upgraded_at,
        reports,
        _data_dir: data_dir,
    }
}

/// The demo's coordinator, social worker and early childhood educator.
const NADIA: &str = "nadia.haddad@nido.example";
const INES: &str = "ines.morel@nido.example";
const LEA: &str = "lea.marchand@nido.example";
/// The demo's technical agent.
const KARIM: &str = "karim.aziz@nido.example";

/// The mothers of the release's demo, but the one whose file it closed long
/// ago and anonymised.
const MOTHERS: [&str; 27] = [
    "Aminata Koné",
    "Jessica Lemoine",
    "Yasmina Cherif",
    "Mariama Baldé",
    "Oksana Petrenko",
    "Laetitia Robert",
    "Sarah Nguyen",
    "Awa Diallo",
    "Priscilla Mendes",
    "Naïma Belkacem",
    "Chloé Garnier",
    "Kadiatou Camara",
    "Élodie Martin",
    "Farida Haddou",
    "Rokia Traoré",
    "Ioana Popescu",
    "Mélissa Fabre",
    "Fatoumata Keïta",
    "Ana Oliveira",
    "Stéphanie Leroy",
    "Hawa Sissoko",
    "Nour Amrani",
    "Khadija Bennani",
    "Sophie Girard",
    "Marie Lefèvre",
    "Aïssata Fofana",
    "Julie Perrin",
];

/// Every item of a paginated list, following `next_cursor`.
async fn all(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_path = match &cursor {
            Some(cursor) => format!("{path}{separator}limit=200&cursor={cursor}"),
            None => format!("{path}{separator}limit=200"),
        };
        let page = app.get_json(&page_path, token).await;
        items.extend(
            page["items"]
                .as_array()
                .unwrap_or_else(|| panic!("{page_path}: {page}"))
                .iter()
                .cloned(),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return items,
        }
    }
}

fn mother_name(family: &Value) -> String {
    format!(
        "{} {}",
        family["mother"]["first_name"].as_str().expect("first name"),
        family["mother"]["last_name"].as_str().expect("last name")
    )
}

fn date_time(raw: &str) -> DateTime<Utc> {
    raw.parse().expect("an RFC 3339 instant")
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {value}"))
}

/// Every field the release answered is in the current answer, with the same
/// value (the current one may add fields).
fn assert_answers_as_before(before: &Value, now: &Value, at: &str) {
    match (before, now) {
        (Value::Object(before), Value::Object(now)) => {
            for (key, value) in before {
                let current = now.get(key).unwrap_or_else(|| panic!("{at}.{key} is gone"));
                assert_answers_as_before(value, current, &format!("{at}.{key}"));
            }
        }
        (Value::Array(before), Value::Array(now)) => {
            assert_eq!(before.len(), now.len(), "{at}: {now:?}");
            for (n, (value, current)) in before.iter().zip(now).enumerate() {
                assert_answers_as_before(value, current, &format!("{at}[{n}]"));
            }
        }
        _ => assert_eq!(before, now, "{at}"),
    }
}

#[tokio::test]
async fn the_previous_releases_centre_reads_back_the_same_after_every_migration() {
    let upgraded = spawn_upgraded_with(|_| {}).await;
    let app = &upgraded.app;
    let nadia = app.token_for(NADIA, DEMO_PASSWORD).await;
    let made_on = upgraded
        .made_at
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();

    // Its 28 families, 17 of them in care.
    let families = all(app, "/api/v1/families", &nadia).await;
    let mut names: Vec<String> = families.iter().map(mother_name).collect();
    names.sort();
    let mut expected: Vec<String> = MOTHERS.iter().map(|name| (*name).to_owned()).collect();
    expected.push("[anonymisé] [anonymisé]".to_owned());
    expected.sort();
    assert_eq!(names, expected);
    let in_care = families
        .iter()
        .filter(|family| family["current_placement_id"].is_string())
        .count();
    assert_eq!(in_care, 17);
    let family = |name: &str| {
        families
            .iter()
            .find(|family| mother_name(family) == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };

    // A placement renewed three times: four periods end to end, the
    // decisions' references kept.
    let rokia = family("Rokia Traoré");
    let placement = app
        .get_json(
            &format!(
                "/api/v1/placements/{}",
                text(&rokia, "current_placement_id")
            ),
            &nadia,
        )
        .await;
    assert_eq!(placement["status"], "active", "{placement}");
    let periods = placement["periods"].as_array().expect("periods");
    assert_eq!(periods.len(), 4, "{placement}");
    for (n, period) in periods.iter().enumerate() {
        assert_eq!(period["number"], n + 1, "{placement}");
        let reference = period["decision_ref"].as_str().unwrap_or_default();
        assert_eq!(n < 3, reference.ends_with("-0114"), "{placement}");
    }
    for pair in periods.windows(2) {
        let ended = date(text(&pair[0], "ends_on"));
        assert_eq!(date(text(&pair[1], "starts_on")), ended + Days::new(1));
    }

    // The due dates a placement keeps on its row, filled in when nido first
    // opened the upgraded database: each placement in care owes its
    // period's end and its projet personnalisé's next review, Rokia's
    // period the end of her fourth.
    let due = all(app, "/api/v1/due-dates?within_days=3660", &nadia).await;
    let of_kind = |kinds: &[&str]| -> Vec<&Value> {
        due.iter()
            .filter(|item| kinds.iter().any(|kind| item["kind"] == *kind))
            .collect()
    };
    assert_eq!(of_kind(&["period_end"]).len(), 17, "{due:?}");
    assert_eq!(
        of_kind(&["project_initial", "project_review"]).len(),
        17,
        "{due:?}"
    );
    let rokia_ends = of_kind(&["period_end"])
        .into_iter()
        .find(|item| item["placement_id"] == placement["id"])
        .expect("Rokia's period end");
    assert_eq!(rokia_ends["due_on"], periods[3]["ends_on"]);

    // The notes: a restricted one stays its author's; a family's
    // information préoccupante stays on her file.
    let rokia = text(&rokia, "id");
    let awa = text(&family("Awa Diallo"), "id").to_owned();
    let lea = app.token_for(LEA, DEMO_PASSWORD).await;
    let ines = app.token_for(INES, DEMO_PASSWORD).await;
    for (family_id, token, count) in [
        (rokia, &nadia, 3),
        (rokia, &lea, 4),
        (awa.as_str(), &ines, 5),
    ] {
        let notes = all(
            app,
            &format!("/api/v1/families/{family_id}/interventions"),
            token,
        )
        .await;
        assert_eq!(notes.len(), count, "{family_id}");
    }
    let concerns = app
        .get_json(&format!("/api/v1/families/{awa}/concerns"), &nadia)
        .await;
    assert_eq!(
        concerns["items"].as_array().map(Vec::len),
        Some(1),
        "{concerns}"
    );

    // The housing: 22 units of 5 landlords, each leased since 2023; one
    // lease ends five weeks after the demo was made.
    let units = all(app, "/api/v1/units", &nadia).await;
    assert_eq!(units.len(), 22);
    assert_eq!(all(app, "/api/v1/landlords", &nadia).await.len(), 5);
    for (label, rent, ends_on) in [
        ("STUDIO 12 rue Véron, logement 1", 52_000, None),
        (
            "T1 7 rue Jean-Jaurès, logement 22",
            62_000,
            Some(made_on + Days::new(35)),
        ),
    ] {
        let unit = units
            .iter()
            .find(|unit| unit["label"] == label)
            .unwrap_or_else(|| panic!("{label}"));
        let leases = all(
            app,
            &format!("/api/v1/units/{}/leases", text(unit, "id")),
            &nadia,
        )
        .await;
        assert_eq!(leases.len(), 1, "{label}");
        assert_eq!(leases[0]["monthly_rent_cents"], rent, "{label}");
        assert_eq!(leases[0]["starts_on"], "2023-01-01", "{label}");
        assert_eq!(leases[0]["ends_on"], json!(ends_on), "{label}");
    }

    // The crèche, the workshops and the incidents.
    let weeks_around = format!(
        "from={}&to={}",
        made_on - Days::new(60),
        made_on + Days::new(60)
    );
    let kadiatou = text(&family("Kadiatou Camara"), "id").to_owned();
    let bookings = app
        .get_json(
            &format!("/api/v1/families/{kadiatou}/creche-bookings?{weeks_around}"),
            &nadia,
        )
        .await;
    assert_eq!(
        bookings["items"].as_array().map(Vec::len),
        Some(7),
        "{bookings}"
    );
    // The release's crèche is the first site's: its closure came along.
    let closures = app
        .get_json(&format!("/api/v1/creche/closures?{weeks_around}"), &nadia)
        .await;
    assert_eq!(
        closures["items"].as_array().map(Vec::len),
        Some(1),
        "{closures}"
    );
    let workshops = all(app, &format!("/api/v1/workshops?{weeks_around}"), &nadia).await;
    assert_eq!(workshops.len(), 7);
    let mut incidents: Vec<String> = all(app, "/api/v1/incidents", &nadia)
        .await
        .iter()
        .map(|incident| text(incident, "category").to_owned())
        .collect();
    incidents.sort();
    assert_eq!(incidents, ["equipment_failure", "violent_behaviour"]);

    // Every report answers as the release answered at the same instant:
    // activity, occupancy, crèche and billing.
    let admin = app.admin_token().await;
    let reports = upgraded.reports.as_object().expect("reports");
    assert!(reports.len() >= 8, "{reports:?}");
    for (path, before) in reports {
        let token = if path.contains("/billing") {
            &admin
        } else {
            &nadia
        };
        let now = app.get_json(path, token).await;
        assert_answers_as_before(before, &now, path);
    }

    // The release's audit log, every entry at the instant it made the demo.
    let [made_at, upgraded_at] = [upgraded.made_at, upgraded.upgraded_at]
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let logged = all(app, &format!("/api/v1/audit?to={made_at}"), &admin).await;
    assert_eq!(logged.len(), 331);
    assert!(
        logged
            .iter()
            .all(|entry| date_time(text(entry, "at")) == upgraded.made_at)
    );
    let count = |action: &str| {
        logged
            .iter()
            .filter(|entry| entry["action"] == action)
            .count()
    };
    assert_eq!(
        [
            count("referral.create"),
            count("placement.admit"),
            count("intervention.create")
        ],
        [28, 21, 75]
    );
    let awas = all(
        app,
        &format!("/api/v1/audit?family_id={awa}&to={made_at}"),
        &admin,
    )
    .await;
    assert!(!awas.is_empty());
    for entry in &awas {
        assert_eq!(entry["family_id"], json!(awa), "{entry}");
        assert_eq!(entry["family_ids"], json!([awa]), "{entry}");
    }
    // Since the upgrade, the list read first is one entry naming every
    // family it showed, found by each of them.
    let since = all(
        app,
        &format!("/api/v1/audit?family_id={awa}&from={upgraded_at}"),
        &admin,
    )
    .await;
    let listed = since
        .iter()
        .find(|entry| entry["action"] == "family.list")
        .unwrap_or_else(|| panic!("{since:?}"));
    assert_eq!(listed["family_id"], Value::Null, "{listed}");
    let mut named: Vec<&str> = listed["family_ids"]
        .as_array()
        .expect("family_ids")
        .iter()
        .map(|id| id.as_str().expect("an id"))
        .collect();
    named.sort_unstable();
    let mut shown: Vec<&str> = families.iter().map(|family| text(family, "id")).collect();
    shown.sort_unstable();
    assert_eq!(named, shown);

    // The file the release anonymised, anonymised as nido now does: her
    // rows gone (the reports above kept her figures), nothing left but a
    // husk without a referent, a team or a date but a year or her month.
    let husk = family("[anonymisé] [anonymisé]");
    let husk_id = text(&husk, "id");
    let month = format!("{}-01T00:00:00Z", upgraded.made_at.format("%Y-%m"));
    assert_eq!(husk["referent_id"], Value::Null, "{husk}");
    assert_eq!(husk["team_ids"], json!([]), "{husk}");
    assert_eq!(husk["created_at"], month.as_str(), "{husk}");
    assert_eq!(husk["updated_at"], month.as_str(), "{husk}");
    for child in husk["children"].as_array().expect("children") {
        assert!(text(child, "birth_date").ends_with("-01-01"), "{husk}");
    }
    let hers = all(
        app,
        &format!("/api/v1/audit?family_id={husk_id}&to={made_at}"),
        &admin,
    )
    .await;
    assert_eq!(hers.len(), 10, "her entries stay: {hers:?}");
    let resources: Vec<&str> = hers
        .iter()
        .map(|entry| text(entry, "resource"))
        .filter(|resource| {
            resource.matches('/').count() == 2
                && ["/referrals/", "/placements/", "/interventions/"]
                    .iter()
                    .any(|kind| resource.starts_with(kind))
        })
        .collect();
    assert_eq!(resources.len(), 7, "{resources:?}");
    for resource in resources {
        let response = app.get(&format!("/api/v1{resource}"), Some(&nadia)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{resource}");
    }
    // Every file the release held was keyed for identity vigilance at
    // start: found by sound, its birth date either way; never the husk.
    let lefevre = app
        .get_json("/api/v1/families/search?q=le%20febvre", &nadia)
        .await;
    let found: Vec<&str> = lefevre["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|hit| text(hit, "last_name"))
        .collect();
    assert_eq!(found, ["Lefèvre"], "{lefevre}");
    let husk_found = app
        .get_json("/api/v1/families/search?q=anonymise", &nadia)
        .await;
    assert_eq!(husk_found["items"], json!([]), "{husk_found}");
    // The release had no sites: everything is now one site's, named after
    // `centre.name`, with the centre's figures.
    let sites = app.get_json("/api/v1/sites", &nadia).await;
    let sites = sites["items"].as_array().expect("items");
    assert_eq!(sites.len(), 1, "{sites:?}");
    assert_eq!(sites[0]["name"], app.settings.centre.name.as_str());
    assert_eq!(
        sites[0]["authorized_places"],
        app.settings.centre.authorized_places
    );
    assert_eq!(crate::sites::rows_without_a_site(&app.db).await, 0);
    assert_eq!(
        app.get_json("/api/v1/me", &nadia).await["site_ids"],
        json!([sites[0]["id"]])
    );
    // The users' table takes the head office's role (on SQLite it was
    // rebuilt for it): the release's accounts are all there, and one of
    // the new role is made.
    let admin = app.admin_token().await;
    let before = all(app, "/api/v1/users", &admin).await.len();
    assert!(before >= 5, "{before} accounts");
    let head_office = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": "siege@nido.example", "display_name": "Siège",
                    "role": "head_office", "profession": "director",
                    "password": crate::helpers::SET_BY_ADMIN}),
        )
        .await;
    assert_eq!(head_office.status(), StatusCode::CREATED);
    assert_eq!(all(app, "/api/v1/users", &admin).await.len(), before + 1);
    for list in ["interventions", "timeline"] {
        let path = format!("/api/v1/families/{husk_id}/{list}");
        assert_eq!(all(app, &path, &nadia).await, Vec::<Value>::new(), "{path}");
    }
}

/// The code an authenticator app of `secret` shows `steps` steps of 30
/// seconds from `at`.
fn totp_code(secret: &str, at: DateTime<Utc>, steps: i64) -> String {
    let app = Builder::new()
        .with_secret(Secret::try_from_base32(secret).expect("base32 secret"))
        .build()
        .expect("an RFC 6238 generator");
    let at = at.timestamp() + 30 * steps;
    app.generate(u64::try_from(at).expect("after 1970"))
        .to_string()
}

#[tokio::test]
async fn the_releases_accounts_take_a_second_factor_and_locks_after_the_upgrade() {
    let upgraded = spawn_upgraded_with(|settings| {
        settings.auth.trust_forwarded_for = true;
        settings.auth.account_everywhere_max_failures = 3;
    })
    .await;
    // Required of coordinators, as by default: the release's coordinator,
    // who has none, may only enrol; a staff member is not asked.
    let strict = spawn_sibling_with(&upgraded.app, |settings| {
        settings.auth.mfa_required_roles = vec![Role::Admin, Role::Coordinator];
    })
    .await;
    let nadia = strict.token_for(NADIA, DEMO_PASSWORD).await;
    assert_problem(
        strict.get("/api/v1/families", Some(&nadia)).await,
        403,
        "mfa_enrolment_required",
    )
    .await;
    let ines = strict.token_for(INES, DEMO_PASSWORD).await;
    let hers = strict.get("/api/v1/families", Some(&ines)).await;
    assert_eq!(hers.status(), StatusCode::OK);

    let started = strict
        .post("/api/v1/me/mfa/totp", Some(&nadia), &json!({}))
        .await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let started: Value = started.json().await.expect("json");
    let secret = text(&started, "secret").to_owned();
    let code = |steps| totp_code(&secret, upgraded.upgraded_at, steps);
    let confirmed = strict
        .post(
            "/api/v1/me/mfa/totp/confirm",
            Some(&nadia),
            &json!({"code": code(-1)}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let confirmed: Value = confirmed.json().await.expect("json");
    assert_eq!(
        confirmed["recovery_codes"].as_array().map(Vec::len),
        Some(10)
    );
    let families = strict.get("/api/v1/families", Some(&nadia)).await;
    assert_eq!(families.status(), StatusCode::OK);
    // Her next sign-in takes the password, then a code.
    let first: Value = strict
        .login(NADIA, DEMO_PASSWORD)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(first["mfa_required"], true, "{first}");
    let second = strict
        .post(
            "/api/v1/auth/login/mfa",
            None,
            &json!({"challenge": text(&first, "challenge"), "code": code(0)}),
        )
        .await;
    assert_eq!(second.status(), StatusCode::OK);

    // A release's account locked from everywhere: a stranger with the right
    // password is kept out.
    for n in 1..=3 {
        let from = format!("198.51.100.{n}");
        let failed = login_via_proxy(&strict, &from, None, KARIM, "pas-le-bon-mot-de-passe").await;
        assert_eq!(failed.status(), StatusCode::UNAUTHORIZED, "from {from}");
    }
    let stranger = login_via_proxy(&strict, "203.0.113.5", None, KARIM, DEMO_PASSWORD).await;
    assert_eq!(stranger.status(), StatusCode::TOO_MANY_REQUESTS);
}
