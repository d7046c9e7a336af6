//! An answered write is on disk: `kill -9` under concurrent writes and
//! audited reads, then a restart, loses none of the answered interventions
//! nor any of their audit entries (SPEC, "Durability").

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::{Value, json};

use crate::cases::days_ago;
use crate::cli::{Served, nido, serve};
use crate::helpers::fresh_database_url;

const WRITERS: usize = 6;
const READERS: usize = 4;
/// Answered writes and reads before the crash (each at least).
const UNDER_LOAD: usize = 20;

async fn token(client: &reqwest::Client, address: &str, email: &str) -> String {
    let response = client
        .post(format!("http://{address}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": nido::demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("login answers");
    assert_eq!(response.status(), 200, "demo login");
    let body: Value = response.json().await.expect("json");
    body["token"].as_str().expect("token").to_owned()
}

async fn get(client: &reqwest::Client, address: &str, path: &str, token: &str) -> Value {
    let response = client
        .get(format!("http://{address}/api/v1{path}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("json")
}

/// What the clients were told was done before the crash.
#[derive(Default)]
struct Answered {
    interventions: Vec<String>,
    reads: usize,
}

#[tokio::test]
async fn kill_9_under_writes_loses_no_answered_write_nor_its_audit_entry() {
    let data_dir = tempfile::TempDir::new().expect("dir");
    let url = fresh_database_url().await;
    let demo = nido(data_dir.path(), &url)
        .arg("demo-data")
        .output()
        .expect("runs");
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    let Served {
        mut child, address, ..
    } = serve(data_dir.path(), &url).await;
    let client = reqwest::Client::new();
    let worker = token(&client, &address, "ines.morel@nido.example").await;
    let me = get(&client, &address, "/me", &worker).await;
    let me = me["id"].as_str().expect("id").to_owned();
    let families = get(&client, &address, "/families", &worker).await;
    let family = families["items"][0]["id"]
        .as_str()
        .expect("the demo social worker has families")
        .to_owned();

    let stop = Arc::new(AtomicBool::new(false));
    // Answers so far, writes and reads: the crash comes once both have
    // reached `UNDER_LOAD`, however slow the machine is, not after a fixed
    // time that a busy machine may not fill.
    let counts = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let mut tasks = Vec::new();
    for index in 0..WRITERS + READERS {
        let (client, address, worker, me, family, stop, counts) = (
            client.clone(),
            address.clone(),
            worker.clone(),
            me.clone(),
            family.clone(),
            stop.clone(),
            counts.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut answered = Answered::default();
            while !stop.load(Ordering::Relaxed) {
                let request = if index < WRITERS {
                    client
                        .post(format!(
                            "http://{address}/api/v1/families/{family}/interventions"
                        ))
                        .json(&json!({
                            "kind": "phone_call",
                            "occurred_at": format!("{}T10:00:00Z", days_ago(1)),
                            "duration_minutes": 10,
                            "staff_ids": [me],
                            "summary": "Appel de suivi",
                            "confidentiality": "team",
                        }))
                } else {
                    client.get(format!("http://{address}/api/v1/families/{family}"))
                };
                // An error is the crash: what was not answered may be lost.
                let Ok(response) = request.bearer_auth(&worker).send().await else {
                    break;
                };
                let status = response.status().as_u16();
                let Ok(body) = response.json::<Value>().await else {
                    break;
                };
                match (index < WRITERS, status) {
                    (true, 201) => answered
                        .interventions
                        .push(body["id"].as_str().expect("id").to_owned()),
                    (false, 200) => answered.reads += 1,
                    _ => panic!("unexpected answer {status}: {body}"),
                }
                counts[usize::from(index >= WRITERS)].fetch_add(1, Ordering::Relaxed);
            }
            answered
        }));
    }
    let loaded = tokio::time::timeout(Duration::from_secs(120), async {
        while counts
            .iter()
            .any(|count| count.load(Ordering::Relaxed) < UNDER_LOAD)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        loaded.is_ok(),
        "the server answered {UNDER_LOAD} writes and reads within two minutes"
    );
    // SIGKILL: no shutdown, no flush, no destructor.
    child.kill().expect("killed");
    child.wait().expect("reaped");
    stop.store(true, Ordering::Relaxed);
    let mut answered = Answered::default();
    for task in tasks {
        let done = task.await.expect("client task");
        answered.interventions.extend(done.interventions);
        answered.reads += done.reads;
    }
    eprintln!(
        "answered before the crash: {} writes, {} reads",
        answered.interventions.len(),
        answered.reads
    );
    assert!(
        answered.interventions.len() >= UNDER_LOAD && answered.reads >= UNDER_LOAD,
        "the crash came under load: {} writes, {} reads answered",
        answered.interventions.len(),
        answered.reads
    );

    let Served {
        child: mut restarted,
        address,
        ..
    } = serve(data_dir.path(), &url).await;
    let worker = token(&client, &address, "ines.morel@nido.example").await;
    for id in &answered.interventions {
        get(&client, &address, &format!("/interventions/{id}"), &worker).await;
    }
    restarted.kill().ok();
    restarted.wait().ok();

    let audit = audit_entries(data_dir.path(), &url, &family).await;
    let created: HashSet<String> = audit
        .iter()
        .filter(|(action, _)| action == "intervention.create")
        .map(|(_, resource)| resource.clone())
        .collect();
    for id in &answered.interventions {
        assert!(
            created.contains(&format!("/interventions/{id}")),
            "the audit entry of the answered write {id} survived"
        );
    }
    let reads = audit
        .iter()
        .filter(|(action, _)| action == "family.read")
        .count();
    assert!(
        reads >= answered.reads,
        "every answered read left its entry: {reads} < {}",
        answered.reads
    );
}

/// The family's audit entries (action, resource), read from the log's own
/// database as the server opens it.
async fn audit_entries(
    data_dir: &std::path::Path,
    url: &Option<String>,
    family: &str,
) -> Vec<(String, String)> {
    let log_url = match url {
        Some(url) => url.clone(),
        None => format!(
            "sqlite://{}?mode=ro",
            data_dir.join("nido-audit.db").display()
        ),
    };
    let db = nido_persistence::connect(&log_url, 1)
        .await
        .expect("the audit log opens");
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "SELECT action, resource FROM audit_log WHERE family_id = $1::uuid"
        }
        _ => "SELECT action, resource FROM audit_log WHERE family_id = ?",
    };
    let family = uuid::Uuid::parse_str(family).expect("uuid");
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [family.into()],
        ))
        .await
        .expect("entries");
    rows.iter()
        .map(|row| {
            (
                row.try_get::<String>("", "action").expect("action"),
                row.try_get::<String>("", "resource").expect("resource"),
            )
        })
        .collect()
}
