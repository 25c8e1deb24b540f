//! The notification chime: two short notes, generated (no audio file to download).

#[cfg(feature = "browser")]
thread_local! {
    /// The page's one audio context: each context holds an output stream of the audio device,
    /// so one is made on the first chime and reused, never one per chime.
    static AUDIO: std::cell::OnceCell<Option<web_sys::AudioContext>> =
        const { std::cell::OnceCell::new() };
}

/// Plays the chime. Browsers only allow sound after the reader interacted with the page;
/// before that this is silently nothing.
#[cfg(feature = "browser")]
pub fn chime() {
    AUDIO.with(|audio| {
        if let Some(context) = audio.get_or_init(|| web_sys::AudioContext::new().ok()) {
            play_chime(context);
        }
    });
}

/// Plays the chime: the server has no speakers.
#[cfg(not(feature = "browser"))]
pub fn chime() {}

#[cfg(feature = "browser")]
fn play_chime(context: &web_sys::AudioContext) {
    // A context made before the reader's first interaction starts suspended.
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
