//! The paper file's documents (SPEC "Documents"): uploaded as multipart,
//! their type read from the content, encrypted at rest, read back whole by
//! those who may see them only, every read audited, removed for good with
//! who and why kept; refused before anything is stored when too large or of
//! a format nido does not keep; tampered contents never served.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cases::{days_ago, today};
use crate::helpers::{
    TestApp, assert_invalid, assert_problem, spawn_app, spawn_app_with, spawn_sibling_with,
    test_now,
};

/// A multipart body by hand (the client's own encoder would hide what is
/// sent): its `Content-Type` and bytes.
pub fn multipart(fields: &[(&str, &str)], file: Option<&[u8]>) -> (String, Vec<u8>) {
    const BOUNDARY: &str = "nido-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some(file) = file {
        // The client says it is a PDF whatever it is: nido reads the content.
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// A small PDF whose bytes hold `marker`, fictional.
pub fn pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {marker}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n").into_bytes()
}

impl TestApp {
    /// POSTs a document to the family as `token`.
    pub async fn upload(
        &self,
        token: &str,
        family: &str,
        fields: &[(&str, &str)],
        file: Option<&[u8]>,
    ) -> reqwest::Response {
        let (content_type, body) = multipart(fields, file);
        self.client
            .post(self.url(&format!("/api/v1/families/{family}/documents")))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("sent")
    }

    /// Uploads a team document that must be accepted: its answer.
    pub async fn uploaded(&self, token: &str, family: &str, title: &str, file: &[u8]) -> Value {
        let response = self
            .upload(
                token,
                family,
                &[("kind", "caf"), ("title", title)],
                Some(file),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "upload");
        response.json().await.expect("json")
    }

    pub async fn delete_json(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("sent")
    }
}

/// Every file under `dir`, whole, with its path.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            files.push((path, bytes));
        }
    }
    files
}

fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// A coordinator, a social worker (id, token) who is the referent of a
/// family placed 30 days ago, another social worker off its team, and the
/// family's id and placement.
struct Setup {
    coordinator: String,
    referent: (String, String),
    stranger: String,
    family: String,
    placement: String,
}

async fn setup(app: &TestApp, name: &str) -> Setup {
    let coordinator = app.login_as("coordinator").await;
    let referent = app.staff_member(&format!("referente-{name}")).await;
    let (_, stranger) = app.staff_member(&format!("autre-{name}")).await;
    let placement = app
        .placed_family(&coordinator, name, days_ago(300), days_ago(30))
        .await;
    let family = placement["family_id"].as_str().expect("family").to_owned();
    app.assign(&coordinator, &family, &referent.0, &[]).await;
    Setup {
        coordinator,
        referent,
        stranger,
        family,
        placement: placement["id"].as_str().expect("id").to_owned(),
    }
}

