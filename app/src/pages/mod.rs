//! Pages of the hosted site: start page, accounts, the staff area's start, and its header.

mod landing;
mod layout;
mod not_found;
mod sign_in;
mod sign_up;
mod staff;

pub use landing::LandingPage;
pub use layout::SiteHeader;
pub use not_found::NotFound;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
pub use staff::StaffPage;
