//! Server functions for support staff only: the team, the chat list, one chat, replies and
//! archiving. Same services and wire types as `/api/admin/...`.
#![expect(
    missing_docs,
    reason = "#[server] generates argument structs whose fields cannot carry doc comments"
)]

use leptos::prelude::*;
use uuid::Uuid;

use wire::{
    error::AppError,
    model::{ChatListPage, StaffConversation, SupportMessage, UserProfile},
};

/// Every staff account, oldest first.
///
/// # Errors
/// 401 when signed out, 403 for non-staff.
#[server(prefix = "/rpc", endpoint = "admin/staff")]
pub async fn list_staff() -> Result<Vec<UserProfile>, AppError> {
    use super::request::{answer, staff};
    use domain::auth::accounts;

    answer(
        async {
            let state = staff().await?;
            let staff = accounts::list_admins(&state.db).await?;
            Ok(staff.into_iter().map(Into::into).collect())
        }
        .await,
    )
}

/// A page of active (or archived) chats, newest activity first, after the chat `after`;
/// with a non-blank `search`, only the chats it finds (as `?q=` of the REST list).
///
/// # Errors
/// 401 when signed out, 403 for non-staff, 404 for an unknown `after`, 422 for a bad search.
#[server(prefix = "/rpc", endpoint = "admin/chats")]
pub async fn list_chats(
    archived: bool,
    #[server(default)] search: String,
    after: Option<Uuid>,
) -> Result<ChatListPage, AppError> {
    use super::request::{answer, staff};
    use domain::{chat_search::SearchTerms, chats};

    answer(
        async {
            let state = staff().await?;
            let terms = SearchTerms::parse(&search)?;
            chats::list_for_admin(
                &state.db,
                archived,
                terms.as_ref(),
                after,
                chats::DEFAULT_LIST_PAGE,
            )
            .await
        }
        .await,
    )
}

/// How many active chats are unread for staff.
///
/// # Errors
/// 401/403 as above.
#[server(prefix = "/rpc", endpoint = "admin/unread_count")]
pub async fn count_unread_chats() -> Result<u64, AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let state = staff().await?;
            chats::count_unread_for_admin(&state.db).await
        }
        .await,
    )
}

/// One chat with its newest messages and who it is with; records that staff looked at it.
///
/// # Errors
/// 401/403 as above; 404 for an unknown chat.
#[server(prefix = "/rpc", endpoint = "admin/chat")]
pub async fn get_admin_chat(chat_id: Uuid) -> Result<StaffConversation, AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let state = staff().await?;
            chats::staff_conversation(&state.db, &state.effects, chat_id).await
        }
        .await,
    )
}

/// Older messages of a chat, before the message `before`, oldest first (the conversation
/// page's scroll-up).
///
/// # Errors
/// 401/403 as above; 404 for an unknown chat or message.
#[server(prefix = "/rpc", endpoint = "admin/older")]
pub async fn older_admin_messages(
    chat_id: Uuid,
    before: Uuid,
) -> Result<Vec<SupportMessage>, AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let state = staff().await?;
            let page =
                chats::message_page(&state.db, chat_id, chats::PageAt::before(before), 50).await?;
            Ok(page.into_iter().map(Into::into).collect())
        }
        .await,
    )
}

/// Records that staff looked at the chat now: the conversation page calls it while it stays
/// open and visible, so what arrives while someone watches is never unread.
///
/// # Errors
/// 401/403 as above; 404 for an unknown chat.
#[server(prefix = "/rpc", endpoint = "admin/viewed")]
pub async fn record_chat_view(chat_id: Uuid) -> Result<(), AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let state = staff().await?;
            chats::mark_viewed_by_admin(&state.db, &state.effects, chat_id).await?;
            Ok(())
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
    use super::request::{answer, signed_in};
    use crate::http::current_user::AdminUser;
    use domain::chats;

    answer(
        async {
            let (state, user) = signed_in().await?;
            let AdminUser(staff) = AdminUser::from_user(user)?;
            let posted = chats::post_message(
                &state.db,
                &state.effects,
                &state.limits,
                chat_id,
                chats::Poster::of(&staff),
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
    use domain::chats;

    answer(
        async {
            let state = staff().await?;
            let chat = if archived {
                chats::archive(&state.db, &state.effects, chat_id).await?
            } else {
                chats::unarchive(&state.db, &state.effects, chat_id).await?
            };
            Ok(chat.is_archived())
        }
        .await,
    )
}