#[tokio::test]
async fn a_document_is_kept_encrypted_and_read_back_whole_by_its_team_only() {
    let app = spawn_app().await;
    let Setup {
        coordinator,
        referent: (_, referent),
        stranger,
        family,
        ..
    } = setup(&app, "Papiers").await;
    let admin = app.admin_token().await;
    let marker = "ATTESTATION-CAF-FICTIVE-4711-QUOTIENT";
    let content = pdf(marker);

    let added = app
        .uploaded(&referent, &family, "Attestation CAF décembre", &content)
        .await;
    let id = added["id"].as_str().expect("id");
    assert_eq!(added["media_type"], "application/pdf");
    assert_eq!(added["confidentiality"], "team");
    assert_eq!(added["size_bytes"], content.len());
    assert_eq!(added["removed_at"], Value::Null);
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(&content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(added["sha256"], digest.as_str());

    // Read back whole, as an attachment that no cache keeps, no browser
    // sniffs or runs.
    let path = format!("/api/v1/documents/{id}/content");
    for reader in [&referent, &coordinator] {
        let response = app.get(&path, Some(reader)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "application/pdf");
        assert!(
            headers["content-disposition"]
                .to_str()
                .expect("ascii")
                .starts_with("attachment; filename=\"Attestation CAF d_cembre.pdf\""),
            "{:?}",
            headers["content-disposition"]
        );
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .expect("ascii")
                .contains("sandbox"),
        );
        assert_eq!(response.bytes().await.expect("body").as_ref(), &content[..]);
    }
    let listed = app
        .get_json(&format!("/api/v1/families/{family}/documents"), &referent)
        .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["id"], id);

    // Another team's social worker and the admin: nothing, as if it did not
    // exist; the refusals are audited.
    for outsider in [&stranger, &admin] {
        let status = app.get(&path, Some(outsider)).await.status().as_u16();
        assert!(matches!(status, 403 | 404), "{status}");
        let status = app
            .get(
                &format!("/api/v1/families/{family}/documents"),
                Some(outsider),
            )
            .await
            .status()
            .as_u16();
        assert!(matches!(status, 403 | 404), "{status}");
        let status = app
            .upload(
                outsider,
                &family,
                &[("kind", "caf"), ("title", "x")],
                Some(&content),
            )
            .await
            .status()
            .as_u16();
        assert!(matches!(status, 403 | 404), "{status}");
    }

    // A restricted document: its author's alone, not even the coordinator's.
    let restricted = app
        .upload(
            &referent,
            &family,
            &[
                ("kind", "health"),
                ("title", "Carnet de santé"),
                ("confidentiality", "restricted"),
            ],
            Some(&pdf("CARNET-DE-SANTE-FICTIF")),
        )
        .await;
    assert_eq!(restricted.status(), StatusCode::CREATED);
    let restricted: Value = restricted.json().await.expect("json");
    let restricted_path = format!(
        "/api/v1/documents/{}/content",
        restricted["id"].as_str().expect("id")
    );
    assert_eq!(
        app.get(&restricted_path, Some(&referent)).await.status(),
        StatusCode::OK
    );
    assert_problem(
        app.get(&restricted_path, Some(&coordinator)).await,
        404,
        "not_found",
    )
    .await;
    let seen = app
        .get_json(
            &format!("/api/v1/families/{family}/documents"),
            &coordinator,
        )
        .await;
    assert_eq!(seen.as_array().map(Vec::len), Some(1), "{seen}");

    // Every content read is audited, and so are the refusals.
    let actions = app.audit_actions(&admin, &family).await;
    let reads = actions.iter().filter(|a| *a == "document.read").count();
    assert_eq!(reads, 3, "{actions:?}");
    assert!(actions.iter().any(|a| a == "document.create"));
    assert!(
        actions.iter().any(|a| a.ends_with("access_denied")),
        "{actions:?}"
    );

    // Taken off the family's team, she loses its documents with it.
    let me = app.get_json("/api/v1/me", &stranger).await;
    app.assign(&coordinator, &family, me["id"].as_str().expect("id"), &[])
        .await;
    assert_problem(app.get(&path, Some(&referent)).await, 404, "not_found").await;
    assert_eq!(
        app.get(&path, Some(&stranger)).await.status(),
        StatusCode::OK
    );

    // At rest, nothing of the plain content: not in any file of the data
    // directory (the documents, the databases and their journals), not in
    // the database.
    for (file, bytes) in files_under(&app.data_dir) {
        assert!(
            !holds(&bytes, marker.as_bytes()),
            "{} holds the plain content",
            file.display()
        );
    }
    use sea_orm::ConnectionTrait;
    let backend = app.db.get_database_backend();
    for table in ["document_contents", "documents"] {
        let rows = app
            .db
            .query_all_raw(sea_orm::Statement::from_string(
                backend,
                format!("SELECT * FROM {table}"),
            ))
            .await
            .expect("rows");
        let dump = format!("{rows:?}");
        assert!(!dump.contains(marker), "{table} holds the plain content");
    }
}

