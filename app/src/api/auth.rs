//! Sign-up, sign-in and sign-out for the hosted app, and who is signed in.
#![expect(
    missing_docs,
    reason = "#[server] generates argument structs whose fields cannot carry doc comments"
)]

use leptos::prelude::*;

use wire::{error::AppError, model::UserProfile};

/// Creates an account, signs it in (session cookie) and returns it.
///
/// # Errors
/// 422 for invalid input, 409 when the email is taken, 429 past the sign-ups allowed per
/// address, 503 when the server is busy hashing passwords.
#[server(prefix = "/rpc", endpoint = "auth/sign_up")]
pub async fn sign_up(
    email: String,
    name: Option<String>,
    password: String,
) -> Result<UserProfile, AppError> {
    use super::request::{answer, parts};
    use crate::http::current_user::client_addr;
    use domain::auth::accounts;

    answer(
        async {
            let state = crate::http::state::AppState::from_context()?;
            let client = client_addr(&parts()?);
            let user = accounts::sign_up(
                &state.db,
                &state.limits,
                client,
                &email,
                name.as_deref(),
                &password,
            )
            .await?;
            start_browser_session(&state, &user).await?;
            Ok(user.into())
        }
        .await,
    )
}

/// Checks email and password and starts a browser session.
///
/// # Errors
/// 401 "wrong email or password" (the same for an unknown email), 429 after too many failed
/// attempts, 503 when the server is busy hashing passwords.
#[server(prefix = "/rpc", endpoint = "auth/sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<UserProfile, AppError> {
    use super::request::{answer, parts};
    use crate::http::current_user::client_addr;
    use domain::auth::accounts;

    answer(
        async {
            let state = crate::http::state::AppState::from_context()?;
            let client = client_addr(&parts()?);
            let user =
                accounts::sign_in(&state.db, &state.limits, client, &email, &password).await?;
            start_browser_session(&state, &user).await?;
            Ok(user.into())
        }
        .await,
    )
}

/// Ends the browser session (the token stops working at once) and clears the cookie.
///
/// # Errors
/// Only internal errors; signing out while signed out is fine.
#[server(prefix = "/rpc", endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::request::{answer, parts, set_cookie};
    use crate::http::current_user;
    use domain::auth::sessions;

    answer(
        async {
            let state = crate::http::state::AppState::from_context()?;
            let parts = parts()?;
            if let Some(token) =
                current_user::session_cookie(&parts.headers, state.auth.cookie_name())
            {
                sessions::revoke(&state.db, &state.effects, token).await?;
            }
            set_cookie(&current_user::clear_session_cookie_header(&state))
        }
        .await,
    )
}

/// The signed-in user, or `None`. An invalid or expired session reads as signed out.
///
/// # Errors
/// Only internal errors.
#[server(prefix = "/rpc", endpoint = "auth/me")]
pub async fn get_current_user() -> Result<Option<UserProfile>, AppError> {
    use super::request::{answer, current_user};

    answer(
        async {
            let state = crate::http::state::AppState::from_context()?;
            match current_user(&state).await {
                Ok(user) => Ok(user.map(Into::into)),
                Err(AppError::Unauthorized { .. }) => Ok(None),
                Err(err) => Err(err),
            }
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub(super) async fn start_browser_session(
    state: &crate::http::state::AppState,
    user: &domain::entities::user::Model,
) -> Result<(), AppError> {
    use crate::http::current_user;
    use domain::{auth::sessions, entities::session::SessionKind};

    let token = sessions::issue(&state.db, user.id, SessionKind::Browser).await?;
    super::request::set_cookie(&current_user::session_cookie_header(state, token.expose()))
}
