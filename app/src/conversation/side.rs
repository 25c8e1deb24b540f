//! What differs between the two sides the conversation is read from: whose messages are the
//! reader's own, the words, and the names tests and scripts find the parts by.

use wire::model::SenderType;

use crate::components::UploadWords;

/// Whose screen the conversation is on, and what differs between the two (but the other
/// side's name, which is the one thing not known before the page runs).
#[derive(Clone, Copy, Debug)]
pub struct Side {
    /// Whose messages are the reader's own: shown on the right, with "Seen" under them.
    pub mine: SenderType,
    /// The language dates and times are written in (`"default"`: the browser's).
    pub locale: &'static str,
    /// Whether each message names its sender on screen (the dashboard), or for screen
    /// readers only (the widget, where the bubbles' sides say it).
    pub sender_shown: bool,
    /// Whether the server renders the list (the dashboard): dates and times are UTC until the
    /// page has hydrated, so the browser's first render matches. The widget's panel only ever
    /// opens in the browser, which writes local times from the start.
    pub server_rendered: bool,
    /// The words.
    pub words: &'static Words,
    /// The names tests and scripts find the parts by.
    pub hooks: &'static Hooks,
}

/// The view's words in the reader's language.
#[derive(Debug)]
pub struct Words {
    /// How the reader's own messages are signed.
    pub you: &'static str,
    /// Under the newest own message the other side read.
    pub seen: &'static str,
    /// Under a message on its way.
    pub sending: &'static str,
    /// Under a message the server refused or never confirmed.
    pub not_sent: &'static str,
    /// The button that sends it again.
    pub retry: &'static str,
    /// While older messages load.
    pub loading: &'static str,
    /// Before the first message.
    pub empty: &'static str,
    /// The pill shown when messages arrived below while the reader scrolled up.
    pub new_messages: &'static str,
    /// While the other side types.
    pub typing: &'static str,
    /// The list's accessible name.
    pub list_label: &'static str,
    /// The message box's uploads.
    pub uploads: UploadWords,
}

/// The `data-testid`s of the view's parts (and the class of a message's text), kept as each
/// side first published them: the browser tests and sites' own scripts find parts by them.
#[derive(Debug)]
pub struct Hooks {
    /// The scrolling list.
    pub list: &'static str,
    /// A message.
    pub message: &'static str,
    /// The classes of a message's text: `confab-bubble`, and any a side published besides.
    pub text_class: &'static str,
    /// A message on its way.
    pub pending: &'static str,
    /// "Seen".
    pub seen: &'static str,
    /// "Retry".
    pub retry: &'static str,
    /// A day divider.
    pub day: &'static str,
    /// The "new messages" pill.
    pub new_messages: &'static str,
    /// The typing line.
    pub typing: &'static str,
}
