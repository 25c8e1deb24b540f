//! The page for any path no route matches; answers with HTTP 404 when rendered on the server.

use leptos::prelude::*;

/// "Page not found", with a way back home.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }

    view! {
        <main class="page narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p>
                <a href="/">"Back to the start page"</a>
            </p>
        </main>
    }
}
