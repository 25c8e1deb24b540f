//! The support widget end users see: a floating button with an unread badge that opens a chat
//! panel, live over `/ws`. The same components serve the hosted app (rendered on the server,
//! hydrated) and other sites (`<support-chat>`, rendered in the browser by the embed bundle).
//!
//! - `text`: strings (English, Japanese), the badge and link rules; pure and unit-tested.
//! - `model`: the widget's state and actions.
//! - `view`: the components.
//! - `hosted`: the widget on the hosted app's pages.
//! - `remote`: the REST calls.

mod hosted;
mod model;
mod remote;
mod text;
mod view;

pub use hosted::HostedChatWidget;
pub use model::{Access, Announcement, Notice, WidgetModel, WidgetSetup};
pub use remote::Identity;
pub use text::Locale;
pub use view::ChatWidget;
