//! `/admin/chats/:id`: one conversation. The server renders it whole (reading it records
//! the staff view, as the spec asks) with forms that work before the wasm arrives; once
//! hydrated it is live over `/ws` (messages, "User is typing…", "Seen"), sends replies over
//! the socket, loads older messages on scroll-up, keeps recording the view while the page is
//! open and visible, and answers `e` (archive / restore) and Esc (back to the list).

use leptos::{ev, html, prelude::*};
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use super::{
    alerts::{AlertControls, AlertTitle, DeskEvent, use_alerts},
    text,
};
use crate::{
    api::{count_unread_chats, get_admin_chat, set_chat_archived},
    browser,
    components::{TypingThrottle, sends_message},
    realtime::{ChatSignals, ConnectionState, LiveChat, LiveChatOptions, Pending},
    widget::message_text,
};
use wire::{
    error::AppError,
    model::{SenderType, StaffConversation, SupportMessage, UserProfile},
};

/// The page: finds the chat named in the path and renders it.
#[component]
pub fn ConversationPage() -> impl IntoView {
    let params = use_params_map();
    let chat_id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok())));
    let from_archived =
        use_query_map().with_untracked(|q| q.get("from").as_deref() == Some("archived"));
    let back = text::list_href(from_archived, "", None);
    let conversation = Resource::new(
        move || chat_id.get(),
        |id| async move {
            match id {
                Some(id) => get_admin_chat(id).await,
                None => Err(AppError::not_found("no such chat")),
            }
        },
    );
    let unread = Resource::new(|| (), |()| count_unread_chats());
    view! {
        <main class="page dashboard conversation-page" data-testid="conversation-page">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let initial_unread = unread.get().and_then(Result::ok);
                    let back = back.clone();
                    conversation
                        .get()
                        .map(|result| match result {
                            Ok(conversation) => {
                                view! { <Conversation conversation initial_unread back /> }
                                    .into_any()
                            }
                            Err(err) => {
                                view! {
                                    <p><a href=back>"← Support Chats"</a></p>
                                    <h1>"Chat not found"</h1>
                                    <p class="form-error" role="alert">{err.to_string()}</p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </main>
    }
}

/// Live handles of the page, once the browser runs it.
#[derive(Clone, Copy)]
struct Live {
    chat: StoredValue<Option<LiveChat>, LocalStorage>,
}

impl Live {
    fn new() -> Self {
        Self {
            chat: StoredValue::new_local(None),
        }
    }

    fn with(&self, act: impl FnOnce(&LiveChat)) {
        self.chat.with_value(|chat| {
            if let Some(chat) = chat {
                act(chat);
            }
        });
    }
}

#[component]
fn Conversation(
    conversation: StaffConversation,
    initial_unread: Option<u64>,
    back: String,
) -> impl IntoView {
    let StaffConversation {
        chat,
        user,
        user_since,
        chat_started,
    } = conversation;
    let chat_id = chat.id;
    let person = text::person(user.email.as_deref(), user.id);
    let has_older = RwSignal::new(chat.messages.first().is_some_and(|m| m.seq > 1));
    let signals = ChatSignals::new(chat.messages);
    let archived = RwSignal::new(chat.archived);
    let in_browser = RwSignal::new(false);
    let live = Live::new();
    let alerts = use_alerts(initial_unread, move |event| {
        if let DeskEvent::Updated(entry) = event
            && entry.id == chat_id
        {
            archived.set(entry.archived);
        }
    });

    {
        let back = back.clone();
        Effect::new(move |started: Option<()>| {
            if started.is_some() {
                return;
            }
            in_browser.set(true);
            let chat = LiveChat::connect(
                LiveChatOptions {
                    server: String::new(),
                    token: None,
                    chat_id,
                    as_staff: true,
                },
                signals,
            );
            live.chat.set_value(Some(chat));
            on_cleanup(move || live.with(LiveChat::close));
            in_the_browser::keep_recording_views(chat_id, signals);
            in_the_browser::listen_to_keys(chat_id, archived, back.clone());
        });
    }

    let title = person.clone();
    view! {
        <AlertTitle alerts name=title />
        <p class="back-link">
            <a href=back.clone() data-testid="back-link">"← Support Chats"</a>
        </p>
        <div class="dashboard-header">
            <h1 data-testid="conversation-title">{person.clone()}</h1>
            <ArchiveToggle chat_id archived />
            <AlertControls alerts />
        </div>
        <div class="conversation-layout">
            <section class="conversation" aria-label="Conversation">
                <MessageColumn chat_id signals user=user.clone() in_browser has_older />
                <TypingLine signals />
                <ReplyBox chat_id live />
            </section>
            <PersonPanel user user_since chat_started in_browser />
        </div>
    }
    .into_any()
}

/// Archive / Restore: a form that posts to the server function (works before the wasm),
/// handled in place once hydrated.
#[component]
fn ArchiveToggle(chat_id: Uuid, archived: RwSignal<bool>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = !archived.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(now) = set_chat_archived(chat_id, wanted).await {
                archived.set(now);
            }
            busy.set(false);
        });
    };
    view! {
        <form method="post" action="/rpc/admin/set_archived" class="archive-toggle" on:submit=submit>
            <input type="hidden" name="chat_id" value=chat_id.to_string() />
            <input type="hidden" name="archived" value=move || (!archived.get()).to_string() />
            <button
                type="submit"
                class="secondary"
                data-testid="archive-toggle"
                data-archived=move || archived.get().to_string()
                disabled=move || busy.get()
            >
                {move || if archived.get() { "Restore" } else { "Archive" }}
            </button>
        </form>
    }
}

