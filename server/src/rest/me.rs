//! `GET /api/me`: who the credentials belong to.

use app::http::current_user::CurrentUser;
use axum::Json;
use wire::model::UserProfile;

use super::error_body::ErrorBody;

/// The signed-in user (cookie) or widget visitor (bearer).
#[utoipa::path(get, path = "/api/me", operation_id = "get_me", tag = "user", security(("cookie" = []), ("bearer" = [])),
    responses((status = 200, body = UserProfile), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody)))]
pub(crate) async fn show(CurrentUser(user): CurrentUser) -> Json<UserProfile> {
    Json(user.into())
}
