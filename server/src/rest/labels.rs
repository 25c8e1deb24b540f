//! Labels: `/api/admin/labels` (the team's labels; admins create, rename, recolour and delete
//! them) and `PUT /api/admin/chats/{id}/labels` (the labels a chat carries, set by any staff
//! member). Filtering the list by label is `GET /api/admin/chats?label=ID`.

use app::http::{current_user::AdminUser, state::AppState};
use axum::{Json, extract::State, http::StatusCode};
use domain::{chats, labels};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use wire::{error::AppError, labels::Label, model::SupportChatListItem};

use super::{
    body::{JsonBody, present},
    error_body::ErrorBody,
    extract::PathId,
};

/// `{"name": "billing", "color": "#1d4ed8"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewLabel {
    /// 1 to 50 characters, not only white space, no NUL (the pattern is a message's), stored
    /// trimmed; unique in the team whatever its case.
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\x00]*[^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00]*$"
    )]
    name: String,
    /// One of the palette's colours.
    #[schema(value_type = LabelColor)]
    color: String,
}

/// The palette a label's colour comes from.
#[derive(ToSchema)]
#[schema(as = LabelColor)]
#[expect(
    dead_code,
    reason = "only describes the palette in the OpenAPI document"
)]
pub(crate) enum LabelColor {
    #[schema(rename = "#1d4ed8")]
    Blue,
    #[schema(rename = "#047857")]
    Green,
    #[schema(rename = "#b91c1c")]
    Red,
    #[schema(rename = "#a16207")]
    Amber,
    #[schema(rename = "#7e22ce")]
    Purple,
    #[schema(rename = "#0e7490")]
    Cyan,
    #[schema(rename = "#be185d")]
    Pink,
    #[schema(rename = "#4b5563")]
    Grey,
}

/// `{"name": …, "color": …}`, each optional (neither changes nothing).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LabelChange {
    /// The new name.
    #[serde(default, deserialize_with = "present")]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\x00]*[^\x00\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\x00]*$"
    )]
    name: Option<String>,
    /// The new colour.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, value_type = Option<LabelColor>)]
    color: Option<String>,
}

/// `{"label_ids": [...]}`: every label the chat is to carry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChatLabels {
    /// At most 20 labels; an id listed twice counts once.
    #[schema(max_items = 20)]
    label_ids: Vec<Uuid>,
}

/// `GET /api/admin/labels`: the team's labels, by name.
#[utoipa::path(get, path = "/api/admin/labels", operation_id = "list_labels", tag = "staff",
    security(("cookie" = [])),
    responses((status = 200, body = Vec<Label>), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    _staff: AdminUser,
) -> Result<Json<Vec<Label>>, AppError> {
    Ok(Json(labels::all(&state.db).await?))
}

/// `POST /api/admin/labels`: a new label; admins only.
#[utoipa::path(post, path = "/api/admin/labels", operation_id = "create_label", tag = "staff",
    request_body = NewLabel, security(("cookie" = [])),
    responses((status = 201, body = Label), (status = 400, description = "Malformed JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not an admin of the team", body = ErrorBody), (status = 409, description = "Another label has that name", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody), (status = 422, description = "A blank or long name, or a colour not in the palette", body = ErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    JsonBody(NewLabel { name, color }): JsonBody<NewLabel>,
) -> Result<(StatusCode, Json<Label>), AppError> {
    let label = labels::create(&state.db, &actor, &name, &color).await?;
    Ok((StatusCode::CREATED, Json(label)))
}

/// `PATCH /api/admin/labels/{id}`: renames or recolours a label; admins only.
#[utoipa::path(patch, path = "/api/admin/labels/{id}", operation_id = "change_label", tag = "staff",
    params(("id" = Uuid, Path, description = "The label")), request_body = LabelChange, security(("cookie" = [])),
    responses((status = 200, body = Label), (status = 400, description = "Malformed id or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not an admin of the team", body = ErrorBody), (status = 404, description = "No such label", body = ErrorBody), (status = 409, description = "Another label has that name", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody), (status = 422, description = "A blank or long name, or a colour not in the palette", body = ErrorBody)))]
pub(crate) async fn change(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    PathId(id): PathId,
    JsonBody(LabelChange { name, color }): JsonBody<LabelChange>,
) -> Result<Json<Label>, AppError> {
    Ok(Json(
        labels::update(&state.db, &actor, id, name.as_deref(), color.as_deref()).await?,
    ))
}

/// `DELETE /api/admin/labels/{id}`: deletes a label, which comes off every chat; admins only.
#[utoipa::path(delete, path = "/api/admin/labels/{id}", operation_id = "delete_label", tag = "staff",
    params(("id" = Uuid, Path, description = "The label")), security(("cookie" = [])),
    responses((status = 204, description = "Deleted"), (status = 400, description = "Malformed id", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not an admin of the team", body = ErrorBody), (status = 404, description = "No such label", body = ErrorBody)))]
pub(crate) async fn delete(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    labels::delete(&state.db, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/admin/chats/{id}/labels`: the labels the chat carries from now on; answers the
/// chat's list entry. Each label added or taken off is an activity line.
#[utoipa::path(put, path = "/api/admin/chats/{id}/labels", operation_id = "set_chat_labels", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")), request_body = ChatLabels, security(("cookie" = [])),
    responses((status = 200, body = SupportChatListItem), (status = 400, description = "Malformed id or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody), (status = 422, description = "An unknown label, or more than 20", body = ErrorBody)))]
pub(crate) async fn set_on_chat(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
    JsonBody(ChatLabels { label_ids }): JsonBody<ChatLabels>,
) -> Result<Json<SupportChatListItem>, AppError> {
    Ok(Json(
        chats::set_labels(&state.db, &state.effects, chat_id, staff.id, &label_ids).await?,
    ))
}