/// What the message column shows, in order.
#[derive(Clone, Debug)]
enum Row {
    /// A day divider.
    Day(String),
    /// A message; `seen` marks the newest staff message the user has read.
    Message { message: SupportMessage, seen: bool },
    /// A reply on its way, or refused.
    Pending(Pending),
}

impl Row {
    fn key(&self) -> String {
        match self {
            Self::Day(label) => format!("day:{label}"),
            Self::Message { message, seen } => {
                format!("m:{}:{}:{seen}", message.id, message.read_at.is_some())
            }
            Self::Pending(p) => format!("p:{}:{}", p.client_id, p.failed),
        }
    }
}

/// Messages grouped by day (the viewer's, once the browser runs; UTC as rendered), pending
/// replies last.
fn rows(signals: ChatSignals, in_browser: bool) -> Vec<Row> {
    let mut rows = Vec::new();
    signals.log.with(|log| {
        let messages = log.messages();
        let newest_seen = messages
            .iter()
            .rev()
            .find(|m| m.sender_type == SenderType::Admin && m.read_at.is_some())
            .map(|m| m.id);
        let mut day = String::new();
        for message in messages {
            let label = day_label(message, in_browser);
            if label != day {
                day.clone_from(&label);
                rows.push(Row::Day(label));
            }
            rows.push(Row::Message {
                seen: Some(message.id) == newest_seen,
                message: message.clone(),
            });
        }
    });
    signals
        .pending
        .with(|p| rows.extend(p.iter().cloned().map(Row::Pending)));
    rows
}

fn day_label(message: &SupportMessage, in_browser: bool) -> String {
    day_label_of(message.created_at, in_browser)
}

fn time_label(at: chrono::DateTime<chrono::Utc>, in_browser: bool) -> String {
    if in_browser {
        browser::local_time(at.timestamp_millis(), "default")
    } else {
        browser::utc_time(at)
    }
}

