//! Desktop notifications, through the browser's `Notification`.

/// The browser's answer about desktop notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Not asked yet: a button may offer them.
    Ask,
    /// Allowed.
    Granted,
    /// Refused, or not available here.
    Denied,
}

/// What the browser says now; `Denied` where there are no notifications.
#[cfg(feature = "browser")]
pub fn notification_permission() -> Permission {
    use web_sys::{Notification, NotificationPermission};

    let supported = web_sys::window()
        .is_some_and(|w| js_sys::Reflect::has(&w, &"Notification".into()).unwrap_or(false));
    if !supported {
        return Permission::Denied;
    }
    match Notification::permission() {
        NotificationPermission::Granted => Permission::Granted,
        NotificationPermission::Default => Permission::Ask,
        _ => Permission::Denied,
    }
}

/// What the browser says now: the server shows no notifications.
#[cfg(not(feature = "browser"))]
pub fn notification_permission() -> Permission {
    Permission::Denied
}

/// Asks for permission (call it from a click: browsers require the gesture) and hands the
/// answer to `answered`.
#[cfg(feature = "browser")]
pub fn ask_permission(answered: impl FnOnce(Permission) + 'static) {
    use wasm_bindgen::closure::Closure;

    let Ok(promise) = web_sys::Notification::request_permission() else {
        answered(Permission::Denied);
        return;
    };
    let callback = Closure::once(move |_: wasm_bindgen::JsValue| {
        answered(notification_permission());
    });
    let _ = promise.then(&callback);
    callback.forget();
}

/// Asks for permission: the server answers no.
#[cfg(not(feature = "browser"))]
pub fn ask_permission(answered: impl FnOnce(Permission) + 'static) {
    answered(Permission::Denied);
}

/// Shows a notification `title` with `body`; notifications of the same `tag` replace each
/// other. Clicking it brings this tab forward.
#[cfg(feature = "browser")]
pub fn notify(title: &str, body: &str, tag: &str) {
    use wasm_bindgen::{JsCast, closure::Closure};

    let options = web_sys::NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    if let Ok(notification) = web_sys::Notification::new_with_options(title, &options) {
        let focus = Closure::<dyn FnMut()>::new(|| {
            if let Some(window) = web_sys::window() {
                let _ = window.focus();
            }
        });
        notification.set_onclick(Some(focus.as_ref().unchecked_ref()));
        focus.forget();
    }
}

/// Shows a notification: not on the server.
#[cfg(not(feature = "browser"))]
pub fn notify(_title: &str, _body: &str, _tag: &str) {}
