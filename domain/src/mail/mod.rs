//! Email leaving the process: the transport (SMTP, or `.eml` files in development) and the
//! worker that sends due reply emails through it. What a reply email says and when it is due
//! is `reply_emails`; mail only ever goes out from the worker, never inside a request.

pub mod transport;
pub mod worker;

pub use transport::{Mailer, TransportSettings};
pub use worker::MailSettings;
