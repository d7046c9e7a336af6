use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

const SNAPSHOT: &str = "docs/openapi.json";

#[tokio::test]
async fn health_probes_answer() {
    let app = spawn_app().await;
    for path in ["/health/live", "/health/ready"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["status"], "ok");
    }
}

#[tokio::test]
async fn the_openapi_document_is_served_and_describes_the_api() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let document: Value = response.json().await.expect("json");
    assert_eq!(document["openapi"], "3.1.0");
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/health/ready",
    ] {
        assert!(document["paths"][path].is_object(), "{path} is documented");
    }
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert_eq!(
        document["paths"]["/api/v1/users"]["post"]["responses"]["default"]["content"]["application/problem+json"]
            ["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
}

#[tokio::test]
async fn the_docs_page_needs_no_internet() {
    let app = spawn_app().await;
    let response = app.get("/docs/", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("html");
    assert!(html.contains("swagger-ui"), "{html}");
    for external in ["https://", "http://", "//cdn", "unpkg", "jsdelivr"] {
        assert!(!html.contains(external), "the page loads {external}");
    }
    let script = app.get("/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(
        script.status(),
        StatusCode::OK,
        "Swagger UI is served by nido itself"
    );
    let initializer = app
        .get("/docs/swagger-initializer.js", None)
        .await
        .text()
        .await
        .expect("js");
    assert!(initializer.contains("/api/v1/openapi.json"));
}

/// API changes are deliberate: the document is committed, and this test
/// fails until the snapshot is refreshed with `UPDATE_OPENAPI=1 cargo test`.
#[test]
fn the_openapi_document_matches_its_snapshot() {
    let current =
        serde_json::to_string_pretty(&nido_http::openapi_document()).expect("json") + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(SNAPSHOT, &current).expect("snapshot written");
        return;
    }
    let committed = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    assert!(
        committed == current,
        "{SNAPSHOT} is out of date: run `UPDATE_OPENAPI=1 cargo test --test api openapi` and review the diff"
    );
}
