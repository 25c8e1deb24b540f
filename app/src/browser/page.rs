//! The page itself: its address and title, whether it is visible, full-page navigation, and
//! what a key press was aimed at.

/// A full page load of `path`, so the server renders the page for the new session state.
#[cfg(feature = "browser")]
pub fn navigate_to(path: &str) {
    let went = web_sys::window().map(|w| w.location().set_href(path));
    if !matches!(went, Some(Ok(()))) {
        leptos::logging::error!("navigation to {path} failed");
    }
}

/// A full page load of `path`: the server renders pages, it does not visit them.
#[cfg(not(feature = "browser"))]
pub fn navigate_to(_path: &str) {}

/// Loads the address the page shows from the server again, in place of the current history
/// entry (the router already added it).
#[cfg(feature = "browser")]
pub fn load_from_server() {
    let went = web_sys::window()
        .map(|w| w.location())
        .and_then(|location| location.href().ok().map(|href| location.replace(&href)));
    if !matches!(went, Some(Ok(()))) {
        leptos::logging::error!("loading the page from the server failed");
    }
}

/// Loads the page from the server: the server renders pages, it does not visit them.
#[cfg(not(feature = "browser"))]
pub fn load_from_server() {}

/// `https://host` of the page.
#[cfg(feature = "browser")]
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// `https://host` of the page: the server is not on a page.
#[cfg(not(feature = "browser"))]
pub fn origin() -> String {
    String::new()
}

/// Sets the tab's title.
#[cfg(feature = "browser")]
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// Sets the tab's title: the server renders it into the page instead.
#[cfg(not(feature = "browser"))]
pub fn set_title(_title: &str) {}

/// Whether the page is in a background tab or minimised.
#[cfg(feature = "browser")]
pub fn is_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Whether the page is hidden: nobody looks at the server's.
#[cfg(not(feature = "browser"))]
pub fn is_hidden() -> bool {
    true
}

/// Whether a key press comes from a text field (where letters are text, not commands).
pub fn in_a_field(event: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;

    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// Whether a key press comes from inside an element matching `selector` (e.g. a pane).
pub fn from_within(event: &web_sys::KeyboardEvent, selector: &str) -> bool {
    use wasm_bindgen::JsCast;

    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(selector).ok().flatten())
        .is_some()
}

/// Moves the focus to the first element matching `selector`, if there is one.
#[cfg(feature = "browser")]
pub fn focus(selector: &str) {
    use wasm_bindgen::JsCast;

    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Moves the focus: the server has none.
#[cfg(not(feature = "browser"))]
pub fn focus(_selector: &str) {}

/// Opens the first `<details>` matching `selector` and moves the focus to its summary.
#[cfg(feature = "browser")]
pub fn open_details(selector: &str) {
    use wasm_bindgen::JsCast;

    let details = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::HtmlDetailsElement>().ok());
    if let Some(details) = details {
        details.set_open(true);
        focus(&format!("{selector} > summary"));
    }
}

/// Opens a `<details>`: the server has no page.
#[cfg(not(feature = "browser"))]
pub fn open_details(_selector: &str) {}

/// Whether the page matches a CSS media query now, e.g. `(min-width: 1100px)`.
#[cfg(feature = "browser")]
pub fn matches_media(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|list| list.matches())
}

/// Whether the page matches a media query: the server has no screen.
#[cfg(not(feature = "browser"))]
pub fn matches_media(_query: &str) -> bool {
    false
}
