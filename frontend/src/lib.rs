//! The browser bundles. With `hydrate` (the default, built by cargo-leptos): the whole app, which
//! takes over the staff pages the server rendered. With `pages` alone: the same for every other
//! page, without the dashboard. With `embed`: the widget alone, mounted by `embed.js` into a
//! `<support-chat>` element's shadow root on any site. scripts/build-pages.sh and
//! scripts/build-embed.sh build the last two.

#[cfg(feature = "embed")]
mod embed;

/// Called by the hydration script Leptos puts in every server-rendered page.
#[cfg(feature = "pages")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // The bundles scripts/build-wasm.sh builds abort on a panic without a message.
    #[cfg(feature = "hydrate")]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
