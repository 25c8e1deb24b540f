//! The browser's side of the `/ws` protocol, for the widget and the dashboard: one chat's
//! connection (`socket`) and the staff dashboard's admin channel (`feed`).
//!
//! The pure rules (`rules`) are unit-tested on the host: how long to wait before the next
//! reconnection attempt ([`Backoff`]), and how a chat's messages are kept once each, in `seq`
//! order, whether they arrive replayed, live, in a `sent` answer or from the polling fallback
//! ([`ChatLog`]). The connection itself (`socket`, browser only) drives them.

#[cfg(feature = "browser")]
mod feed;
#[cfg(feature = "browser")]
pub mod fetch;
#[cfg(feature = "browser")]
pub mod json;
mod rules;
#[cfg(feature = "browser")]
mod socket;
#[cfg(feature = "browser")]
pub use feed::{AdminFeed, FeedEvent};
#[cfg(feature = "browser")]
pub use socket::{LiveChat, LiveChatOptions};

pub use rules::{Backoff, ChatLog, ChatSignals, ConnectionState, Pending};
