//! Whether the page has hydrated.

use leptos::prelude::*;

/// `true` once the page has hydrated (effects only run in the browser). Controls that need
/// the wasm to work are disabled until then, and tests wait for it.
pub fn use_hydrated() -> RwSignal<bool> {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    hydrated
}
