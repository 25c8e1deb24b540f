//! The user's chat, for the widget on the hosted app's own pages. Same services and wire types
//! as `/api/support_chat`.
#![expect(
    missing_docs,
    reason = "#[server] generates argument structs whose fields cannot carry doc comments"
)]

use leptos::prelude::*;

use wire::{
    error::AppError,
    model::{HostedWidget, SupportChat, SupportMessage},
};

/// What the hosted app's widget starts from: `None` when nobody or staff is signed in (staff
/// answer in the dashboard); else the user's chat with its newest messages, if they have one.
/// Creates nothing: a chat starts when the user opens the widget.
///
/// # Errors
/// Internal errors only.
#[server(prefix = "/rpc", endpoint = "chat/widget")]
pub async fn get_hosted_widget() -> Result<Option<HostedWidget>, AppError> {
    use super::request::{answer, current_user};
    use crate::http::state::AppState;
    use domain::chats;

    answer(
        async {
            let state = AppState::from_context()?;
            let Some(user) = current_user(&state).await?.filter(|u| !u.is_staff()) else {
                return Ok(None);
            };
            let chat = chats::existing_user_view(
                &state.db,
                &state.effects.files,
                user.id,
                wire::model::HISTORY_PAGE as u64,
            )
            .await?;
            Ok(Some(HostedWidget { chat }))
        }
        .await,
    )
}

/// The signed-in user's chat (created on first use) with its newest messages, oldest first.
///
/// # Errors
/// 401 when signed out.
#[server(prefix = "/rpc", endpoint = "chat/get")]
pub async fn get_support_chat() -> Result<SupportChat, AppError> {
    use super::request::{answer, signed_in};
    use domain::chats;

    answer(
        async {
            let (state, user) = signed_in().await?;
            chats::user_view(
                &state.db,
                &state.effects.files,
                user.id,
                chats::PageAt::NEWEST,
                chats::MAX_PAGE,
            )
            .await
        }
        .await,
    )
}

/// Sends a message from the signed-in user.
///
/// # Errors
/// 401 when signed out; 422 for blank or oversized content.
#[server(prefix = "/rpc", endpoint = "chat/send")]
pub async fn send_message(content: String) -> Result<SupportMessage, AppError> {
    use super::request::{answer, signed_in};
    use domain::chats;

    answer(
        async {
            let (state, user) = signed_in().await?;
            let chat = chats::get_or_create(&state.db, user.id).await?;
            let posted = chats::post_message(
                &state.db,
                &state.effects,
                &state.limits,
                chat.id,
                chats::Poster::user(user.id),
                chats::Draft::text(content),
            )
            .await?;
            Ok(posted.view())
        }
        .await,
    )
}

/// Marks every unread staff message of the user's chat read; returns how many.
///
/// # Errors
/// 401 when signed out.
#[server(prefix = "/rpc", endpoint = "chat/mark_read")]
pub async fn mark_read() -> Result<u64, AppError> {
    use super::request::{answer, signed_in};
    use domain::chats;

    answer(
        async {
            let (state, user) = signed_in().await?;
            let chat = chats::get_or_create(&state.db, user.id).await?;
            chats::mark_read_by_user(&state.db, &state.effects, chat.id).await
        }
        .await,
    )
}
