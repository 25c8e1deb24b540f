//! What the message list shows, in order: the messages (and, on staff's side, the team's
//! private notes among them by time) under a divider for each day, "Seen" on the newest own
//! message the other side read, and the messages on their way last.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::realtime::Pending;
use wire::{
    model::{SenderType, SupportMessage},
    notes::ChatNote,
};

/// What a note's row holds: the note. The embed (the widget on other sites) is never given
/// notes, so there nothing can be one and none of their code is in its bundle.
#[cfg(not(feature = "embed"))]
pub type NoteRow = ChatNote;
/// What a note's row holds: in the embed, nothing can be one.
#[cfg(feature = "embed")]
pub type NoteRow = std::convert::Infallible;

/// A line of the list.
#[derive(Clone, Debug)]
pub enum Row {
    /// A day divider, before the day's first message.
    Day { label: String, first: Uuid },
    /// A message; `seen` marks the newest own message the other side read.
    Message { message: SupportMessage, seen: bool },
    /// A private note (staff's side only).
    #[cfg_attr(
        feature = "embed",
        expect(dead_code, reason = "the embed is never given notes")
    )]
    Note(NoteRow),
    /// A message on its way, or refused.
    Pending(Pending),
}

/// A row's identity in the keyed list: what changes it draws it again (a read receipt,
/// "Seen" moving on, a refusal).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RowKey {
    /// A day divider: its day's first message (the same date in two years is two days), and
    /// its label (which changes once the reader's time zone is known).
    Day(Uuid, String),
    /// A message: its id, whether it was read, whether it carries "Seen".
    Message(Uuid, bool, bool),
    /// A note: its id (a note never changes).
    #[cfg_attr(
        feature = "embed",
        expect(dead_code, reason = "the embed is never given notes")
    )]
    Note(Uuid),
    /// A message on its way: its `client_id`, whether it was refused.
    Pending(Uuid, bool),
}

impl Row {
    /// Its identity in the keyed list.
    pub fn key(&self) -> RowKey {
        match self {
            Self::Day { label, first } => RowKey::Day(*first, label.clone()),
            Self::Message { message, seen } => {
                RowKey::Message(message.id, message.read_at.is_some(), *seen)
            }
            #[cfg(not(feature = "embed"))]
            Self::Note(note) => RowKey::Note(note.id),
            #[cfg(feature = "embed")]
            Self::Note(never) => match *never {},
            Self::Pending(p) => RowKey::Pending(p.client_id, p.failed),
        }
    }
}

