//! What the dashboard writes about chats and times, as pure functions the host's tests cover:
//! who a chat is with, its counts, "2 minutes ago", and the day dividers of a conversation.

use chrono::{DateTime, Datelike, Utc};
use uuid::Uuid;

use wire::{
    model::{SenderType, SupportChatListItem},
    team::InboxView,
};

/// Who the chat is with: the user's email, or "Visitor" and a short id that stays the same
/// for that visitor (the end of their user id).
pub fn person(user_email: Option<&str>, user_id: Uuid) -> String {
    match user_email {
        Some(email) => email.to_owned(),
        None => {
            let id = user_id.simple().to_string();
            format!("Visitor {}", &id[id.len() - 6..])
        }
    }
}

/// The preview line of a card: the newest message, with "You: " when staff wrote it.
pub fn preview_line(chat: &SupportChatListItem) -> String {
    match (&chat.last_message_preview, chat.last_message_sender) {
        (Some(text), Some(SenderType::Admin)) => format!("You: {text}"),
        (Some(text), _) => text.clone(),
        (None, _) => "No messages yet".to_owned(),
    }
}

/// "1 message", "5 messages".
pub fn message_count(count: u64) -> String {
    if count == 1 {
        "1 message".to_owned()
    } else {
        format!("{count} messages")
    }
}

/// How long ago `then` was, seen at `now`: "just now", "2 minutes ago", "3 hours ago",
/// "yesterday", "4 days ago"; past a week, the date ("Jan 29", with the year when not this
/// year's). A time slightly in the future (clock skew) is "just now".
pub fn relative_time(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - then).num_seconds();
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match seconds {
        ..45 => "just now".to_owned(),
        45..3_600 => plural((seconds / 60).max(1), "minute"),
        3_600..86_400 => plural(seconds / 3_600, "hour"),
        86_400..172_800 => "yesterday".to_owned(),
        172_800..604_800 => plural(seconds / 86_400, "day"),
        _ if then.year() == now.year() => then.format("%b %-d").to_string(),
        _ => then.format("%b %-d, %Y").to_string(),
    }
}

/// What narrows a view's list: the words searched for (`?q=`) and a label (`?label=`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// The search, trimmed; empty for none.
    pub search: String,
    /// Only chats carrying this label.
    pub label: Option<Uuid>,
}

impl Filter {
    /// Whether anything narrows the list.
    pub fn narrows(&self) -> bool {
        !self.search.trim().is_empty() || self.label.is_some()
    }
}

/// The list's address for a view, a filter and a page cursor, as the page's links and forms
/// write it: `/admin/chats?view=mine&q=refund&label=ID&after=ID` (All open is the plain
/// address).
pub fn list_href(view: InboxView, filter: &Filter, after: Option<Uuid>) -> String {
    inbox_href("/admin/chats", view, filter, after)
}

/// A chat's address in the inbox, with the view, filter and page the list beside it shows:
/// `/admin/chats/ID?view=mine&q=refund`.
pub fn chat_href(chat: Uuid, view: InboxView, filter: &Filter, after: Option<Uuid>) -> String {
    inbox_href(&format!("/admin/chats/{chat}"), view, filter, after)
}

fn inbox_href(path: &str, view: InboxView, filter: &Filter, after: Option<Uuid>) -> String {
    let mut parts = Vec::new();
    if view != InboxView::default() {
        parts.push(format!("view={}", view.as_str()));
    }
    if !filter.search.trim().is_empty() {
        parts.push(format!("q={}", query_value(filter.search.trim())));
    }
    if let Some(label) = filter.label {
        parts.push(format!("label={label}"));
    }
    if let Some(after) = after {
        parts.push(format!("after={after}"));
    }
    if parts.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn item(preview: Option<&str>, sender: Option<SenderType>) -> SupportChatListItem {
        SupportChatListItem {
            id: Uuid::nil(),
            user_id: Uuid::nil(),
            user_email: None,
            last_message_at: None,
            last_message_preview: preview.map(str::to_owned),
            last_message_sender: sender,
            message_count: 0,
            unread: false,
            archived: false,
            status: wire::team::ChatStatus::Open,
            snoozed_until: None,
            assignee: None,
            labels: Vec::new(),
            match_in_note: false,
            match_snippet: None,
        }
    }

    #[test]
    fn people_are_emails_or_stable_short_visitor_ids() {
        let id = Uuid::parse_str("01a23300-0a3e-76c6-85e0-d163f108b7c5").expect("uuid");
        assert_eq!(person(Some("a@example.com"), id), "a@example.com");
        assert_eq!(person(None, id), "Visitor 08b7c5");
        assert_eq!(person(None, id), person(None, id));
    }

    #[test]
    fn previews_say_you_when_staff_wrote_last() {
        assert_eq!(
            preview_line(&item(Some("On it"), Some(SenderType::Admin))),
            "You: On it"
        );
        assert_eq!(
            preview_line(&item(Some("Help"), Some(SenderType::User))),
            "Help"
        );
        assert_eq!(preview_line(&item(None, None)), "No messages yet");
        assert_eq!(message_count(1), "1 message");
        assert_eq!(message_count(5), "5 messages");
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 10, 12, 0, 0)
            .single()
            .expect("time");
        let ago = |d: Duration| relative_time(now - d, now);
        assert_eq!(ago(Duration::seconds(-30)), "just now");
        assert_eq!(ago(Duration::seconds(10)), "just now");
        assert_eq!(ago(Duration::seconds(50)), "1 minute ago");
        assert_eq!(ago(Duration::minutes(2)), "2 minutes ago");
        assert_eq!(ago(Duration::minutes(61)), "1 hour ago");
        assert_eq!(ago(Duration::hours(5)), "5 hours ago");
        assert_eq!(ago(Duration::hours(30)), "yesterday");
        assert_eq!(ago(Duration::days(4)), "4 days ago");
        assert_eq!(ago(Duration::days(20)), "Feb 18");
        assert_eq!(ago(Duration::days(400)), "Feb 3, 2025");
    }

    #[test]
    fn list_addresses_keep_tab_filter_and_cursor() {
        let id = Uuid::from_u128(7);
        let search = |words: &str| Filter {
            search: words.to_owned(),
            label: None,
        };
        assert_eq!(
            list_href(InboxView::Open, &search(""), None),
            "/admin/chats"
        );
        assert_eq!(
            list_href(InboxView::Resolved, &search(" "), None),
            "/admin/chats?view=resolved"
        );
        assert_eq!(
            list_href(InboxView::Mine, &search("café & co"), Some(id)),
            format!("/admin/chats?view=mine&q=caf%C3%A9%20%26%20co&after={id}")
        );
        assert_eq!(
            chat_href(id, InboxView::Open, &search(""), None),
            format!("/admin/chats/{id}")
        );
        assert_eq!(
            chat_href(id, InboxView::Snoozed, &search("refund"), None),
            format!("/admin/chats/{id}?view=snoozed&q=refund")
        );
        let label = Uuid::from_u128(9);
        let labeled = Filter {
            search: "refund".to_owned(),
            label: Some(label),
        };
        assert!(labeled.narrows());
        assert!(!search(" ").narrows());
        assert_eq!(
            list_href(InboxView::Open, &labeled, None),
            format!("/admin/chats?q=refund&label={label}")
        );
    }
}
