//! Confab's domain: what the product does, apart from how it is reached. Entities and the
//! services that take a connection (chats, search, accounts, sessions, visitors), limits per
//! person and per address, reply-email jobs and the mail worker, live events (the hub) and
//! their relay between instances. Every write runs through one service function here, which
//! owns its transaction and publishes what follows the commit through [`effects::Effects`].
//!
//! It knows nothing of HTTP or the UI: REST handlers and sockets (`server`) and server
//! functions (`app` with `ssr`) are adapters over it. Errors are `wire::error::AppError`, the
//! error every adapter answers with.

pub mod attachments;
pub mod auth;
pub mod chat_search;
pub mod chats;
pub mod client_addr;
pub mod clock;
pub mod effects;
pub mod entities;
pub mod events;
pub mod fact;
pub mod fields;
pub mod hub;
pub mod labels;
pub mod limits;
pub mod mail;
pub mod relay;
pub mod reply_emails;
pub mod saved_replies;
pub mod status;
pub mod team;
pub mod transactions;
