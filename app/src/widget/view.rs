//! The widget's components, as the spec names them: [`ChatWidget`] → `ChatButton` (with
//! `UnreadBadge`) → `ChatPanel` → `MessageList` → `MessageBubble`, and `InputArea`.
//! Message text is always a text node; URLs become links that open in a new tab without
//! access to this page.

use leptos::{either::Either, ev, html, prelude::*};
use uuid::Uuid;

use super::{
    model::{Notice, WidgetModel},
    text::{self, Segment},
};
use crate::{components::use_hydrated, realtime::Pending};
use wire::model::{SenderType, SupportMessage};

const BUBBLE_ICON: &str =
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
const CLOSE_ICON: &str = "M6 6l12 12M18 6L6 18";

/// How far from the bottom (px) still counts as "at the newest message".
const STICKY_PX: i32 = 48;

/// The whole widget: the floating button, and the panel when open.
#[component]
pub fn ChatWidget(
    /// The widget's state.
    model: WidgetModel,
    /// Sit bottom-left instead of bottom-right.
    #[prop(optional)]
    left: bool,
) -> impl IntoView {
    let button_ref = NodeRef::<html::Button>::new();
    let hydrated = use_hydrated();
    let close = move || {
        model.open.set(false);
        if let Some(button) = button_ref.get_untracked() {
            let _ = button.focus();
        }
    };
    view! {
        <div
            class="confab-widget"
            class:confab-left=left
            lang=model.locale.tag()
            data-testid="support-widget"
            data-hydrated=move || hydrated.get().to_string()
        >
            <ChatButton model button_ref />
            {move || model.open.get().then(|| view! { <ChatPanel model on_close=close /> })}
        </div>
    }
}

/// The round button: a speech bubble when closed, an X when open, with the unread badge.
#[component]
fn ChatButton(model: WidgetModel, button_ref: NodeRef<html::Button>) -> impl IntoView {
    let locale = model.locale;
    view! {
        <button
            type="button"
            class="confab-button"
            node_ref=button_ref
            data-testid="support-button"
            aria-label=move || text::button_label(locale, model.open.get(), model.unread())
            aria-expanded=move || model.open.get().to_string()
            aria-controls="confab-panel"
            on:click=move |_| model.open.update(|open| *open = !*open)
        >
            <svg viewBox="0 0 24 24" aria-hidden="true" class="confab-icon">
                <path d=move || if model.open.get() { CLOSE_ICON } else { BUBBLE_ICON } />
            </svg>
            <UnreadBadge model />
        </button>
    }
}

/// The count of unread staff messages, "9+" above nine; nothing when there are none.
#[component]
fn UnreadBadge(model: WidgetModel) -> impl IntoView {
    move || {
        {
            text::badge_text(model.unread()).map(|label| {
                view! {
                    <span class="confab-badge" data-testid="support-badge" aria-hidden="true">
                        {label}
                    </span>
                }
            })
        }
        .into_any()
    }
}

/// The open panel: header, messages, typing line, email prompt and the input.
#[component]
fn ChatPanel(
    model: WidgetModel,
    on_close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let strings = model.locale.strings();
    let close = on_close.clone();
    view! {
        <section
            id="confab-panel"
            class="confab-panel"
            role="dialog"
            aria-modal="false"
            aria-labelledby="confab-title"
            data-testid="support-panel"
            on:keydown=move |ev: ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    close();
                }
            }
        >
            <div class="confab-header">
                <h2 id="confab-title" class="confab-title">
                    {strings.title}
                </h2>
                <span
                    class="confab-dot"
                    class:confab-dot-live=move || model.connected()
                    role="img"
                    data-testid="support-connection"
                    data-state=move || if model.connected() { "open" } else { "closed" }
                    aria-label=move || {
                        if model.connected() { strings.connected } else { strings.reconnecting }
                    }
                    title=move || {
                        if model.connected() { strings.connected } else { strings.reconnecting }
                    }
                ></span>
                <MuteToggle model />
                <button
                    type="button"
                    class="confab-header-button"
                    aria-label=strings.close_chat
                    on:click=move |_| on_close()
                >
                    <svg viewBox="0 0 24 24" aria-hidden="true" class="confab-icon-small">
                        <path d=CLOSE_ICON />
                    </svg>
                </button>
            </div>
            {move || {
                model
                    .notice
                    .get()
                    .map(|notice| {
                        let words = match notice {
                            Notice::LoadFailed => strings.load_failed,
                            Notice::IdentityRefused => strings.identity_refused,
                        };
                        view! {
                            <p class="confab-notice" role="status" data-testid="support-notice">
                                {words}
                            </p>
                        }
                    })
            }}
            <MessageList model />
            <TypingLine model />
            <EmailPrompt model />
            <InputArea model />
        </section>
    }
}

