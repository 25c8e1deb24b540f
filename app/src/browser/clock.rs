//! The time, randomness for backoff jitter, and a timer to await. The standard library has
//! no clock on wasm32, so the browser's is asked there.

use chrono::{DateTime, Utc};

/// Milliseconds since the epoch.
#[cfg(feature = "browser")]
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Milliseconds since the epoch.
#[cfg(not(feature = "browser"))]
pub fn now_ms() -> f64 {
    // Millisecond timestamps fit an f64 exactly for the next quarter million years.
    Utc::now().timestamp_millis() as f64
}

/// Now.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(now_ms() as i64).unwrap_or_default()
}

/// 9:00 in the reader's time zone, `days` days from today (snoozing "until tomorrow").
#[cfg(feature = "browser")]
pub fn local_morning(days: u32) -> DateTime<Utc> {
    let date = js_sys::Date::new_0();
    date.set_date(date.get_date() + days);
    date.set_hours(9);
    date.set_minutes(0);
    date.set_seconds(0);
    date.set_milliseconds(0);
    DateTime::from_timestamp_millis(date.get_time() as i64).unwrap_or_default()
}

/// 9:00 UTC, `days` days from today: the server has no reader's zone, and only renders the
/// choice (the browser computes the time when it is made).
#[cfg(not(feature = "browser"))]
pub fn local_morning(days: u32) -> DateTime<Utc> {
    let day = Utc::now().date_naive() + chrono::Days::new(u64::from(days));
    day.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc()
}

/// A number in `[0, 1)`: the jitter of reconnection delays.
#[cfg(feature = "browser")]
pub fn random() -> f64 {
    js_sys::Math::random()
}

/// A number in `[0, 1)`: the server never reconnects, so the middle will do.
#[cfg(not(feature = "browser"))]
pub fn random() -> f64 {
    0.5
}

/// Resolves after `ms` milliseconds.
#[cfg(feature = "browser")]
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Never resolves: the server runs no browser timers, and a retry loop that reached here
/// must not spin.
#[cfg(not(feature = "browser"))]
pub async fn sleep_ms(_ms: u32) {
    std::future::pending::<()>().await;
}
