//! The widget's identity endpoints, called from embedding sites with a bearer token.
//!
//! `POST /api/widget/session` gives a visitor a token: a new anonymous visitor, the same one
//! again (when the current token is sent), or a verified identity (`user_id` + `user_hash`),
//! which adopts the anonymous visitor's conversation. `PATCH /api/widget/visitor` records the
//! email an anonymous visitor gives.

use app::http::{
    current_user::{self, Client, CurrentUser},
    state::AppState,
};
use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
};
use domain::{
    auth::{
        sessions, validate,
        visitors::{self, ClaimedIdentity},
    },
    entities::session::SessionKind,
    limits::Limit,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wire::{error::AppError, model::UserProfile};

use super::{
    body::{self, JsonBody, OptionalJsonBody},
    error_body::ErrorBody,
};

/// What an embedding site may send when starting a session; all optional. `user_id` and
/// `user_hash` (hex HMAC-SHA256 of `user_id` keyed with the identity secret) go together.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SessionRequest {
    // Each field may be left out but is never `null`: `null` would make "sent together"
    // ambiguous, and the document says so.
    /// The embedding site's own id for the visitor; needs `user_hash`.
    #[serde(default, deserialize_with = "body::present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00]*[^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00]*$"
    )]
    user_id: Option<String>,
    /// Their email, stored when no other account has it.
    #[serde(default, deserialize_with = "body::present")]
    #[schema(format = Email, max_length = 254, nullable = false)]
    email: Option<String>,
    /// Their display name.
    #[serde(default, deserialize_with = "body::present")]
    #[schema(max_length = 200, pattern = r"^[^\x00]*$", nullable = false)]
    name: Option<String>,
    /// Hex HMAC-SHA256 of `user_id` keyed with the identity secret; needs `user_id`.
    #[serde(default, deserialize_with = "body::present")]
    #[schema(nullable = false)]
    user_hash: Option<String>,
    /// A signed identity token instead of `user_id`/`user_hash`: a JWT (HS256, keyed with the
    /// identity secret) with `sub` (the site's id for the visitor), optional `email` and
    /// `name`, and `exp`. Its email counts as verified. Not with `user_id`, `user_hash`,
    /// `email` or `name`.
    #[serde(default, deserialize_with = "body::present")]
    #[schema(nullable = false, min_length = 1, max_length = 4096)]
    identity_token: Option<String>,
}

/// A widget session: the token to send as `Authorization: Bearer`, and who it is for.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WidgetSession {
    token: String,
    visitor: UserProfile,
}

/// Starts (or resumes) a widget session.
#[utoipa::path(post, path = "/api/widget/session", operation_id = "start_widget_session", tag = "widget",
    request_body(content = SessionRequest, description = "None (an empty body) for an anonymous visitor", content_type = "application/json"),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The presented token is still valid", body = WidgetSession),
        (status = 201, description = "A new token", body = WidgetSession),
        (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 422, description = "Blank or oversized message, or a limit out of range", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody),
        (status = 429, description = "Too many new sessions from this address", body = ErrorBody),
    ))]