/// The sound toggle, remembered on this site.
#[component]
fn MuteToggle(model: WidgetModel) -> impl IntoView {
    let strings = model.locale.strings();
    view! {
        <button
            type="button"
            class="confab-header-button"
            data-testid="support-mute"
            aria-pressed=move || model.muted.get().to_string()
            aria-label=strings.mute
            title=move || if model.muted.get() { strings.unmute } else { strings.mute }
            on:click=move |_| model.toggle_muted()
        >
            <svg viewBox="0 0 24 24" aria-hidden="true" class="confab-icon-small">
                <path d="M4 9h4l5-4v14l-5-4H4z" />
                <path d=move || if model.muted.get() { "M16 9l5 6M21 9l-5 6" } else { "" } />
            </svg>
        </button>
    }
}

/// The conversation: scrolls, sticks to the newest message unless the reader scrolled up
/// (then a "new messages" pill), and loads older messages at the top.
#[component]
fn MessageList(model: WidgetModel) -> impl IntoView {
    let strings = model.locale.strings();
    let list_ref = NodeRef::<html::Div>::new();
    // Distance from the bottom when the reader last scrolled; 0 = following the newest.
    let from_bottom = StoredValue::new(0.0_f64);
    let unseen_below = RwSignal::new(false);
    let last_user_seen = Memo::new(move |_| {
        model.chat.log.with(|log| {
            log.messages()
                .iter()
                .rev()
                .find(|m| m.sender_type == SenderType::User)
                .filter(|m| m.read_at.is_some())
                .map(|m| m.id)
        })
    });

    let on_scroll = move |_| {
        let Some(list) = list_ref.get_untracked() else {
            return;
        };
        let distance = list.scroll_height() - list.scroll_top() - list.client_height();
        from_bottom.set_value(f64::from(distance));
        if distance <= STICKY_PX {
            unseen_below.set(false);
        }
        if list.scroll_top() < STICKY_PX {
            model.load_older();
        }
    };

    // After every change: follow the newest message, or keep the reader's place.
    Effect::new(move |previous: Option<(usize, Option<Uuid>)>| {
        let shape = model
            .chat
            .log
            .with(|log| (log.messages().len(), log.messages().last().map(|m| m.id)));
        let pending = model.chat.pending.with(Vec::len);
        let Some(list) = list_ref.get() else {
            return shape;
        };
        // Whole pixels: scroll positions are set in px.
        let distance = from_bottom.get_value() as i32;
        if distance <= STICKY_PX {
            list.set_scroll_top(list.scroll_height());
        } else {
            // Older messages prepended: the same distance from the bottom keeps the place.
            list.set_scroll_top(list.scroll_height() - list.client_height() - distance);
            if previous.is_some_and(|(_, last)| last != shape.1) {
                unseen_below.set(true);
            }
        }
        let _ = pending;
        shape
    });

    let jump_to_newest = move |_| {
        if let Some(list) = list_ref.get_untracked() {
            list.set_scroll_top(list.scroll_height());
        }
        from_bottom.set_value(0.0);
        unseen_below.set(false);
    };

    view! {
        <div class="confab-list-wrap">
            <div
                class="confab-list"
                node_ref=list_ref
                role="log"
                aria-live="polite"
                aria-label=strings.title
                tabindex="0"
                data-testid="support-messages"
                on:scroll=on_scroll
            >
                <p class="confab-hint" hidden=move || !model.loading_older.get()>
                    {strings.loading}
                </p>
                <p
                    class="confab-hint confab-empty"
                    hidden=move || {
                        !model.chat.log.with(|l| l.messages().is_empty())
                            || !model.chat.pending.with(Vec::is_empty)
                    }
                >
                    {strings.empty}
                </p>
                // One keyed list for sent and pending messages: pending ones come last.
                <For each=move || rows(model) key=Row::key let(row)>
                    {match row {
                        Row::Sent(message) => {
                            Either::Left(view! { <MessageBubble model last_user_seen message /> })
                        }
                        Row::Pending(pending) => Either::Right(view! { <PendingBubble model pending /> }),
                    }}
                </For>
            </div>
            <button
                type="button"
                class="confab-pill"
                data-testid="support-new-messages"
                hidden=move || !unseen_below.get()
                on:click=jump_to_newest
            >
                {strings.new_messages}
            </button>
        </div>
    }
}

