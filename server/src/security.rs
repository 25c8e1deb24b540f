//! Request guards in front of the routes: cross-site request forgery, the widget's CORS policy,
//! and the staff-only pages.

use app::http::{current_user, state::AppState};
use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Redirect, Response},
};
use wire::error::AppError;

/// Path prefix of the endpoints the embeddable widget calls from other origins.
pub(crate) const WIDGET_API: &str = "/api/widget/";

/// Refuses state-changing requests a browser sent from another site, so a page elsewhere
/// cannot act with (or plant) a visitor's session cookie. Browsers mark such requests with
/// `Sec-Fetch-Site`, or at least `Origin`; requests with neither come from non-browser clients,
/// which hold no victim's cookies. Bearer-authenticated requests and the widget API ignore
/// cookies, so they are not at risk and are left to CORS.
pub(crate) async fn reject_cross_site_posts(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let headers = request.headers();
    if safe
        || headers.contains_key(header::AUTHORIZATION)
        || request.uri().path().starts_with(WIDGET_API)
    {
        return next.run(request).await;
    }
    let cross_site = match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => !matches!(site, "same-origin" | "none"),
        None => headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|origin| !is_own_origin(origin, headers, &state.auth.public_origin)),
    };
    if cross_site {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        return AppError::forbidden("cross-site requests may not change anything here")
            .into_response();
    }
    next.run(request).await
}

/// Whether `origin` is this server: the configured public origin, or the host the request was
/// addressed to (so a mis-set public URL does not lock out same-origin forms).
fn is_own_origin(origin: &str, headers: &HeaderMap, public_origin: &str) -> bool {
    if origin.eq_ignore_ascii_case(public_origin) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin.split_once("://"), host) {
        (Some((_, origin_host)), Some(host)) => origin_host.eq_ignore_ascii_case(host),
        _ => false,
    }
}

/// Whether `origin` is one of Confab's own pages (whose sockets may authenticate by cookie).
pub(crate) fn is_own_page(origin: &str, headers: &HeaderMap, state: &AppState) -> bool {
    is_own_origin(origin, headers, &state.auth.public_origin)
}

/// Whether a page of `origin` may open the WebSocket: this server's own pages, and the
/// embedding sites in `CONFAB_WIDGET_ORIGINS`.
pub(crate) fn origin_may_connect(origin: &str, headers: &HeaderMap, state: &AppState) -> bool {
    is_own_origin(origin, headers, &state.auth.public_origin)
        || state
            .auth
            .widget_origins
            .iter()
            .any(|o| o.eq_ignore_ascii_case(origin))
}

/// CORS for the widget API: origins in `CONFAB_WIDGET_ORIGINS` (and the app itself) are
/// answered, with preflights; any other origin is refused with a message naming the setting.
pub(crate) async fn widget_cors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(origin) = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return next.run(request).await;
    };
    if is_own_origin(&origin, request.headers(), &state.auth.public_origin) {
        return next.run(request).await;
    }
    let allowed = state
        .auth
        .widget_origins
        .iter()
        .any(|o| o.eq_ignore_ascii_case(&origin));
    if !allowed {
        return AppError::forbidden(format!(
            "the origin {origin} may not use this Confab widget; add it to CONFAB_WIDGET_ORIGINS"
        ))
        .into_response();
    }
    let Ok(allow_origin) = HeaderValue::from_str(&origin) else {
        return AppError::bad_request("malformed Origin header").into_response();
    };
    let mut response = if request.method() == Method::OPTIONS {
        let mut preflight = StatusCode::NO_CONTENT.into_response();
        let headers = preflight.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PATCH, PUT, DELETE"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        preflight
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    response
}

/// Staff pages (`/admin`, `/admin/...`): signed-out people are sent to sign in and come back;
/// signed-in non-staff get 403. The data behind the pages checks again on every call.
pub(crate) async fn guard_admin_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if !app::http::is_staff_page(path) || request.method() != Method::GET {
        return next.run(request).await;
    }
    match current_user::authenticate(request.headers(), &state).await {
        Ok(Some(user)) if user.is_staff() => next.run(request).await,
        Ok(Some(_)) => (StatusCode::FORBIDDEN, Html(FORBIDDEN_PAGE)).into_response(),
        Ok(None) | Err(AppError::Unauthorized { .. }) => {
            Redirect::to(&format!("/signin?next={}", encode_path(path))).into_response()
        }
        Err(err) => err.into_response(),
    }
}

const FORBIDDEN_PAGE: &str = r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Staff only · Confab</title><link rel="stylesheet" href="/pkg/confab.css"><link rel="icon" href="/favicon.ico"></head><body><main class="page narrow"><h1>Staff only</h1><p>This page is for the support team. You are signed in with an account that is not staff.</p><p><a href="/">Back to the start page</a></p></main></body></html>"#;

/// Percent-encodes a path for use as a query value.
fn encode_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_origin_is_the_public_one_or_the_addressed_host() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("localhost:3000"));
        let public = "http://127.0.0.1:3000";
        assert!(is_own_origin("http://127.0.0.1:3000", &headers, public));
        assert!(is_own_origin("http://localhost:3000", &headers, public));
        assert!(!is_own_origin("https://evil.example", &headers, public));
        assert!(!is_own_origin("null", &headers, public));
    }

    #[test]
    fn paths_are_encoded_for_query_strings() {
        assert_eq!(encode_path("/admin/chats"), "/admin/chats");
        assert_eq!(encode_path("/admin/a b&c"), "/admin/a%20b%26c");
    }
}
