//! Finding the current user of a request: one function behind the axum extractors (REST, the
//! WebSocket upgrade) and the server functions alike. A request carrying `Authorization` is
//! authenticated by its bearer token only and its cookies are ignored; otherwise the session
//! cookie counts.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, header, request::Parts},
};

use crate::http::state::AppState;
use domain::auth::sessions;
use domain::{
    client_addr::ClientAddr,
    entities::{session::SessionKind, user},
};
use wire::error::AppError;

/// The user a request is authenticated as, if any.
///
/// # Errors
/// 401 for a malformed `Authorization` header or an invalid or expired token (a request with
/// no credentials at all is `Ok(None)`).
pub async fn authenticate(
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<user::Model>, AppError> {
    if let Some(token) = bearer_token(headers)? {
        return sessions::authenticate(&state.db, token, SessionKind::Widget)
            .await
            .map(Some);
    }
    match session_cookie(headers, state.auth.cookie_name()) {
        Some(token) => sessions::authenticate(&state.db, token, SessionKind::Browser)
            .await
            .map(Some),
        None => Ok(None),
    }
}

/// The token of an `Authorization: Bearer <token>` header, if the request has that header.
///
/// # Errors
/// 401 when `Authorization` is present but not a bearer token.
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(Some)
        .ok_or_else(|| AppError::unauthorized("Authorization must be `Bearer <token>`"))
}

/// The value of the session cookie, if the request has one.
pub fn session_cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The client of a request: what the server's client-address layer resolved (the peer, or
/// the client a trusted proxy names), else the TCP peer.
pub fn client_addr(parts: &Parts) -> ClientAddr {
    if let Some(client) = parts.extensions.get::<ClientAddr>() {
        return *client;
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| ClientAddr::from(addr.ip()))
        .unwrap_or_default()
}

/// The client of a request, for handlers: see [`client_addr`].
#[derive(Clone, Copy, Debug)]
pub struct Client(pub ClientAddr);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(client_addr(parts)))
    }
}

/// A signed-in user (cookie or bearer); 401 otherwise.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub user::Model);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        authenticate(&parts.headers, state)
            .await?
            .map(Self)
            .ok_or_else(|| AppError::unauthorized("sign in to continue"))
    }
}

/// A signed-in member of the support staff; 401 when signed out, 403 for anyone else.
#[derive(Clone, Debug)]
pub struct AdminUser(pub user::Model);

impl AdminUser {
    /// Checks a signed-in user is staff.
    ///
    /// # Errors
    /// 403 for anyone else.
    pub fn from_user(user: user::Model) -> Result<Self, AppError> {
        if user.is_staff() {
            Ok(Self(user))
        } else {
            Err(AppError::forbidden("this is for support staff only"))
        }
    }
}

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        Self::from_user(user)
    }
}

/// `Set-Cookie` value that stores a browser session token.
pub fn session_cookie_header(state: &AppState, token: &str) -> String {
    let max_age = sessions::BROWSER_SESSION_DAYS * 24 * 60 * 60;
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        state.auth.cookie_name(),
        if state.auth.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

/// `Set-Cookie` value that deletes the browser session cookie.
pub fn clear_session_cookie_header(state: &AppState) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        state.auth.cookie_name(),
        if state.auth.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn finds_the_named_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; confab_session=tok; b=2"),
        );
        assert_eq!(session_cookie(&headers, "confab_session"), Some("tok"));
        assert_eq!(session_cookie(&headers, "missing"), None);
    }
}
