//! Server functions for support staff only: the chat list, one chat, replies, and
//! the chat's owner and state (assign, snooze, resolve/reopen as archive/restore). Same services and wire types as `/api/admin/...`.
#![expect(
    missing_docs,
    reason = "#[server] generates argument structs whose fields cannot carry doc comments"
)]

use leptos::prelude::*;
use uuid::Uuid;

use wire::{
    error::AppError,
    model::{ChatListPage, StaffConversation, SupportChatListItem, SupportMessage},
    team::{ActivityLine, InboxCounts, InboxView},
};

/// A page of one inbox view, newest activity first, after the chat `after`; with a non-blank
/// `search`, only the chats it finds, and with `label` only the chats carrying it (as
/// `?view=…&q=…&label=…` of the REST list).
///
/// # Errors
/// 401 when signed out, 403 for non-staff, 404 for an unknown `after`, 422 for a bad search.
#[server(prefix = "/rpc", endpoint = "admin/chats")]
pub async fn list_chats(
    view: InboxView,
    #[server(default)] search: String,
    #[server(default)] label: Option<Uuid>,
    after: Option<Uuid>,
) -> Result<ChatListPage, AppError> {
    use super::request::{answer, staff};
    use domain::{chat_search::SearchTerms, chats};

    answer(
        async {
            let (state, staff) = staff().await?;
            let terms = SearchTerms::parse(&search)?;
            let scope = chats::ListScope::View {
                view,
                viewer: staff.id,
            };
            chats::list_for_admin(
                &state.db,
                scope,
                terms.as_ref(),
                label,
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
            let (state, _) = staff().await?;
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
            let (state, staff) = staff().await?;
            chats::staff_conversation(&state.db, &state.effects, chat_id, staff.id).await
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
            let (state, _) = staff().await?;
            let page =
                chats::message_page(&state.db, chat_id, chats::PageAt::before(before), 50).await?;
            chats::views::messages(&state.db, &state.effects.files, page).await
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
            let (state, _) = staff().await?;
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
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let (state, staff) = staff().await?;
            let posted = chats::post_message(
                &state.db,
                &state.effects,
                &state.limits,
                chat_id,
                chats::Poster::of(&staff),
                chats::Draft::text(content),
            )
            .await?;
            Ok(posted.view())
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
            let (state, staff) = staff().await?;
            let chat = if archived {
                chats::resolve(&state.db, &state.effects, chat_id, staff.id).await?
            } else {
                chats::reopen(&state.db, &state.effects, chat_id, staff.id).await?
            };
            Ok(chat.archived)
        }
        .await,
    )
}

/// Gives a chat to a staff member, or to nobody (`POST /api/admin/chats/{id}/assign`);
/// answers its list entry as it now is.
///
/// # Errors
/// 401/403 as above; 404 for an unknown chat; 422 for an assignee who is not active staff.
#[server(prefix = "/rpc", endpoint = "admin/assign")]
pub async fn assign_chat(
    chat_id: Uuid,
    assignee_id: Option<Uuid>,
) -> Result<SupportChatListItem, AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let (state, staff) = staff().await?;
            chats::assign(&state.db, &state.effects, chat_id, staff.id, assignee_id).await
        }
        .await,
    )
}

/// Snoozes a chat until `until` (`POST /api/admin/chats/{id}/snooze`); answers its list
/// entry as it now is.
///
/// # Errors
/// 401/403 as above; 404 for an unknown chat; 422 unless `until` is within the next year.
#[server(prefix = "/rpc", endpoint = "admin/snooze")]
pub async fn snooze_chat(
    chat_id: Uuid,
    until: chrono::DateTime<chrono::Utc>,
) -> Result<SupportChatListItem, AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let (state, staff) = staff().await?;
            chats::snooze(&state.db, &state.effects, chat_id, staff.id, until).await
        }
        .await,
    )
}

/// How many chats each inbox view holds for the caller, and who the caller is.
///
/// # Errors
/// 401/403 as above.
#[server(prefix = "/rpc", endpoint = "admin/inbox_counts")]
pub async fn count_inbox() -> Result<InboxCounts, AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let (state, staff) = staff().await?;
            chats::count_views(&state.db, staff.id).await
        }
        .await,
    )
}

/// A chat's list entry (owner, state) and its activity lines, oldest first: what the
/// conversation pane reads again when the chat changed, or when it may have missed changes.
///
/// # Errors
/// 401/403 as above; 404 for an unknown chat.
#[server(prefix = "/rpc", endpoint = "admin/ownership")]
pub async fn chat_ownership(
    chat_id: Uuid,
) -> Result<(SupportChatListItem, Vec<ActivityLine>), AppError> {
    use super::request::{answer, staff};
    use domain::chats;

    answer(
        async {
            let (state, _) = staff().await?;
            let entry = chats::list::list_item(&state.db, chat_id).await?;
            let lines = chats::activity::lines(&state.db, chat_id).await?;
            Ok((entry, lines))
        }
        .await,
    )
}
