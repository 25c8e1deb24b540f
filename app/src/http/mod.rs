//! The HTTP side of the app (feature `ssr` only): the state every request sees, who is asking
//! (cookies, bearer tokens, the client's address), the page's Content-Security-Policy and which
//! browser bundle it loads.
//! Server functions and the `server` crate's REST handlers and sockets share these; the work
//! itself is the `domain` crate's.

pub mod bundles;
pub mod content_security;
pub mod current_user;
pub mod state;
