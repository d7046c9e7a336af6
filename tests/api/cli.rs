//! The `nido` binary itself: its commands and its clean shutdown.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::{PASSWORD, fresh_database_url};

pub(crate) fn nido(data_dir: &std::path::Path, database_url: &Option<String>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nido"));
    command
        .env("NIDO_ENV", "test")
        .env("NIDO_DATA_DIR", data_dir)
        .env("NIDO_BIND", "127.0.0.1:0")
        .env("NIDO_LOG__FILTER", "info")
        .env("NIDO_TESTING__NOW", crate::helpers::test_now().to_rfc3339())
        .env_remove("RUST_LOG")
        .env_remove("NIDO_DATABASE_URL");
    if let Some(url) = database_url {
        command.env("NIDO_DATABASE_URL", url);
    }
    command
}

/// Runs `command` with `input` on its standard input; its whole output.
/// A `nido serve` running as its own process, and its whole log once it
/// stops.
pub(crate) struct Served {
    pub child: std::process::Child,
    pub address: String,
    pub log: tokio::task::JoinHandle<String>,
}

/// Starts `nido serve` on a free port and waits until it says where it
/// listens.
pub(crate) async fn serve(data_dir: &std::path::Path, url: &Option<String>) -> Served {
    let mut child = nido(data_dir, url)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let stderr = child.stderr.take().expect("stderr");
    // Read the whole log; the line that says where it listens gives the address.
    let (address_tx, address_rx) = tokio::sync::oneshot::channel::<String>();
    let log = tokio::task::spawn_blocking(move || {
        let mut address_tx = Some(address_tx);
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines() {
            let line = line.expect("log line");
            if let Some(at) = line.find("address=") {
                let address: String = line[at + "address=".len()..]
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '\u{1b}')
                    .collect();
                if let Some(tx) = address_tx.take() {
                    tx.send(address).ok();
                }
            }
            lines.push(line);
        }
        lines.join("\n")
    });
    let Ok(Ok(address)) = tokio::time::timeout(Duration::from_secs(30), address_rx).await else {
        child.kill().ok();
        panic!("the server never said where it listens");
    };
    Served {
        child,
        address,
        log,
    }
}

fn run_with_input(command: &mut Command, input: &str) -> std::process::Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    writeln!(child.stdin.take().expect("stdin"), "{input}").expect("written");
    child.wait_with_output().expect("finishes")
}

/// `nido user create` with these details and `password` on standard input.
fn user_create(
    data_dir: &std::path::Path,
    url: &Option<String>,
    email: &str,
    role: &str,
    password: &str,
) -> std::process::Output {
    let profession = if role == "coordinator" {
        "coordinator"
    } else {
        "social_worker"
    };
    let mut command = nido(data_dir, url);
    command
        .args(["user", "create", "--email", email, "--name", "Fatou Sow"])
        .args(["--role", role, "--profession", profession]);
    run_with_input(&mut command, password)
}

/// Checks that `output` is a success; answers its standard output.
fn assert_succeeded(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Checks that `output` is a refusal: exit code `code` and `says` on
/// standard error; prints what it said either way.
fn assert_refused(output: &std::process::Output, code: i32, says: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stderr}");
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(stderr.contains(says), "says {says:?}: {stderr}");
    assert!(
        !stderr.contains("panicked"),
        "a refusal, not a crash: {stderr}"
    );
    assert!(output.stdout.is_empty(), "prints no id");
}

/// A server on the database `nido demo-data` filled, and a client.
struct DemoServer {
    address: String,
    client: reqwest::Client,
    db: nido_persistence::DatabaseConnection,
}

impl DemoServer {
    async fn start(data_dir: &std::path::Path, url: Option<String>) -> Self {
        Self::start_mailing(data_dir, url, None).await
    }

