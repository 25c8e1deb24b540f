//! The widget's bridges to browser APIs: local storage, the browser's language, local time,
//! and the notification sound. Browser builds only.

use wasm_bindgen::JsValue;

/// Reads a value the widget kept in this site's local storage.
pub fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Keeps a value in this site's local storage; `None` removes it. Storage that is full or
/// blocked (private mode) only costs the value: the widget works without it.
pub fn store(key: &str, value: Option<&str>) {
    if let Some(storage) = storage() {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The browser's preferred language tag, e.g. `ja-JP`.
pub fn browser_language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
}

/// A message time in the reader's time zone and language, hours and minutes.
pub fn local_time(timestamp_ms: i64, locale: &str) -> String {
    // Millisecond timestamps fit an f64 exactly for the next quarter million years.
    let date = js_sys::Date::new(&JsValue::from_f64(timestamp_ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    date.to_locale_time_string_with_options(locale, &options)
        .into()
}

thread_local! {
    /// The page's one audio context: each context holds an output stream of the audio device,
    /// so one is made on the first chime and reused, never one per chime.
    static AUDIO: std::cell::OnceCell<Option<web_sys::AudioContext>> =
        const { std::cell::OnceCell::new() };
}

/// A short two-note chime, generated (no audio file). Browsers only allow sound after the
/// visitor interacted with the page; before that this is silently nothing.
pub fn chime() {
    AUDIO.with(|audio| {
        if let Some(context) = audio.get_or_init(|| web_sys::AudioContext::new().ok()) {
            play_chime(context);
        }
    });
}

fn play_chime(context: &web_sys::AudioContext) {
    // A context made before the visitor's first interaction starts suspended.
    let _ = context.resume();
    let now = context.current_time();
    for (i, frequency) in [880.0_f32, 1320.0].into_iter().enumerate() {
        let start = now + 0.12 * i as f64;
        let (Ok(oscillator), Ok(gain)) = (context.create_oscillator(), context.create_gain())
        else {
            return;
        };
        oscillator.set_type(web_sys::OscillatorType::Sine);
        oscillator.frequency().set_value(frequency);
        let volume = gain.gain();
        let _ = volume.set_value_at_time(0.0001, start);
        let _ = volume.exponential_ramp_to_value_at_time(0.15, start + 0.02);
        let _ = volume.exponential_ramp_to_value_at_time(0.0001, start + 0.25);
        if oscillator.connect_with_audio_node(&gain).is_err()
            || gain
                .connect_with_audio_node(&context.destination())
                .is_err()
        {
            return;
        }
        let _ = oscillator.start_with_when(start);
        let _ = oscillator.stop_with_when(start + 0.3);
    }
}
