//! Pages of the hosted site: start page, accounts, joining the support team from an
//! invitation, and its header.

mod join;
mod landing;
mod layout;
mod not_found;
mod sign_in;
mod sign_up;

pub use join::JoinPage;
pub use landing::LandingPage;
pub use layout::SiteHeader;
pub use not_found::NotFound;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
