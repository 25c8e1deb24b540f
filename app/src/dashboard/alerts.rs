//! What keeps a support team aware while the dashboard is open in some tab: the count of
//! unread chats in the page title, a short sound on each new user message and each note that
//! mentions the reader (toggle, kept in this browser), a desktop notification once the person
//! allowed them with a click, and the count of the reader's unseen mentions. Fed
//! by the inbox's one admin channel, which also hands each changed list entry to whatever
//! listens (the list and the open conversation).

use std::sync::Arc;

use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;

use crate::{
    api::{count_mentions, count_unread_chats},
    browser::{self, Permission},
    realtime::{AdminFeed, FeedEvent},
};
use uuid::Uuid;
use wire::{
    error::AppError,
    model::{SupportChatListItem, cut_chars},
    notes::ChatNote,
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
    /// A colleague wrote a private note on a chat.
    Note {
        /// The chat.
        chat_id: Uuid,
        /// The note.
        note: ChatNote,
    },
}

/// Something that hears the admin channel's [`DeskEvent`]s.
type Listener = Arc<dyn Fn(&DeskEvent) + Send + Sync>;

/// The alerts' state, shared by the inbox's panes.
#[derive(Clone, Copy)]
pub struct Alerts {
    /// Active chats unread for staff, as last read in the browser; `None` until then.
    unread: RwSignal<Option<u64>>,
    /// The count the server rendered the page with.
    first_unread: Resource<Result<u64, AppError>>,
    /// Whether a new user message plays a sound.
    pub sound: RwSignal<bool>,
    /// Whether desktop notifications may be shown (the person allowed them).
    pub notifications: RwSignal<Permission>,
    /// Whether the admin channel is connected.
    pub live: RwSignal<bool>,
    /// The reader, and how many of their mentions they have not seen; `None` until read.
    mentions: RwSignal<Option<(Uuid, u64)>>,
    /// Who hears the channel's events, each under its number.
    listeners: StoredValue<Vec<(u64, Listener)>>,
    /// The number the next listener gets.
    next_listener: StoredValue<u64>,
}

impl Alerts {
    /// Active chats unread for staff (tracked): the count last read, else the one the page
    /// was rendered with. Read it under a `Suspense`, which waits for the first count.
    pub fn unread(&self) -> Option<u64> {
        self.unread
            .get()
            .or_else(|| self.first_unread.get().and_then(Result::ok))
    }

    /// How many of the reader's mentions they have not seen (tracked); `None` until read.
    pub fn unseen_mentions(&self) -> Option<u64> {
        self.mentions.get().map(|(_, unseen)| unseen)
    }

    /// Reads the unseen mentions again (the reader opened a chat, which sees its mentions).
    pub fn recount_mentions(&self) {
        let mentions = self.mentions;
        spawn_local(async move {
            if let Ok(fresh) = count_mentions().await {
                mentions.try_set(Some(fresh));
            }
        });
    }

    /// A note arrived: when it mentions the reader (and someone else wrote it), the reader
    /// hears of it at once.
    fn heard_note(&self, note: &ChatNote) {
        let Some((reader, _)) = self.mentions.get_untracked() else {
            return;
        };
        if note.author.id == reader || !note.mentions.iter().any(|m| m.id == reader) {
            return;
        }
        self.mentions
            .update(|m| *m = m.map(|(who, unseen)| (who, unseen + 1)));
        if self.sound.get_untracked() {
            browser::chime();
        }
        if self.notifications.get_untracked() == Permission::Granted {
            browser::notify(
                &format!("{} mentioned you", note.author.name),
                &cut_chars(&note.content, 140),
                "confab-mention",
            );
        }
    }

    /// Hands each [`DeskEvent`] to `listener` until the reactive owner calling this (a pane,
    /// an effect) is disposed.
    pub fn hear(&self, listener: impl Fn(&DeskEvent) + Send + Sync + 'static) {
        let id = self.next_listener.get_value();
        self.next_listener.set_value(id + 1);
        self.listeners
            .update_value(|all| all.push((id, Arc::new(listener))));
        let listeners = self.listeners;
        on_cleanup(move || {
            listeners.try_update_value(|all| all.retain(|(each, _)| *each != id));
        });
    }

    /// Tells every listener (a copy of the list: a listener may add or remove listeners).
    fn tell(&self, event: &DeskEvent) {
        let listeners = self
            .listeners
            .with_value(|all| all.iter().map(|(_, l)| Arc::clone(l)).collect::<Vec<_>>());
        for listener in listeners {
            listener(event);
        }
    }
}

/// Starts the alerts and the admin channel for the inbox.
pub fn use_alerts() -> Alerts {
    let alerts = Alerts {
        unread: RwSignal::new(None),
        first_unread: Resource::new(|| (), |()| count_unread_chats()),
        sound: RwSignal::new(true),
        notifications: RwSignal::new(Permission::Denied),
        live: RwSignal::new(false),
        mentions: RwSignal::new(None),
        listeners: StoredValue::new(Vec::new()),
        next_listener: StoredValue::new(0),
    };
    Effect::new(move |started: Option<()>| {
        if started.is_some() {
            return;
        }
        alerts
            .sound
            .set(browser::stored(SOUND_KEY).as_deref() != Some("off"));
        alerts.notifications.set(browser::notification_permission());
        let feed = AdminFeed::connect(move |event| match event {
            FeedEvent::Frame(frame) => match *frame {
                ServerFrame::ChatUpdated { chat } => {
                    refresh_unread(alerts);
                    alerts.tell(&DeskEvent::Updated(chat));
                }
                ServerFrame::NewNote { chat_id, note } => {
                    alerts.heard_note(&note);
                    alerts.tell(&DeskEvent::Note { chat_id, note });
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
                alerts.recount_mentions();
                alerts.tell(&DeskEvent::Live);
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
    let title = move |name: &str| match alerts.unread() {
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
