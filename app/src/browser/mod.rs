//! The one seam between the UI and the browser. Every web API the widget and the dashboard
//! use (local storage, the clock, the reader's language and time zone, sound, desktop
//! notifications, the page, HTTP, uploads and WebSockets), and the values only a browser keeps
//! ([`Local`]), are functions and types here, with one signature on both sides:
//!
//! - in a browser build (feature `browser`) it calls the web API;
//! - on the server, which renders pages but never runs effects or event handlers, it does
//!   nothing, or answers as a browser without that API would (no storage, no sound, UTC,
//!   no socket).
//!
//! Components, the widget's model and the `/ws` client call these and carry no `cfg` of
//! their own: this module is the only place in the UI that asks whether it runs in a browser.
//! Functions that take a browser event (a key press) need no server twin: the server never
//! has one to give them.

mod clock;
pub mod http;
mod local;
mod locale;
mod notifications;
mod page;
mod sound;
mod storage;
pub mod upload;
mod websocket;

pub use clock::{local_morning, now, now_ms, random, sleep_ms};
pub use local::Local;
pub use locale::{iso_time, language, local_day, local_time, utc_day, utc_time};
pub use notifications::{Permission, ask_permission, notification_permission, notify};
pub use page::{
    focus, from_within, in_a_field, is_hidden, load_from_server, matches_media, navigate_to,
    open_details, origin, set_title,
};
pub use sound::chime;
pub use storage::{store, stored};
pub use websocket::Socket;
