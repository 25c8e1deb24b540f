//! Server functions: the hosted UI's calls into the server, grouped by audience. Each one is thin:
//! it finds the caller and the application state, then calls a service in `crate::server`.

mod status;

pub use status::*;
