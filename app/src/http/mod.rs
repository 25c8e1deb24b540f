//! The HTTP side of the app (feature `ssr` only): the state every request sees, who is asking
//! (cookies, bearer tokens, the client's address), the page's Content-Security-Policy and which
//! browser bundle it loads.
//! Server functions and the `server` crate's REST handlers and sockets share these; the work
//! itself is the `domain` crate's.

pub mod bundles;
pub mod content_security;
pub mod current_user;
pub mod state;

/// Pages under `/admin`: the dashboard's, for staff only (the server's guard sends others
/// away), hydrated with the dashboard's bundle ([`bundles`]).
pub fn is_staff_page(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

#[cfg(test)]
mod tests {
    use super::is_staff_page;

    #[test]
    fn only_paths_under_admin_are_staff_pages() {
        assert!(is_staff_page("/admin"));
        assert!(is_staff_page("/admin/"));
        assert!(is_staff_page(
            "/admin/chats/0b6f6e1c-1d2b-4f4e-9a55-8d5f3c1e2a10"
        ));
        assert!(!is_staff_page("/"));
        assert!(!is_staff_page("/administrator"));
        assert!(!is_staff_page("/signin"));
    }
}
