//! Browser unit tests: the code of `app` that only a browser runs, in headless Chromium
//! (wasm-bindgen-test), without a Confab server.
//!
//! - `codec`: the browser's JSON codec (`app::realtime::json`, built on `JSON.parse` and
//!   `Reflect`) reads what the server's serde derivations write, and writes what they read, for
//!   every wire type it handles: the public contract has one meaning on both sides.
//! - `live_chat`: the `/ws` client (`app::realtime::LiveChat`) against a fake `WebSocket` and
//!   `fetch`: what it sends on opening, how frames change the chat, reconnection and resume,
//!   sign-out, and the polling fallback.
//! - `widget_model`: the widget's model (`app::widget::WidgetModel`) against the same fakes:
//!   sessions and tokens, loading, announcements, identity, logout, older pages.
//!
//! `cargo test -p app --target wasm32-unknown-unknown --features hydrate --test browser`:
//! `.cargo/config.toml` makes `wasm-bindgen-test-runner` cargo's runner for wasm32, which drives
//! Chromium through chromedriver. On the host this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use chrono::{DateTime, Utc};
use uuid::Uuid;
use wasm_bindgen_test::wasm_bindgen_test_configure;
use wire::{
    model::{Role, SenderType, SupportMessage, UserProfile},
    protocol::{Channel, ClientFrame, ServerFrame},
};

wasm_bindgen_test_configure!(run_in_browser);

mod codec;
mod fakes;
mod live_chat;
mod widget_model;

/// `ms` milliseconds after the epoch: the precision the browser keeps.
fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).expect("a time in range")
}

/// Message `seq` of a chat, written by `sender`, unread, without a client id.
fn message(seq: i64, sender: SenderType) -> SupportMessage {
    SupportMessage {
        id: Uuid::now_v7(),
        content: format!("message {seq}"),
        sender_type: sender,
        read_at: None,
        created_at: at(1_714_000_000_000 + seq * 1_000),
        seq,
        client_id: None,
        author: None,
        attachments: Vec::new(),
    }
}

/// An anonymous visitor.
fn visitor() -> UserProfile {
    UserProfile {
        id: Uuid::now_v7(),
        email: None,
        name: None,
        role: Role::User,
        verified: false,
        email_verified: false,
    }
}

/// What a widget's chat client sends first on a socket: its token, then the subscription to
/// the chat from the newest `seq` it holds.
fn hello(token: &str, chat_id: Uuid, after: i64) -> [ClientFrame; 2] {
    [
        ClientFrame::Auth {
            token: token.to_owned(),
        },
        ClientFrame::Subscribe {
            channel: Channel::Chat,
            chat_id: Some(chat_id),
            after: Some(after),
        },
    ]
}

/// The server's answer to that subscription.
fn subscribed(chat_id: Uuid, seq: i64) -> ServerFrame {
    ServerFrame::Subscribed {
        channel: Channel::Chat,
        chat_id: Some(chat_id),
        seq: Some(seq),
    }
}
