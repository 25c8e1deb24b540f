//! Dates and times in the reader's language and time zone. The server does not know them:
//! it renders UTC, and pages switch to local times once they run in the browser (after
//! hydration, so the first render matches the server's). In the browser every label is
//! written by `Intl`, never by chrono's formatter, which would cost the embed bundle's budget.

use chrono::{DateTime, Utc};

/// The browser's preferred language tag, e.g. `ja-JP`.
#[cfg(feature = "browser")]
pub fn language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
}

/// The browser's preferred language tag: none on the server.
#[cfg(not(feature = "browser"))]
pub fn language() -> String {
    String::new()
}

/// Hours and minutes of `timestamp_ms` in the reader's time zone, in `locale`'s words
/// (`"default"`: the browser's).
#[cfg(feature = "browser")]
pub fn local_time(timestamp_ms: i64, locale: &str) -> String {
    let date = js_date(timestamp_ms);
    let options = js_options(&[("hour", "2-digit"), ("minute", "2-digit")]);
    date.to_locale_time_string_with_options(locale, &options)
        .into()
}

/// Hours and minutes of `timestamp_ms`: UTC on the server.
#[cfg(not(feature = "browser"))]
pub fn local_time(timestamp_ms: i64, _locale: &str) -> String {
    utc_time(DateTime::from_timestamp_millis(timestamp_ms).unwrap_or_default())
}

/// "Monday, January 29" of `timestamp_ms` in the reader's time zone, in `locale`'s words.
#[cfg(feature = "browser")]
pub fn local_day(timestamp_ms: i64, locale: &str) -> String {
    let date = js_date(timestamp_ms);
    let options = js_options(&[("weekday", "long"), ("month", "long"), ("day", "numeric")]);
    date.to_locale_date_string(locale, &options).into()
}

/// "Monday, January 29" of `timestamp_ms`: UTC on the server.
#[cfg(not(feature = "browser"))]
pub fn local_day(timestamp_ms: i64, _locale: &str) -> String {
    utc_day(DateTime::from_timestamp_millis(timestamp_ms).unwrap_or_default())
}

/// `2024-01-29T14:05:00.123Z`: the machine-readable time of a `<time datetime>`.
#[cfg(feature = "browser")]
pub fn iso_time(at: DateTime<Utc>) -> String {
    js_date(at.timestamp_millis()).to_iso_string().into()
}

/// `2024-01-29T14:05:00.123Z`: the machine-readable time of a `<time datetime>`.
#[cfg(not(feature = "browser"))]
pub fn iso_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// "14:05 UTC": what a page shows before it knows the reader's time zone. The browser
/// writes it with its own `Intl` (the same text as the server's): chrono's formatter would
/// weigh more in the embed bundle than the whole conversation view.
#[cfg(feature = "browser")]
pub fn utc_time(at: DateTime<Utc>) -> String {
    let options = js_options(&[
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
        ("timeZone", "UTC"),
    ]);
    let time: String = js_date(at.timestamp_millis())
        .to_locale_time_string_with_options("en-GB", &options)
        .into();
    format!("{time} UTC")
}

/// "14:05 UTC": what a page shows before it knows the reader's time zone.
#[cfg(not(feature = "browser"))]
pub fn utc_time(at: DateTime<Utc>) -> String {
    at.format("%H:%M UTC").to_string()
}

/// "Monday, January 29" in UTC: what a page shows before it knows the reader's time zone.
#[cfg(feature = "browser")]
pub fn utc_day(at: DateTime<Utc>) -> String {
    let options = js_options(&[
        ("weekday", "long"),
        ("month", "long"),
        ("day", "numeric"),
        ("timeZone", "UTC"),
    ]);
    js_date(at.timestamp_millis())
        .to_locale_date_string("en-US", &options)
        .into()
}

/// "Monday, January 29" in UTC: what a page shows before it knows the reader's time zone.
#[cfg(not(feature = "browser"))]
pub fn utc_day(at: DateTime<Utc>) -> String {
    at.format("%A, %B %-d").to_string()
}

#[cfg(feature = "browser")]
fn js_date(timestamp_ms: i64) -> js_sys::Date {
    // Millisecond timestamps fit an f64 exactly for the next quarter million years.
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(timestamp_ms as f64))
}

#[cfg(feature = "browser")]
fn js_options(pairs: &[(&str, &str)]) -> js_sys::Object {
    let options = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    options
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn utc_labels_name_the_day_and_the_zone() {
        let at = Utc.with_ymd_and_hms(2024, 1, 29, 14, 5, 0).unwrap();
        assert_eq!(utc_day(at), "Monday, January 29");
        assert_eq!(utc_time(at), "14:05 UTC");
        assert_eq!(iso_time(at), "2024-01-29T14:05:00.000Z");
        assert_eq!(local_time(at.timestamp_millis(), "default"), "14:05 UTC");
        assert_eq!(
            local_day(at.timestamp_millis(), "default"),
            "Monday, January 29"
        );
    }
}
