//! The user's side of the chat: `/api/support_chat...`, for cookie sessions and widget bearer
//! tokens alike.

use app::http::{current_user::CurrentUser, state::AppState};
use axum::{Json, extract::State, http::StatusCode};
use domain::chats;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use wire::{
    error::AppError,
    model::{SupportChat, SupportMessage},
};

use super::{
    body::{self, JsonBody},
    error_body::ErrorBody,
    extract::{ApiQuery, PageQuery},
};

/// `GET /api/support_chat`: the caller's chat (created on first use) with its newest page of
/// messages, oldest first; `?before=ID` pages back.
#[utoipa::path(get, path = "/api/support_chat", operation_id = "get_support_chat", tag = "user", params(PageQuery), security(("cookie" = []), ("bearer" = [])),
    responses((status = 200, body = SupportChat), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 422, description = "Blank or oversized message, or a limit out of range", body = ErrorBody), (status = 404, description = "A cursor that is not a message of this chat", body = ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<SupportChat>, AppError> {
    let (at, limit) = query.page()?;
    Ok(Json(
        chats::user_view(&state.db, &state.effects.files, user.id, at, limit).await?,
    ))
}

/// `GET /api/support_chat/messages?after=ID`: messages newer than the cursor (polling).
#[utoipa::path(get, path = "/api/support_chat/messages", operation_id = "poll_messages", tag = "user", params(PageQuery), security(("cookie" = []), ("bearer" = [])),
    responses((status = 200, body = Vec<SupportMessage>), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 422, description = "Blank or oversized message, or a limit out of range", body = ErrorBody), (status = 404, description = "A cursor that is not a message of this chat", body = ErrorBody)))]
pub(crate) async fn poll(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Vec<SupportMessage>>, AppError> {
    let (at, limit) = query.page()?;
    Ok(Json(
        chats::user_view(&state.db, &state.effects.files, user.id, at, limit)
            .await?
            .messages,
    ))
}

/// The body of a new message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewMessage {
    /// The text: up to 5,000 characters as sent, no NUL character, stored trimmed. Not only
    /// white space, unless `attachment_ids` names files (then it may be blank or left out).
    #[serde(default)]
    #[schema(max_length = 5000, pattern = r"^[^\x00]*$")]
    pub(crate) content: String,
    /// The client's own id for this message: sending the same one again returns the message
    /// created the first time (200) instead of creating another.
    #[serde(default, deserialize_with = "body::present")]
    #[schema(nullable = false)]
    pub(crate) client_id: Option<Uuid>,
    /// Files to send with it: ids of the sender's own uploads to this chat
    /// (`POST …/attachments`) not sent yet; at most 5 unless configured. Added after the
    /// first release.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub(crate) attachment_ids: Vec<Uuid>,
}

impl NewMessage {
    /// The message as the domain takes it.
    pub(crate) fn draft(self) -> chats::Draft {
        chats::Draft {
            content: self.content,
            client_id: self.client_id,
            attachment_ids: self.attachment_ids,
        }
    }
}

/// The body of a new private note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewNote {
    /// The text: 1 to 5,000 characters as sent, not only white space, no NUL character.
    /// Stored trimmed.
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"^[^\x00]*[^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00]*$"
    )]
    pub(crate) content: String,
    /// The client's own id for this note: sending the same one again returns the note
    /// created the first time (200) instead of creating another.
    #[serde(default, deserialize_with = "body::present")]
    #[schema(nullable = false)]
    pub(crate) client_id: Option<Uuid>,
}

/// `POST /api/support_chat/messages`: the user writes.
#[utoipa::path(post, path = "/api/support_chat/messages", operation_id = "send_message", tag = "user", request_body = NewMessage,
    security(("cookie" = []), ("bearer" = [])), responses((status = 201, description = "The new message", body = SupportMessage), (status = 200, description = "A resend: the message created earlier with this client_id", body = SupportMessage), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 422, description = "Blank (without files) or oversized message, too many files, or an attachment id that is not the sender's unsent upload to this chat", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody), (status = 429, description = "Over the poster's message limit; see Retry-After", body = ErrorBody)))]
pub(crate) async fn post(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    JsonBody(message): JsonBody<NewMessage>,
) -> Result<(StatusCode, Json<SupportMessage>), AppError> {
    let chat = chats::get_or_create(&state.db, user.id).await?;
    let posted = chats::post_message(
        &state.db,
        &state.effects,
        &state.limits,
        chat.id,
        chats::Poster::user(user.id),
        message.draft(),
    )
    .await?;
    Ok(posted_answer(posted))
}

/// 201 with a new message, 200 with the one an earlier send with the same `client_id` made.
pub(crate) fn posted_answer(posted: chats::Posted) -> (StatusCode, Json<SupportMessage>) {
    let status = if posted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(posted.view()))
}

/// How many messages a mark-read call marked.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MarkedRead {
    marked_read: u64,
}

/// `PATCH /api/support_chat/mark_read`: every unread staff message becomes read.
#[utoipa::path(patch, path = "/api/support_chat/mark_read", operation_id = "mark_read", tag = "user", security(("cookie" = []), ("bearer" = [])),
    responses((status = 200, body = MarkedRead), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody)))]
pub(crate) async fn mark_read(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<MarkedRead>, AppError> {
    let chat = chats::get_or_create(&state.db, user.id).await?;
    let marked_read = chats::mark_read_by_user(&state.db, &state.effects, chat.id).await?;
    Ok(Json(MarkedRead { marked_read }))
}
