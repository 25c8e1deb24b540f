//! Server functions: the hosted UI's calls into the server, grouped by audience. Each one is thin:
//! it finds the caller and the application state, then calls a service in the `domain` crate.
//! They live under `/rpc/...`, apart from the public REST API under `/api/...`.

mod admin;
mod auth;
mod chat;
mod labels;
mod notes;
mod replies;
mod status;
mod team;

pub use admin::*;
pub use auth::*;
pub use chat::*;
pub use labels::*;
pub use notes::*;
pub use replies::*;
pub use status::*;
pub use team::*;

/// What server functions need from the request they serve.
#[cfg(feature = "ssr")]
mod request;
