//! The embed bundle's entry point: `embed.js` calls [`mount`] with the `<support-chat>`
//! element, a container inside its shadow root and the element's attributes, and drives the
//! returned [`SupportChatWidget`] from the element's methods.

use app::{
    browser,
    realtime::json,
    widget::{Access, Announcement, ChatWidget, Identity, Locale, WidgetModel, WidgetSetup},
};
use leptos::{mount::mount_to, prelude::*};
use wasm_bindgen::{JsCast, JsValue, prelude::wasm_bindgen};
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

/// A mounted widget, as `embed.js` holds it.
#[wasm_bindgen]
pub struct SupportChatWidget {
    model: WidgetModel,
    // Dropping the handle would unmount the widget: it lives as long as this object.
    _mounted: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

#[wasm_bindgen]
impl SupportChatWidget {
    /// Opens the panel.
    pub fn open(&self) {
        self.model.open.set(true);
    }

    /// Closes the panel.
    pub fn close(&self) {
        self.model.open.set(false);
    }

    /// Opens or closes the panel.
    pub fn toggle(&self) {
        self.model.open.update(|open| *open = !*open);
    }

    /// The site says who the visitor is: `{identity_token}`, or `{user_id, email, name,
    /// user_hash}`; all optional.
    pub fn identify(&self, identity: &JsValue) {
        self.model.identify(identity_of(identity));
    }

    /// The visitor signed out of the site.
    pub fn logout(&self) {
        self.model.logout();
    }
}

/// Renders the widget into `container` (inside `host`'s shadow root). `options`: `server`
/// (`https://host`), `locale`, `position`, `open`, and the identity fields.
#[wasm_bindgen]
pub fn mount(host: HtmlElement, container: HtmlElement, options: &JsValue) -> SupportChatWidget {
    let server = text(options, "server").unwrap_or_default();
    let locale = text(options, "locale").unwrap_or_else(browser::language);
    let left = text(options, "position").as_deref() == Some("left");
    let open = js_sys::Reflect::get(options, &"open".into())
        .ok()
        .is_some_and(|v| v.is_truthy());
    let identity = identity_of(options);

    let model = WidgetModel::new(WidgetSetup {
        access: Access::Embedded { server },
        locale: Locale::from_tag(&locale),
        open,
        initial: None,
    });
    model.identify(identity);
    model.on_announcement(move |announcement| announce(&host, &announcement));
    let mounted = mount_to(container, move || {
        Effect::new(move |_| model.start_in_browser());
        view! { <ChatWidget model left /> }.into_any()
    });
    SupportChatWidget {
        model,
        _mounted: mounted,
    }
}

/// `support-chat:message` (detail: the message) and `support-chat:unread` (detail: the
/// count) on the element; they bubble out of the shadow root.
fn announce(host: &HtmlElement, announcement: &Announcement) {
    let (name, detail) = match announcement {
        Announcement::Message(message) => ("support-chat:message", json::message_object(message)),
        Announcement::Unread(count) => ("support-chat:unread", JsValue::from(*count as u32)),
    };
    let init = CustomEventInit::new();
    init.set_detail(&detail);
    init.set_bubbles(true);
    init.set_composed(true);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(event.unchecked_ref());
    }
}

fn identity_of(value: &JsValue) -> Identity {
    Identity {
        user_id: text(value, "user_id"),
        email: text(value, "email"),
        name: text(value, "name"),
        user_hash: text(value, "user_hash"),
        identity_token: text(value, "identity_token"),
    }
}

/// A non-empty string property of a JS object.
fn text(object: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(object, &key.into())
        .ok()
        .and_then(|v| v.as_string())
        .filter(|s| !s.is_empty())
}