#[tokio::test]
async fn what_is_too_large_or_not_a_document_is_refused_before_anything_is_stored() {
    let app = spawn_app_with(|settings| settings.documents.max_bytes = 4096).await;
    let Setup {
        referent: (_, referent),
        family,
        ..
    } = setup(&app, "Refus").await;
    let other = app
        .placed_family(
            &app.login_as("coordinator").await,
            "Voisine",
            days_ago(200),
            days_ago(10),
        )
        .await;
    let other_family = other["family_id"].as_str().expect("family");
    let fields = [("kind", "identity"), ("title", "Carte d'identité")];

    // Over the limit: announced, or only found while reading.
    let mut large = pdf("GRAND");
    large.resize(4097, b'x');
    assert_problem(
        app.upload(&referent, &family, &fields, Some(&large)).await,
        413,
        "payload_too_large",
    )
    .await;
    let (content_type, body) = multipart(&fields, Some(&large));
    let status = chunked_post(
        &app,
        &format!("/api/v1/families/{family}/documents"),
        &referent,
        &content_type,
        &body,
    )
    .await;
    assert_eq!(
        status, 413,
        "found while reading a body of no announced length"
    );

    // Not a format nido keeps, whatever the client says it is: an HTML page
    // named scan.pdf, a text, nothing.
    for content in [
        &b"<html><script>alert(1)</script></html>"[..],
        b"bonjour",
        b"",
    ] {
        assert_problem(
            app.upload(&referent, &family, &fields, Some(content)).await,
            415,
            "unsupported_media_type",
        )
        .await;
    }
    // Not multipart at all.
    assert_problem(
        app.post(
            &format!("/api/v1/families/{family}/documents"),
            Some(&referent),
            &json!({}),
        )
        .await,
        415,
        "unsupported_media_type",
    )
    .await;
    // The form's fields, every refusal at once; a child or a placement of
    // another family.
    // Another family's id is no child of this one.
    let other_child = other["family_id"].as_str().expect("id");
    let refused = app
        .upload(
            &referent,
            &family,
            &[
                ("kind", "passport"),
                ("title", "   "),
                ("child_id", other_child),
                ("placement_id", other["id"].as_str().expect("id")),
                ("confidentiality", "secret"),
            ],
            Some(&pdf("X")),
        )
        .await;
    assert_invalid(
        refused,
        &[
            "child_id",
            "confidentiality",
            "kind",
            "placement_id",
            "title",
        ],
    )
    .await;
    assert_invalid(
        app.upload(&referent, &family, &fields, None).await,
        &["file"],
    )
    .await;
    // Another team's family: not found, before the body is read.
    assert_problem(
        app.upload(&referent, other_family, &fields, Some(&pdf("X")))
            .await,
        404,
        "not_found",
    )
    .await;

    assert!(
        app.documents.store.keys().await.expect("keys").is_empty(),
        "nothing was stored"
    );
    let listed = app
        .get_json(&format!("/api/v1/families/{family}/documents"), &referent)
        .await;
    assert_eq!(listed, json!([]));
}

/// POSTs `body` in chunks (`Transfer-Encoding: chunked`: no announced
/// length) over a plain connection; the answer's status.
async fn chunked_post(
    app: &TestApp,
    path: &str,
    token: &str,
    content_type: &str,
    body: &[u8],
) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .expect("connects");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: {content_type}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    for chunk in body.chunks(1000) {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        // The server may answer and close before the whole body is sent.
        if stream.write_all(&framed).await.is_err() {
            break;
        }
    }
    stream.write_all(b"0\r\n\r\n").await.ok();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.ok();
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"))
}

#[tokio::test]
async fn a_tampered_content_is_never_served() {
    let app = spawn_app().await;
    let Setup {
        referent: (_, referent),
        family,
        ..
    } = setup(&app, "Alteration").await;
    let added = app
        .uploaded(&referent, &family, "Avis d'imposition", &pdf("AVIS"))
        .await;
    let id: uuid::Uuid = added["id"].as_str().expect("id").parse().expect("uuid");
    let key = nido_cases::storage::ContentKey(id);
    let store = &app.documents.store;
    let mut sealed = store.get(key).await.expect("get").expect("stored");
    sealed[5] ^= 0x40;
    store.delete(key).await.expect("delete");
    store.put(key, sealed).await.expect("put back, altered");
    let path = format!("/api/v1/documents/{id}/content");
    let refused = app.get(&path, Some(&referent)).await;
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    assert_problem(refused, 409, "document_integrity").await;
    // Gone from the store altogether: refused the same way.
    store.delete(key).await.expect("delete");
    assert_problem(
        app.get(&path, Some(&referent)).await,
        409,
        "document_integrity",
    )
    .await;
}

