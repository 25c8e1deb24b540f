//! "Unread for staff", the one rule: the chat's user wrote after staff last looked at the chat
//! (or staff never looked). It reads two figures every chat row keeps (`last_user_message_at`,
//! `admin_viewed_at`), so the list entry, the admin channel's updates (both through
//! `list::list_item`) and the dashboard's count all decide alike. The count needs it in SQL;
//! the test below holds the two spellings to the same answers on a real database.

use crate::entities::support_chat;

/// Whether the chat's user wrote since staff last looked.
pub fn unread_by_staff(chat: &support_chat::Model) -> bool {
    match (chat.last_user_message_at, chat.admin_viewed_at) {
        (Some(wrote), Some(viewed)) => wrote > viewed,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The same rule over `support_chats`, for active (not archived) chats. Word for word the
/// predicate of migration 10's partial index, so a count with it reads only that index.
pub const UNREAD_ACTIVE_CHATS_SQL: &str = "archived_at IS NULL AND last_user_message_at IS NOT NULL \
     AND (admin_viewed_at IS NULL OR last_user_message_at > admin_viewed_at)";
