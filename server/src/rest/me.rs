//! `GET /api/me`: who the credentials belong to.

use app::{model::UserProfile, server::auth::current_user::CurrentUser};
use axum::Json;

/// The signed-in user (cookie) or widget visitor (bearer).
pub(crate) async fn show(CurrentUser(user): CurrentUser) -> Json<UserProfile> {
    Json(user.into())
}