/// The messages: user on the left, staff on the right; older ones load on scroll-up.
#[component]
fn MessageColumn(
    chat_id: Uuid,
    signals: ChatSignals,
    user: UserProfile,
    in_browser: RwSignal<bool>,
    has_older: RwSignal<bool>,
) -> impl IntoView {
    let scroller = NodeRef::<html::Div>::new();
    let user_label = user
        .name
        .clone()
        .unwrap_or_else(|| text::person(user.email.as_deref(), user.id));
    let loading_older = RwSignal::new(false);

    // New rows: stay at the bottom if the reader was there (or the page just opened).
    let at_bottom = StoredValue::new(true);
    Effect::new(move |_| {
        signals.log.track();
        signals.pending.track();
        if let Some(el) = scroller.get()
            && at_bottom.get_value()
        {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let on_scroll = move |_: ev::Event| {
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let bottom_gap = el.scroll_height() - el.scroll_top() - el.client_height();
        at_bottom.set_value(bottom_gap < 40);
        if el.scroll_top() < 40 && has_older.get_untracked() && !loading_older.get_untracked() {
            in_the_browser::load_older(chat_id, signals, has_older, loading_older, el);
        }
    };

    view! {
        <div
            class="message-column"
            node_ref=scroller
            data-testid="message-column"
            data-live=move || (signals.state.get() == ConnectionState::Open).to_string()
            tabindex="0"
            aria-label="Messages, newest last"
            on:scroll=on_scroll
        >
            <Show when=move || has_older.get()>
                <p class="older-hint">
                    {move || if loading_older.get() { "Loading older messages…" } else { "Scroll up for older messages" }}
                </p>
            </Show>
            <ol class="messages" aria-live="polite" aria-label="Messages">
                <For
                    each=move || rows(signals, in_browser.get())
                    key=Row::key
                    let(row)
                >
                    {match row {
                        Row::Day(label) => view! {
                            <li class="day-divider" data-testid="day-divider">
                                <span>{label}</span>
                            </li>
                        }.into_any(),
                        Row::Message { message, seen } => view! {
                            <StaffBubble message seen user_label=user_label.clone() in_browser />
                        }.into_any(),
                        Row::Pending(pending) => view! { <PendingReply pending /> }.into_any(),
                    }}
                </For>
            </ol>
            <Show when=move || signals.log.with(|l| l.messages().is_empty()) && signals.pending.with(Vec::is_empty)>
                <p class="empty-state">"No messages yet."</p>
            </Show>
        </div>
    }
    .into_any()
}

#[component]
fn StaffBubble(
    message: SupportMessage,
    seen: bool,
    user_label: String,
    in_browser: RwSignal<bool>,
) -> impl IntoView {
    let staff = message.sender_type == SenderType::Admin;
    let at = message.created_at;
    view! {
        <li
            class="bubble-row"
            class:staff=staff
            class:user=!staff
            data-testid="staff-message"
            data-sender=if staff { "admin" } else { "user" }
            data-seq=message.seq.to_string()
        >
            <div class="bubble">
                <span class="sender">{if staff { "You".to_owned() } else { user_label }}</span>
                <p class="content">{message_text(&message.content)}</p>
                <time class="time" datetime=at.to_rfc3339()>{move || time_label(at, in_browser.get())}</time>
            </div>
            {seen.then(|| view! { <span class="seen" data-testid="seen">"Seen"</span> })}
        </li>
    }
    .into_any()
}

#[component]
fn PendingReply(pending: Pending) -> impl IntoView {
    view! {
        <li class="bubble-row staff pending" data-testid="pending-reply" data-failed=pending.failed.to_string()>
            <div class="bubble">
                <span class="sender">"You"</span>
                <p class="content">{message_text(&pending.content)}</p>
                <span class="time" role="status">
                    {if pending.failed { "Not sent: reconnecting to send again" } else { "Sending…" }}
                </span>
            </div>
        </li>
    }
}

/// "User is typing…" while they type.
#[component]
fn TypingLine(signals: ChatSignals) -> impl IntoView {
    view! {
        <p class="typing" aria-live="polite" data-testid="user-typing">
            {move || (signals.typing.get() == Some(SenderType::User)).then_some("User is typing…")}
        </p>
    }
}

/// The reply box: Enter sends, Shift+Enter adds a line, an IME composition never sends. A
/// plain form post to the server function before the wasm; the socket after.
#[component]
fn ReplyBox(chat_id: Uuid, live: Live) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let input_ref = NodeRef::<html::Textarea>::new();
    let send = move || {
        let content = draft.get_untracked();
        if content.trim().is_empty() {
            return;
        }
        live.with(|chat| {
            chat.send(content.trim().to_owned());
        });
        draft.set(String::new());
    };
    let typing = TypingThrottle::new();
    let on_input = move |ev: ev::Event| {
        draft.set(event_target_value(&ev));
        if typing.due() {
            live.with(LiveChat::typing);
        }
    };
    view! {
        <form
            class="reply-box"
            method="post"
            action="/rpc/admin/reply"
            on:submit=move |ev: ev::SubmitEvent| {
                ev.prevent_default();
                send();
            }
        >
            <input type="hidden" name="chat_id" value=chat_id.to_string() />
            <label class="sr-only" for="reply-input">"Reply"</label>
            <textarea
                id="reply-input"
                name="content"
                node_ref=input_ref
                data-testid="reply-input"
                placeholder="Write a reply… (Enter sends, Shift+Enter adds a line)"
                maxlength="5000"
                rows=move || draft.with(|d| d.lines().count().clamp(2, 8).to_string())
                prop:value=move || draft.get()
                on:input=on_input
                on:keydown=move |ev: ev::KeyboardEvent| {
                    if sends_message(&ev) {
                        ev.prevent_default();
                        send();
                    }
                }
            ></textarea>
            <button type="submit" data-testid="reply-send">"Send"</button>
        </form>
    }
    .into_any()
}

/// Who the chat is with.
#[component]
fn PersonPanel(
    user: UserProfile,
    user_since: chrono::DateTime<chrono::Utc>,
    chat_started: chrono::DateTime<chrono::Utc>,
    in_browser: RwSignal<bool>,
) -> impl IntoView {
    let date = move |at: chrono::DateTime<chrono::Utc>| {
        move || {
            format!(
                "{} {}",
                day_label_of(at, in_browser.get()),
                time_label(at, in_browser.get())
            )
        }
    };
    view! {
        <aside class="person-panel" aria-label="About this user" data-testid="person-panel">
            <h2>"User"</h2>
            <dl>
                <dt>"Email"</dt>
                <dd data-testid="person-email">{user.email.clone().unwrap_or_else(|| "Not given".to_owned())}</dd>
                <dt>"Name"</dt>
                <dd>{user.name.clone().unwrap_or_else(|| "Not given".to_owned())}</dd>
                <dt>"Identity"</dt>
                <dd data-testid="person-verified">
                    {identity_line(&user)}
                </dd>
                <dt>"First seen"</dt>
                <dd>{date(user_since)}</dd>
                <dt>"Chat started"</dt>
                <dd>{date(chat_started)}</dd>
            </dl>
        </aside>
    }
    .into_any()
}

fn day_label_of(at: chrono::DateTime<chrono::Utc>, in_browser: bool) -> String {
    if in_browser {
        browser::local_day(at.timestamp_millis(), "default")
    } else {
        browser::utc_day(at)
    }
}

/// What the page does once the browser runs it: older pages, view recording, keys.
mod in_the_browser {
    use leptos::{ev, prelude::*};
    use uuid::Uuid;

    use crate::{
        api::{older_admin_messages, record_chat_view, set_chat_archived},
        browser,
        realtime::ChatSignals,
    };
    use wire::model::SenderType;

    /// Loads the page of messages before the oldest shown, keeping the reader's place.
    pub fn load_older(
        chat_id: Uuid,
        signals: ChatSignals,
        has_older: RwSignal<bool>,
        loading: RwSignal<bool>,
        scroller: web_sys::HtmlDivElement,
    ) {
        let Some(oldest) = signals
            .log
            .with_untracked(|l| l.messages().first().map(|m| m.id))
        else {
            return;
        };
        loading.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(older) = older_admin_messages(chat_id, oldest).await {
                let height = scroller.scroll_height();
                has_older.set(older.first().is_some_and(|m| m.seq > 1));
                signals.log.update(|log| {
                    log.merge(older);
                });
                // After the rows render: the same message stays under the reader's eyes.
                request_animation_frame(move || {
                    scroller.set_scroll_top(scroller.scroll_height() - height);
                });
            }
            loading.set(false);
        });
    }

    /// Records the view whenever a user message arrives while the page is visible, and when
    /// the page becomes visible again with unseen ones.
    pub fn keep_recording_views(chat_id: Uuid, signals: ChatSignals) {
        let newest_user_seq = move || {
            signals.log.with_untracked(|log| {
                log.messages()
                    .iter()
                    .rev()
                    .find(|m| m.sender_type == SenderType::User)
                    .map_or(0, |m| m.seq)
            })
        };
        // What the server-side view already covers: everything rendered.
        let recorded = StoredValue::new(newest_user_seq());
        let record_if_due = move || {
            let newest = newest_user_seq();
            if newest > recorded.get_value() && !browser::is_hidden() {
                recorded.set_value(newest);
                leptos::task::spawn_local(async move {
                    let _ = record_chat_view(chat_id).await;
                });
            }
        };
        Effect::new(move |_| {
            signals.log.track();
            record_if_due();
        });
        let handle = window_event_listener(ev::visibilitychange, move |_| record_if_due());
        on_cleanup(move || handle.remove());
    }

    /// `e` archives or restores, Esc goes back to the list (outside the reply box, or from
    /// it when it is empty).
    pub fn listen_to_keys(chat_id: Uuid, archived: RwSignal<bool>, back: String) {
        let navigate = leptos_router::hooks::use_navigate();
        let handle = window_event_listener(ev::keydown, move |ev: ev::KeyboardEvent| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let in_field = browser::in_a_field(&ev);
            match ev.key().as_str() {
                "Escape" => {
                    let draft_empty = document()
                        .get_element_by_id("reply-input")
                        .and_then(|el| {
                            wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlTextAreaElement>(el).ok()
                        })
                        .is_none_or(|t| t.value().trim().is_empty());
                    if !in_field || draft_empty {
                        ev.prevent_default();
                        navigate(&back, Default::default());
                    }
                }
                "e" if !in_field => {
                    ev.prevent_default();
                    let wanted = !archived.get_untracked();
                    leptos::task::spawn_local(async move {
                        if let Ok(now) = set_chat_archived(chat_id, wanted).await {
                            archived.set(now);
                        }
                    });
                }
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    }
}

/// What the person panel says about who vouched for the user: an id signed by the embedding
/// site does not make the email beside it trustworthy (`user_hash` signs the id alone).
fn identity_line(user: &wire::model::UserProfile) -> &'static str {
    match (user.verified, user.email.is_some(), user.email_verified) {
        (false, ..) => "Not verified",
        (true, true, true) => "Verified by the embedding site",
        (true, true, false) => "ID verified · email not verified",
        (true, false, _) => "ID verified",
    }
}

#[cfg(test)]
mod tests {
    use super::identity_line;
    use wire::model::{Role, UserProfile};

    #[test]
    fn only_a_signed_email_reads_as_verified() {
        let user = |verified, email: Option<&str>, email_verified| UserProfile {
            id: uuid::Uuid::nil(),
            email: email.map(str::to_owned),
            name: None,
            role: Role::User,
            verified,
            email_verified,
        };
        assert_eq!(
            identity_line(&user(false, Some("a@b.c"), false)),
            "Not verified"
        );
        assert_eq!(
            identity_line(&user(true, Some("a@b.c"), false)),
            "ID verified · email not verified"
        );
        assert_eq!(
            identity_line(&user(true, Some("a@b.c"), true)),
            "Verified by the embedding site"
        );
        assert_eq!(identity_line(&user(true, None, false)), "ID verified");
    }
}
