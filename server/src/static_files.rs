//! The files under the site root (wasm, JavaScript, CSS, the embed's loader and bundle), else a
//! rendered 404 page: leptos_axum's handler, which sends the brotli or gzip copy written at
//! build time to a browser that accepts it. Every file it sends says that its bytes depend on
//! `Accept-Encoding`, so a shared cache (a CDN, a proxy) never hands a brotli body to a browser
//! that did not ask for one.

use std::{future::Future, pin::Pin};

use app::{http::state::AppState, shell};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Uri, header},
    response::Response,
};

type Answer = Pin<Box<dyn Future<Output = Response> + Send>>;

/// The router's fallback: a file under the site root, else the 404 page.
pub(crate) fn files_or_not_found()
-> impl Fn(Uri, State<AppState>, Request<Body>) -> Answer + Clone + Send + Sync + 'static {
    let serve = leptos_axum::file_and_error_handler::<AppState, _>(shell);
    move |uri, state, request| {
        let answer = serve(uri, state, request);
        Box::pin(async move { varies_with_encoding(answer.await) })
    }
}

/// Adds `Vary: Accept-Encoding` to a file sent (not to the 404 page, which is never
/// compressed).
fn varies_with_encoding(mut response: Response) -> Response {
    if response.status().is_success() {
        response
            .headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}
