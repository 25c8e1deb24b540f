//! `GET /api/admin/staff`: the support team.

use app::http::{current_user::AdminUser, state::AppState};
use axum::{Json, extract::State};
use domain::auth::accounts;
use wire::{error::AppError, model::UserProfile};

use super::error_body::ErrorBody;

/// Every staff account, oldest first; staff only.
#[utoipa::path(get, path = "/api/admin/staff", operation_id = "list_staff", tag = "staff", security(("cookie" = [])),
    responses((status = 200, body = Vec<UserProfile>), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> Result<Json<Vec<UserProfile>>, AppError> {
    let staff = accounts::list_admins(&state.db).await?;
    Ok(Json(staff.into_iter().map(Into::into).collect()))
}