/// A line of the message list: a message the server has, or one on its way.
#[derive(Clone)]
enum Row {
    Sent(SupportMessage),
    Pending(Pending),
}

impl Row {
    /// Identity for the keyed list; a read receipt or a failure draws the row again.
    fn key(&self) -> (Uuid, bool) {
        match self {
            Self::Sent(m) => (m.id, m.read_at.is_some()),
            Self::Pending(p) => (p.client_id, p.failed),
        }
    }
}

fn rows(model: WidgetModel) -> Vec<Row> {
    let mut rows: Vec<Row> = model
        .chat
        .log
        .with(|log| log.messages().iter().cloned().map(Row::Sent).collect());
    model
        .chat
        .pending
        .with(|p| rows.extend(p.iter().cloned().map(Row::Pending)));
    rows
}

/// One message: the user's on the right in the primary colour, staff's on the left, muted.
#[component]
fn MessageBubble(
    model: WidgetModel,
    message: SupportMessage,
    last_user_seen: Memo<Option<Uuid>>,
) -> impl IntoView {
    let id = message.id;
    let strings = model.locale.strings();
    let mine = message.sender_type == SenderType::User;
    let sender = if mine { strings.you } else { strings.staff };
    let time = message_time(&message, model.locale);
    view! {
        <div
            class="confab-message"
            class:confab-mine=mine
            data-testid="support-message"
            data-sender=if mine { "user" } else { "admin" }
            data-seq=message.seq
        >
            <span class="confab-sr">{sender}</span>
            <div class="confab-bubble">{message_text(&message.content)}</div>
            <div class="confab-meta">
                <time>{time}</time>
                {move || {
                    (mine && last_user_seen.get() == Some(id))
                        .then(|| view! { " · " <span data-testid="support-seen">{strings.seen}</span> })
                }}
            </div>
        </div>
    }
}

/// A message on its way, or refused with a way to send it again.
#[component]
fn PendingBubble(model: WidgetModel, pending: Pending) -> impl IntoView {
    let strings = model.locale.strings();
    let client_id = pending.client_id;
    let status = if pending.failed {
        view! {
            <span class="confab-failed">{strings.not_sent}</span>
            " "
            <button
                type="button"
                class="confab-link-button"
                data-testid="support-retry"
                on:click=move |_| model.retry(client_id)
            >
                {strings.retry}
            </button>
        }
        .into_any()
    } else {
        view! { <span>{strings.sending}</span> }.into_any()
    };
    view! {
        <div
            class="confab-message confab-mine confab-pending"
            data-testid="support-pending"
            data-failed=pending.failed.to_string()
        >
            <div class="confab-bubble">{message_text(&pending.content)}</div>
            <div class="confab-meta" role="status">
                {status}
            </div>
        </div>
    }
}

/// Text nodes and safe links; never HTML.
pub(crate) fn message_text(content: &str) -> impl IntoView + use<> {
    text::segments(content)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(words) => words.into_any(),
            Segment::Link(url) => {
                let href = url.clone();
                view! {
                    <a href=href target="_blank" rel="noopener noreferrer">
                        {url}
                    </a>
                }
                .into_any()
            }
        })
        .collect_view()
}

/// The panel opens in the browser only (the server renders the widget closed), so the time
/// is the reader's from the start.
fn message_time(message: &SupportMessage, locale: text::Locale) -> String {
    crate::browser::local_time(message.created_at.timestamp_millis(), locale.tag())
}

