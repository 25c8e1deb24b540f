//! This site's local storage: preferences (mute, sound) and the widget's visitor token.
//! Storage that is full or blocked (private mode) only costs the value: everything works
//! without it.

/// The value kept under `key`.
#[cfg(feature = "browser")]
pub fn stored(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// The value kept under `key`: never any on the server.
#[cfg(not(feature = "browser"))]
pub fn stored(_key: &str) -> Option<String> {
    None
}

/// Keeps `value` under `key`; `None` removes it.
#[cfg(feature = "browser")]
pub fn store(key: &str, value: Option<&str>) {
    if let Some(storage) = local_storage() {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

/// Keeps `value` under `key`: the server keeps nothing.
#[cfg(not(feature = "browser"))]
pub fn store(_key: &str, _value: Option<&str>) {}

#[cfg(feature = "browser")]
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
