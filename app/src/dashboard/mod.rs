//! The staff dashboard: the team inbox (`/admin/chats`, the list with a conversation beside
//! it at `/admin/chats/:id`) and the team page, rendered on the server and live once hydrated.
//!
//! - `text`: what cards and dividers say (relative times, "You: ", visitor names, the
//!   inbox's addresses); pure.
//! - `chat_list`: a view's loaded pages kept in order as live updates arrive; pure.
//! - `alerts`: the admin channel, the unread count in the title, sound and notifications.
//! - `inbox`: the one screen: header, alerts, the list pane and the route's conversation pane.
//! - `place`: where the inbox is (view, search, open chat, from the address), shared by panes.
//! - `list_pane`, `conversation_pane`: the inbox's two panes.
//! - `composer`: the conversation's box for replies and private notes; `picker`: its pickers'
//!   rules (saved replies after `/`, colleagues after `@`); pure.
//! - `ownership`: a conversation's owner, state (open, snoozed, resolved) and activity lines.
//! - `label_menu`: a conversation's labels and the menu that changes them; label chips.
//! - `team_page`: `/admin/team`, also the staff area's start `/admin`.
//! - `labels_page`: `/admin/labels`, the team's labels.
//! - `replies_page`: `/admin/replies`, the team's saved replies.
//! - `mentions_page`: `/admin/mentions`, the notes that mention the reader.

mod alerts;
mod chat_list;
mod composer;
mod conversation_pane;
mod inbox;
mod label_menu;
mod labels_page;
mod list_pane;
mod mentions_page;
mod ownership;
mod picker;
mod place;
mod replies_page;
mod team_page;
mod text;

pub use conversation_pane::ConversationPane;
pub use inbox::{Inbox, NoChatOpen};
pub use labels_page::LabelsPage;
pub use mentions_page::MentionsPage;
pub use replies_page::RepliesPage;
pub use team_page::TeamPage;
