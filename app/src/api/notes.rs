//! Server functions for private notes: the dashboard's composer writes them (in Note mode),
//! and the Mentions view lists those that name the reader.
//! Same service and wire type as `POST /api/admin/chats/{id}/notes`.
#![expect(
    missing_docs,
    reason = "#[server] generates argument structs whose fields cannot carry doc comments"
)]

use leptos::prelude::*;
use uuid::Uuid;

use wire::{
    error::AppError,
    notes::{ChatNote, Mention},
};

/// Writes a private note on the chat; a resend with the same `client_id` returns the note
/// written the first time.
///
/// # Errors
/// 401 when signed out, 403 for non-staff; 404 for an unknown chat; 422 for blank or
/// oversized content; 429 over the message limit.
#[server(prefix = "/rpc", endpoint = "admin/note")]
pub async fn post_note(
    chat_id: Uuid,
    content: String,
    client_id: Option<Uuid>,
) -> Result<ChatNote, AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let (state, staff) = staff().await?;
            let posted = chats::post_note(
                &state.db,
                &state.effects,
                &state.limits,
                chat_id,
                &staff,
                &content,
                client_id,
            )
            .await?;
            Ok(posted.note)
        }
        .await,
    )
}

/// Every private note on the chat, oldest first (the conversation reads them again after a
/// reconnection, when some may have gone unheard).
///
/// # Errors
/// 401 when signed out, 403 for non-staff.
#[server(prefix = "/rpc", endpoint = "admin/notes")]
pub async fn chat_notes(chat_id: Uuid) -> Result<Vec<ChatNote>, AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let (state, _) = staff().await?;
            chats::notes_of(&state.db, chat_id).await
        }
        .await,
    )
}

/// The notes that mention the reader, newest first (the Mentions view).
///
/// # Errors
/// 401 when signed out, 403 for non-staff.
#[server(prefix = "/rpc", endpoint = "admin/mentions")]
pub async fn load_mentions() -> Result<Vec<Mention>, AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let (state, staff) = staff().await?;
            chats::mentions::of_person(&state.db, staff.id).await
        }
        .await,
    )
}

/// Who the reader is, and how many of their mentions they have not seen.
///
/// # Errors
/// 401 when signed out, 403 for non-staff.
#[server(prefix = "/rpc", endpoint = "admin/mentions_unseen")]
pub async fn count_mentions() -> Result<(Uuid, u64), AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let (state, staff) = staff().await?;
            Ok((
                staff.id,
                chats::mentions::unseen(&state.db, staff.id).await?,
            ))
        }
        .await,
    )
}
