//! Server functions for support staff only: the team, the chat list, one chat, replies and
//! archiving. Same services and wire types as `/api/admin/...`.
#![expect(
    missing_docs,
    reason = "#[server] generates argument structs whose fields cannot carry doc comments"
)]

use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    error::AppError,
    model::{AdminSupportChat, ChatListPage, SupportMessage, UserProfile},
};

/// Every staff account, oldest first.
///
/// # Errors
/// 401 when signed out, 403 for non-staff.
#[server(prefix = "/rpc", endpoint = "admin/staff")]
pub async fn list_staff() -> Result<Vec<UserProfile>, AppError> {
    use super::request::{answer, staff};
    use crate::server::auth::accounts;

    answer(
        async {
            let state = staff().await?;
            let staff = accounts::list_admins(&state.db).await?;
            Ok(staff.into_iter().map(Into::into).collect())
        }
        .await,
    )
}

/// A page of active (or archived) chats, newest activity first, after the chat `after`.
///
/// # Errors
/// 401 when signed out, 403 for non-staff, 404 for an unknown `after`.
#[server(prefix = "/rpc", endpoint = "admin/chats")]
pub async fn list_chats(archived: bool, after: Option<Uuid>) -> Result<ChatListPage, AppError> {
    use super::request::{answer, staff};
    use crate::server::chats;

    answer(
        async {
            let state = staff().await?;
            chats::list_for_admin(&state.db, archived, after, chats::DEFAULT_LIST_PAGE).await
        }
        .await,
    )
}

/// One chat with its newest messages; records that staff looked at it.
///
/// # Errors
/// 401/403 as above; 404 for an unknown chat.
#[server(prefix = "/rpc", endpoint = "admin/chat")]
pub async fn get_admin_chat(chat_id: Uuid) -> Result<AdminSupportChat, AppError> {
    use super::request::{answer, staff};
    use crate::server::chats;

    answer(
        async {
            let state = staff().await?;
            chats::admin_view(
                &state.db,
                &state.effects,
                chat_id,
                chats::PageAt::NEWEST,
                chats::MAX_PAGE,
            )
            .await
        }
        .await,
    )
}

/// A staff reply.
///
/// # Errors
/// 401/403 as above; 404 for an unknown chat; 422 for blank or oversized content.
#[server(prefix = "/rpc", endpoint = "admin/reply")]
pub async fn send_admin_message(
    chat_id: Uuid,
    content: String,
) -> Result<SupportMessage, AppError> {
    use super::request::{answer, staff};
    use crate::{model::SenderType, server::chats};

    answer(
        async {
            let state = staff().await?;
            let posted = chats::post_message(
                &state.db,
                &state.effects,
                chat_id,
                SenderType::Admin,
                &content,
                None,
            )
            .await?;
            Ok(posted.message.into())
        }
        .await,
    )
}

/// Archives (`archived = true`) or restores a chat; returns the new state.
///
/// # Errors
/// 401/403 as above; 404 for an unknown chat.
#[server(prefix = "/rpc", endpoint = "admin/set_archived")]
pub async fn set_chat_archived(chat_id: Uuid, archived: bool) -> Result<bool, AppError> {
    use super::request::{answer, staff};
    use crate::server::chats;

    answer(
        async {
            let state = staff().await?;
            let chat = if archived {
                chats::archive(&state.db, &state.effects, chat_id).await?
            } else {
                chats::unarchive(&state.db, &state.effects, chat_id).await?
            };
            Ok(chats::archived(&chat))
        }
        .await,
    )
}
