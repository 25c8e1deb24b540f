//! The state shared by every request: what handlers and server functions need to do their work.

use axum::extract::FromRef;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;

/// Built once at start-up by the server binary and cloned (cheaply) into each request.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Where the built site lives and how pages link to it.
    pub leptos_options: LeptosOptions,
    /// The connection pool.
    pub db: DatabaseConnection,
}

impl AppState {
    /// The state inside a server function or a component rendered on the server.
    ///
    /// # Errors
    /// Fails only if the router was built without state, which is a wiring bug.
    pub fn from_context() -> Result<Self, ServerFnError> {
        use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState missing from the reactive context");
            ServerFnError::new("internal error")
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
