//! What the OpenAPI document promises about a field on its own is what the
//! server enforces: a required text is not blank, and a whole number may be
//! written `7.0`.

use serde_json::json;

use crate::cases::{days_ago, today};
use crate::helpers::{assert_invalid, spawn_app};

#[tokio::test]
async fn a_required_text_of_spaces_is_refused_not_stored_empty() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let landlord = app
        .post(
            "/api/v1/landlords",
            Some(&admin),
            &json!({"name": " \u{c} ", "kind": "social"}),
        )
        .await;
    assert_invalid(landlord, &["name"]).await;

    let coordinator = app.login_as("coordinator").await;
    let referral = app.refer(&coordinator, "Blanc", days_ago(300)).await;
    let id = referral["id"].as_str().expect("referral id");
    let decline = app
        .post(
            &format!("/api/v1/referrals/{id}/decline"),
            Some(&coordinator),
            &json!({"reason": "\t \n"}),
        )
        .await;
    assert_invalid(decline, &["reason"]).await;
    let stored = app
        .get_json(&format!("/api/v1/referrals/{id}"), &coordinator)
        .await;
    assert_eq!(stored["status"], "pending", "{stored}");
}

#[tokio::test]
async fn a_whole_number_written_with_a_fraction_is_that_number() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let landlord = app.landlord(&admin, "Bailleur Décimal", "private").await;
    let unit = app
        .post(
            "/api/v1/units",
            Some(&admin),
            &json!({
                "landlord_id": landlord, "label": "T2 Décimal", "street": "1 rue des Chiffres",
                "postal_code": "94000", "city": "Créteil", "typology": "t2",
                "surface_m2": 41, "capacity": 3.0,
            }),
        )
        .await;
    assert_eq!(unit.status(), 201);
    let unit: serde_json::Value = unit.json().await.expect("unit");
    assert_eq!(unit["capacity"], 3);
    assert_eq!(unit["surface_m2"], 41.0);

    let fractional = app
        .post(
            &format!("/api/v1/units/{}/leases", unit["id"].as_str().expect("id")),
            Some(&admin),
            &json!({
                "starts_on": today(), "monthly_rent_cents": 65000.5,
                "monthly_charges_cents": 0, "deposit_cents": 0,
            }),
        )
        .await;
    assert_invalid(fractional, &["monthly_rent_cents"]).await;
}

/// Every `enum` in the document, by where it sits.
fn enums_in(value: &serde_json::Value, at: String, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(fields) => {
            if fields.contains_key("enum") {
                found.push(at.clone());
            }
            for (key, inner) in fields {
                enums_in(inner, format!("{at}/{key}"), found);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                enums_in(inner, format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_document_names_each_vocabulary_once_and_says_which_calls_need_no_token() {
    let app = spawn_app().await;
    let document: serde_json::Value = app
        .get("/api/v1/openapi.json", None)
        .await
        .json()
        .await
        .expect("the document");
    for (path, method) in [
        ("/api/v1/auth/login", "post"),
        ("/api/v1/calendar/{secret}.ics", "get"),
        ("/health/live", "get"),
        ("/health/ready", "get"),
    ] {
        assert_eq!(
            document["paths"][path][method]["security"],
            json!([]),
            "{method} {path} needs no token"
        );
    }
    assert_eq!(document["paths"]["/api/v1/me"]["get"].get("security"), None);
    assert_eq!(document["security"], json!([{"bearer": []}]));

    let mut found = Vec::new();
    enums_in(&document, String::new(), &mut found);
    let inline: Vec<&String> = found
        .iter()
        .filter(|at| {
            at.strip_prefix("/components/schemas/")
                .is_none_or(|name| name.contains('/'))
        })
        .collect();
    assert!(
        inline.is_empty(),
        "enums not named as components: {inline:?}"
    );
    for name in [
        "Role",
        "Profession",
        "ReferralStatus",
        "ExitDestination",
        "CsvFormat",
    ] {
        assert!(
            document["components"]["schemas"][name]["enum"].is_array(),
            "{name} is a component"
        );
    }
}
