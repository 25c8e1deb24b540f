//! Server-only code (feature `ssr`): database entities, services that take a connection, and the
//! state the server hands to every request. Never compiled to wasm.

pub mod auth;
pub mod chat_search;
pub mod chats;
pub mod client_addr;
pub mod clock;
pub mod content_security;
pub mod effects;
pub mod entities;
pub mod events;
pub mod hub;
pub mod limits;
pub mod relay;
pub mod reply_emails;
pub mod state;
pub mod status;
pub mod transactions;
