//! The one HTTP router: probes, server-rendered pages, server functions and static assets.

use app::{App, server::state::AppState, shell};
use axum::{Router, routing::get};
use leptos_axum::{LeptosRoutes, generate_route_list};

use crate::health;

/// Builds the router production serves; tests build the same one.
pub fn build_router(state: AppState) -> Router {
    let page_routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        // Pages and every `#[server]` function; both see `AppState` through context.
        .leptos_routes(&state, page_routes, move || shell(options.clone()))
        // Files under the site root (wasm, js, css, favicon), else a rendered 404 page.
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
}