    /// The same, with mail on towards `smtp_port`, the digests due from
    /// midnight.
    async fn start_mailing(
        data_dir: &std::path::Path,
        url: Option<String>,
        smtp_port: Option<u16>,
    ) -> Self {
        let mut settings =
            nido::Settings::load_from(std::path::Path::new("config"), "test").expect("settings");
        if let Some(port) = smtp_port {
            settings.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into());
            settings.mail.from = Some("nido <nido@centre.test>".to_owned());
            settings.mail.base_url = Some("https://nido.centre.test".to_owned());
            settings.mail.digest_hour = 0;
        }
        settings.data_dir = data_dir.to_owned();
        settings.database_url = url.map(Into::into);
        settings.testing.now = Some(crate::helpers::test_now());
        let application = nido::Application::build(&settings).await.expect("builds");
        let address = format!("http://{}", application.local_addr().expect("bound"));
        let db = application.database();
        tokio::spawn(application.run_until_stopped());
        Self {
            address,
            client: reqwest::Client::new(),
            db,
        }
    }

    /// A token for this demo account.
    async fn login(&self, email: &str) -> String {
        let login: serde_json::Value = self
            .client
            .post(format!("{}/api/v1/auth/login", self.address))
            .json(&serde_json::json!({"email": email, "password": nido::demo::DEMO_PASSWORD}))
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        login["token"].as_str().expect("token").to_owned()
    }

    async fn get(&self, token: &str, path: String) -> serde_json::Value {
        self.client
            .get(format!("{}{path}", self.address))
            .bearer_auth(token)
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json")
    }
}

#[tokio::test]
async fn migrate_then_user_create_reads_the_password_from_stdin() {
    let data_dir = tempfile::TempDir::new().expect("dir");
    let url = fresh_database_url().await;
    let migrate = nido(data_dir.path(), &url)
        .arg("migrate")
        .output()
        .expect("runs");
    assert_succeeded(&migrate);

    let output = user_create(
        data_dir.path(),
        &url,
        "Fatou@nido.example",
        "coordinator",
        PASSWORD,
    );
    assert_succeeded(&output);
    let id = String::from_utf8(output.stdout).expect("utf-8");
    assert!(
        uuid::Uuid::parse_str(id.trim()).is_ok(),
        "prints the new id: {id}"
    );

    // A weak password is refused, and so is a second account with that
    // email, whatever its case; a refusal exits with 1 and says why.
    let weak = user_create(
        data_dir.path(),
        &url,
        "awa@nido.example",
        "staff",
        "password1234",
    );
    assert_refused(&weak, 1, "password");
    let duplicate = user_create(
        data_dir.path(),
        &url,
        "FATOU@nido.example",
        "staff",
        "velours-sapin-horizon-61",
    );
    assert_refused(&duplicate, 1, "email_taken");

    // An unknown role is a usage error (2), naming the value.
    let bad_role = nido(data_dir.path(), &url)
        .args(["user", "create", "--email", "x@nido.example", "--name", "X"])
        .args(["--role", "root", "--profession", "other"])
        .output()
        .expect("runs");
    assert_refused(&bad_role, 2, "root");

    // Demo accounts, whose password is published, never join a real centre.
    let demo = nido(data_dir.path(), &url)
        .arg("demo-data")
        .output()
        .expect("runs");
    assert_refused(&demo, 1, "user accounts");
}

#[tokio::test]
async fn serve_stops_cleanly_on_sigterm() {
    let data_dir = tempfile::TempDir::new().expect("dir");
    let url = fresh_database_url().await;
    let Served {
        mut child,
        address,
        log,
    } = serve(data_dir.path(), &url).await;

    let response = reqwest::get(format!("http://{address}/health/ready"))
        .await
        .expect("answers");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let password =
        std::fs::read_to_string(data_dir.path().join("initial-admin-password")).expect("file");
    assert_eq!(password.lines().count(), 1);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut waited = Duration::ZERO;
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("waits") {
            break exit;
        }
        assert!(waited < Duration::from_secs(20), "nido did not stop");
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
    };
    assert!(exit.success(), "clean exit: {exit:?}");
    let log = log.await.expect("log read");
    assert!(
        log.contains("initial-admin-password"),
        "says where the password is"
    );
    assert!(
        !log.contains(password.trim()),
        "the password is never logged"
    );
}

