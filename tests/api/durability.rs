//! An answered write is on disk: `kill -9` under concurrent writes, uploads
//! and audited reads, then a restart, loses none of the answered
//! interventions nor any of their audit entries, nor any answered
//! document; and leaves no document without its content, no content
//! without its document (SPEC, "Durability", "Documents").

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
/// Tasks uploading documents, beside the writers and the readers.
const UPLOADERS: usize = 2;
/// Answered uploads before the crash (at least).
const UPLOADED: usize = 5;
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
    /// Each answered document's id and the SHA-256 it was answered with.
    documents: Vec<(String, String)>,
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
    let counts = Arc::new([
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    ]);
    let mut tasks = Vec::new();
    for index in 0..WRITERS + READERS + UPLOADERS {
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
            let role = match index {
                i if i < WRITERS => 0,
                i if i < WRITERS + READERS => 1,
                _ => 2,
            };
            let mut sent = 0;
            while !stop.load(Ordering::Relaxed) {
                sent += 1;
                let request = if role == 2 {
                    // A scan of some hundred kilobytes, each different.
                    let mut scan =
                        format!("%PDF-1.7\n% uploader {index} scan {sent}\n").into_bytes();
                    scan.resize(200_000 + 997 * sent, b'.');
                    let (content_type, body) = crate::documents::multipart(
                        &[("kind", "income"), ("title", "Bulletin de salaire")],
                        Some(&scan),
                    );
                    client
                        .post(format!(
                            "http://{address}/api/v1/families/{family}/documents"
                        ))
                        .header("content-type", content_type)
                        .body(body)
                } else if index < WRITERS {
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
                match (role, status) {
                    (0, 201) => answered
                        .interventions
                        .push(body["id"].as_str().expect("id").to_owned()),
                    (1, 200) => answered.reads += 1,
                    (2, 201) => answered.documents.push((
                        body["id"].as_str().expect("id").to_owned(),
                        body["sha256"].as_str().expect("sha256").to_owned(),
                    )),
                    _ => panic!("unexpected answer {status}: {body}"),
                }
                counts[role].fetch_add(1, Ordering::Relaxed);
            }
            answered
        }));
    }
    let loaded = tokio::time::timeout(Duration::from_secs(120), async {
        while counts[..2]
            .iter()
            .any(|count| count.load(Ordering::Relaxed) < UNDER_LOAD)
            || counts[2].load(Ordering::Relaxed) < UPLOADED
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
        answered.documents.extend(done.documents);
    }
    eprintln!(
        "answered before the crash: {} writes, {} reads, {} uploads",
        answered.interventions.len(),
        answered.reads,
        answered.documents.len()
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
    // Every document listed (answered or not) has its content; every
    // answered one is listed and reads back whole.
    let listed = get(
        &client,
        &address,
        &format!("/families/{family}/documents"),
        &worker,
    )
    .await;
    let listed: Vec<String> = listed
        .as_array()
        .expect("documents")
        .iter()
        .map(|document| document["id"].as_str().expect("id").to_owned())
        .collect();
    let answered_documents: std::collections::HashMap<&String, &String> = answered
        .documents
        .iter()
        .map(|(id, sha256)| (id, sha256))
        .collect();
    for id in &answered.documents {
        assert!(
            listed.contains(&id.0),
            "the answered document {} is kept",
            id.0
        );
    }
    for id in &listed {
        let content = client
            .get(format!("http://{address}/api/v1/documents/{id}/content"))
            .bearer_auth(&worker)
            .send()
            .await
            .expect("answers");
        assert_eq!(content.status(), 200, "the document {id} has its content");
        use sha2::Digest;
        let digest: String = sha2::Sha256::digest(content.bytes().await.expect("body"))
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if let Some(sha256) = answered_documents.get(id) {
            assert_eq!(&&digest, sha256, "the answered document {id} whole");
        }
    }
    restarted.kill().ok();
    restarted.wait().ok();
    // No content without its document: the restart swept what the crash
    // left (files under documents/ on SQLite, rows on PostgreSQL).
    let (mut stored, mut kept) = stored_contents(data_dir.path(), &url).await;
    stored.sort();
    kept.sort();
    assert!(
        listed.iter().all(|id| kept.contains(id)),
        "the listed documents are kept"
    );
    assert_eq!(
        stored, kept,
        "the store holds the documents' contents, and nothing else"
    );

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

/// The ids of the contents in the documents' store (the files of
/// `documents/`, SQLite's default, or the rows of `document_contents`,
/// PostgreSQL's), and of the documents not removed.
async fn stored_contents(
    data_dir: &std::path::Path,
    url: &Option<String>,
) -> (Vec<String>, Vec<String>) {
    let ids = |db: &sea_orm::DatabaseConnection, sql: &'static str| {
        let db = db.clone();
        async move {
            let rows = db
                .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .expect("ids");
            rows.iter()
                .map(|row| {
                    row.try_get::<String>("", "id")
                        .or_else(|_| row.try_get::<uuid::Uuid>("", "id").map(|id| id.to_string()))
                        .expect("id")
                })
                .collect::<Vec<String>>()
        }
    };
    match url {
        None => {
            let db = nido_persistence::connect(
                &format!("sqlite://{}?mode=ro", data_dir.join("nido.db").display()),
                1,
            )
            .await
            .expect("the database opens");
            let stored = std::fs::read_dir(data_dir.join("documents"))
                .expect("the documents' directory")
                .map(|entry| {
                    entry
                        .expect("entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            (
                stored,
                ids(&db, "SELECT id FROM documents WHERE removed_at IS NULL").await,
            )
        }
        Some(url) => {
            let db = nido_persistence::connect(url, 1)
                .await
                .expect("the database opens");
            (
                ids(&db, "SELECT document_id::text AS id FROM document_contents").await,
                ids(
                    &db,
                    "SELECT id::text AS id FROM documents WHERE removed_at IS NULL",
                )
                .await,
            )
        }
    }
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
