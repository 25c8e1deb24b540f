//! The `/ws` protocol, a public contract: JSON text frames, each an object whose `type` names
//! it (snake_case). One enum per direction, used by the server and the wasm client alike.
//! Fields may be added; names and meanings never change.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{SenderType, SupportChatListItem, SupportMessage, UserProfile};

/// Close code of a socket whose session ended (signed out, revoked, carried over to a verified
/// identity): the client stops and does not reconnect with the same credentials.
pub const CLOSE_SIGNED_OUT: u16 = 4001;

/// Close code of a socket that did not authenticate within 10 seconds of opening.
pub const CLOSE_UNAUTHENTICATED: u16 = 4008;

/// What a subscription is to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// One chat's messages, typing and read receipts: its owner or staff.
    Chat,
    /// Every chat's list entry and new user messages: staff only.
    Admin,
}

/// Frames a client sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Authenticates a widget visitor with the bearer token from `POST /api/widget/session`;
    /// the first frame. Browser clients of the hosted app are authenticated by their cookie at
    /// the upgrade instead.
    Auth {
        /// The widget token.
        token: String,
    },
    /// Starts streaming a channel. With `after`, every message of the chat with a greater
    /// `seq` is replayed first.
    Subscribe {
        /// `chat` or `admin`.
        channel: Channel,
        /// The chat, for the chat channel.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chat_id: Option<Uuid>,
        /// The last `seq` the client has.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<i64>,
    },
    /// Stops streaming a channel.
    Unsubscribe {
        /// `chat` or `admin`.
        channel: Channel,
        /// The chat, for the chat channel.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chat_id: Option<Uuid>,
    },
    /// Posts a message; answered with `sent`. Resending the same `client_id` never creates a
    /// second message.
    SendMessage {
        /// The chat.
        chat_id: Uuid,
        /// The text.
        content: String,
        /// The client's own id for the message.
        client_id: Uuid,
        /// Files uploaded for it (`POST …/attachments`), at most five; with them the text
        /// may be empty. Added after the first release.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachment_ids: Vec<Uuid>,
    },
    /// The sender is typing (never stored; throttled).
    Typing {
        /// The chat.
        chat_id: Uuid,
    },
    /// The user read every staff message of the chat.
    MarkRead {
        /// The chat.
        chat_id: Uuid,
    },
    /// Asks for a `pong`.
    Ping,
}

/// Frames the server sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// Authentication succeeded.
    Ready {
        /// Who the connection acts as.
        user: UserProfile,
    },
    /// A subscription is live (after its replay, if any).
    Subscribed {
        /// `chat` or `admin`.
        channel: Channel,
        /// The chat, for the chat channel.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chat_id: Option<Uuid>,
        /// The chat's newest `seq` at that moment (chat channel).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seq: Option<i64>,
    },
    /// A subscription ended.
    Unsubscribed {
        /// `chat` or `admin`.
        channel: Channel,
        /// The chat, for the chat channel.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        chat_id: Option<Uuid>,
    },
    /// A message of a subscribed chat (replayed or live), once per `seq`.
    NewMessage {
        /// The chat.
        chat_id: Uuid,
        /// The message, with its `seq`.
        message: SupportMessage,
    },
    /// The answer to `send_message`, also to a resend (then with the original message).
    Sent {
        /// The id the client gave.
        client_id: Uuid,
        /// The stored message.
        message: SupportMessage,
    },
    /// Admin channel: a user wrote (the spec's shape).
    NewUserMessage {
        /// The chat.
        chat_id: Uuid,
        /// The user's email, when known.
        user_email: Option<String>,
        /// The message.
        message: SupportMessage,
    },
    /// Admin channel: a chat's list entry changed.
    ChatUpdated {
        /// The entry as the list now shows it.
        chat: SupportChatListItem,
    },
    /// Admin channel: a colleague wrote a private note (staff only; never on a chat channel,
    /// which the chat's user may follow). Added after the first release.
    NewNote {
        /// The chat.
        chat_id: Uuid,
        /// The note.
        note: crate::notes::ChatNote,
    },
    /// Someone is typing in a subscribed chat.
    Typing {
        /// The chat.
        chat_id: Uuid,
        /// Who.
        sender_type: SenderType,
    },
    /// One side read the other's messages of a subscribed chat up to `up_to_seq`.
    Read {
        /// The chat.
        chat_id: Uuid,
        /// Who read: `user` (the staff messages) or `admin` (the user's, when staff opened
        /// the chat). Added after the first release; absent means `user`.
        #[serde(default = "user_reader")]
        reader: SenderType,
        /// When.
        read_at: DateTime<Utc>,
        /// The newest `seq` the read covers.
        up_to_seq: i64,
    },
    /// A frame was refused; the connection stays up unless a close frame follows.
    Error {
        /// `unauthorized`, `not_found`, `forbidden`, `invalid`, `rate_limited`, `too_large`,
        /// `internal`.
        code: ErrorCode,
        /// For people.
        message: String,
        /// The `client_id` or frame type the error answers.
        #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// The answer to `ping`.
    Pong,
}

fn user_reader() -> SenderType {
    SenderType::User
}

/// Why a frame was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not authenticated (yet), or the token is invalid or expired.
    Unauthorized,
    /// No such chat, or one that is not the caller's: the two are indistinguishable.
    NotFound,
    /// Authenticated, but not allowed (a user on the admin channel).
    Forbidden,
    /// Malformed JSON, an unknown frame type, or an invalid value.
    Invalid,
    /// More frames than the connection may send; slow down.
    RateLimited,
    /// The frame is larger than the server accepts.
    TooLarge,
    /// The server failed; try again.
    Internal,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_tagged_with_snake_case_types() {
        let frame: ClientFrame = serde_json::from_str(
            r#"{"type":"subscribe","channel":"chat","chat_id":"01a23300-0a3e-76c6-85e0-d163f108b7c5","after":7}"#,
        )
        .expect("subscribe parses");
        assert!(matches!(
            frame,
            ClientFrame::Subscribe {
                channel: Channel::Chat,
                after: Some(7),
                ..
            }
        ));
        let ping: ClientFrame = serde_json::from_str(r#"{"type":"ping"}"#).expect("ping");
        assert_eq!(ping, ClientFrame::Ping);
        let error = serde_json::to_value(ServerFrame::Error {
            code: ErrorCode::NotFound,
            message: "no such chat".into(),
            reference: Some("subscribe".into()),
        })
        .expect("serialise");
        assert_eq!(error["type"], "error");
        assert_eq!(error["code"], "not_found");
        assert_eq!(error["ref"], "subscribe");
        assert_eq!(
            serde_json::to_value(ServerFrame::Pong).expect("serialise")["type"],
            "pong"
        );
    }
}
