//! What keeps a support team aware while the dashboard is open in some tab: the count of
//! unread chats in the page title, a short sound on each new user message (toggle, kept in
//! this browser), and a desktop notification once the person allowed them with a click. Fed
//! by the admin channel, which also hands each changed list entry to the page.

use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;

use crate::{
    api::count_unread_chats,
    browser::{self, Permission},
    realtime::{AdminFeed, FeedEvent},
};
use wire::{
    model::{SupportChatListItem, cut_chars},
    protocol::ServerFrame,
};

/// Where this browser keeps the sound preference.
const SOUND_KEY: &str = "confab:dashboard:sound";

/// What the page hears from the admin channel.
#[derive(Clone, Debug)]
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

/// Starts the alerts for a page and hands it each [`DeskEvent`]. `initial_unread` is the
/// count the server rendered the page with.
pub fn use_alerts(initial_unread: Option<u64>, on_event: impl Fn(DeskEvent) + 'static) -> Alerts {
    let alerts = Alerts {
        unread: RwSignal::new(initial_unread),
        sound: RwSignal::new(true),
        notifications: RwSignal::new(Permission::Denied),
        live: RwSignal::new(false),
    };
    let on_event = std::rc::Rc::new(on_event);
    Effect::new(move |started: Option<()>| {
        if started.is_some() {
            return;
        }
        alerts
            .sound
            .set(browser::stored(SOUND_KEY).as_deref() != Some("off"));
        alerts.notifications.set(browser::notification_permission());
        let on_event = std::rc::Rc::clone(&on_event);
        let feed = AdminFeed::connect(move |event| match event {
            FeedEvent::Frame(frame) => match *frame {
                ServerFrame::ChatUpdated { chat } => {
                    refresh_unread(alerts);
                    on_event(DeskEvent::Updated(chat));
                }
                ServerFrame::NewUserMessage {
                    user_email,
                    message,
                    ..
                } => {
                    if alerts.sound.get_untracked() {
                        browser::chime();
                    }
                    if alerts.notifications.get_untracked() == Permission::Granted {
                        let from = user_email.as_deref().unwrap_or("a visitor");
                        browser::notify(
                            &format!("New message from {from}"),
                            &cut_chars(&message.content, 140),
                            "confab-new-message",
                        );
                    }
                }
                _ => {}
            },
            FeedEvent::Live => {
                alerts.live.set(true);
                refresh_unread(alerts);
                on_event(DeskEvent::Live);
            }
            FeedEvent::Down => alerts.live.set(false),
        });
        on_cleanup(move || feed.close());
    });
    alerts
}

/// Reads the unread count again (after a change, or a reconnection).
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
    Effect::new(move |_| browser::set_title(&title(&name)));
    view! { <Title text=rendered /> }
}

/// The sound toggle and the button that asks for desktop notifications.
#[component]
pub fn AlertControls(alerts: Alerts) -> impl IntoView {
    let toggle_sound = move |_| {
        let on = !alerts.sound.get_untracked();
        alerts.sound.set(on);
        browser::store(SOUND_KEY, (!on).then_some("off"));
    };
    let ask = move |_| browser::ask_permission(move |answer| alerts.notifications.set(answer));
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
