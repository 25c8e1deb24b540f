//! The staff dashboard: `/admin/chats` (the live chat list, with search) and
//! `/admin/chats/:id` (one conversation), rendered on the server and live once hydrated.
//!
//! - `text`: what cards and dividers say (relative times, "You: ", visitor names); pure.
//! - `chat_list`: a tab's loaded pages kept in order as live updates arrive; pure.
//! - `alerts`: the admin channel, the unread count in the title, sound and notifications.
//! - `ownership`: a conversation's owner, state (open, snoozed, resolved) and activity lines.
//! - `list_page`, `conversation_page`, `team_page`: the pages (`team_page` is `/admin/team`,
//!   also the staff area's start `/admin`).

mod alerts;
mod chat_list;
mod conversation_page;
mod list_page;
mod ownership;
mod team_page;
mod text;

pub use conversation_page::ConversationPage;
pub use list_page::ChatsPage;
pub use team_page::TeamPage;
