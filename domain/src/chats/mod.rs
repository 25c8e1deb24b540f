//! The support chat rules, each in one place, one module per concern: which chat a person may
//! reach (`access`), reading history (`history`), posting (`post`), read receipts
//! (`receipts`), private notes (`notes` reads them, `post_note` writes one, `mentions` are the
//! colleagues they name), labels on a chat
//! (`labeling`), owner and state (`ownership`: assign, snooze, resolve, reopen; resolve is the
//! spec's archive), snoozes ending (`snooze`), auto-assignment (`routing`), activity lines
//! (`activity`), the dashboard's list (`list`), the one rule of "unread" (`unread`) and
//! messages as readers see them, with authors and files (`views`).
//!
//! Every adapter (REST, server functions, the WebSocket loop) calls these functions; each write
//! owns its transaction and what follows it ([`Effects`](crate::effects::Effects)): a reply
//! email's job is written inside the transaction, live events go out only after commit. The
//! modules import each other one way only; callers use the names re-exported here.

pub mod access;
pub mod activity;
pub mod history;
pub mod labeling;
pub mod list;
pub mod mentions;
pub mod notes;
pub mod ownership;
pub mod post;
pub mod post_note;
pub mod receipts;
pub mod routing;
pub mod snooze;
mod timestamps;
pub mod unread;
pub mod views;

pub use access::{chat_for, get_or_create};
pub use history::{
    MAX_PAGE, PageAt, admin_view, existing_user_view, message_page, staff_conversation, user_view,
};
pub use labeling::set_labels;
pub use list::{
    DEFAULT_LIST_PAGE, ListScope, MAX_LIST_PAGE, count_unread_for_admin, count_views,
    list_for_admin, list_item,
};
pub use notes::notes_of;
pub use ownership::{assign, reopen, resolve, snooze};
pub use post::{Draft, MAX_MESSAGE_CHARS, Posted, Poster, message_content, post_message};
pub use post_note::{NotePosted, post_note};
pub use receipts::{mark_read_by_user, mark_viewed_by_admin};
