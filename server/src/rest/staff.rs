//! `GET /api/admin/staff`: the support team.

use app::{
    error::AppError,
    model::UserProfile,
    server::{
        auth::{accounts, current_user::AdminUser},
        state::AppState,
    },
};
use axum::{Json, extract::State};

/// Every staff account, oldest first; staff only.
pub(crate) async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
) -> Result<Json<Vec<UserProfile>>, AppError> {
    let staff = accounts::list_admins(&state.db).await?;
    Ok(Json(staff.into_iter().map(Into::into).collect()))
}
