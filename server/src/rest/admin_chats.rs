//! Staff's side: `/api/admin/chats...`: the list, one chat (recording the view), replies and
//! archiving.

use app::http::{current_user::AdminUser, state::AppState};
use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::IntoResponse,
};
use domain::{chat_search::SearchTerms, chats};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wire::{
    error::AppError,
    model::{AdminSupportChat, SupportChatListItem, SupportMessage},
};

use super::{
    body::JsonBody,
    error_body::ErrorBody,
    extract::{ApiQuery, PageQuery, PathId, parse_id},
    support_chat::{NewMessage, posted_answer},
};

/// `?archived=true|false&q=WORDS&limit=N&after=ID`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    /// `true` for the archive, `false` (default) for active chats.
    #[serde(default)]
    archived: bool,
    /// Only chats whose user's email or one of whose messages holds every word (the last
    /// one as a prefix); each result carries `match_snippet`. At most 200 characters.
    #[param(max_length = 200)]
    q: Option<String>,
    /// How many chats, 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u64>,
    /// The page after this chat (the last of the previous page); the `Link` header of each
    /// page names the next one.
    #[param(value_type = Option<Uuid>)]
    after: Option<String>,
}

/// `GET /api/admin/chats`: a page of active (or archived) chats, newest activity first,
/// chats without messages last; `Link: <…>; rel="next"` (RFC 8288) when more follow.
#[utoipa::path(get, path = "/api/admin/chats", operation_id = "list_chats", tag = "staff", params(ListQuery),
    security(("cookie" = [])),
    responses((status = 200, body = Vec<SupportChatListItem>, headers(("Link" = String, description = "`<URL>; rel=\"next\"` when another page follows"))), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat (the `after` cursor)", body = ErrorBody), (status = 422, description = "Blank or oversized message, or a limit out of range", body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<impl IntoResponse, AppError> {
    let after = query
        .after
        .as_deref()
        .map(|raw| parse_id("after", raw))
        .transpose()?;
    let search = SearchTerms::parse(query.q.as_deref().unwrap_or_default())?;
    let limit = query.limit.unwrap_or(chats::DEFAULT_LIST_PAGE);
    let page =
        chats::list_for_admin(&state.db, query.archived, search.as_ref(), after, limit).await?;
    let mut headers = HeaderMap::new();
    if let Some(next) = page.next_after {
        let mut next_query = form_urlencoded::Serializer::new(String::new());
        next_query.append_pair("archived", if query.archived { "true" } else { "false" });
        if search.is_some() {
            next_query.append_pair("q", query.q.as_deref().unwrap_or_default());
        }
        next_query
            .append_pair("limit", &limit.to_string())
            .append_pair("after", &next.to_string());
        let link = format!("</api/admin/chats?{}>; rel=\"next\"", next_query.finish());
        if let Ok(value) = HeaderValue::from_str(&link) {
            headers.insert(header::LINK, value);
        }
    }
    Ok((headers, Json(page.chats)))
}

/// `GET /api/admin/chats/{id}`: the chat with its newest page of messages; records the view.
#[utoipa::path(get, path = "/api/admin/chats/{id}", operation_id = "get_chat", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat"), PageQuery), security(("cookie" = [])),
    responses((status = 200, body = AdminSupportChat), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody), (status = 422, description = "Blank or oversized message, or a limit out of range", body = ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    _admin: AdminUser,
    PathId(chat_id): PathId,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<AdminSupportChat>, AppError> {
    let (at, limit) = query.page()?;
    Ok(Json(
        chats::admin_view(&state.db, &state.effects, chat_id, at, limit).await?,
    ))
}

/// `POST /api/admin/chats/{id}/messages`: a staff reply.
#[utoipa::path(post, path = "/api/admin/chats/{id}/messages", operation_id = "reply_to_chat", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")), request_body = NewMessage,
    security(("cookie" = [])),
    responses((status = 201, description = "The new message", body = SupportMessage), (status = 200, description = "A resend: the message created earlier with this client_id", body = SupportMessage), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody), (status = 422, description = "Blank or oversized message, or a limit out of range", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody), (status = 429, description = "Over the poster's message limit; see Retry-After", body = ErrorBody)))]
pub(crate) async fn reply(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
    JsonBody(NewMessage { content, client_id }): JsonBody<NewMessage>,
) -> Result<(StatusCode, Json<SupportMessage>), AppError> {
    let posted = chats::post_message(
        &state.db,
        &state.effects,
        &state.limits,
        chat_id,
        chats::Poster::of(&staff),
        &content,
        client_id,
    )
    .await?;
    Ok(posted_answer(posted))
}

/// A chat's archive state after archiving or restoring it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ArchiveState {
    id: Uuid,
    archived: bool,
}

/// `POST /api/admin/chats/{id}/archive`.
#[utoipa::path(post, path = "/api/admin/chats/{id}/archive", operation_id = "archive_chat", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")), security(("cookie" = [])),
    responses((status = 200, body = ArchiveState), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody)))]
pub(crate) async fn archive(
    State(state): State<AppState>,
    _admin: AdminUser,
    PathId(chat_id): PathId,
) -> Result<Json<ArchiveState>, AppError> {
    let chat = chats::archive(&state.db, &state.effects, chat_id).await?;
    Ok(Json(ArchiveState {
        id: chat.id,
        archived: true,
    }))
}

/// `POST /api/admin/chats/{id}/unarchive`.
#[utoipa::path(post, path = "/api/admin/chats/{id}/unarchive", operation_id = "unarchive_chat", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")), security(("cookie" = [])),
    responses((status = 200, body = ArchiveState), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody)))]
pub(crate) async fn unarchive(
    State(state): State<AppState>,
    _admin: AdminUser,
    PathId(chat_id): PathId,
) -> Result<Json<ArchiveState>, AppError> {
    let chat = chats::unarchive(&state.db, &state.effects, chat_id).await?;
    Ok(Json(ArchiveState {
        id: chat.id,
        archived: false,
    }))
}
