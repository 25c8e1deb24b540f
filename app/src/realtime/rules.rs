//! The connection's pure rules, unit-tested on the host: how long to wait before the next
//! reconnection attempt ([`Backoff`]), how a chat's messages are kept once each, in `seq` order
//! ([`ChatLog`]), and the signals a view reads ([`ChatSignals`], [`ConnectionState`],
//! [`Pending`]).

use leptos::prelude::{RwSignal, Set, Update, WithUntracked};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use wire::model::{SenderType, SupportMessage};

/// A message sent but not yet confirmed by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// The client's id for it; the server's answer carries it back.
    pub client_id: Uuid,
    /// The text.
    pub content: String,
    /// The files sent with it (uploaded already).
    pub attachments: Vec<wire::attachments::Attachment>,
    /// The server refused it, or did not confirm it in time: the view offers "retry".
    pub failed: bool,
}

/// What a view shows of a live chat. The view owns the signals (so the server can render
/// them too); the browser's connection writes into them.
#[derive(Clone, Copy, Debug)]
pub struct ChatSignals {
    /// The socket's state.
    pub state: RwSignal<ConnectionState>,
    /// The chat's messages, each once, in order.
    pub log: RwSignal<ChatLog>,
    /// Messages on their way (shown as "sending") or refused (shown with "retry").
    pub pending: RwSignal<Vec<Pending>>,
    /// Who is typing on the other side: set by an announcement, cleared by their next
    /// message or 6 s after their last announcement.
    pub typing: RwSignal<Option<SenderType>>,
}

impl ChatSignals {
    /// Signals holding `initial` (what the server rendered), not yet connected.
    pub fn new(initial: Vec<SupportMessage>) -> Self {
        let mut log = ChatLog::default();
        log.merge(initial);
        Self {
            state: RwSignal::new(ConnectionState::Connecting),
            log: RwSignal::new(log),
            pending: RwSignal::new(Vec::new()),
            typing: RwSignal::new(None),
        }
    }

    /// Adds messages the server holds to the log, and drops the waiting copies of any of them
    /// (same `client_id`): a message shows once, whether its confirmation, its live frame or a
    /// poll brought it.
    pub fn receive(&self, messages: Vec<SupportMessage>) {
        let confirms = |waiting: &Pending| {
            messages
                .iter()
                .any(|m| m.client_id == Some(waiting.client_id))
        };
        if self.pending.with_untracked(|p| p.iter().any(confirms)) {
            self.pending.update(|p| p.retain(|m| !confirms(m)));
        }
        self.log.update(|log| {
            log.merge(messages);
        });
    }

    /// Forgets everything (the visitor logged out).
    pub fn clear(&self) {
        self.log.set(ChatLog::default());
        self.pending.set(Vec::new());
        self.typing.set(None);
        self.state.set(ConnectionState::Connecting);
    }
}

/// Whether the socket is usable right now; the widget's connection dot shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectionState {
    /// Opening, or authenticating and subscribing.
    #[default]
    Connecting,
    /// Subscribed: messages arrive live.
    Open,
    /// Down; reconnecting after a delay, polling meanwhile.
    Closed,
}

/// Exponential backoff with full jitter: attempt `n` waits a random time in
/// `[0, min(max, base · 2ⁿ)]`, so many clients cut off at once do not return at once.
#[derive(Clone, Debug)]
pub struct Backoff {
    base_ms: u32,
    max_ms: u32,
    attempt: u32,
}

impl Backoff {
    /// Waits start around `base_ms` and never exceed `max_ms`.
    pub fn new(base_ms: u32, max_ms: u32) -> Self {
        Self {
            base_ms,
            max_ms,
            attempt: 0,
        }
    }

    /// The delay before the next attempt, given a uniform random number in `[0, 1)`.
    pub fn next_delay_ms(&mut self, random: f64) -> u32 {
        let ceiling = self
            .base_ms
            .saturating_mul(1u32.checked_shl(self.attempt.min(16)).unwrap_or(u32::MAX))
            .min(self.max_ms);
        self.attempt = self.attempt.saturating_add(1);
        // random is clamped to [0, 1], so the product is within [0, ceiling]: the cast only
        // drops the fraction of a millisecond.
        (f64::from(ceiling) * random.clamp(0.0, 1.0)) as u32
    }

    /// After a connection that worked: the next failure starts from the shortest wait again.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

/// A chat's messages as the client knows them: each once, in `seq` order. A message's `seq`
/// never changes and no two messages of a chat share one, so `seq` finds a message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatLog {
    messages: Vec<SupportMessage>,
}

