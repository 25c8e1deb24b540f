//! Saved replies: `/api/admin/replies`, the team's library. Every staff member reads and
//! searches it (`?q=`); admins write, change and delete replies.

use app::http::{current_user::AdminUser, state::AppState};
use axum::{Json, extract::State, http::StatusCode};
use domain::saved_replies::{self, Draft};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use wire::{error::AppError, replies::SavedReply};

use super::{
    body::{JsonBody, present},
    error_body::ErrorBody,
    extract::{ApiQuery, PathId},
};

/// `?q=WORDS`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplySearch {
    /// Only replies whose title, shortcut or body holds this text, whatever its case; at most
    /// 200 characters.
    #[param(max_length = 200)]
    q: Option<String>,
}

/// `{"title", "shortcut", "body"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewReply {
    /// 1 to 100 characters, not only white space, stored trimmed.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00]*[^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00]*$"
    )]
    title: String,
    /// One word of 1 to 32 characters (no white space, not starting with `/`), unique in the
    /// team whatever its case.
    #[schema(
        min_length = 1,
        max_length = 32,
        pattern = r"^[\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000/][^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    shortcut: String,
    /// 1 to 5,000 characters, not only white space, stored trimmed; `{{user.name}}`,
    /// `{{user.email}}` and `{{agent.name}}` are filled when the composer inserts it.
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"^[^\x00]*[^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00]*$"
    )]
    body: String,
}

/// `{"title", "shortcut", "body"}`, each optional.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplyChange {
    /// As in a new reply.
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00]*[^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00]*$"
    )]
    title: Option<String>,
    /// As in a new reply.
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 32,
        pattern = r"^[\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000/][^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    )]
    shortcut: Option<String>,
    /// As in a new reply.
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 5000,
        pattern = r"^[^\x00]*[^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00]*$"
    )]
    body: Option<String>,
}

/// `GET /api/admin/replies`: the library, by shortcut.
#[utoipa::path(get, path = "/api/admin/replies", operation_id = "list_replies", tag = "staff",
    params(ReplySearch), security(("cookie" = [])),
    responses((status = 200, body = Vec<SavedReply>), (status = 400, description = "Malformed query", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 422, description = "A search over 200 characters", body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    _staff: AdminUser,
    ApiQuery(ReplySearch { q }): ApiQuery<ReplySearch>,
) -> Result<Json<Vec<SavedReply>>, AppError> {
    Ok(Json(saved_replies::all(&state.db, q.as_deref()).await?))
}

/// `POST /api/admin/replies`: a new saved reply; admins only.
#[utoipa::path(post, path = "/api/admin/replies", operation_id = "create_reply", tag = "staff",
    request_body = NewReply, security(("cookie" = [])),
    responses((status = 201, body = SavedReply), (status = 400, description = "Malformed JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not an admin of the team", body = ErrorBody), (status = 409, description = "Another saved reply has that shortcut", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody), (status = 422, description = "A blank or long field, or a shortcut that is not one word", body = ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    JsonBody(NewReply {
        title,
        shortcut,
        body,
    }): JsonBody<NewReply>,
) -> Result<(StatusCode, Json<SavedReply>), AppError> {
    let draft = Draft {
        title: &title,
        shortcut: &shortcut,
        body: &body,
    };
    let reply = saved_replies::create(&state.db, &actor, draft).await?;
    Ok((StatusCode::CREATED, Json(reply)))
}

/// `PATCH /api/admin/replies/{id}`: changes a saved reply; admins only.
#[utoipa::path(patch, path = "/api/admin/replies/{id}", operation_id = "change_reply", tag = "staff",
    params(("id" = Uuid, Path, description = "The saved reply")), request_body = ReplyChange, security(("cookie" = [])),
    responses((status = 200, body = SavedReply), (status = 400, description = "Malformed id or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not an admin of the team", body = ErrorBody), (status = 404, description = "No such saved reply", body = ErrorBody), (status = 409, description = "Another saved reply has that shortcut", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody), (status = 422, description = "A blank or long field, or a shortcut that is not one word", body = ErrorBody)))]
pub(crate) async fn change(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    PathId(id): PathId,
    JsonBody(ReplyChange {
        title,
        shortcut,
        body,
    }): JsonBody<ReplyChange>,
) -> Result<Json<SavedReply>, AppError> {
    Ok(Json(
        saved_replies::update(
            &state.db,
            &actor,
            id,
            title.as_deref(),
            shortcut.as_deref(),
            body.as_deref(),
        )
        .await?,
    ))
}

/// `DELETE /api/admin/replies/{id}`: deletes a saved reply; admins only.
#[utoipa::path(delete, path = "/api/admin/replies/{id}", operation_id = "delete_reply", tag = "staff",
    params(("id" = Uuid, Path, description = "The saved reply")), security(("cookie" = [])),
    responses((status = 204, description = "Deleted"), (status = 400, description = "Malformed id", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not an admin of the team", body = ErrorBody), (status = 404, description = "No such saved reply", body = ErrorBody)))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    saved_replies::delete(&state.db, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
