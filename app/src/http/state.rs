//! The state shared by every request: what handlers and server functions need to do their work.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;

use domain::{auth::settings::AuthSettings, effects::Effects, limits::Limits};

/// Built once at start-up by the server binary and cloned (cheaply) into each request.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Where the built site lives and how pages link to it.
    pub leptos_options: LeptosOptions,
    /// The connection pool.
    pub db: DatabaseConnection,
    /// How people are identified.
    pub auth: Arc<AuthSettings>,
    /// Limits per person and per client address.
    pub limits: Arc<Limits>,
    /// What writes set in motion: live events and reply emails.
    pub effects: Arc<Effects>,
}

impl AppState {
    /// The state inside a server function or a component rendered on the server.
    ///
    /// # Errors
    /// Fails only if the router was built without state, which is a wiring bug.
    pub fn from_context() -> Result<Self, wire::error::AppError> {
        use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState missing from the reactive context");
            wire::error::AppError::Internal
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
