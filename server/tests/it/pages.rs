//! Server-rendered pages, the status server function and the operator probes, over HTTP.

use reqwest::StatusCode;
use sea_orm::DatabaseBackend;
use serde_json::Value;

use crate::support::TestApp;

#[tokio::test]
async fn landing_page_is_server_rendered_and_links_the_built_site() {
    let app = TestApp::spawn().await;
    let res = app.http.get(app.at("/")).send().await.expect("GET /");
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = res.text().await.expect("body");

    assert!(
        html.contains("Live support chat you host yourself."),
        "{html}"
    );
    assert!(html.contains("/pkg/confab.css"), "stylesheet link missing");
    assert!(html.contains("/pkg/confab.js"), "hydration script missing");
    assert!(html.contains("/pkg/confab.wasm"), "wasm preload missing");
    // Rendered disabled: only hydration can make the status check usable.
    assert!(html.contains(r#"data-hydrated="false""#), "{html}");
}

#[tokio::test]
async fn unknown_paths_get_a_rendered_404() {
    let app = TestApp::spawn().await;
    let res = app
        .http
        .get(app.at("/no/such/page"))
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.expect("body").contains("Page not found"));
}

#[tokio::test]
async fn status_server_function_names_version_and_backend() {
    let app = TestApp::spawn().await;
    let res = app
        .http
        .post(app.at("/rpc/app_status"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    let expected = match app.backend() {
        DatabaseBackend::Postgres => "PostgreSQL",
        _ => "SQLite",
    };
    assert_eq!(body["database"], expected);
}

#[tokio::test]
async fn probes_report_liveness_and_database_readiness() {
    let app = TestApp::spawn().await;
    let health = app.http.get(app.at("/healthz")).send().await.expect("GET");
    assert_eq!(health.status(), StatusCode::OK);
    let ready = app.http.get(app.at("/readyz")).send().await.expect("GET");
    assert_eq!(ready.status(), StatusCode::OK);

    // The app shares this pool: closing it is the database going away.
    app.db.clone().close().await.expect("close pool");
    let ready = app.http.get(app.at("/readyz")).send().await.expect("GET");
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "unavailable");
    let health = app.http.get(app.at("/healthz")).send().await.expect("GET");
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "liveness must not depend on the database"
    );
}
