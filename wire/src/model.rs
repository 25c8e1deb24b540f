//! Wire types shared by the browser and the server. Field names follow the spec's JSON exactly.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who wrote a message: `user` or `admin` on the wire.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderType {
    /// The person asking for support.
    User,
    /// A member of the support staff.
    Admin,
}

impl SenderType {
    /// The side that receives what this side writes.
    pub fn other(self) -> Self {
        match self {
            Self::User => Self::Admin,
            Self::Admin => Self::User,
        }
    }
}

/// What a person may do: users talk in their own chat; staff (admins and agents) answer every
/// chat, and admins also manage the team.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// An end user or a visitor of an embedding site.
    User,
    /// Support staff who also manage the team and settings.
    Admin,
    /// Support staff who work conversations. Added after the first release.
    Agent,
}

impl Role {
    /// Whether this role answers chats (the spec's "staff": admins and agents).
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Admin | Self::Agent)
    }
}

/// What the landing page shows about the running server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppStatus {
    /// The server's version (its crate version).
    pub version: String,
    /// The database backend in words, e.g. `SQLite` or `PostgreSQL`.
    pub database: String,
}

/// A person as the UI and the API show them: never secrets.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserProfile {
    /// The user's id.
    pub id: uuid::Uuid,
    /// Their email, when known.
    pub email: Option<String>,
    /// Their display name, when known.
    pub name: Option<String>,
    /// `user` or `admin`.
    pub role: Role,
    /// Whether an embedding site vouched for this identity (its id).
    pub verified: bool,
    /// Whether the email, too, was vouched for (an identity token carried it); `false` for an
    /// email that came beside a `user_hash`, was typed by a visitor or given at sign-up.
    #[serde(default)]
    pub email_verified: bool,
}

impl UserProfile {
    /// What to call the person in the UI: name, else email, else "Visitor".
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.email.as_deref())
            .unwrap_or("Visitor")
    }
}

/// A message as the widget, the dashboard and the API show it (the spec's `SupportMessage`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportMessage {
    /// UUID v7: sorts with `created_at` into a total order.
    pub id: Uuid,
    /// The text, trimmed.
    pub content: String,
    /// Who wrote it.
    pub sender_type: SenderType,
    /// When the recipient read it.
    pub read_at: Option<DateTime<Utc>>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Its position in the chat: 1, 2, 3, … with no gaps, in commit order. Resume cursors
    /// (`after_seq`) use it.
    pub seq: i64,
    /// The sender's own id for the message, when it gave one (resends with it are no-ops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<Uuid>,
    /// The staff member who wrote it; `null` for the user's messages (and for staff messages
    /// written before authors were recorded). Added after the first release.
    #[serde(default)]
    pub author: Option<crate::team::Author>,
    /// The files sent with it, in the order they were attached; empty for text alone. Added
    /// after the first release.
    #[serde(default)]
    pub attachments: Vec<crate::attachments::Attachment>,
}

/// A user's chat with its messages, oldest first (the spec's `SupportChat`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportChat {
    /// The chat's id.
    pub id: Uuid,
    /// Messages in chronological order.
    pub messages: Vec<SupportMessage>,
}

/// A page of the dashboard's list, and where the next one starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatListPage {
    /// The chats, newest activity first, chats without messages last.
    pub chats: Vec<SupportChatListItem>,
    /// The last chat of this page when more follow: the next page is `after` it.
    pub next_after: Option<Uuid>,
}

/// What the hosted app's widget starts from for a signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostedWidget {
    /// Their chat with its newest messages, when they have one.
    pub chat: Option<SupportChat>,
}

