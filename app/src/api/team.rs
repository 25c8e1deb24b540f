//! Server functions of the team page and of joining the team: the same domain functions as
//! `GET /api/admin/staff` and `PATCH /api/admin/staff/{id}`, plus invitations.
#![expect(
    missing_docs,
    reason = "#[server] generates argument structs whose fields cannot carry doc comments"
)]

use leptos::prelude::*;
use uuid::Uuid;

use wire::{
    error::AppError,
    model::{Role, UserProfile},
    staff::{Invitation, TeamOverview},
};

/// The team page: members, invitations waiting, and whether the reader manages the team.
///
/// # Errors
/// 401 when signed out, 403 for non-staff.
#[server(prefix = "/rpc", endpoint = "team/load")]
pub async fn load_team() -> Result<TeamOverview, AppError> {
    use super::request::{answer, staff};

    answer(
        async {
            let (state, staff) = staff().await?;
            overview_for(&state, &staff).await
        }
        .await,
    )
}

/// Changes a colleague's role, or deactivates or reactivates them; answers the team as it now
/// is.
///
/// # Errors
/// 403 unless an admin; 404 for an unknown colleague; 409 for deactivating oneself or when no
/// active admin would be left.
#[server(prefix = "/rpc", endpoint = "team/change")]
pub async fn change_staff(
    staff_id: Uuid,
    role: Option<Role>,
    active: Option<bool>,
) -> Result<TeamOverview, AppError> {
    use super::request::{answer, staff};
    use domain::team::membership;

    answer(
        async {
            let (state, actor) = staff().await?;
            membership::change(&state.db, &state.effects, &actor, staff_id, role, active).await?;
            overview_for(&state, &actor).await
        }
        .await,
    )
}

/// Invites a colleague by email; answers the team as it now is.
///
/// # Errors
/// 403 unless an admin; 409 when the address has an account; 422 for an invalid address.
#[server(prefix = "/rpc", endpoint = "team/invite")]
pub async fn invite_colleague(
    email: String,
    name: String,
    role: Role,
) -> Result<TeamOverview, AppError> {
    use super::request::{answer, staff};
    use domain::{clock, team::invitations};

    answer(
        async {
            let (state, actor) = staff().await?;
            let name = Some(name.as_str()).filter(|n| !n.trim().is_empty());
            invitations::invite(
                &state.db,
                &state.effects,
                &actor,
                &email,
                name,
                role,
                clock::now(),
            )
            .await?;
            overview_for(&state, &actor).await
        }
        .await,
    )
}

/// Withdraws an invitation; answers the team as it now is.
///
/// # Errors
/// 403 unless an admin; 404 for an unknown or finished invitation.
#[server(prefix = "/rpc", endpoint = "team/revoke")]
pub async fn revoke_invitation(invitation_id: Uuid) -> Result<TeamOverview, AppError> {
    use super::request::{answer, staff};
    use domain::{clock, team::invitations};

    answer(
        async {
            let (state, actor) = staff().await?;
            invitations::revoke(&state.db, &actor, invitation_id, clock::now()).await?;
            overview_for(&state, &actor).await
        }
        .await,
    )
}

/// The invitation a link names, while it works.
///
/// # Errors
/// 404 for an unknown, used, withdrawn or expired link.
#[server(prefix = "/rpc", endpoint = "team/invitation")]
pub async fn invitation_for(token: String) -> Result<Invitation, AppError> {
    use super::request::answer;
    use domain::{clock, team::invitations};

    answer(
        async {
            let state = crate::http::state::AppState::from_context()?;
            invitations::find_open(&state.db, &token, clock::now()).await
        }
        .await,
    )
}

/// Uses an invitation link: the colleague's staff account, signed in.
///
/// # Errors
/// 404 for an unknown, used, withdrawn or expired link; 422 for an invalid password or name.
#[server(prefix = "/rpc", endpoint = "team/join")]
pub async fn accept_invitation(
    token: String,
    name: String,
    password: String,
) -> Result<UserProfile, AppError> {
    use super::{auth::start_browser_session, request::answer};
    use domain::{clock, team::invitations};

    answer(
        async {
            let state = crate::http::state::AppState::from_context()?;
            let name = Some(name.as_str()).filter(|n| !n.trim().is_empty());
            let staff =
                invitations::accept(&state.db, &token, name, &password, clock::now()).await?;
            start_browser_session(&state, &staff).await?;
            Ok(staff.into())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn overview_for(
    state: &crate::http::state::AppState,
    viewer: &domain::entities::user::Model,
) -> Result<TeamOverview, AppError> {
    use domain::{
        clock,
        team::{directory, invitations},
    };

    let manage = viewer.is_team_admin();
    Ok(TeamOverview {
        members: directory::list_staff(&state.db).await?,
        invitations: if manage {
            invitations::pending(&state.db, clock::now()).await?
        } else {
            Vec::new()
        },
        manage,
        viewer: viewer.id,
    })
}
