//! Pieces the pages share.

mod compose;
mod form_error;
mod hydrated;
mod staff_page;
mod submit_button;
mod uploads;

pub use compose::{TypingThrottle, sends_message};
pub use form_error::FormError;
pub use hydrated::use_hydrated;
pub use staff_page::StaffPage;
pub use submit_button::SubmitButton;
pub use uploads::{AttachButton, UploadTray, UploadWords, Uploads};