impl ChatLog {
    /// Adds what is new in `incoming`, updates what changed (a read receipt), and keeps
    /// `seq` order whatever order they came in. Returns the messages that were new.
    pub fn merge(
        &mut self,
        incoming: impl IntoIterator<Item = SupportMessage>,
    ) -> Vec<SupportMessage> {
        let mut added = Vec::new();
        for message in incoming {
            match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
                Ok(at) => self.messages[at] = message,
                Err(at) => {
                    added.push(message.clone());
                    self.messages.insert(at, message);
                }
            }
        }
        added
    }

    /// The newest `seq` held: the cursor to resume from (`after`, `after_seq`).
    pub fn last_seq(&self) -> i64 {
        self.messages.last().map_or(0, |m| m.seq)
    }

    /// How many messages `sender` wrote that the other side has not read.
    pub fn unread_from(&self, sender: SenderType) -> usize {
        self.messages
            .iter()
            .filter(|m| m.sender_type == sender && m.read_at.is_none())
            .count()
    }

    /// The messages, oldest first.
    pub fn messages(&self) -> &[SupportMessage] {
        &self.messages
    }

    /// Marks every message of `sender` up to `up_to_seq` read at `read_at` (a read receipt).
    pub fn mark_read(
        &mut self,
        sender: SenderType,
        up_to_seq: i64,
        read_at: chrono::DateTime<chrono::Utc>,
    ) {
        for message in &mut self.messages {
            if message.sender_type == sender
                && message.seq <= up_to_seq
                && message.read_at.is_none()
            {
                message.read_at = Some(read_at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn message(seq: i64) -> SupportMessage {
        SupportMessage {
            id: Uuid::now_v7(),
            content: format!("m{seq}"),
            sender_type: SenderType::User,
            read_at: None,
            created_at: Utc::now(),
            seq,
            client_id: None,
            author: None,
            attachments: Vec::new(),
        }
    }

    #[test]
    fn backoff_grows_to_its_ceiling_with_jitter_and_resets() {
        let mut backoff = Backoff::new(500, 30_000);
        let ceilings: Vec<u32> = (0..8).map(|_| backoff.next_delay_ms(0.999_999)).collect();
        assert_eq!(
            ceilings,
            [499, 999, 1_999, 3_999, 7_999, 15_999, 29_999, 29_999]
        );
        assert_eq!(
            backoff.next_delay_ms(0.0),
            0,
            "full jitter reaches down to zero"
        );
        let half = backoff.next_delay_ms(0.5);
        assert_eq!(half, 15_000);
        backoff.reset();
        assert_eq!(backoff.next_delay_ms(0.999_999), 499);
        let mut forever = Backoff::new(500, 30_000);
        for _ in 0..100 {
            assert!(forever.next_delay_ms(0.999_999) <= 30_000, "no overflow");
        }
    }

    #[test]
    fn replay_and_live_merge_into_one_ordered_log_without_duplicates() {
        let (m1, m2, m3, m4) = (message(1), message(2), message(3), message(4));
        let mut log = ChatLog::default();
        // Live message 3 arrived during the replay of 1..=3; then 4; then a resend of 2.
        assert_eq!(log.merge([m3.clone()]).len(), 1);
        assert_eq!(log.merge([m1.clone(), m2.clone(), m3.clone()]).len(), 2);
        assert_eq!(log.merge([m4.clone(), m2.clone()]).len(), 1);
        let seqs: Vec<i64> = log.messages().iter().map(|m| m.seq).collect();
        assert_eq!(seqs, [1, 2, 3, 4]);
        assert_eq!(log.last_seq(), 4);
    }

    #[test]
    fn a_newer_copy_of_a_known_message_updates_it_in_place() {
        let mut log = ChatLog::default();
        let mut staff = message(1);
        staff.sender_type = SenderType::Admin;
        log.merge([staff.clone(), message(2)]);
        let now = Utc::now();
        log.mark_read(SenderType::Admin, 1, now);
        assert_eq!(log.messages()[0].read_at, Some(now));
        assert_eq!(log.unread_from(SenderType::Admin), 0);
        assert_eq!(log.unread_from(SenderType::User), 1);
        assert_eq!(
            log.messages()[1].read_at,
            None,
            "only the sender's messages"
        );
        let mut later = staff;
        later.content = "edited".into();
        assert!(log.merge([later]).is_empty());
        assert_eq!(log.messages()[0].content, "edited");
    }

    #[test]
    fn a_message_the_server_holds_replaces_its_waiting_copy_however_it_arrives() {
        // Signals live in a reactive owner's arena.
        leptos::prelude::Owner::new().with(|| {
            let signals = ChatSignals::new(Vec::new());
            let waiting = |client_id| Pending {
                client_id,
                content: "hello".into(),
                attachments: Vec::new(),
                failed: true,
            };
            let (polled, live, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
            signals
                .pending
                .set(vec![waiting(polled), waiting(live), waiting(other)]);
            // A poll while the socket was down brought the stored copy of the first.
            let mut stored = message(1);
            stored.client_id = Some(polled);
            signals.receive(vec![stored.clone()]);
            // A live frame brings the second; a message without a client id changes nothing.
            let mut echoed = message(2);
            echoed.client_id = Some(live);
            signals.receive(vec![echoed, message(3), stored]);
            let left: Vec<Uuid> = signals
                .pending
                .with_untracked(|p| p.iter().map(|m| m.client_id).collect());
            assert_eq!(left, [other], "only the unconfirmed one still waits");
            let seqs: Vec<i64> = signals
                .log
                .with_untracked(|log| log.messages().iter().map(|m| m.seq).collect());
            assert_eq!(seqs, [1, 2, 3], "each once");
        });
    }
}
