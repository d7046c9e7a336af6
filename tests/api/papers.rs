//! The papers nido prints (SPEC "Generated documents (PDF)"), read back as
//! a reader would: the text by `pdftotext` (poppler), the metadata by
//! `pdfinfo`. In French (dates written out, amounts with a decimal comma),
//! PDF/A-2b, the same bytes for the same data at the same instant, each
//! printing audited with its SHA-256 and its template's version.

use std::process::Command;

use chrono::{Datelike, NaiveDate};
use reqwest::StatusCode;

use crate::cases::{days_ago, today};
use crate::helpers::{TestApp, assert_problem, spawn_app_with};

/// "5 décembre 2026" ("1er" for the first), written here apart from nido's
/// own formatting.
fn french(day: NaiveDate) -> String {
    let months: Vec<&str> =
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
            .split(' ')
            .collect();
    let month = months[day.month0() as usize];
    if day.day() == 1 {
        format!("1er {month} {}", day.year())
    } else {
        format!("{} {month} {}", day.day(), day.year())
    }
}

/// Runs a poppler tool on `pdf`; its standard output. A missing tool fails
/// the test: CI installs poppler-utils.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::TempDir::new().expect("dir");
    let path = dir.path().join("paper.pdf");
    std::fs::write(&path, pdf).expect("written");
    let output = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|err| panic!("{tool} (Debian's poppler-utils) must be installed: {err}"));
    assert!(
        output.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

/// The text of a PDF, its lines joined by spaces (a sentence may wrap).
fn text_of(pdf: &[u8]) -> String {
    poppler("pdftotext", &["-enc", "UTF-8"], pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl TestApp {
    /// GETs a paper as `token`: its bytes, checked to be a PDF download.
    async fn paper(&self, path: &str, token: &str) -> Vec<u8> {
        let response = self.get(path, Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .expect("ascii")
                .starts_with("attachment; filename=\""),
        );
        assert_eq!(response.headers()["cache-control"], "no-store");
        let pdf = response.bytes().await.expect("body").to_vec();
        // To look at them: NIDO_PAPERS_DIR=dir, then pdftoppm -png.
        if let Ok(dir) = std::env::var("NIDO_PAPERS_DIR") {
            let name = path.trim_start_matches("/api/v1/").replace('/', "-");
            std::fs::write(std::path::Path::new(&dir).join(name), &pdf).expect("kept");
        }
        pdf
    }
}

#[tokio::test]
async fn the_contract_the_avenant_and_the_attestation_say_in_french_what_nido_knows() {
    let app = spawn_app_with(|settings| settings.billing.daily_rate_cents = 12_345).await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let unit = app.leased_unit(&admin, "T2 Glycines, logement 4", 3).await;
    let admitted_on = days_ago(30);
    let placement = app
        .admitted_into(
            &coordinator,
            "Nkemelu",
            Some(&unit),
            &admitted_on.to_string(),
        )
        .await;
    let placement_id = placement["id"].as_str().expect("id");
    let family_id = placement["family_id"].as_str().expect("id");
    let family = app
        .get_json(&format!("/api/v1/families/{family_id}"), &coordinator)
        .await;
    let mother = format!(
        "{} {}",
        family["mother"]["first_name"].as_str().expect("name"),
        family["mother"]["last_name"].as_str().expect("name")
    );
    let (_, stranger) = app.staff_member("etrangere").await;

    let path = format!("/api/v1/placements/{placement_id}/contract.pdf");
    let contract = app.paper(&path, &coordinator).await;
    let text = text_of(&contract);
    for expected in [
        "Contrat de séjour",
        "Centre maternel Les Tilleuls",
        &format!("Madame {mother}"),
        "née le 17 mai 2001",
        &format!("depuis le {}", french(admitted_on)),
        "Inaya Nkemelu (1er septembre 2025)",
        "T2 Glycines, logement 4, 12 rue Véron, 94140 Alfortville",
        "123,45 €",
        "31 août 2028",
        &format!("Créteil, le {}", french(today())),
        "Claire Fontaine",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} in the contract: {text}"
        );
    }
    let metadata = poppler("pdfinfo", &["-meta"], &contract);
    assert!(
        metadata.contains("<pdfaid:part>2</pdfaid:part>"),
        "{metadata}"
    );
    assert!(metadata.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    assert!(
        metadata.contains("<dc:language><rdf:Bag><rdf:li>fr"),
        "in French: {metadata}"
    );

    // The same data at the same instant: the same bytes; each printing is
    // audited with the paper's SHA-256 and its template's version.
    assert_eq!(app.paper(&path, &coordinator).await, contract);
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(&contract)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let entries = app
        .get_json(
            &format!("/api/v1/audit?family_id={family_id}&limit=200"),
            &admin,
        )
        .await;
    let printed: Vec<&str> = entries["items"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["action"] == "contract.print")
        .map(|entry| entry["resource"].as_str().expect("resource"))
        .collect();
    assert_eq!(printed.len(), 2, "{entries}");
    for resource in printed {
        assert!(resource.contains(&format!("sha256={digest}")), "{resource}");
        assert!(resource.ends_with("template=contrat/2"), "{resource}");
    }

    // A DIPC says so.
    let contract_path = format!("/api/v1/placements/{placement_id}/contract");
    let recorded = app
        .put(
            &contract_path,
            &coordinator,
            &serde_json::json!({"kind": "dipc", "delivered_on": admitted_on}),
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::OK);
    let dipc = text_of(&app.paper(&path, &coordinator).await);
    assert!(
        dipc.contains("Document individuel de prise en charge"),
        "{dipc}"
    );

    // The avenant of a renewal, and only of one.
    assert_problem(
        app.get(
            &format!("/api/v1/placements/{placement_id}/periods/2/amendment.pdf"),
            Some(&coordinator),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let period = app.renewed(&coordinator, placement_id, 1).await;
    let avenant = text_of(
        &app.paper(
            &format!("/api/v1/placements/{placement_id}/periods/2/amendment.pdf"),
            &coordinator,
        )
        .await,
    );
    let starts_on: NaiveDate = period["starts_on"]
        .as_str()
        .expect("day")
        .parse()
        .expect("day");
    for expected in [
        "Avenant n° 1",
        &format!("Madame {mother}"),
        "DEC-2026-0042",
        &format!("du {}", french(starts_on)),
    ] {
        assert!(
            avenant.contains(expected),
            "{expected:?} in the avenant: {avenant}"
        );
    }
    assert_problem(
        app.get(
            &format!("/api/v1/placements/{placement_id}/periods/1/amendment.pdf"),
            Some(&coordinator),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    // The attestation d'hébergement: who lives where since when.
    let attestation = text_of(
        &app.paper(
            &format!("/api/v1/families/{family_id}/attestation.pdf"),
            &coordinator,
        )
        .await,
    );
    for expected in [
        "Attestation d'hébergement",
        &format!("Madame {mother}"),
        &format!("depuis le {}", french(admitted_on)),
        "12 rue Véron, 94140 Alfortville",
    ] {
        assert!(
            attestation.contains(expected),
            "{expected:?} in the attestation: {attestation}"
        );
    }

    // A family not housed has nothing to attest; another team's family is
    // not found; the admin prints nothing.
    let waiting = app.refer(&coordinator, "Attente", days_ago(200)).await;
    let waiting_family = waiting["family_id"].as_str().expect("id");
    assert_problem(
        app.get(
            &format!("/api/v1/families/{waiting_family}/attestation.pdf"),
            Some(&coordinator),
        )
        .await,
        409,
        "not_housed",
    )
    .await;
    assert_problem(app.get(&path, Some(&stranger)).await, 404, "not_found").await;
    assert_problem(app.get(&path, Some(&admin)).await, 403, "forbidden").await;
}

#[tokio::test]
async fn the_activity_report_prints_its_figures_and_the_monthly_occupancy() {
    let app = spawn_app_with(|_| {}).await;
    let admin = app.admin_token().await;
    let coordinator = app.login_as("coordinator").await;
    let unit = app.leased_unit(&admin, "T1 Glycines", 2).await;
    app.admitted_into(
        &coordinator,
        "Rapport",
        Some(&unit),
        &days_ago(40).to_string(),
    )
    .await;
    let year = days_ago(40).year();
    let path = format!("/api/v1/reports/activity.pdf?year={year}");
    let report = app.paper(&path, &coordinator).await;
    let text = text_of(&report);
    for expected in [
        format!("Rapport d'activité {year}"),
        "Taux d'occupation".to_owned(),
        "Occupation mensuelle".to_owned(),
        format!("janvier {year}"),
        format!("décembre {year}"),
        "Admissions 1".to_owned(),
        "Accès au logement".to_owned(),
        "Logées au suivi à 3 mois".to_owned(),
    ] {
        assert!(
            text.contains(&expected),
            "{expected:?} in the report: {text}"
        );
    }
    assert!(
        text.split_whitespace()
            .any(|word| word.contains(',')
                && word.chars().next().is_some_and(|c| c.is_ascii_digit())),
        "a percentage with a decimal comma: {text}"
    );
    let metadata = poppler("pdfinfo", &["-meta"], &report);
    assert!(metadata.contains("<pdfaid:part>2</pdfaid:part>"));
    assert_problem(
        app.get(&path, Some(&app.login_as("staff").await)).await,
        403,
        "forbidden",
    )
    .await;
}

#[test]
fn the_french_dates_of_the_test_are_written_as_the_papers_write_them() {
    let day = NaiveDate::from_ymd_opt(2026, 12, 5).expect("day");
    assert_eq!(french(day), "5 décembre 2026");
    let first = NaiveDate::from_ymd_opt(2027, 3, 1).expect("day");
    assert_eq!(french(first), "1er mars 2027");
}