/// "Support is typing…" while staff type.
#[component]
fn TypingLine(model: WidgetModel) -> impl IntoView {
    let strings = model.locale.strings();
    view! {
        <p class="confab-typing" aria-live="polite" data-testid="support-typing">
            {move || (model.chat.typing.get() == Some(SenderType::Admin)).then_some(strings.staff_typing)}
        </p>
    }
}

/// For anonymous visitors without an email, once they wrote: an offer to leave one.
#[component]
fn EmailPrompt(model: WidgetModel) -> impl IntoView {
    let strings = model.locale.strings();
    let dismissed = RwSignal::new(false);
    let saved = RwSignal::new(false);
    // The server's refusal, "" when none.
    let error = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let wanted = move || {
        let wrote = model.chat.log.with(|l| {
            l.messages()
                .iter()
                .any(|m| m.sender_type == SenderType::User)
        });
        let anonymous = model
            .visitor
            .with(|v| v.as_ref().is_some_and(|v| v.email.is_none() && !v.verified));
        model.embedded() && wrote && !dismissed.get() && (anonymous || saved.get())
    };
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let address = email.get_untracked().trim().to_owned();
        if address.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match model.give_email(address).await {
                Ok(()) => {
                    error.set(String::new());
                    saved.set(true);
                }
                Err(message) => error.set(message),
            }
        });
    };
    let form = move || {
        view! {
            <form on:submit=submit>
                <label for="confab-email-input">{strings.email_prompt}</label>
                <div class="confab-email-row">
                    <input
                        id="confab-email-input"
                        type="email"
                        autocomplete="email"
                        placeholder=strings.email_label
                        prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev))
                    />
                    <button type="submit" class="confab-small-button">
                        {strings.email_save}
                    </button>
                    <button
                        type="button"
                        class="confab-link-button"
                        on:click=move |_| dismissed.set(true)
                    >
                        {strings.dismiss}
                    </button>
                </div>
                <p class="confab-failed" role="alert">
                    {move || error.get()}
                </p>
            </form>
        }
    };
    move || {
        wanted().then(|| {
            view! {
                <div class="confab-email" data-testid="support-email-prompt">
                    {move || {
                        if saved.get() {
                            Either::Left(view! { <p role="status">{strings.email_saved}</p> })
                        } else {
                            Either::Right(form())
                        }
                    }}
                </div>
            }
        })
    }
}

/// The message box: grows with its text; Enter sends, Shift+Enter adds a line, and Enter
/// that ends an IME composition never sends.
#[component]
fn InputArea(model: WidgetModel) -> impl IntoView {
    let strings = model.locale.strings();
    let draft = RwSignal::new(String::new());
    let input_ref = NodeRef::<html::Textarea>::new();
    let typing = crate::components::TypingThrottle::new();
    let blank = move || draft.with(|d| d.trim().is_empty());

    // The panel opened: the message box has the focus.
    Effect::new(move |_| {
        if let Some(input) = input_ref.get() {
            let _ = input.focus();
        }
    });

    let send = move || {
        let content = draft.get_untracked();
        if content.trim().is_empty() || !model.ready() {
            return;
        }
        model.send(content);
        draft.set(String::new());
    };
    let on_keydown = move |ev: ev::KeyboardEvent| {
        if crate::components::sends_message(&ev) {
            ev.prevent_default();
            send();
        }
    };
    let on_input = move |ev: ev::Event| {
        draft.set(event_target_value(&ev));
        if typing.due() {
            model.typing();
        }
    };
    view! {
        <form
            class="confab-input"
            on:submit=move |ev: ev::SubmitEvent| {
                ev.prevent_default();
                send();
            }
        >
            <label class="confab-sr" for="confab-input">
                {strings.input_label}
            </label>
            <textarea
                id="confab-input"
                node_ref=input_ref
                data-testid="support-input"
                placeholder=strings.input_label
                maxlength="5000"
                rows=move || draft.with(|d| d.lines().count().clamp(1, 5).to_string())
                prop:value=move || draft.get()
                on:input=on_input
                on:keydown=on_keydown
            ></textarea>
            <button
                type="submit"
                class="confab-send"
                data-testid="support-send"
                disabled=move || blank() || !model.ready()
            >
                {strings.send}
            </button>
        </form>
    }
}
