//! Server functions for saved replies: the library page (`/admin/replies`: admins write the
//! replies) and the composer's picker. Same services and wire types as `/api/admin/replies`.
#![expect(
    missing_docs,
    reason = "#[server] generates argument structs whose fields cannot carry doc comments"
)]

use leptos::prelude::*;
use uuid::Uuid;

use wire::{error::AppError, replies::SavedReply};

/// The library (only the replies holding `search`, when it is not blank), and whether the
/// reader may write it (admins).
///
/// # Errors
/// 401 when signed out, 403 for non-staff.
#[server(prefix = "/rpc", endpoint = "replies/load")]
pub async fn load_replies(
    #[server(default)] search: String,
) -> Result<(Vec<SavedReply>, bool), AppError> {
    use super::request::{answer, staff};
    use domain::saved_replies;

    answer(
        async {
            let (state, staff) = staff().await?;
            let replies = saved_replies::all(&state.db, Some(&search)).await?;
            Ok((replies, staff.is_team_admin()))
        }
        .await,
    )
}

/// A new saved reply.
///
/// # Errors
/// 403 for agents; 409 for a shortcut taken in any case; 422 for a bad field.
#[server(prefix = "/rpc", endpoint = "replies/create")]
pub async fn create_reply(
    title: String,
    shortcut: String,
    body: String,
) -> Result<SavedReply, AppError> {
    use super::request::{answer, staff};
    use domain::saved_replies::{self, Draft};

    answer(
        async {
            let (state, staff) = staff().await?;
            let draft = Draft {
                title: &title,
                shortcut: &shortcut,
                body: &body,
            };
            saved_replies::create(&state.db, &staff, draft).await
        }
        .await,
    )
}

/// Changes a saved reply.
///
/// # Errors
/// As [`create_reply`]; 404 for an unknown reply.
#[server(prefix = "/rpc", endpoint = "replies/change")]
pub async fn change_reply(
    id: Uuid,
    title: String,
    shortcut: String,
    body: String,
) -> Result<SavedReply, AppError> {
    use super::request::{answer, staff};
    use domain::saved_replies;

    answer(
        async {
            let (state, staff) = staff().await?;
            saved_replies::update(
                &state.db,
                &staff,
                id,
                Some(&title),
                Some(&shortcut),
                Some(&body),
            )
            .await
        }
        .await,
    )
}

/// Deletes a saved reply.
///
/// # Errors
/// 403 for agents; 404 for an unknown reply.
#[server(prefix = "/rpc", endpoint = "replies/delete")]
pub async fn delete_reply(id: Uuid) -> Result<(), AppError> {
    use super::request::{answer, staff};
    use domain::saved_replies;

    answer(
        async {
            let (state, staff) = staff().await?;
            saved_replies::delete(&state.db, &staff, id).await
        }
        .await,
    )
}
