//! Uploads: `POST /api/support_chat/attachments` (the user's or visitor's own chat) and
//! `POST /api/admin/chats/{id}/attachments` (staff, any chat). `multipart/form-data` with one
//! part named `file`, streamed to storage; the answer is the attachment, whose `id` a message
//! then names in `attachment_ids`. These routes are exempt from the router's whole-body
//! buffering (`http_hygiene`): their bodies are read here, as they arrive.

use std::time::Duration;

use app::http::{
    current_user::{AdminUser, CurrentUser},
    state::AppState,
};
use axum::{
    Json,
    extract::{Multipart, State, multipart::MultipartRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use domain::{
    attachments::{upload, views},
    chats,
};
use utoipa::ToSchema;
use uuid::Uuid;
use wire::{attachments::Attachment, error::AppError};

use super::{error_body::ErrorBody, extract::PathId};

/// The name of the part that carries the file.
pub(crate) const FILE_PART: &str = "file";

/// How long one upload may take to arrive: 10 MB in 5 minutes is 270 kbit/s.
pub(crate) const UPLOAD_DEADLINE: Duration = Duration::from_secs(5 * 60);

/// How long the multipart body may take to reach the file's part (its headers included).
pub(crate) const PART_HEADERS_DEADLINE: Duration = Duration::from_secs(30);

/// What an upload sends.
#[derive(Debug, ToSchema)]
#[allow(
    dead_code,
    reason = "documents the multipart body; the handler streams the part"
)]
pub(crate) struct UploadForm {
    /// The file, with its name as the part's `filename`.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// `POST /api/support_chat/attachments`: a file for the caller's chat.
#[utoipa::path(post, path = "/api/support_chat/attachments", operation_id = "upload_attachment", tag = "user",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("cookie" = []), ("bearer" = [])),
    responses((status = 201, description = "The upload, ready to send with a message", body = Attachment), (status = 400, description = "Malformed multipart body, no part named `file`, or the upload broke off", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "An origin that may not embed the widget", body = ErrorBody), (status = 408, description = "The upload did not arrive in time", body = ErrorBody), (status = 413, description = "Over the size limit or a storage quota", body = ErrorBody), (status = 415, description = "Not multipart/form-data, or a file type not accepted", body = ErrorBody), (status = 422, description = "An empty file, or an image that cannot be decoded within the limits", body = ErrorBody), (status = 429, description = "Over the uploader's limit; see Retry-After", body = ErrorBody)))]
pub(crate) async fn upload_for_user(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let answer = async {
        let chat = chats::get_or_create(&state.db, user.id).await?;
        receive(&state, user.id, chat.id, multipart.map_err(not_multipart)?).await
    };
    respond(answer.await)
}

/// `POST /api/admin/chats/{id}/attachments`: a file staff send in a chat.
#[utoipa::path(post, path = "/api/admin/chats/{id}/attachments", operation_id = "upload_chat_attachment", tag = "staff",
    params(("id" = Uuid, Path, description = "The chat")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("cookie" = [])),
    responses((status = 201, description = "The upload, ready to send with a reply", body = Attachment), (status = 400, description = "Malformed id or multipart body, no part named `file`, or the upload broke off", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff", body = ErrorBody), (status = 404, description = "No such chat", body = ErrorBody), (status = 408, description = "The upload did not arrive in time", body = ErrorBody), (status = 413, description = "Over the size limit or a storage quota", body = ErrorBody), (status = 415, description = "Not multipart/form-data, or a file type not accepted", body = ErrorBody), (status = 422, description = "An empty file, or an image that cannot be decoded within the limits", body = ErrorBody), (status = 429, description = "Over the uploader's limit; see Retry-After", body = ErrorBody)))]
pub(crate) async fn upload_for_staff(
    State(state): State<AppState>,
    AdminUser(staff): AdminUser,
    PathId(chat_id): PathId,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let answer = async {
        chats::chat_for(&state.db, &staff, chat_id).await?;
        receive(&state, staff.id, chat_id, multipart.map_err(not_multipart)?).await
    };
    respond(answer.await)
}

/// 201 with the attachment; an error closes the connection, since the rest of a refused
/// body is never read.
fn respond(answer: Result<Attachment, AppError>) -> Response {
    match answer {
        Ok(attachment) => (StatusCode::CREATED, Json(attachment)).into_response(),
        Err(err) => {
            let mut response = err.into_response();
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// 415 for a body that is not `multipart/form-data`.
fn not_multipart(_: MultipartRejection) -> AppError {
    AppError::UnsupportedMediaType {
        message: format!(
            "send multipart/form-data with one part named `{FILE_PART}` holding the file"
        ),
    }
}

/// Streams the part named `file` to storage for `chat_id`, within [`UPLOAD_DEADLINE`]. The
/// upload is admitted (rate, uploads under way, quota) before a byte of it is read, and its
/// part's headers must arrive within [`PART_HEADERS_DEADLINE`].
async fn receive(
    state: &AppState,
    uploader: Uuid,
    chat_id: Uuid,
    mut multipart: Multipart,
) -> Result<Attachment, AppError> {
    let files = &state.effects.files;
    let _slot = upload::admit(&state.db, files, &state.limits, uploader).await?;
    let received = tokio::time::timeout(UPLOAD_DEADLINE, async {
        let field = tokio::time::timeout(PART_HEADERS_DEADLINE, multipart.next_field())
            .await
            .map_err(|_| AppError::RequestTimeout {
                message: format!(
                    "the file's part did not begin within {} s",
                    PART_HEADERS_DEADLINE.as_secs()
                ),
            })?
            .map_err(|err| {
                AppError::bad_request(format!("the multipart body is malformed: {err}"))
            })?;
        let Some(field) = field else {
            return Err(AppError::bad_request(format!(
                "no part named `{FILE_PART}` in the multipart body"
            )));
        };
        if field.name() != Some(FILE_PART) {
            return Err(AppError::bad_request(format!(
                "unexpected part {:?}: send one part named `{FILE_PART}` (and no other)",
                field.name().unwrap_or_default()
            )));
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let upload = upload::Upload {
            uploader,
            chat_id,
            name: &name,
        };
        upload::receive(&state.db, files, upload, field).await
    })
    .await
    .map_err(|_| AppError::RequestTimeout {
        message: format!(
            "the upload did not arrive within {} s",
            UPLOAD_DEADLINE.as_secs()
        ),
    })??;
    views::one(&state.db, files, &received).await
}
