//! Staff's side: `/api/admin/chats...`: the list and its views, one chat (recording the view),
//! replies, and the chat's owner and state (assign, snooze, resolve, reopen; archive and
//! unarchive are the spec's names for resolve and reopen).

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
    team::InboxView,
};

use super::{
    body::JsonBody,
    error_body::ErrorBody,
    extract::{ApiQuery, PageQuery, PathId, parse_id},
    support_chat::{NewMessage, posted_answer},
};

/// `?view=mine|unassigned|open|snoozed|resolved` or `?archived=true|false`,
/// `&q=WORDS&label=ID&limit=N&after=ID`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    /// `mine` (open chats you own), `unassigned` (open chats nobody owns), `open`, `snoozed`
    /// or `resolved`; when given, `archived` is not read. Added after the first release.
    view: Option<InboxView>,
    /// `true` for resolved (archived) chats, `false` (default) for all others, snoozed ones
    /// included.
    archived: Option<bool>,
    /// Only chats whose user's email, one of whose messages or sent files' names, or (for
    /// staff) one of whose notes holds every word (a word ending in `*` as a prefix, at most
    /// two of them; on SQLite a prefix stands for the 64 most used words it starts); each
    /// result carries `match_snippet`. At most 200 characters.
    #[param(max_length = 200)]
    q: Option<String>,
    /// Only chats carrying this label (combinable with `view` and `q`); an unknown label is
    /// 404. Added with labels.
    #[param(value_type = Option<Uuid>)]
    label: Option<String>,
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
    responses((status = 200, body = Vec<SupportChatListItem>, headers(("Link" = String, description = "`<URL>; rel=\"next\"` when another page follows"))), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat (the `after` cursor) or label", body = ErrorBody), (status = 422, description = "Blank or oversized message, or a limit out of range", body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<impl IntoResponse, AppError> {
    let scope = match (query.view, query.archived) {
        (Some(view), _) => chats::ListScope::View {
            view,
            viewer: staff.id,
        },
        (None, Some(true)) => chats::ListScope::Archived,
        (None, _) => chats::ListScope::Active,
    };
    let after = query
        .after
        .as_deref()
        .map(|raw| parse_id("after", raw))
        .transpose()?;
    let label = query
        .label
        .as_deref()
        .map(|raw| parse_id("label", raw))
        .transpose()?;
    let search = SearchTerms::parse(query.q.as_deref().unwrap_or_default())?;
    let limit = query.limit.unwrap_or(chats::DEFAULT_LIST_PAGE);
    let page =
        chats::list_for_admin(&state.db, scope, search.as_ref(), label, after, limit).await?;
    let mut headers = HeaderMap::new();
    if let Some(next) = page.next_after {
        let mut next_query = form_urlencoded::Serializer::new(String::new());
        match query.view {
            Some(view) => next_query.append_pair("view", view.as_str()),
            None => next_query.append_pair(
                "archived",
                if query.archived == Some(true) {
                    "true"
                } else {
                    "false"
                },
            ),
        };
        if search.is_some() {
            next_query.append_pair("q", query.q.as_deref().unwrap_or_default());
        }
        if let Some(label) = label {
            next_query.append_pair("label", &label.to_string());
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

/// `GET /api/admin/chats/{id}`: the chat with its newest page of messages; records the view
/// (and marks the reader's mentions in it seen).
#[utoipa::path(get, path = "/api/admin/chats/{id}", operation_id = "get_chat", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat"), PageQuery), security(("cookie" = [])),
    responses((status = 200, body = AdminSupportChat), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody), (status = 422, description = "Blank or oversized message, or a limit out of range", body = ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<AdminSupportChat>, AppError> {
    let (at, limit) = query.page()?;
    let chat = chats::admin_view(&state.db, &state.effects, chat_id, at, limit).await?;
    // Reading the chat is seeing the notes that mention the reader.
    chats::mentions::mark_seen(&state.db, staff.id, chat_id, domain::clock::now()).await?;
    Ok(Json(chat))
}

/// `POST /api/admin/chats/{id}/messages`: a staff reply.
#[utoipa::path(post, path = "/api/admin/chats/{id}/messages", operation_id = "reply_to_chat", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")), request_body = NewMessage,
    security(("cookie" = [])),
    responses((status = 201, description = "The new message", body = SupportMessage), (status = 200, description = "A resend: the message created earlier with this client_id", body = SupportMessage), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody), (status = 422, description = "Blank (without files) or oversized message, too many files, or an attachment id that is not the sender's unsent upload to this chat", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody), (status = 429, description = "Over the poster's message limit; see Retry-After", body = ErrorBody)))]
pub(crate) async fn reply(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
    JsonBody(message): JsonBody<NewMessage>,
) -> Result<(StatusCode, Json<SupportMessage>), AppError> {
    let posted = chats::post_message(
        &state.db,
        &state.effects,
        &state.limits,
        chat_id,
        chats::Poster::of(&staff),
        message.draft(),
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
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
) -> Result<Json<ArchiveState>, AppError> {
    let chat = chats::resolve(&state.db, &state.effects, chat_id, staff.id).await?;
    Ok(Json(ArchiveState {
        id: chat.id,
        archived: chat.archived,
    }))
}

/// `POST /api/admin/chats/{id}/unarchive`.
#[utoipa::path(post, path = "/api/admin/chats/{id}/unarchive", operation_id = "unarchive_chat", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")), security(("cookie" = [])),
    responses((status = 200, body = ArchiveState), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody)))]
