//! One conversation view for both sides: the widget's panel (the user reads it) and the
//! dashboard's conversation page (staff read it). Message rows under day dividers, pending
//! and refused messages with "retry", the typing line, "Seen" under the newest own message
//! the other side read, a list that follows the newest message unless the reader scrolled up
//! (then a "new messages" pill), and older pages loaded at the top.
//!
//! What differs by side is data, a [`Side`]: whose messages are the reader's own, the words
//! (the widget's are translated), and the hooks tests find the parts by. Both sides share the
//! widget's class names and styles (`public/widget.css`, loaded by every hosted page); the
//! dashboard sets the colours through the same custom properties.
//!
//! - `side`: what differs between the widget's side and the dashboard's.
//! - `rows`: what the list shows, in order; pure and unit-tested.
//! - `links`: message text into text and safe links; pure and unit-tested.
//! - `files`: the files a message carries, as thumbnails and download links.
//! - `view`: the components.

mod files;
mod links;
mod rows;
mod side;
mod view;

pub use files::{FileList, set_file_base};
pub use side::{Hooks, Side, Words};
pub use view::{MessageList, OlderPages, TypingLine};
