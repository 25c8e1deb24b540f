//! The public REST API under `/api`: JSON in and out, errors as
//! `{ "error": { "code", "message" } }`. Authentication is the same cookie-or-bearer rule as
//! everywhere (`app::server::auth::current_user`).

mod admin_chats;
mod body;
mod error_body;
mod extract;
mod me;
mod openapi;
mod staff;
mod support_chat;
mod widget;

use app::{error::AppError, server::state::AppState};
use axum::{
    Router, middleware,
    routing::{any, get, patch, post},
};

use crate::security;

/// Every `/api` route, with the widget's CORS policy on the widget endpoints.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let widget_cors = middleware::from_fn_with_state(state.clone(), security::widget_cors);
    let widget = Router::new()
        .route("/session", post(widget::start_session))
        .route("/visitor", patch(widget::update_visitor));
    // The user's chat is called from embedding sites too, with a bearer token.
    let support_chat = Router::new()
        .route("/", get(support_chat::show))
        .route(
            "/messages",
            get(support_chat::poll).post(support_chat::post),
        )
        .route("/mark_read", patch(support_chat::mark_read));
    // The 405 fallback goes in before the layer, so preflights (OPTIONS) still reach CORS.
    let cross_origin = Router::new()
        .nest(security::WIDGET_API.trim_end_matches('/'), widget)
        .nest("/api/support_chat", support_chat)
        .method_not_allowed_fallback(wrong_method)
        .layer(widget_cors);
    let admin_chats = Router::new()
        .route("/", get(admin_chats::list))
        .route("/{id}", get(admin_chats::show))
        .route("/{id}/messages", post(admin_chats::reply))
        .route("/{id}/archive", post(admin_chats::archive))
        .route("/{id}/unarchive", post(admin_chats::unarchive));
    Router::new()
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/me", get(me::show))
        .route("/api/admin/staff", get(staff::list))
        .nest("/api/admin/chats", admin_chats)
        .method_not_allowed_fallback(wrong_method)
        .merge(cross_origin)
        .route("/api/{*rest}", any(unknown_endpoint))
}

/// JSON 404 for API paths that do not exist, rather than the HTML not-found page.
async fn unknown_endpoint() -> AppError {
    AppError::not_found("no such API endpoint")
}

/// JSON 405 for a known path with the wrong method.
async fn wrong_method() -> AppError {
    AppError::MethodNotAllowed
}