pub(crate) async fn unarchive(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
) -> Result<Json<ArchiveState>, AppError> {
    let chat = chats::reopen(&state.db, &state.effects, chat_id, staff.id).await?;
    Ok(Json(ArchiveState {
        id: chat.id,
        archived: chat.archived,
    }))
}

/// `{"assignee_id": "<staff uuid>"}`, or `{"assignee_id": null}` for nobody.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Assignment {
    /// The active staff member who will own the chat; `null` to unassign.
    assignee_id: Option<Uuid>,
}

/// `POST /api/admin/chats/{id}/assign`: gives the chat to a colleague (or oneself), or to
/// nobody; answers the chat's list entry.
#[utoipa::path(post, path = "/api/admin/chats/{id}/assign", operation_id = "assign_chat", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")), request_body = Assignment, security(("cookie" = [])),
    responses((status = 200, body = SupportChatListItem), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody), (status = 422, description = "The assignee is not active staff", body = ErrorBody)))]
pub(crate) async fn assign(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
    JsonBody(Assignment { assignee_id }): JsonBody<Assignment>,
) -> Result<Json<SupportChatListItem>, AppError> {
    Ok(Json(
        chats::assign(&state.db, &state.effects, chat_id, staff.id, assignee_id).await?,
    ))
}

/// `{"until": "<RFC 3339>"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Snooze {
    /// When the chat reopens by itself: in the future, at most a year ahead.
    until: chrono::DateTime<chrono::Utc>,
}

/// `POST /api/admin/chats/{id}/snooze`: puts the chat away until a time (a message from the
/// user reopens it sooner); answers the chat's list entry.
#[utoipa::path(post, path = "/api/admin/chats/{id}/snooze", operation_id = "snooze_chat", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")), request_body = Snooze, security(("cookie" = [])),
    responses((status = 200, body = SupportChatListItem), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody), (status = 422, description = "`until` is not in the future or more than a year ahead", body = ErrorBody)))]
pub(crate) async fn snooze(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
    JsonBody(Snooze { until }): JsonBody<Snooze>,
) -> Result<Json<SupportChatListItem>, AppError> {
    Ok(Json(
        chats::snooze(&state.db, &state.effects, chat_id, staff.id, until).await?,
    ))
}

/// `POST /api/admin/chats/{id}/resolve`: marks the chat done (the spec's archive); answers
/// the chat's list entry.
#[utoipa::path(post, path = "/api/admin/chats/{id}/resolve", operation_id = "resolve_chat", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")), security(("cookie" = [])),
    responses((status = 200, body = SupportChatListItem), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody)))]
pub(crate) async fn resolve(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
) -> Result<Json<SupportChatListItem>, AppError> {
    Ok(Json(
        chats::resolve(&state.db, &state.effects, chat_id, staff.id).await?,
    ))
}

/// `POST /api/admin/chats/{id}/reopen`: reopens a resolved or snoozed chat; answers the
/// chat's list entry.
#[utoipa::path(post, path = "/api/admin/chats/{id}/reopen", operation_id = "reopen_chat", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")), security(("cookie" = [])),
    responses((status = 200, body = SupportChatListItem), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody)))]
pub(crate) async fn reopen(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
) -> Result<Json<SupportChatListItem>, AppError> {
    Ok(Json(
        chats::reopen(&state.db, &state.effects, chat_id, staff.id).await?,
    ))
}
