//! Which browser bundle a page hydrates with. The release build makes two (scripts/build-release.sh):
//! `confab`, for every page outside `/admin`, without the dashboard's code, and
//! `confab-dashboard`, the whole app, for the staff pages under `/admin`. A development build
//! (`make dev`) has only the whole app, named `confab`, and every page loads it.

use std::sync::{Arc, OnceLock};

use leptos::prelude::*;

/// The staff pages' bundle, written beside `confab.{js,wasm}` under the site's pkg directory.
pub const DASHBOARD_BUNDLE: &str = "confab-dashboard";

/// `options`, naming the bundle the page being rendered should hydrate with.
pub fn for_this_page(mut options: LeptosOptions) -> LeptosOptions {
    let path = use_context::<axum::http::request::Parts>().map(|parts| parts.uri.path().to_owned());
    if path.as_deref().is_some_and(is_staff_page) && dashboard_bundle_built(&options) {
        options.output_name = Arc::from(DASHBOARD_BUNDLE);
    }
    options
}

/// Pages under `/admin`, the dashboard's.
fn is_staff_page(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// Whether the site holds the staff pages' bundle, looked at once per process: a release build
/// writes it, a development build has none.
fn dashboard_bundle_built(options: &LeptosOptions) -> bool {
    static BUILT: OnceLock<bool> = OnceLock::new();
    *BUILT.get_or_init(|| {
        std::path::Path::new(options.site_root.as_ref())
            .join(options.site_pkg_dir.as_ref())
            .join(format!("{DASHBOARD_BUNDLE}.wasm"))
            .is_file()
    })
}

#[cfg(test)]
mod tests {
    use super::is_staff_page;

    #[test]
    fn only_paths_under_admin_are_staff_pages() {
        assert!(is_staff_page("/admin"));
        assert!(is_staff_page(
            "/admin/chats/0b6f6e1c-1d2b-4f4e-9a55-8d5f3c1e2a10"
        ));
        assert!(!is_staff_page("/"));
        assert!(!is_staff_page("/administrator"));
        assert!(!is_staff_page("/signin"));
    }
}
