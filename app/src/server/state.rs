//! The state shared by every request: what handlers and server functions need to do their work.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;

use super::{auth::visitors::IdentitySecret, effects::Effects, limits::Limits};

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

/// The part of the configuration that identity and sessions depend on.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// `scheme://host[:port]` of the public URL: the only origin allowed to post with cookies.
    pub public_origin: String,
    /// Whether cookies carry `Secure` and the `__Host-` prefix (the public URL is https).
    pub secure_cookies: bool,
    /// Key for verifying embedding sites' `user-hash`; `None` disables verified identities.
    pub identity_secret: Option<IdentitySecret>,
    /// Origins allowed to embed the widget and call its endpoints (exact `scheme://host[:port]`).
    pub widget_origins: Vec<String>,
}

impl AuthSettings {
    /// The browser session cookie's name. `__Host-` makes the browser refuse it unless it is
    /// Secure, host-only and Path=/, which only works over https.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-confab_session"
        } else {
            "confab_session"
        }
    }
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