/// One row of the dashboard's chat list (the spec's `SupportChatListItem`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportChatListItem {
    /// The chat's id.
    pub id: Uuid,
    /// Its owner.
    pub user_id: Uuid,
    /// The owner's email; `None` for an anonymous visitor who gave none.
    pub user_email: Option<String>,
    /// When the newest message was written.
    pub last_message_at: Option<DateTime<Utc>>,
    /// The newest message, cut to 100 characters with an ellipsis.
    pub last_message_preview: Option<String>,
    /// Who wrote the newest message.
    pub last_message_sender: Option<SenderType>,
    /// How many messages the chat has.
    pub message_count: u64,
    /// Whether the user wrote since an admin last looked.
    pub unread: bool,
    /// Whether the chat is archived: `status == "resolved"`.
    pub archived: bool,
    /// `open`, `snoozed` or `resolved`. Added after the first release, like the next two.
    #[serde(default)]
    pub status: crate::team::ChatStatus,
    /// Until when a snoozed chat sleeps; `null` unless snoozed.
    #[serde(default)]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// The staff member who owns the chat; `null` when nobody does.
    #[serde(default)]
    pub assignee: Option<crate::team::StaffRef>,
    /// The chat's labels, by name. Added with labels.
    #[serde(default)]
    pub labels: Vec<crate::labels::Label>,
    /// Search results only (`?q=`): the newest matching message around the words searched
    /// for; absent when the chat matched by its user's email. Added after the first release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_snippet: Option<String>,
    /// Search results only: `true` when `match_snippet` is from a private note (no message
    /// matched); absent otherwise. Added with notes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub match_in_note: bool,
}

/// A chat as staff see it (the spec's `AdminSupportChat`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminSupportChat {
    /// The chat's id.
    pub id: Uuid,
    /// Its owner.
    pub user_id: Uuid,
    /// The owner's email, when known.
    pub user_email: Option<String>,
    /// Whether the chat is archived: `status == "resolved"`.
    pub archived: bool,
    /// Messages in chronological order.
    pub messages: Vec<SupportMessage>,
    /// `open`, `snoozed` or `resolved`. Added after the first release, like the fields below.
    #[serde(default)]
    pub status: crate::team::ChatStatus,
    /// Until when a snoozed chat sleeps; `null` unless snoozed.
    #[serde(default)]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// The staff member who owns the chat; `null` when nobody does.
    #[serde(default)]
    pub assignee: Option<crate::team::StaffRef>,
    /// What staff did to the chat (assigned, snoozed, resolved, reopened), oldest first; staff
    /// only, never on a user endpoint.
    #[serde(default)]
    pub activity: Vec<crate::team::ActivityLine>,
    /// The team's private notes on the chat, oldest first; staff only, never on a user
    /// endpoint.
    #[serde(default)]
    pub notes: Vec<crate::notes::ChatNote>,
    /// The chat's labels, by name. Added with labels.
    #[serde(default)]
    pub labels: Vec<crate::labels::Label>,
    /// The newest files sent in the chat, both ways, newest first (at most 50). Added after
    /// the first release.
    #[serde(default)]
    pub files: Vec<crate::attachments::Attachment>,
}

/// The dashboard's conversation page: the chat, and who it is with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffConversation {
    /// The chat with its newest messages.
    pub chat: AdminSupportChat,
    /// Its user.
    pub user: UserProfile,
    /// When the user was first seen (their account or visitor record was created).
    pub user_since: DateTime<Utc>,
    /// When the chat was created.
    pub chat_started: DateTime<Utc>,
    /// The staff member reading it (their own messages are "You").
    pub viewer: Uuid,
    /// The reader's name as users see it (their name, else "Support"): `{{agent.name}}`.
    pub viewer_signature: String,
    /// The team, for assigning: every active staff member.
    pub team: Vec<crate::team::StaffRef>,
}

/// Messages in one page of a chat's history as the widget reads it: the newest page it starts
/// from, and each older page one scroll to the top loads. Fewer than this means no more.
pub const HISTORY_PAGE: usize = 50;

/// Longest preview in the chat list, in characters.
pub const PREVIEW_CHARS: usize = 100;

/// `content` cut to [`PREVIEW_CHARS`] characters (never inside a character), with `…` when cut.
pub fn preview(content: &str) -> String {
    cut_chars(content, PREVIEW_CHARS)
}

/// `content` cut to `max` characters (never inside a character), with `…` when cut.
pub fn cut_chars(content: &str, max: usize) -> String {
    match content.char_indices().nth(max) {
        None => content.to_owned(),
        Some((cut, _)) => format!("{}…", &content[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_cut_on_character_boundaries() {
        assert_eq!(preview("short"), "short");
        let exact = "a".repeat(PREVIEW_CHARS);
        assert_eq!(preview(&exact), exact);
        let long = "é".repeat(PREVIEW_CHARS + 5);
        let cut = preview(&long);
        assert_eq!(cut.chars().count(), PREVIEW_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
