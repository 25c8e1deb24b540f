//! The files under the site root (wasm, JavaScript, CSS, the embed's loader and bundle), else a
//! rendered 404 page: leptos_axum's handler, which sends the brotli or gzip copy written at
//! build time to a browser that accepts it. Every file it sends says that its bytes depend on
//! `Accept-Encoding`, so a shared cache (a CDN, a proxy) never hands a brotli body to a browser
//! that did not ask for one, and that a browser must ask again before using its copy: the hosted
//! app's files keep their names across releases (`pkg/confab.js` and `pkg/confab.wasm` must come
//! from the same build), so a copy kept by guesswork from its age could pair an old script with
//! a new bundle. Asking again costs a 304 while the file is unchanged. The embed's files get
//! lifetimes of their own (`embed_assets`), which replace this one.

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
        Box::pin(async move { with_cache_headers(answer.await) })
    }
}

/// Adds `Vary: Accept-Encoding` and `Cache-Control: no-cache` to a file sent (not to the 404
/// page, which is never compressed nor cached).
fn with_cache_headers(mut response: Response) -> Response {
    if response.status().is_success() {
        let headers = response.headers_mut();
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}
