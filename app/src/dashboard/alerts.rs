//! What keeps a support team aware while the dashboard is open in some tab: the count of
//! unread chats in the page title, a short sound on each new user message (toggle, kept in
//! this browser), and a desktop notification once the person allowed them with a click. Fed
//! by the admin channel, which also hands each changed list entry to the page.

use leptos::prelude::*;
#[cfg(feature = "browser")]
use leptos::task::spawn_local;
use leptos_meta::Title;

#[cfg(feature = "browser")]
use crate::{
    api::count_unread_chats,
    realtime::{AdminFeed, FeedEvent},
};
use wire::model::SupportChatListItem;
#[cfg(feature = "browser")]
use wire::protocol::ServerFrame;

/// Where this browser keeps the sound preference.
#[cfg(feature = "browser")]
const SOUND_KEY: &str = "confab:dashboard:sound";

/// What the page hears from the admin channel.
#[derive(Clone, Debug)]
#[cfg_attr(
    not(feature = "browser"),
    expect(dead_code, reason = "the admin channel runs in the browser only")
)]
pub enum DeskEvent {
    /// (Re)connected: whatever the page shows may have changed meanwhile.
    Live,
    /// A chat's list entry changed.
    Updated(SupportChatListItem),
}

/// The alerts' state, shared by the page's controls.
#[derive(Clone, Copy)]
pub struct Alerts {
    /// Active chats unread for staff; `None` until known.
    pub unread: RwSignal<Option<u64>>,
    /// Whether a new user message plays a sound.
    pub sound: RwSignal<bool>,
    /// Whether desktop notifications may be shown (the person allowed them).
    pub notifications: RwSignal<Permission>,
    /// Whether the admin channel is connected.
    pub live: RwSignal<bool>,
}

/// The browser's answer about desktop notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    not(feature = "browser"),
    expect(dead_code, reason = "only the browser answers")
)]
pub enum Permission {
    /// Not asked yet (or the browser has none): a button offers them.
    Ask,
    /// Allowed.
    Granted,
    /// Refused, or not available here.
    Denied,
}

/// Starts the alerts for a page and hands it each [`DeskEvent`]. `initial_unread` is the
/// count the server rendered the page with.
pub fn use_alerts(initial_unread: Option<u64>, on_event: impl Fn(DeskEvent) + 'static) -> Alerts {
    let alerts = Alerts {
        unread: RwSignal::new(initial_unread),
        sound: RwSignal::new(true),
        notifications: RwSignal::new(Permission::Denied),
        live: RwSignal::new(false),
    };
    #[cfg(feature = "browser")]
    {
        let on_event = std::rc::Rc::new(on_event);
        Effect::new(move |started: Option<()>| {
            if started.is_some() {
                return;
            }
            alerts
                .sound
                .set(crate::widget::browser::stored(SOUND_KEY).as_deref() != Some("off"));
            alerts.notifications.set(browser::permission());
            let on_event = std::rc::Rc::clone(&on_event);
            let feed = AdminFeed::connect(move |event| match event {
                FeedEvent::Live => {
                    alerts.live.set(true);
                    refresh_unread(alerts);
                    on_event(DeskEvent::Live);
                }
                FeedEvent::Down => alerts.live.set(false),
                FeedEvent::Frame(ServerFrame::ChatUpdated { chat }) => {
                    refresh_unread(alerts);
                    on_event(DeskEvent::Updated(chat));
                }
                FeedEvent::Frame(ServerFrame::NewUserMessage {
                    user_email,
                    message,
                    ..
                }) => {
                    if alerts.sound.get_untracked() {
                        crate::widget::browser::chime();
                    }
                    if alerts.notifications.get_untracked() == Permission::Granted {
                        browser::notify(user_email.as_deref(), &message.content);
                    }
                }
                FeedEvent::Frame(_) => {}
            });
            on_cleanup(move || feed.close());
        });
    }
    #[cfg(not(feature = "browser"))]
    let _ = on_event;
    alerts
}