#[tokio::test]
async fn a_document_is_removed_by_its_author_within_a_day_or_a_coordinator_and_its_row_says_why() {
    let app = spawn_app().await;
    let Setup {
        coordinator,
        referent: (referent_id, referent),
        family,
        ..
    } = setup(&app, "Retrait").await;
    let first = app
        .uploaded(&referent, &family, "Erreur de famille", &pdf("UN"))
        .await;
    let second = app
        .uploaded(&referent, &family, "Bulletin de salaire", &pdf("DEUX"))
        .await;
    let path = |doc: &Value| format!("/api/v1/documents/{}", doc["id"].as_str().expect("id"));

    assert_invalid(
        app.delete_json(&path(&first), &referent, &json!({"reason": " "}))
            .await,
        &["reason"],
    )
    .await;
    let removed = app
        .delete_json(
            &path(&first),
            &referent,
            &json!({"reason": "Déposé dans le mauvais dossier"}),
        )
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    let removed: Value = removed.json().await.expect("json");
    assert_eq!(removed["removed_by"], referent_id.as_str());
    assert_eq!(removed["removal_reason"], "Déposé dans le mauvais dossier");
    assert!(removed["removed_at"].is_string());
    let id: uuid::Uuid = first["id"].as_str().expect("id").parse().expect("uuid");
    assert_eq!(
        app.documents
            .store
            .get(nido_cases::storage::ContentKey(id))
            .await
            .expect("get"),
        None,
        "the content is erased for good"
    );
    assert_problem(
        app.get(&format!("{}/content", path(&first)), Some(&coordinator))
            .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.delete_json(&path(&first), &coordinator, &json!({"reason": "encore"}))
            .await,
        404,
        "not_found",
    )
    .await;
    let listed = app
        .get_json(
            &format!("/api/v1/families/{family}/documents"),
            &coordinator,
        )
        .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "the row stays");
    assert_eq!(
        listed[1]["removal_reason"],
        "Déposé dans le mauvais dossier"
    );

    // A day and a second later, on a server whose clock says so: the author
    // may no longer; a coordinator may.
    let later = spawn_sibling_with(&app, |settings| {
        settings.testing.now = Some(test_now() + Duration::hours(24) + Duration::seconds(1));
    })
    .await;
    // The sessions of yesterday have ended: signed in again.
    let referent = later
        .token_for("referente-Retrait@nido.example", crate::helpers::PASSWORD)
        .await;
    let coordinator = later.login_as("coordinator").await;
    assert_problem(
        later
            .delete_json(&path(&second), &referent, &json!({"reason": "trop tard"}))
            .await,
        403,
        "forbidden",
    )
    .await;
    let removed = later
        .delete_json(&path(&second), &coordinator, &json!({"reason": "Doublon"}))
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    let admin = app.admin_token().await;
    let actions = app.audit_actions(&admin, &family).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "document.delete").count(),
        2,
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_signed_contract_records_the_signature_once_and_two_instances_serve_each_other_s_documents()
 {
    let app = spawn_app().await;
    let Setup {
        coordinator,
        referent: (_, referent),
        family,
        placement,
        ..
    } = setup(&app, "Signature").await;
    let contract = format!("/api/v1/placements/{placement}/contract");
    assert_eq!(
        app.get_json(&contract, &coordinator).await["signed_on"],
        Value::Null
    );
    let signed = app
        .upload(
            &referent,
            &family,
            &[
                ("kind", "signed_contract"),
                ("title", "Contrat de séjour signé"),
            ],
            Some(&pdf("SIGNE")),
        )
        .await;
    assert_eq!(signed.status(), StatusCode::CREATED);
    let recorded = app.get_json(&contract, &coordinator).await;
    assert_eq!(recorded["signed_on"], json!(today()));
    assert_eq!(recorded["delivered_on"], json!(today()));
    assert_eq!(recorded["kind"], "contrat_de_sejour");

    // A second scan a day later changes nothing: the signature was there.
    let later = spawn_sibling_with(&app, |settings| {
        settings.testing.now = Some(test_now() + Duration::days(1));
    })
    .await;
    let referent_later = later
        .token_for("referente-Signature@nido.example", crate::helpers::PASSWORD)
        .await;
    let coordinator_later = later.login_as("coordinator").await;
    let again = later
        .upload(
            &referent_later,
            &family,
            &[
                ("kind", "signed_contract"),
                ("title", "Contrat signé, autre scan"),
                ("placement_id", &placement),
            ],
            Some(&pdf("SIGNE-2")),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    let again: Value = again.json().await.expect("json");
    assert_eq!(
        later.get_json(&contract, &coordinator_later).await["signed_on"],
        json!(today())
    );

    // The other instance serves what this one stored, and back.
    let signed: Value = signed.json().await.expect("json");
    for (server, token, document) in [
        (&later, &referent_later, &signed),
        (&app, &referent, &again),
    ] {
        let response = server
            .get(
                &format!(
                    "/api/v1/documents/{}/content",
                    document["id"].as_str().expect("id")
                ),
                Some(token),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_start_sweeps_the_contents_a_crash_left_and_keeps_every_document_s() {
    let app = spawn_app().await;
    let Setup {
        coordinator,
        referent: (_, referent),
        family,
        ..
    } = setup(&app, "Balayage").await;
    let kept = app
        .uploaded(&referent, &family, "Quittance de loyer", &pdf("GARDE"))
        .await;
    let removed = app
        .uploaded(&referent, &family, "Erreur", &pdf("RETIRE"))
        .await;
    let removed_id: uuid::Uuid = removed["id"].as_str().expect("id").parse().expect("uuid");
    let response = app
        .delete_json(
            &format!("/api/v1/documents/{removed_id}"),
            &coordinator,
            &json!({"reason": "Erreur"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // What a crash leaves: a content stored before its row was written, and
    // a removed document's content not yet erased.
    let store = &app.documents.store;
    let orphan = nido_cases::storage::ContentKey(uuid::Uuid::now_v7());
    store
        .put(orphan, b"sealed bytes".to_vec())
        .await
        .expect("put");
    store
        .put(
            nido_cases::storage::ContentKey(removed_id),
            b"sealed bytes".to_vec(),
        )
        .await
        .expect("put");
    let restarted = crate::helpers::spawn_sibling(&app).await;
    let kept_id: uuid::Uuid = kept["id"].as_str().expect("id").parse().expect("uuid");
    assert_eq!(
        restarted.documents.store.keys().await.expect("keys"),
        vec![nido_cases::storage::ContentKey(kept_id)]
    );
    let content = restarted
        .get(
            &format!("/api/v1/documents/{kept_id}/content"),
            Some(&referent),
        )
        .await;
    assert_eq!(content.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_export_holds_the_team_s_documents_and_their_files_in_its_archive() {
    let app = spawn_app().await;
    let Setup {
        coordinator,
        referent: (_, referent),
        family,
        ..
    } = setup(&app, "Export").await;
    let shared = pdf("QUITTANCE-FICTIVE");
    let kept = app.uploaded(&referent, &family, "Quittance", &shared).await;
    let removed = app
        .uploaded(&referent, &family, "Erreur", &pdf("ERREUR"))
        .await;
    let response = app
        .delete_json(
            &format!("/api/v1/documents/{}", removed["id"].as_str().expect("id")),
            &coordinator,
            &json!({"reason": "Erreur de dossier"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let restricted = app
        .upload(
            &referent,
            &family,
            &[
                ("kind", "health"),
                ("title", "Note de santé"),
                ("confidentiality", "restricted"),
            ],
            Some(&pdf("RESTREINT")),
        )
        .await;
    assert_eq!(restricted.status(), StatusCode::CREATED);

    let export = app
        .get_json(&format!("/api/v1/families/{family}/export"), &coordinator)
        .await;
    let documents = export["documents"].as_array().expect("documents");
    let titles: Vec<&str> = documents
        .iter()
        .map(|d| d["title"].as_str().expect("title"))
        .collect();
    assert_eq!(
        titles,
        ["Quittance", "Erreur"],
        "the team's, oldest first; no restricted one"
    );
    assert_eq!(documents[0]["added_by"], "social_worker");
    assert_eq!(documents[1]["file_name"], Value::Null);
    assert!(documents[1]["removed_at"].is_string());

    let response = app
        .get(
            &format!("/api/v1/families/{family}/export?format=zip"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.expect("body");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut names: Vec<String> = (0..archive.len())
        .map(|index| {
            archive
                .by_index(index)
                .expect("entry")
                .name()
                .expect("name")
                .into_owned()
        })
        .collect();
    names.sort();
    let file_name = documents[0]["file_name"].as_str().expect("name");
    assert_eq!(names, [file_name, "dossier.html", "dossier.json"]);
    let mut read = |name: &str| {
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut archive.by_name(name).expect("entry"), &mut content)
            .expect("read");
        content
    };
    assert_eq!(read(file_name), shared);
    let json: Value = serde_json::from_slice(&read("dossier.json")).expect("json");
    assert_eq!(json["documents"], export["documents"]);
    assert!(
        String::from_utf8(read("dossier.html"))
            .expect("utf-8")
            .contains("Quittance")
    );
    assert_eq!(kept["id"], documents[0]["id"]);
}
