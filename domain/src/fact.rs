//! What happened, as services announce it after commit: a committed change that live
//! connections must hear of. A fact names rows by id (it never carries them), so it fits in a
//! PostgreSQL notification and every process builds the same frames from the committed rows.
//! A leaf: the hub, the relay and the events that turn facts into frames all import it, and it
//! imports none of them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use wire::model::SenderType;

/// A committed change that live connections must hear of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum Fact {
    /// A message was stored.
    MessagePosted {
        /// Its chat.
        chat_id: Uuid,
        /// The message.
        message_id: Uuid,
    },
    /// A private note was stored: staff hear of it, never the chat's user.
    NotePosted {
        /// Its chat.
        chat_id: Uuid,
        /// The note.
        note_id: Uuid,
    },
    /// A chat's list entry changed (archived, restored, viewed by staff, read by the user).
    ChatChanged {
        /// The chat.
        chat_id: Uuid,
    },
    /// One side read the other's messages up to `up_to_seq`.
    Read {
        /// The chat.
        chat_id: Uuid,
        /// Who read: the user (staff messages) or staff (the user's).
        reader: SenderType,
        /// When.
        read_at: DateTime<Utc>,
        /// The newest `seq` the read covers.
        up_to_seq: i64,
    },
    /// Someone is typing (never stored).
    Typing {
        /// The chat.
        chat_id: Uuid,
        /// Who.
        sender_type: SenderType,
    },
    /// A session ended (signed out, revoked, replaced): its sockets close at once.
    SessionEnded {
        /// The session's row id.
        session_id: Uuid,
    },
}
