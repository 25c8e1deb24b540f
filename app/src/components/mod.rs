//! Pieces the pages share.

mod browser;
mod compose;
mod form_error;
mod submit_button;

pub use browser::{navigate_to, use_hydrated};
pub use compose::{TypingThrottle, sends_message};
pub use form_error::FormError;
pub use submit_button::SubmitButton;
