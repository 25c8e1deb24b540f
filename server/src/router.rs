//! The one HTTP router: probes, the REST API, server-rendered pages, server functions and
//! static assets, behind the request guards and the hygiene every response gets.

use app::{App, http::state::AppState, shell};
use axum::{Router, extract::DefaultBodyLimit, middleware, routing::get};
use leptos_axum::{LeptosRoutes, generate_route_list};

use crate::{
    embed_assets, files, health, http_hygiene, rest, security, socket, static_files, telemetry,
    unsubscribe,
};

/// Room in an upload's body for its multipart framing, beyond the file itself.
const MULTIPART_FRAMING_BYTES: u64 = 64 * 1024;

/// Builds the router production serves; tests build the same one.
pub fn build_router(state: AppState) -> Router {
    let page_routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    // Only uploads read bodies past `read_whole_body`'s 64 KiB: this is their whole body's
    // limit; the file's own is checked byte by byte as it arrives.
    let upload_limit = state.effects.files.settings.max_bytes + MULTIPART_FRAMING_BYTES;
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/ws", get(socket::upgrade))
        .route("/files/{id}", get(files::original))
        .route("/files/{id}/thumbnail", get(files::thumbnail))
        .route(
            "/unsubscribe",
            get(unsubscribe::confirm_page).post(unsubscribe::unsubscribe),
        )
        .merge(rest::routes(&state))
        // Pages and every `#[server]` function; both see `AppState` through context.
        .leptos_routes(&state, page_routes, move || shell(options.clone()))
        .route_layer(middleware::from_fn(telemetry::track_http))
        // Files under the site root (wasm, js, css, favicon), else a rendered 404 page.
        .fallback(static_files::files_or_not_found())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::guard_admin_pages,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::reject_cross_site_posts,
        ))
        .layer(middleware::from_fn(embed_assets::cross_site_headers))
        .layer(DefaultBodyLimit::max(
            usize::try_from(upload_limit).unwrap_or(usize::MAX),
        ))
        .layer(middleware::from_fn(http_hygiene::read_whole_body))
        .layer(middleware::from_fn(http_hygiene::security_headers))
        .with_state(state);
    telemetry::trace_layer(router)
}
