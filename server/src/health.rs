//! Probes for operators and orchestrators: `/healthz` (the process answers) and `/readyz`
//! (the database answers too).

use app::http::state::AppState;
use axum::{Json, extract::State, http::StatusCode};
use serde_json::{Value, json};

/// The process is alive and serving HTTP.
pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready to serve requests: the database answers a ping.
pub(crate) async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ok" }))),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "reason": "database unreachable" })),
            )
        }
    }
}
