//! `POST /api/admin/chats/{id}/notes`: a private note from staff to staff in a conversation.
//! Read back in `GET /api/admin/chats/{id}` (`notes`) and live as the admin channel's
//! `new_note`; never on a user's endpoint.

use app::http::{current_user::AdminUser, state::AppState};
use axum::{Json, extract::State, http::StatusCode};
use domain::chats;
use wire::{error::AppError, notes::ChatNote};

use super::{body::JsonBody, error_body::ErrorBody, extract::PathId, support_chat::NewNote};

/// `POST /api/admin/chats/{id}/notes`: the body and its validation are a text message's.
#[utoipa::path(post, path = "/api/admin/chats/{id}/notes", operation_id = "post_note", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")), request_body = NewNote,
    security(("cookie" = [])),
    responses((status = 201, description = "The new note", body = ChatNote), (status = 200, description = "A resend: the note created earlier with this client_id", body = ChatNote), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody), (status = 422, description = "Blank or oversized note", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody), (status = 429, description = "Over the writer's message limit; see Retry-After", body = ErrorBody)))]
pub(crate) async fn post(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
    JsonBody(NewNote { content, client_id }): JsonBody<NewNote>,
) -> Result<(StatusCode, Json<ChatNote>), AppError> {
    let posted = chats::post_note(
        &state.db,
        &state.effects,
        &state.limits,
        chat_id,
        &staff,
        &content,
        client_id,
    )
    .await?;
    let status = if posted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(posted.note)))
}
