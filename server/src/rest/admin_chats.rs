//! Staff's side: `/api/admin/chats...`: the list, one chat (recording the view), replies and
//! archiving.

use app::{
    error::AppError,
    model::{AdminSupportChat, SenderType, SupportChatListItem, SupportMessage},
    server::{auth::current_user::AdminUser, chats, state::AppState},
};
use axum::{Json, body::Bytes, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};

use super::{
    body,
    extract::{ApiQuery, PageQuery, PathId},
    support_chat::NewMessage,
};

/// `?archived=true|false`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    #[serde(default)]
    archived: bool,
}

/// `GET /api/admin/chats`: active (or archived) chats, newest activity first.
pub(crate) async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<SupportChatListItem>>, AppError> {
    Ok(Json(
        chats::list_for_admin(&state.db, query.archived).await?,
    ))
}

/// `GET /api/admin/chats/{id}`: the chat with its newest page of messages; records the view.
pub(crate) async fn show(
    State(state): State<AppState>,
    _admin: AdminUser,
    PathId(chat_id): PathId,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<AdminSupportChat>, AppError> {
    let (at, limit) = query.page()?;
    Ok(Json(
        chats::admin_view(&state.db, chat_id, at, limit).await?,
    ))
}

/// `POST /api/admin/chats/{id}/messages`: a staff reply.
pub(crate) async fn reply(
    State(state): State<AppState>,
    _admin: AdminUser,
    PathId(chat_id): PathId,
    body: Bytes,
) -> Result<(StatusCode, Json<SupportMessage>), AppError> {
    let NewMessage { content } = body::json(&body)?;
    let posted = chats::post_message(&state.db, chat_id, SenderType::Admin, &content).await?;
    Ok((StatusCode::CREATED, Json(posted.message.into())))
}

/// A chat's archive state after archiving or restoring it.
#[derive(Debug, Serialize)]
pub(crate) struct ArchiveState {
    id: uuid::Uuid,
    archived: bool,
}

/// `POST /api/admin/chats/{id}/archive`.
pub(crate) async fn archive(
    State(state): State<AppState>,
    _admin: AdminUser,
    PathId(chat_id): PathId,
) -> Result<Json<ArchiveState>, AppError> {
    let chat = chats::archive(&state.db, chat_id).await?;
    Ok(Json(ArchiveState {
        id: chat.id,
        archived: true,
    }))
}

/// `POST /api/admin/chats/{id}/unarchive`.
pub(crate) async fn unarchive(
    State(state): State<AppState>,
    _admin: AdminUser,
    PathId(chat_id): PathId,
) -> Result<Json<ArchiveState>, AppError> {
    let chat = chats::unarchive(&state.db, chat_id).await?;
    Ok(Json(ArchiveState {
        id: chat.id,
        archived: false,
    }))
}
