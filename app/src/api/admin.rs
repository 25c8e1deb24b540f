//! Server functions for support staff only.

use leptos::prelude::*;

use crate::{error::AppError, model::UserProfile};

/// Every staff account, oldest first.
///
/// # Errors
/// 401 when signed out, 403 for non-staff.
#[server(prefix = "/rpc", endpoint = "admin/staff")]
pub async fn list_staff() -> Result<Vec<UserProfile>, AppError> {
    use super::request::{answer, current_user};
    use crate::server::auth::{accounts, current_user::AdminUser};

    answer(
        async {
            let state = crate::server::state::AppState::from_context()?;
            let user = current_user(&state)
                .await?
                .ok_or_else(|| AppError::unauthorized("sign in to continue"))?;
            AdminUser::from_user(user)?;
            let staff = accounts::list_admins(&state.db).await?;
            Ok(staff.into_iter().map(Into::into).collect())
        }
        .await,
    )
}
