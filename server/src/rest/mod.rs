//! The public REST API under `/api`: JSON in and out, errors as
//! `{ "error": { "code", "message" } }`. Authentication is the same cookie-or-bearer rule as
//! everywhere (`app::http::current_user`).

mod admin_chats;
mod attachments;
mod body;
mod error_body;
mod extract;
mod labels;
mod me;
mod notes;
mod openapi;
mod replies;
mod reply_emails;
mod staff;
mod support_chat;
mod widget;

use std::sync::Arc;

use app::http::state::AppState;
use axum::{
    Json, Router, middleware,
    routing::{any, get},
};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};
use wire::error::AppError;

use crate::security;

/// Every `/api` route, each registered with its OpenAPI entry, with the widget's CORS policy on
/// the endpoints embedding sites call; and `GET /api/openapi.json` describing exactly them.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let widget_cors = middleware::from_fn_with_state(state.clone(), security::widget_cors);
    // The user's chat and the widget's identity are called from embedding sites too, with a
    // bearer token.
    let (cross_origin, cross_origin_paths) = OpenApiRouter::new()
        .routes(routes!(widget::start_session, widget::end_session))
        .routes(routes!(widget::update_visitor))
        .routes(routes!(support_chat::show))
        .routes(routes!(support_chat::poll, support_chat::post))
        .routes(routes!(support_chat::mark_read))
        .routes(routes!(attachments::upload_for_user))
        .split_for_parts();
    // The 405 fallback goes in before the layer, so preflights (OPTIONS) still reach CORS.
    let cross_origin = cross_origin
        .method_not_allowed_fallback(wrong_method)
        .layer(widget_cors);
    let (same_origin, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(me::show))
        .routes(routes!(staff::list))
        .routes(routes!(admin_chats::list))
        .routes(routes!(admin_chats::show))
        .routes(routes!(admin_chats::reply))
        .routes(routes!(attachments::upload_for_staff))
        .routes(routes!(notes::post))
        .routes(routes!(labels::set_on_chat))
        .routes(routes!(labels::list, labels::create))
        .routes(routes!(labels::change, labels::delete))
        .routes(routes!(replies::list, replies::create))
        .routes(routes!(replies::change, replies::delete))
        .routes(routes!(admin_chats::archive))
        .routes(routes!(admin_chats::unarchive))
        .routes(routes!(admin_chats::assign))
        .routes(routes!(admin_chats::snooze))
        .routes(routes!(admin_chats::resolve))
        .routes(routes!(admin_chats::reopen))
        .routes(routes!(staff::change))
        .routes(routes!(reply_emails::failed))
        .split_for_parts();
    document.merge(cross_origin_paths);
    let document = Arc::new(openapi::finish(document));
    same_origin
        .route(
            "/api/openapi.json",
            get(move || {
                let document = Arc::clone(&document);
                async move { Json(document) }
            }),
        )
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
