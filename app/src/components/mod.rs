//! Pieces the pages share.

mod compose;
mod form_error;
mod hydrated;
mod submit_button;

pub use compose::{TypingThrottle, sends_message};
pub use form_error::FormError;
pub use hydrated::use_hydrated;
pub use submit_button::SubmitButton;
