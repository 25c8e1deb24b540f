//! The browser bundles. With `hydrate` (the default, built by cargo-leptos): takes over the
//! pages the server rendered. With `embed` (built by `scripts/build-embed.sh`): the widget
//! alone, mounted by `embed.js` into a `<support-chat>` element's shadow root on any site.

#[cfg(feature = "embed")]
mod embed;

/// Called by the hydration script Leptos puts in every server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
