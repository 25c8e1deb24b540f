//! Public, unauthenticated server functions about the running service.

use leptos::prelude::*;

use wire::{error::AppError, model::AppStatus};

/// The server's version and database backend, after checking the database answers.
///
/// # Errors
/// Fails when the database cannot be reached.
#[server(prefix = "/rpc", endpoint = "app_status")]
pub async fn get_app_status() -> Result<AppStatus, AppError> {
    let state = crate::http::state::AppState::from_context()?;
    Ok(domain::status::app_status(&state.db).await?)
}