pub(crate) async fn start_session(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    OptionalJsonBody(request): OptionalJsonBody<SessionRequest>,
) -> Result<(StatusCode, Json<WidgetSession>), AppError> {
    // Whatever the outcome, what was sent must be valid: nothing is silently ignored.
    if let Some(request) = &request {
        request.email.as_deref().map(validate::email).transpose()?;
        validate::name(request.name.as_deref())?;
    }
    // Only the widget's own token counts here; cookies belong to the hosted app.
    let presented = current_user::bearer_token(&headers)?;
    let current = match presented {
        Some(token) => {
            Some(sessions::authenticate_session(&state.db, token, SessionKind::Widget).await?)
        }
        None => None,
    };
    let claim = match request {
        Some(SessionRequest {
            identity_token: Some(token),
            user_id: None,
            user_hash: None,
            email: None,
            name: None,
        }) => Some(ClaimedIdentity::Token(token)),
        Some(SessionRequest {
            identity_token: Some(_),
            ..
        }) => {
            return Err(AppError::validation(
                "identity_token carries the id, email and name: send it alone",
            ));
        }
        Some(SessionRequest {
            user_id: Some(external_id),
            user_hash: Some(user_hash),
            email,
            name,
            identity_token: None,
        }) => Some(ClaimedIdentity::Hashed {
            external_id,
            email,
            name,
            user_hash,
        }),
        Some(SessionRequest {
            user_id: None,
            user_hash: None,
            ..
        })
        | None => None,
        Some(_) => {
            return Err(AppError::validation(
                "user_id and user_hash must be sent together",
            ));
        }
    };
    let visitor = match (claim, current) {
        // Resuming: the token already in hand stays valid.
        (None, Some((_, user))) => {
            return Ok((
                StatusCode::OK,
                Json(WidgetSession {
                    token: presented.unwrap_or_default().to_owned(),
                    visitor: user.into(),
                }),
            ));
        }
        (None, None) => {
            state
                .limits
                .take(Limit::VisitorSessionsPerAddress, &client.limit_key())
                .await?;
            visitors::create_anonymous(&state.db).await?
        }
        (Some(claim), current) => {
            state
                .limits
                .take(Limit::VisitorSessionsPerAddress, &client.limit_key())
                .await?;
            let secret = state.auth.identity_secret.as_ref();
            let (session, user) = current.unzip();
            let was_verified = user.as_ref().and_then(|u| u.external_id.clone());
            let verified = visitors::verify(&state.db, secret, user, claim).await?;
            match session {
                // The same verified person again (a second tab, a page load): the token in
                // hand stays theirs, and their other tabs stay connected.
                Some(session) if session.user_id == verified.id && was_verified.is_some() => {
                    // No new session: no use of the address's allowance either.
                    state
                        .limits
                        .give_back(Limit::VisitorSessionsPerAddress, &client.limit_key())
                        .await?;
                    return Ok((
                        StatusCode::OK,
                        Json(WidgetSession {
                            token: presented.unwrap_or_default().to_owned(),
                            visitor: verified.into(),
                        }),
                    ));
                }
                // The anonymous token has done its job (its row may have gone with the
                // anonymous visitor): it stops working, and its sockets close, everywhere.
                Some(session) => sessions::end(&state.db, &state.effects, session.id).await?,
                None => {}
            }
            verified
        }
    };
    let token = sessions::issue(&state.db, visitor.id, SessionKind::Widget).await?;
    Ok((
        StatusCode::CREATED,
        Json(WidgetSession {
            token: token.expose().to_owned(),
            visitor: visitor.into(),
        }),
    ))
}

/// Ends the widget session of the presented token (the element's `logout()`): the token stops
/// working and its open sockets close at once, on every instance.
#[utoipa::path(delete, path = "/api/widget/session", operation_id = "end_widget_session", tag = "widget",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The token no longer works"),
        (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody),
        (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody),
    ))]
pub(crate) async fn end_session(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    let Some(token) = current_user::bearer_token(&headers)? else {
        return Err(AppError::unauthorized(
            "the widget API takes `Authorization: Bearer <token>`",
        ));
    };
    let (session, _) =
        sessions::authenticate_session(&state.db, token, SessionKind::Widget).await?;
    sessions::end(&state.db, &state.effects, session.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an anonymous visitor may change about themselves.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VisitorUpdate {
    /// The visitor's email address.
    #[schema(format = Email, max_length = 254)]
    email: String,
}

/// Records the email an anonymous visitor gives, so replies can reach them by email.
#[utoipa::path(patch, path = "/api/widget/visitor", operation_id = "update_visitor", tag = "widget", request_body = VisitorUpdate,
    security(("bearer" = [])),
    responses((status = 200, body = UserProfile), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody),
        (status = 409, description = "The email belongs to another account", body = ErrorBody), (status = 422, description = "Blank or oversized message, or a limit out of range", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody)))]
pub(crate) async fn update_visitor(
    State(state): State<AppState>,
    headers: HeaderMap,
    CurrentUser(visitor): CurrentUser,
    JsonBody(update): JsonBody<VisitorUpdate>,
) -> Result<Json<UserProfile>, AppError> {
    if current_user::bearer_token(&headers)?.is_none() {
        return Err(AppError::unauthorized(
            "the widget API takes `Authorization: Bearer <token>`",
        ));
    }
    if visitor.password_hash.is_some() {
        return Err(AppError::forbidden(
            "accounts of the hosted app change their email there",
        ));
    }
    if visitor.external_id.is_some() {
        return Err(AppError::forbidden(
            "the embedding site provides this visitor's email",
        ));
    }
    let visitor = visitors::set_email(&state.db, visitor, &update.email).await?;
    Ok(Json(visitor.into()))
}
