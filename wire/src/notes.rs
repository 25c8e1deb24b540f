//! Private notes on the wire: what staff write to each other inside a conversation. Staff
//! only: in `GET /api/admin/chats/{id}` (`notes`), `POST /api/admin/chats/{id}/notes` and the
//! admin channel's `new_note` frame; never on any path a chat's user reaches. Added after the
//! first release.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::team::{Author, StaffRef};

/// A private note in a conversation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatNote {
    /// UUID v7: notes sort by it.
    pub id: Uuid,
    /// The text, trimmed.
    pub content: String,
    /// The colleague who wrote it.
    pub author: Author,
    /// The colleagues it mentions (`@name`), each once, in the order they first appear.
    pub mentions: Vec<StaffRef>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// The writer's own id for the note, when it gave one (resends with it are no-ops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<Uuid>,
}

/// A note that mentions the reader, as the Mentions view lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// The mention's id (UUID v7: newest first sorts by it).
    pub id: Uuid,
    /// The chat the note is on.
    pub chat_id: Uuid,
    /// The chat's user.
    pub user_id: Uuid,
    /// Their email, when known.
    pub user_email: Option<String>,
    /// The note.
    pub note: ChatNote,
    /// Whether the reader has seen it (opened the chat since).
    pub seen: bool,
}
