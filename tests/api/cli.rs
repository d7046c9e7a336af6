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

#[tokio::test]
async fn migrate_then_user_create_reads_the_password_from_stdin() {
    let data_dir = tempfile::TempDir::new().expect("dir");
    let url = fresh_database_url().await;
    let migrate = nido(data_dir.path(), &url)
        .arg("migrate")
        .output()
        .expect("runs");
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );

    let output = user_create(
        data_dir.path(),
        &url,
        "Fatou@nido.example",
        "coordinator",
        PASSWORD,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
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
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let again = nido(data_dir.path(), &url)
        .arg("demo-data")
        .output()
        .expect("runs");
    // A second run finds the demo's own accounts, and refuses.
    assert_refused(&again, 1, "user accounts");

    let mut settings =
        nido::Settings::load_from(std::path::Path::new("config"), "test").expect("settings");
    settings.data_dir = data_dir.path().to_owned();
    settings.database_url = url.map(Into::into);
    settings.testing.now = Some(crate::helpers::test_now());
    let application = nido::Application::build(&settings).await.expect("builds");
    let address = format!("http://{}", application.local_addr().expect("bound"));
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "nadia.haddad@nido.example", "password": nido::demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let token = login["token"].as_str().expect("token");
    let get = |path: String| {
        client
            .get(format!("{address}{path}"))
            .bearer_auth(token)
            .send()
    };

    let families: serde_json::Value = get("/api/v1/families?limit=200".into())
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let count = families["items"].as_array().expect("items").len();
    assert!((20..=30).contains(&count), "about 25 families, got {count}");
    // The file closed long ago was anonymised by the retention run.
    let anonymised = families["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|family| family["mother"]["last_name"] == "[anonymisé]")
        .count();
    assert_eq!(anonymised, 1);
    let waiting: serde_json::Value = get("/api/v1/referrals?status=pending".into())
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert!(waiting["items"].as_array().expect("items").len() >= 3);

    let deadlines: serde_json::Value = get("/api/v1/deadlines".into())
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
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
    let workshops: serde_json::Value = get(path).await.expect("sent").json().await.expect("json");
    let workshops = workshops["items"].as_array().expect("items");
    assert_eq!(workshops.len(), 7);
    let first = workshops[0]["id"].as_str().expect("id");
    let held: serde_json::Value = get(format!("/api/v1/workshops/{first}"))
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(held["partner"], "Médiathèque Boris Vian");
    let statuses: Vec<&str> = held["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|item| item["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["attended", "attended", "absent"]);

    let vacancies: serde_json::Value = get("/api/v1/housing/vacancies".into())
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert!(
        vacancies["items"].as_array().expect("items").len() >= 2,
        "some vacancies"
    );
    let ending: serde_json::Value = get("/api/v1/housing/leases-ending?within_days=60".into())
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(
        ending["items"].as_array().expect("items").len(),
        1,
        "one lease ending soon"
    );

    // Loi 2002-2 duties at every stage, some overdue.
    let due: serde_json::Value = get("/api/v1/due-dates?within_days=365".into())
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
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
    let activity: serde_json::Value = get(format!(
        "/api/v1/reports/activity?year={}",
        chrono::Datelike::year(&(crate::cases::today() - chrono::Days::new(1)))
    ))
    .await
    .expect("sent")
    .json()
    .await
    .expect("json");
    assert!(
        activity["family_days"].as_i64().expect("days") > 0,
        "{activity}"
    );
    assert!(activity["child_days"].as_i64().expect("days") > 0);

    // The crèche is alive: a month with attended minutes, and places taken
    // in the weeks ahead.
    let week_ago = crate::cases::today() - chrono::Days::new(7);
    let report: serde_json::Value = get(format!(
        "/api/v1/reports/creche?month={}",
        week_ago.format("%Y-%m")
    ))
    .await
    .expect("sent")
    .json()
    .await
    .expect("json");
    let children = report["children"].as_array().expect("children");
    assert!(children.len() >= 5, "children at the crèche: {report}");
    let attended: i64 = children
        .iter()
        .map(|child| child["attended_minutes"].as_i64().expect("minutes"))
        .sum();
    assert!(attended > 0, "attendance recorded: {report}");
    let ahead = crate::cases::today() + chrono::Days::new(13);
    let availability: serde_json::Value = get(format!(
        "/api/v1/creche/availability?from={}&to={ahead}",
        crate::cases::today()
    ))
    .await
    .expect("sent")
    .json()
    .await
    .expect("json");
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
        let page: serde_json::Value = get(format!("/api/v1/families/{id}/interventions?limit=200"))
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        let items = page["items"].as_array().expect("items");
        assert!(items.iter().all(|note| note["confidentiality"] == "team"));
        notes += items.len();
    }
    assert!(notes >= 40, "a credible history: {notes} notes");
    let actions: serde_json::Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "ines.morel@nido.example", "password": nido::demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let ines = actions["token"].as_str().expect("token");
    let mine: serde_json::Value = client
        .get(format!("{address}/api/v1/me/actions"))
        .bearer_auth(ines)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert!(
        !mine["items"].as_array().expect("items").is_empty(),
        "open follow-ups"
    );
}

#[tokio::test]
async fn retention_run_lists_with_dry_run_then_runs() {
    let data_dir = tempfile::TempDir::new().expect("dir");
    let url = fresh_database_url().await;
    let dry = nido(data_dir.path(), &url)
        .args(["retention", "run", "--dry-run"])
        .output()
        .expect("runs");
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let said = String::from_utf8_lossy(&dry.stdout);
    assert!(said.contains("Would anonymise 0 closed file(s)"), "{said}");
    assert!(said.contains("Would delete 0 audit entr"), "{said}");
    let run = nido(data_dir.path(), &url)
        .args(["retention", "run"])
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
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
