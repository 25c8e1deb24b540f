//! The browser's side of the `/ws` protocol, for the widget and the dashboard: one chat's
//! connection (`socket`) and the staff dashboard's admin channel (`feed`), on the browser's
//! WebSocket through [`crate::browser`].
//!
//! The pure rules (`rules`) are unit-tested on the host: how long to wait before the next
//! reconnection attempt ([`Backoff`]), and how a chat's messages are kept once each, in `seq`
//! order, whether they arrive replayed, live, in a `sent` answer or from the polling fallback
//! ([`ChatLog`]). The connection itself (`socket`) drives them; `json` is the browser's codec for
//! the wire types (the hosted app's live chat uses it too).

mod feed;
pub mod json;
mod rules;
mod socket;

pub use feed::{AdminFeed, FeedEvent};
pub use rules::{Backoff, ChatLog, ChatSignals, ConnectionState, Pending};
pub use socket::{LiveChat, LiveChatOptions};
