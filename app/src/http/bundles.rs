//! Which browser bundle a page hydrates with, and when it starts loading. The release build
//! makes two (scripts/build-release.sh): `confab`, the pages bundle, for every page outside
//! `/admin`, without the dashboard's code; and `confab-dashboard`, the whole app, for the
//! staff pages under `/admin`. A development build (`make dev`) has only the whole app, named
//! `confab`, and every page loads it.

use std::sync::Arc;

use leptos::{either::Either, prelude::*};

use super::is_staff_page;

/// The staff pages' bundle, written beside `confab.{js,wasm}` under the site's pkg directory.
pub const DASHBOARD_BUNDLE: &str = "confab-dashboard";

/// The scripts that hydrate the page being rendered.
///
/// Staff pages get Leptos's own, which preload the dashboard's bundle from the document's head.
/// Every other page gets the same loader started after the first frame: the pages bundle
/// (330 KB brotli) then never shares the connection with the stylesheets and the text the page
/// shows first. On a slow phone connection it would; Lighthouse (mobile) counted it in the
/// start page's largest paint whenever it arrived before that paint, 2.7 s instead of 1.0 s.
pub fn hydration_scripts(options: LeptosOptions) -> impl IntoView {
    let path = use_context::<axum::http::request::Parts>().map(|parts| parts.uri.path().to_owned());
    if path.as_deref().is_some_and(is_staff_page) {
        let mut options = options;
        if dashboard_bundle_built(&options) {
            options.output_name = Arc::from(DASHBOARD_BUNDLE);
        }
        Either::Left(view! { <HydrationScripts options /> })
    } else {
        let nonce = leptos::nonce::use_nonce();
        Either::Right(
            view! { <script type="module" nonce=nonce>{after_first_frame(&options)}</script> },
        )
    }
}

/// The loader of the pages bundle: fetches and starts it once the browser has drawn a frame,
/// or after a second in a tab that draws none (opened in the background), which must still
/// hydrate to hear replies.
fn after_first_frame(options: &LeptosOptions) -> String {
    let bundle = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    format!(
        "let started = false;\
         const start = () => {{\
           if (started) return;\
           started = true;\
           import({js:?}).then((bundle) => bundle.default({{ module_or_path: {wasm:?} }}).then(() => bundle.hydrate()));\
         }};\
         requestAnimationFrame(() => setTimeout(start));\
         setTimeout(start, 1000);",
        js = format!("{bundle}.js"),
        wasm = format!("{bundle}.wasm"),
    )
}

/// Whether the site holds the staff pages' bundle: a release build writes it, a development
/// build has none. Looked at on every staff page, so a site replaced under a running server
/// is seen at once (one `stat`, beside rendering a page).
fn dashboard_bundle_built(options: &LeptosOptions) -> bool {
    std::path::Path::new(options.site_root.as_ref())
        .join(options.site_pkg_dir.as_ref())
        .join(format!("{DASHBOARD_BUNDLE}.wasm"))
        .is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_loader_names_the_bundle_under_the_site_pkg_directory() {
        let script = after_first_frame(&LeptosOptions::builder().output_name("confab").build());
        assert!(script.contains(r#"import("/pkg/confab.js")"#), "{script}");
        assert!(
            script.contains(r#"module_or_path: "/pkg/confab.wasm""#),
            "{script}"
        );
        assert!(script.contains("requestAnimationFrame"), "{script}");
    }
}
