//! `/unsubscribe?user=ID&token=T`: leaving reply emails without signing in.
//!
//! A GET only shows a page with a one-click form (mail scanners follow links, so a GET must
//! change nothing); a POST unsubscribes at once, which is also what mail providers send for
//! the `List-Unsubscribe-Post: List-Unsubscribe=One-Click` header (RFC 8058).

use app::http::state::AppState;
use axum::{
    extract::{Query, State, rejection::QueryRejection},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use domain::reply_emails;
use serde::Deserialize;
use uuid::Uuid;

/// The link's query.
#[derive(Debug, Deserialize)]
pub(crate) struct Link {
    user: Uuid,
    token: String,
}

/// The confirmation page: one button, posting to the same link.
pub(crate) async fn confirm_page(link: Result<Query<Link>, QueryRejection>) -> Response {
    let Ok(Query(link)) = link else {
        return not_valid();
    };
    let action = format!(
        "/unsubscribe?user={}&token={}",
        link.user,
        escape(&link.token)
    );
    page(
        StatusCode::OK,
        "Stop reply emails?",
        &format!(
            "<p>You will no longer get an email when a support reply waits for you.</p>\
             <form method=\"post\" action=\"{action}\"><button type=\"submit\" class=\"button\">Unsubscribe</button></form>"
        ),
    )
}

/// Unsubscribes (the page's button, or a mail provider's one-click POST).
pub(crate) async fn unsubscribe(
    State(state): State<AppState>,
    link: Result<Query<Link>, QueryRejection>,
) -> Response {
    let Ok(Query(link)) = link else {
        return not_valid();
    };
    match reply_emails::unsubscribe(&state.db, link.user, &link.token).await {
        Ok(true) => page(
            StatusCode::OK,
            "You are unsubscribed",
            "<p>You will get no more reply emails. Replies still wait for you in the chat.</p>",
        ),
        Ok(false) => not_valid(),
        Err(err) => {
            tracing::error!(error = %err, "could not unsubscribe");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "<p>Please try again in a moment.</p>",
            )
        }
    }
}

/// A link with a missing, malformed or wrong user or token: nothing changes.
fn not_valid() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "This link is not valid",
        "<p>It may have been copied incompletely. Use the link in your most recent email.</p>",
    )
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/confab.css\">\
         <link rel=\"icon\" href=\"/favicon.ico\"></head>\
         <body><main class=\"page narrow\"><h1>{title}</h1>{body}</main></body></html>"
    );
    (status, Html(html)).into_response()
}

/// The token as it may appear in an attribute (it is hex when genuine, but links are input).
fn escape(text: &str) -> String {
    domain::reply_emails::compose::escape(text)
}
