//! Who is asking: accounts and passwords, sessions (cookie and bearer), visitors of embedding
//! sites, and the extractors every entry point uses to find the current user.

pub mod accounts;
pub mod current_user;
pub mod password;
pub mod sessions;
pub mod token;
pub mod validate;
pub mod visitors;
