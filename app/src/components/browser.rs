//! Small bridges to the browser.

use leptos::prelude::*;

/// `true` once the page has hydrated (effects only run in the browser). Controls that need
/// the wasm to work are disabled until then, and tests wait for it.
pub fn use_hydrated() -> RwSignal<bool> {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    hydrated
}

/// A full page load of `path`, so the server renders the page for the new session state.
pub fn navigate_to(path: &str) {
    if let Err(err) = window().location().set_href(path) {
        leptos::logging::error!("navigation to {path} failed: {err:?}");
    }
}