/// Reads the unread count again (after a change, or a reconnection).
#[cfg(feature = "browser")]
fn refresh_unread(alerts: Alerts) {
    spawn_local(async move {
        if let Ok(count) = count_unread_chats().await {
            alerts.unread.set(Some(count));
        }
    });
}

/// The page title, with the unread count first: "(3) Support Chats". The server renders it
/// with the count it had; in the browser an effect of the page keeps it current (and dies
/// with the page, so a page being taken down never writes the title of the next one).
#[component]
pub fn AlertTitle(alerts: Alerts, name: String) -> impl IntoView {
    let title = move |name: &str| match alerts.unread.get() {
        Some(n) if n > 0 => format!("({n}) {name} · Confab"),
        _ => format!("{name} · Confab"),
    };
    let rendered = title(&name);
    #[cfg(feature = "browser")]
    Effect::new(move |_| document().set_title(&title(&name)));
    view! { <Title text=rendered /> }
}

/// The sound toggle and the button that asks for desktop notifications.
#[component]
pub fn AlertControls(alerts: Alerts) -> impl IntoView {
    let toggle_sound = move |_| {
        let on = !alerts.sound.get_untracked();
        alerts.sound.set(on);
        #[cfg(feature = "browser")]
        crate::widget::browser::store(SOUND_KEY, (!on).then_some("off"));
    };
    let ask = move |_| {
        #[cfg(feature = "browser")]
        browser::ask_permission(alerts.notifications);
    };
    view! {
        <div class="alert-controls">
            <span
                class="live-dot"
                class:on=move || alerts.live.get()
                data-testid="desk-live"
                data-live=move || alerts.live.get().to_string()
                title=move || if alerts.live.get() { "Live" } else { "Reconnecting…" }
            ></span>
            <button
                type="button"
                class="secondary small"
                data-testid="sound-toggle"
                aria-pressed=move || alerts.sound.get().to_string()
                on:click=toggle_sound
            >
                {move || if alerts.sound.get() { "Sound on" } else { "Sound off" }}
            </button>
            <Show when=move || alerts.notifications.get() == Permission::Ask>
                <button
                    type="button"
                    class="secondary small"
                    data-testid="notifications-enable"
                    on:click=ask
                >
                    "Enable desktop notifications"
                </button>
            </Show>
        </div>
    }
}

/// Desktop notifications, through the browser's `Notification`.
#[cfg(feature = "browser")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{Notification, NotificationOptions, NotificationPermission};

    use super::Permission;
    use wire::model::cut_chars;

    /// What the browser says now; `Denied` where there are no notifications.
    pub fn permission() -> Permission {
        let supported = js_sys::Reflect::has(&window(), &"Notification".into()).unwrap_or(false);
        if !supported {
            return Permission::Denied;
        }
        match Notification::permission() {
            NotificationPermission::Granted => Permission::Granted,
            NotificationPermission::Default => Permission::Ask,
            _ => Permission::Denied,
        }
    }

    /// Asks (a click is the gesture browsers require) and records the answer.
    pub fn ask_permission(state: RwSignal<Permission>) {
        let Ok(promise) = Notification::request_permission() else {
            state.set(Permission::Denied);
            return;
        };
        let answered = Closure::once(move |_: wasm_bindgen::JsValue| state.set(permission()));
        let _ = promise.then(&answered);
        answered.forget();
    }

    /// "New message from alice@example.com" with the message's start; clicking it brings
    /// this tab forward.
    pub fn notify(from: Option<&str>, content: &str) {
        let options = NotificationOptions::new();
        options.set_body(&cut_chars(content, 140));
        options.set_tag("confab-new-message");
        let title = format!("New message from {}", from.unwrap_or("a visitor"));
        if let Ok(notification) = Notification::new_with_options(&title, &options) {
            let focus = Closure::<dyn FnMut()>::new(|| {
                let _ = window().focus();
            });
            notification.set_onclick(Some(focus.as_ref().unchecked_ref()));
            focus.forget();
        }
    }
}
