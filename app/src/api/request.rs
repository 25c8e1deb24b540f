//! What server functions need from the request they serve: its parts, the caller, and how an
//! error becomes the HTTP status (and `Retry-After`) the REST API would answer with.

use axum::http::{HeaderValue, StatusCode, header::RETRY_AFTER, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::http::{current_user, state::AppState};
use domain::entities::user;
use wire::error::AppError;

/// The HTTP request a server function is answering.
pub(crate) fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from the reactive context");
        AppError::Internal
    })
}

/// The signed-in user, if any (same rules as the REST extractors).
pub(crate) async fn current_user(state: &AppState) -> Result<Option<user::Model>, AppError> {
    current_user::authenticate(&parts()?.headers, state).await
}

/// The state and the signed-in user.
///
/// # Errors
/// 401 when signed out.
pub(crate) async fn signed_in() -> Result<(AppState, user::Model), AppError> {
    let state = AppState::from_context()?;
    let user = current_user(&state)
        .await?
        .ok_or_else(|| AppError::unauthorized("sign in to continue"))?;
    Ok((state, user))
}

/// The state and the signed-in staff member.
///
/// # Errors
/// 401 when signed out, 403 for non-staff.
pub(crate) async fn staff() -> Result<(AppState, user::Model), AppError> {
    let (state, user) = signed_in().await?;
    let crate::http::current_user::AdminUser(staff) =
        crate::http::current_user::AdminUser::from_user(user)?;
    Ok((state, staff))
}

/// Gives an error its HTTP status (and `Retry-After`) before the server function returns it,
/// so server functions answer like the REST API does.
pub(crate) fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let (Err(err), Some(response)) = (&result, use_context::<ResponseOptions>()) {
        response.set_status(
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
        if let Some(value) = err.retry_after() {
            response.insert_header(RETRY_AFTER, value);
        }
    }
    result
}

/// Adds a `Set-Cookie` header to the server function's response.
pub(crate) fn set_cookie(value: &str) -> Result<(), AppError> {
    let value = HeaderValue::from_str(value)
        .map_err(|err| AppError::internal("invalid cookie header", err))?;
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(axum::http::header::SET_COOKIE, value);
    }
    Ok(())
}
