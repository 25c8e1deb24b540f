//! Pages of the hosted site that are neither the widget nor the dashboard.

mod landing;
mod not_found;

pub use landing::LandingPage;
pub use not_found::NotFound;