/// The rows of `messages` and `notes` (each in order), merged by time, and `pending`, read by
/// `mine`'s side; `day_of` names the day of a time in the reader's words.
pub fn rows(
    messages: &[SupportMessage],
    notes: &[ChatNote],
    pending: &[Pending],
    mine: SenderType,
    day_of: impl Fn(DateTime<Utc>) -> String,
) -> Vec<Row> {
    let newest_seen = messages
        .iter()
        .rev()
        .find(|m| m.sender_type == mine && m.read_at.is_some())
        .map(|m| m.id);
    let mut rows = Vec::with_capacity(messages.len() + notes.len() + pending.len() + 1);
    let mut day = String::new();
    let mut new_day = |rows: &mut Vec<Row>, at: DateTime<Utc>, first: Uuid| {
        let label = day_of(at);
        if label != day {
            day.clone_from(&label);
            rows.push(Row::Day { label, first });
        }
    };
    // The embed (the widget on other sites) is never given notes: without them the merge
    // below folds away, and the bundle stays within its budget.
    #[cfg(feature = "embed")]
    let notes: &[ChatNote] = {
        debug_assert!(notes.is_empty());
        &[]
    };
    let (mut messages, mut notes) = (messages.iter().peekable(), notes.iter().peekable());
    loop {
        // A note goes before a message written after it (ties: the message first).
        let note_first = match (messages.peek(), notes.peek()) {
            (Some(message), Some(note)) => note.created_at < message.created_at,
            (None, Some(_)) => true,
            (_, None) => false,
        };
        if note_first {
            let Some(note) = notes.next() else { break };
            new_day(&mut rows, note.created_at, note.id);
            #[cfg(not(feature = "embed"))]
            rows.push(Row::Note(note.clone()));
        } else {
            let Some(message) = messages.next() else {
                break;
            };
            new_day(&mut rows, message.created_at, message.id);
            rows.push(Row::Message {
                seen: Some(message.id) == newest_seen,
                message: message.clone(),
            });
        }
    }
    rows.extend(pending.iter().cloned().map(Row::Pending));
    rows
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Datelike, TimeZone, Utc};

    use super::*;

    fn message(seq: i64, sender_type: SenderType, day: u32, read: bool) -> SupportMessage {
        let at: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0).unwrap();
        SupportMessage {
            id: Uuid::from_u128(seq as u128),
            content: format!("m{seq}"),
            sender_type,
            read_at: read.then_some(at),
            created_at: at,
            seq,
            client_id: None,
            author: None,
            attachments: Vec::new(),
        }
    }

    fn shape(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|row| match row {
                Row::Day { label, .. } => format!("day {label}"),
                Row::Message { message, seen } => {
                    format!("{}{}", message.content, if *seen { " seen" } else { "" })
                }
                Row::Note(note) => format!("note {}", note.content),
                Row::Pending(p) => format!("pending {}", p.content),
            })
            .collect()
    }

    fn day_of(at: DateTime<Utc>) -> String {
        at.format("%d").to_string()
    }

    fn note(n: u128, content: &str, day: u32, hour: u32) -> ChatNote {
        ChatNote {
            id: Uuid::from_u128(n),
            content: content.to_owned(),
            author: wire::team::Author::new(Uuid::nil(), "Maya".to_owned()),
            mentions: Vec::new(),
            created_at: Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap(),
            client_id: None,
        }
    }

    #[test]
    fn notes_sit_among_the_messages_by_time_under_their_days() {
        let messages = [
            message(1, SenderType::User, 1, false),
            message(2, SenderType::Admin, 2, false),
        ];
        // Messages are at noon: one note before the first, one between, one after the last
        // on a day of its own.
        let notes = [
            note(11, "early", 1, 9),
            note(12, "between", 1, 13),
            note(13, "late", 3, 9),
        ];
        assert_eq!(
            shape(&rows(&messages, &notes, &[], SenderType::Admin, day_of)),
            [
                "day 01",
                "note early",
                "m1",
                "note between",
                "day 02",
                "m2",
                "day 03",
                "note late"
            ]
        );
    }

    #[test]
    fn a_divider_opens_each_day_and_pending_messages_come_last() {
        let messages = [
            message(1, SenderType::User, 1, true),
            message(2, SenderType::Admin, 1, true),
            message(3, SenderType::User, 2, false),
        ];
        let pending = [Pending {
            client_id: Uuid::from_u128(9),
            content: "p".to_owned(),
            attachments: Vec::new(),
            failed: false,
        }];
        assert_eq!(
            shape(&rows(&messages, &[], &pending, SenderType::Admin, day_of)),
            ["day 01", "m1", "m2 seen", "day 02", "m3", "pending p"]
        );
    }

    #[test]
    fn seen_marks_the_newest_own_message_the_other_side_read() {
        let messages = [
            message(1, SenderType::User, 1, true),
            message(2, SenderType::User, 1, true),
            message(3, SenderType::Admin, 1, true),
            message(4, SenderType::User, 1, false),
        ];
        // The user's view: their second message was read, the fourth not yet.
        assert_eq!(
            shape(&rows(&messages, &[], &[], SenderType::User, day_of)),
            ["day 01", "m1", "m2 seen", "m3", "m4"]
        );
        // Staff's view: their one message was read.
        assert_eq!(
            shape(&rows(&messages, &[], &[], SenderType::Admin, day_of)),
            ["day 01", "m1", "m2", "m3 seen", "m4"]
        );
        // Nothing of staff's read yet: no "Seen" at all.
        assert_eq!(
            shape(&rows(&messages[..2], &[], &[], SenderType::Admin, day_of)),
            ["day 01", "m1", "m2"]
        );
    }

    #[test]
    fn the_same_date_in_two_years_is_two_dividers_with_two_keys() {
        let mut messages = vec![
            message(1, SenderType::User, 3, false),
            message(2, SenderType::User, 4, false),
            message(3, SenderType::User, 3, false),
        ];
        messages[2].created_at = messages[2]
            .created_at
            .with_year(2032)
            .expect("a date in 2032");
        let rows = rows(&messages, &[], &[], SenderType::User, day_of);
        let days: Vec<RowKey> = rows
            .iter()
            .filter(|r| matches!(r, Row::Day { .. }))
            .map(Row::key)
            .collect();
        assert_eq!(days.len(), 3);
        assert_eq!(days[0], RowKey::Day(Uuid::from_u128(1), "03".to_owned()));
        assert_ne!(days[0], days[2]);
    }

    #[test]
    fn a_row_is_drawn_again_when_it_is_read_seen_or_refused() {
        let unread = Row::Message {
            message: message(1, SenderType::User, 1, false),
            seen: false,
        };
        let read = Row::Message {
            message: message(1, SenderType::User, 1, true),
            seen: false,
        };
        let seen = Row::Message {
            message: message(1, SenderType::User, 1, true),
            seen: true,
        };
        assert_ne!(unread.key(), read.key());
        assert_ne!(read.key(), seen.key());
        let pending = |failed| {
            Row::Pending(Pending {
                client_id: Uuid::nil(),
                content: String::new(),
                attachments: Vec::new(),
                failed,
            })
        };
        assert_ne!(pending(false).key(), pending(true).key());
    }
}
