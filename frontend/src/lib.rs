//! The browser bundle: hydrates the page the server rendered, so it becomes interactive.

/// Called by the hydration script Leptos puts in every server-rendered page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
