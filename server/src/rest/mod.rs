//! The public REST API under `/api`: JSON in and out, errors as
//! `{ "error": { "code", "message" } }`. Authentication is the same cookie-or-bearer rule as
//! everywhere (`app::server::auth::current_user`).

mod body;
mod me;
mod staff;
mod widget;

use app::{error::AppError, server::state::AppState};
use axum::{
    Router, middleware,
    routing::{any, get, patch, post},
};

use crate::security;

/// Every `/api` route, with the widget's CORS policy on the widget endpoints.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let widget = Router::new()
        .route("/session", post(widget::start_session))
        .route("/visitor", patch(widget::update_visitor))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::widget_cors,
        ));
    Router::new()
        .route("/api/me", get(me::show))
        .route("/api/admin/staff", get(staff::list))
        .nest(security::WIDGET_API.trim_end_matches('/'), widget)
        .route("/api/{*rest}", any(unknown_endpoint))
}

/// JSON 404 for API paths that do not exist, rather than the HTML not-found page.
async fn unknown_endpoint() -> AppError {
    AppError::not_found("no such API endpoint")
}
