//! `GET /api/admin/reply_emails/failed`: how many reply emails failed for good, so the
//! dashboard can tell staff that some users were not reached.

use app::http::{current_user::AdminUser, state::AppState};
use axum::{Json, extract::State};
use domain::reply_emails;
use serde::Serialize;
use utoipa::ToSchema;
use wire::error::AppError;

use super::error_body::ErrorBody;

/// Reply emails that gave up after every attempt.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FailedEmails {
    failed: u64,
}

/// The count of reply emails that failed for good; staff only.
#[utoipa::path(get, path = "/api/admin/reply_emails/failed", operation_id = "count_failed_reply_emails", tag = "staff", security(("cookie" = [])),
    responses((status = 200, body = FailedEmails), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody)))]
pub(crate) async fn failed(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> Result<Json<FailedEmails>, AppError> {
    let failed = reply_emails::failed_count(&state.db).await?;
    Ok(Json(FailedEmails { failed }))
}
