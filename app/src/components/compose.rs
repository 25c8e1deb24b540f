//! The rules every message box follows (the widget's and the dashboard's reply box).

use leptos::{ev::KeyboardEvent, prelude::*};

/// Whether this key press sends the message: Enter without Shift, and not the Enter that ends
/// an IME composition (keyCode 229: the key went to an IME; Safari reports `isComposing`
/// late).
pub fn sends_message(ev: &KeyboardEvent) -> bool {
    ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() && ev.key_code() != 229
}

/// "Typing" announcements at most every 2 s while someone types (the server throttles too).
#[derive(Clone, Copy)]
pub struct TypingThrottle {
    last_ms: StoredValue<f64>,
}

impl TypingThrottle {
    /// Nothing announced yet.
    pub fn new() -> Self {
        Self {
            last_ms: StoredValue::new(0.0),
        }
    }

    /// Whether to announce now (a key was typed); when so, the next one waits 2 s.
    pub fn due(&self) -> bool {
        let now = crate::browser::now_ms();
        let due = now - self.last_ms.get_value() > 2_000.0;
        if due {
            self.last_ms.set_value(now);
        }
        due
    }
}

impl Default for TypingThrottle {
    fn default() -> Self {
        Self::new()
    }
}
