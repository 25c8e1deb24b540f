//! Staff's side: `/api/admin/chats...`: the list, one chat (recording the view), replies and
//! archiving.

use app::{
    error::AppError,
    model::{AdminSupportChat, SenderType, SupportChatListItem, SupportMessage},
    server::{
        auth::current_user::AdminUser,
        chats,
        entities::{SupportChat, User},
        state::AppState,
    },
};
use axum::{Json, body::Bytes, extract::State, http::StatusCode};
use sea_orm::EntityTrait;
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
    let chat = chats::mark_viewed_by_admin(&state.db, chat_id).await?;
    let owner = User::find_by_id(chat.user_id).one(&state.db).await?;
    let messages = chats::message_page(&state.db, chat.id, at, limit).await?;
    Ok(Json(AdminSupportChat {
        id: chat.id,
        user_id: chat.user_id,
        user_email: owner.and_then(|u| u.email),
        archived: chat.archived_at.is_some(),
        messages: messages.into_iter().map(Into::into).collect(),
    }))
}

/// `POST /api/admin/chats/{id}/messages`: a staff reply.
pub(crate) async fn reply(
    State(state): State<AppState>,
    _admin: AdminUser,
    PathId(chat_id): PathId,
    body: Bytes,
) -> Result<(StatusCode, Json<SupportMessage>), AppError> {
    let NewMessage { content } = body::json(&body)?;
    if SupportChat::find_by_id(chat_id)
        .one(&state.db)
        .await?
        .is_none()
    {
        return Err(AppError::not_found("no such chat"));
    }
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