#[tokio::test]
async fn demo_data_fills_an_empty_centre_with_families_at_every_stage() {
    let data_dir = tempfile::TempDir::new().expect("dir");
    let url = fresh_database_url().await;
    let output = nido(data_dir.path(), &url)
        .arg("demo-data")
        .output()
        .expect("runs");
    assert_succeeded(&output);
    let again = nido(data_dir.path(), &url)
        .arg("demo-data")
        .output()
        .expect("runs");
    // A second run finds the demo's own accounts, and refuses.
    assert_refused(&again, 1, "user accounts");

    // Mail on: the team members who asked for the digest get it.
    let sink = crate::smtp_sink::SmtpSink::start().await;
    let server = DemoServer::start_mailing(data_dir.path(), url, Some(sink.port)).await;
    let token = server.login("nadia.haddad@nido.example").await;
    let get = |path: String| server.get(&token, path);

    let families = get("/api/v1/families?limit=200".into()).await;
    let count = families["items"].as_array().expect("items").len();
    assert!((25..=35).contains(&count), "about 30 families, got {count}");
    // The file closed long ago was anonymised by the retention run.
    let anonymised = families["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|family| family["mother"]["last_name"] == "[anonymisé]")
        .count();
    assert_eq!(anonymised, 1);
    let waiting = get("/api/v1/referrals?status=pending".into()).await;
    assert!(waiting["items"].as_array().expect("items").len() >= 3);

    let deadlines = get("/api/v1/deadlines".into()).await;
    let statuses: Vec<&str> = deadlines["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["status"].as_str().expect("status"))
        .collect();
    for status in ["overdue", "report_due", "upcoming"] {
        assert!(statuses.contains(&status), "{status} in {statuses:?}");
    }
    let due_today = deadlines["items"]
        .as_array()
        .expect("items")
        .iter()
        .any(|item| item["days_remaining"] == 29 && item["status"] == "report_due");
    assert!(due_today, "a report falls due today");

    // Album readings with the médiathèque, every other Wednesday; those
    // held have their attendance.
    let path = format!("/api/v1/workshops?from={}", crate::cases::days_ago(60));
    let workshops = get(path).await;
    let workshops = workshops["items"].as_array().expect("items");
    assert_eq!(workshops.len(), 7);
    let first = workshops[0]["id"].as_str().expect("id");
    let held = get(format!("/api/v1/workshops/{first}")).await;
    assert_eq!(held["partner"], "Médiathèque Boris Vian");
    let statuses: Vec<&str> = held["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|item| item["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["attended", "attended", "absent"]);

    let vacancies = get("/api/v1/housing/vacancies".into()).await;
    assert!(
        vacancies["items"].as_array().expect("items").len() >= 2,
        "some vacancies"
    );
    let ending = get("/api/v1/housing/leases-ending?within_days=60".into()).await;
    assert_eq!(
        ending["items"].as_array().expect("items").len(),
        1,
        "one lease ending soon"
    );

    // Loi 2002-2 duties at every stage, some overdue.
    let due = get("/api/v1/due-dates?within_days=365&limit=200".into()).await;
    let due = due["items"].as_array().expect("items");
    for kind in [
        "contract_delivery",
        "contract_signature",
        "project_initial",
        "project_review",
        "renewal_report",
        "period_end",
    ] {
        assert!(
            due.iter().any(|item| item["kind"] == kind),
            "{kind} in {due:?}"
        );
    }
    assert!(
        due.iter()
            .any(|item| item["kind"] == "contract_delivery" && item["overdue"] == true),
        "an overdue contract"
    );

    assert!(
        due.iter().any(|item| item["kind"] == "incident_report"),
        "an incident not yet reported"
    );
    // A year of history for the département.
    let activity = get(format!(
        "/api/v1/reports/activity?year={}",
        chrono::Datelike::year(&(crate::cases::today() - chrono::Days::new(1)))
    ))
    .await;
    assert!(
        activity["family_days"].as_i64().expect("days") > 0,
        "{activity}"
    );
    assert!(activity["child_days"].as_i64().expect("days") > 0);

    // The crèche is alive: a month with attended minutes, and places taken
    // in the weeks ahead.
    let week_ago = crate::cases::today() - chrono::Days::new(7);
    let report = get(format!(
        "/api/v1/reports/creche?month={}",
        week_ago.format("%Y-%m")
    ))
    .await;
    let children = report["children"].as_array().expect("children");
    assert!(children.len() >= 5, "children at the crèche: {report}");
    let attended: i64 = children
        .iter()
        .map(|child| child["attended_minutes"].as_i64().expect("minutes"))
        .sum();
    assert!(attended > 0, "attendance recorded: {report}");
    let ahead = crate::cases::today() + chrono::Days::new(13);
    let availability = get(format!(
        "/api/v1/creche/availability?from={}&to={ahead}",
        crate::cases::today()
    ))
    .await;
    let taken = availability["days"]
        .as_array()
        .expect("days")
        .iter()
        .flat_map(|day| day["slots"].as_array().expect("slots"))
        .any(|slot| slot["free"].as_i64().expect("free") < 10);
    assert!(taken, "places booked ahead: {availability}");

    // Admitted families have a history of interventions; the coordinator
    // sees the team's notes, not the psychologist's restricted ones.
    let mut notes = 0;
    for family in families["items"].as_array().expect("items") {
        let id = family["id"].as_str().expect("id");
        let page = get(format!("/api/v1/families/{id}/interventions?limit=200")).await;
        let items = page["items"].as_array().expect("items");
        assert!(items.iter().all(|note| note["confidentiality"] == "team"));
        notes += items.len();
    }
    assert!(notes >= 40, "a credible history: {notes} notes");
    let ines = server.login("ines.morel@nido.example").await;
    let mine = server.get(&ines, "/api/v1/me/actions".into()).await;
    assert!(
        !mine["items"].as_array().expect("items").is_empty(),
        "open follow-ups"
    );

    // Identity vigilance: a pair to look at, a pair linked as one mother's,
    // a mother known by her name at birth.
    let pairs = get("/api/v1/duplicates".into()).await;
    let pairs = pairs["items"].as_array().expect("items");
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    let names: Vec<&str> = pairs[0]["families"]
        .as_array()
        .expect("families")
        .iter()
        .map(|family| family["last_name"].as_str().expect("name"))
        .collect();
    assert!(
        names.contains(&"Kamara") && names.contains(&"Camara"),
        "{names:?}"
    );
    let bintou = get("/api/v1/families/search?q=koulibaly".into()).await;
    let hits = bintou["items"].as_array().expect("items");
    assert_eq!(hits.len(), 2, "both her files, by sound: {hits:?}");
    let linked = get(format!(
        "/api/v1/families/{}",
        hits[0]["id"].as_str().expect("id")
    ))
    .await;
    assert_eq!(
        linked["linked_family_ids"],
        serde_json::json!([hits[1]["id"]])
    );
    let martin = get("/api/v1/families/search?q=roussel".into()).await;
    assert_eq!(martin["items"][0]["last_name"], "Martin", "{martin}");

    // Every family, unit, workshop and incident of the demo has its site.
    assert_eq!(crate::sites::rows_without_a_site(&server.db).await, 0);
    // A second site, Ivry, with its team and families: its coordinator
    // reads its three, Nadia none of them, the head office both sites'.
    let julie = server.login("julie.mercier@nido.example").await;
    let ivry = server
        .get(&julie, "/api/v1/families?limit=200".into())
        .await;
    let ivry: Vec<&serde_json::Value> = ivry["items"].as_array().expect("items").iter().collect();
    assert_eq!(ivry.len(), 3, "{ivry:?}");
    let ivry_site = ivry[0]["site_id"].clone();
    assert!(ivry.iter().all(|family| family["site_id"] == ivry_site));
    assert!(
        families["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|family| family["site_id"] != ivry_site),
        "Nadia reads her site's families only"
    );
    let head_office = server.login("catherine.vidal@nido.example").await;
    let sites = server.get(&head_office, "/api/v1/sites".into()).await;
    assert_eq!(sites["items"].as_array().map(Vec::len), Some(2), "{sites}");
    let every = server
        .get(&head_office, "/api/v1/families?limit=200".into())
        .await;
    assert_eq!(
        every["items"].as_array().expect("items").len(),
        count + 3,
        "the head office reads every site's families"
    );

    // Nadia and Inès asked for the morning digest: overdue contracts for
    // the coordinator, follow-ups for the social worker, initials only.
    let digests = sink.wait_for(2).await;
    let to = |mail: &crate::smtp_sink::Received| mail.rcpt_to.join(",");
    let nadia = digests
        .iter()
        .find(|mail| to(mail).contains("nadia.haddad"))
        .expect("Nadia's digest");
    let text = nadia.text();
    assert!(text.contains("En retard"), "{text}");
    assert!(text.contains("Remise du contrat de séjour — "), "{text}");
    assert!(!text.contains("Lefèvre"), "initials only: {text}");
    assert!(
        digests.iter().any(|mail| to(mail).contains("ines.morel")),
        "Inès's digest"
    );
}

#[tokio::test]
async fn demo_data_at_scale_adds_families_with_consistent_histories() {
    use nido_domain::housing::DateSpan;
    use nido_domain::placement::{ChildBirth, latest_end_on, period_ends_on};
    use nido_persistence::entities::{children, occupancies, periods, placements};
    use sea_orm::EntityTrait;

    let data_dir = tempfile::TempDir::new().expect("dir");
    let url = fresh_database_url().await;
    let output = nido(data_dir.path(), &url)
        .args(["demo-data", "--scale", "40"])
        .output()
        .expect("runs");
    assert_succeeded(&output);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        said.contains("Demo centre created"),
        "the demo first: {said}"
    );
    assert!(said.contains("Added 40 families"), "{said}");
    let again = nido(data_dir.path(), &url)
        .args(["demo-data", "--scale", "40"])
        .output()
        .expect("runs");
    assert_refused(&again, 1, "user accounts");

    let server = DemoServer::start(data_dir.path(), url).await;
    let coordinator = server.login("nadia.haddad@nido.example").await;
    // The scale families' phones are in the range set aside for fiction.
    let is_scale = |family: &&serde_json::Value| {
        family["mother"]["phone"]
            .as_str()
            .is_some_and(|phone| phone.starts_with("06 39 98"))
    };
    let families = server
        .get(&coordinator, "/api/v1/families?limit=200".into())
        .await;
    let added: Vec<&serde_json::Value> = families["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(is_scale)
        .collect();
    assert_eq!(added.len(), 40);
    assert!(
        added
            .iter()
            .all(|family| family["current_placement_id"].is_string()),
        "each with an active placement"
    );
    // Every period lasts six months at most: within a year, every active
    // placement is on the coordinators' screen (one page of 200 holds the
    // demo's and these).
    let deadlines = server
        .get(
            &coordinator,
            "/api/v1/deadlines?within_days=365&limit=200".into(),
        )
        .await;
    assert!(deadlines["next_cursor"].is_null(), "{deadlines}");
    let on_screen = deadlines["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|item| added.iter().any(|family| family["id"] == item["family_id"]))
        .count();
    assert_eq!(on_screen, 40, "{deadlines}");

    // A demo staff member carries a share of them, each with a history.
    let ines = server.login("ines.morel@nido.example").await;
    let hers = server.get(&ines, "/api/v1/families?limit=200".into()).await;
    let hers: Vec<&serde_json::Value> = hers["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(is_scale)
        .collect();
    assert!((1..40).contains(&hers.len()), "a share: {}", hers.len());
    // Her first is followed closely (one scale family in a hundred is):
    // its timeline runs over pages.
    let id = hers[0]["id"].as_str().expect("id");
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/families/{id}/timeline?limit=200{cursor}");
        let page = server.get(&ines, path).await;
        for event in page["items"].as_array().expect("items") {
            *kinds
                .entry(event["kind"].as_str().expect("kind").to_owned())
                .or_default() += 1;
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    for kind in ["referral", "admission", "period", "move", "intervention"] {
        assert!(kinds.contains_key(kind), "{kind} in {kinds:?}");
    }
    assert!(kinds["intervention"] > 200, "{kinds:?}");

    // No unit is lived in by two placements on one day.
    let stays = occupancies::Entity::find()
        .all(&server.db)
        .await
        .expect("occupancies");
    for (n, one) in stays.iter().enumerate() {
        let span = DateSpan::new(one.starts_on, one.ends_on);
        for other in &stays[n + 1..] {
            assert!(
                one.unit_id != other.unit_id
                    || !span.overlaps(&DateSpan::new(other.starts_on, other.ends_on)),
                "{one:?} and {other:?} overlap"
            );
        }
    }
    // Each placement's periods follow each other, six months each, none
    // past the day before the youngest child's third birthday.
    let kids = children::Entity::find()
        .all(&server.db)
        .await
        .expect("children");
    let all_periods = periods::Entity::find()
        .all(&server.db)
        .await
        .expect("periods");
    for placement in placements::Entity::find()
        .all(&server.db)
        .await
        .expect("placements")
    {
        let births: Vec<ChildBirth> = kids
            .iter()
            .filter(|child| child.family_id == placement.family_id)
            .map(
                |child| match (child.birth_date, child.expected_birth_date) {
                    (Some(born), _) => ChildBirth::Born(born),
                    (None, expected) => ChildBirth::Expected(expected.expect("a date")),
                },
            )
            .collect();
        let cap = latest_end_on(&births);
        let mut its: Vec<_> = all_periods
            .iter()
            .filter(|period| period.placement_id == placement.id)
            .collect();
        its.sort_by_key(|period| period.number);
        assert_eq!(its[0].starts_on, placement.admitted_on);
        for (k, period) in its.iter().enumerate() {
            assert_eq!(period.number, k as i32 + 1);
            assert_eq!(
                period.ends_on,
                period_ends_on(period.starts_on, cap),
                "{period:?}"
            );
            if let Some(next) = its.get(k + 1) {
                assert_eq!(next.starts_on, period.ends_on + chrono::Days::new(1));
                assert!(period.decided_on.is_some(), "renewed: {period:?}");
            }
        }
    }
}

#[tokio::test]
async fn retention_run_lists_with_dry_run_then_runs() {
    let data_dir = tempfile::TempDir::new().expect("dir");
    let url = fresh_database_url().await;
    let dry = nido(data_dir.path(), &url)
        .args(["retention", "run", "--dry-run"])
        .output()
        .expect("runs");
    assert_succeeded(&dry);
    let said = String::from_utf8_lossy(&dry.stdout);
    assert!(said.contains("Would anonymise 0 closed file(s)"), "{said}");
    assert!(said.contains("Would delete 0 audit entr"), "{said}");
    let run = nido(data_dir.path(), &url)
        .args(["retention", "run"])
        .output()
        .expect("runs");
    assert_succeeded(&run);
    assert!(String::from_utf8_lossy(&run.stdout).contains("Anonymised 0 closed file(s)"));
}

#[tokio::test]
async fn a_misspelt_environment_is_refused_not_run_with_development_settings() {
    let data_dir = tempfile::TempDir::new().expect("dir");
    let output = nido(data_dir.path(), &None)
        .env("NIDO_ENV", "prodution")
        .arg("migrate")
        .output()
        .expect("runs");
    assert_refused(&output, 1, "NIDO_ENV=prodution");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("production"), "names the known ones: {said}");
    assert!(
        !data_dir.path().join("nido.db").exists(),
        "nothing was created"
    );
}
