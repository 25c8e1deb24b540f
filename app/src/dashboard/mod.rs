//! The staff dashboard: `/admin/chats` (the live chat list, with search) and
//! `/admin/chats/:id` (one conversation), rendered on the server and live once hydrated.
//!
//! - `text`: what cards and dividers say (relative times, "You: ", visitor names); pure.
//! - `chat_list`: a tab's loaded pages kept in order as live updates arrive; pure.
//! - `alerts`: the admin channel, the unread count in the title, sound and notifications.
//! - `list_page`, `conversation_page`: the two pages.

mod alerts;
mod chat_list;
mod conversation_page;
mod list_page;
mod text;

pub use conversation_page::ConversationPage;
pub use list_page::ChatsPage;
