//! Who is asking: accounts and passwords, sessions (cookie and bearer), visitors of embedding
//! sites and the identities those sites vouch for. The HTTP side (reading cookies and headers)
//! is `app::http::current_user`.

pub mod accounts;
pub mod password;
pub mod sessions;
pub mod settings;
pub mod token;
pub mod validate;
pub mod visitors;
