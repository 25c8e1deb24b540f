//! `/api/admin/staff`: the support team, and what admins change about colleagues.

use app::http::{current_user::AdminUser, state::AppState};
use axum::{Json, extract::State};
use domain::team::{directory, membership};
use serde::Deserialize;
use utoipa::ToSchema;
use wire::{error::AppError, model::Role, staff::StaffMember};

use super::{body::JsonBody, error_body::ErrorBody, extract::PathId};

/// Every staff account (active or not), oldest first; staff only.
#[utoipa::path(get, path = "/api/admin/staff", operation_id = "list_staff", tag = "staff", security(("cookie" = [])),
    responses((status = 200, body = Vec<StaffMember>), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not support staff, or an origin that may not embed the widget", body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    _staff: AdminUser,
) -> Result<Json<Vec<StaffMember>>, AppError> {
    Ok(Json(directory::list_staff(&state.db).await?))
}

/// A staff member's role.
#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StaffRole {
    /// Manages the team and settings, and works conversations.
    Admin,
    /// Works conversations.
    Agent,
}

impl From<StaffRole> for Role {
    fn from(role: StaffRole) -> Self {
        match role {
            StaffRole::Admin => Self::Admin,
            StaffRole::Agent => Self::Agent,
        }
    }
}

/// `{"role": "admin"|"agent", "active": true|false}`, each optional (neither changes nothing).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StaffChange {
    /// The new role.
    role: Option<StaffRole>,
    /// `false` deactivates (their sessions end at once and their chats become unassigned);
    /// `true` reactivates.
    active: Option<bool>,
}

/// `PATCH /api/admin/staff/{id}`: changes a colleague's role or deactivates (reactivates)
/// them; admins only. Answers the colleague as the list shows them.
#[utoipa::path(patch, path = "/api/admin/staff/{id}", operation_id = "change_staff", tag = "staff",
    params(("id" = uuid::Uuid, Path, description = "The staff member")), request_body = StaffChange, security(("cookie" = [])),
    responses((status = 200, body = StaffMember), (status = 400, description = "Malformed id, query or JSON body", body = ErrorBody), (status = 401, description = "Signed out, or the credentials are invalid or expired", body = ErrorBody), (status = 403, description = "Not an admin of the team", body = ErrorBody), (status = 404, description = "No such staff member", body = ErrorBody), (status = 409, description = "The team would be left without an active admin, or an admin deactivating themselves", body = ErrorBody), (status = 413, description = "Body over 64 KiB", body = ErrorBody), (status = 415, description = "Body not sent as application/json", body = ErrorBody)))]
pub(crate) async fn change(
    State(state): State<AppState>,
    AdminUser(actor): AdminUser,
    PathId(staff_id): PathId,
    JsonBody(StaffChange { role, active }): JsonBody<StaffChange>,
) -> Result<Json<StaffMember>, AppError> {
    Ok(Json(
        membership::change(
            &state.db,
            &state.effects,
            &actor,
            staff_id,
            role.map(Role::from),
            active,
        )
        .await?,
    ))
}
