//! The widget's components, as the spec names them: [`ChatWidget`] → `ChatButton` (with
//! `UnreadBadge`) → `ChatPanel` → `MessageList` (with its `MessageBubble`s, the conversation
//! view the dashboard shares, from [`crate::conversation`]), and `InputArea`.

use leptos::{either::Either, ev, html, prelude::*};

use super::{
    model::{Notice, WidgetModel},
    text::{self, Locale},
};
use crate::{
    components::{AttachButton, UploadTray, Uploads, use_hydrated},
    conversation::{Hooks, MessageList, OlderPages, Side, TypingLine, set_file_base},
};
use wire::model::SenderType;

const BUBBLE_ICON: &str =
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
const CLOSE_ICON: &str = "M6 6l12 12M18 6L6 18";

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
    // On another site's page, files' links relative to the server are made absolute.
    if let Some(server) = model.server_origin() {
        set_file_base(&server);
    }
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
            <MessageList
                side=side(model.locale)
                them=strings.staff
                chat=model.chat
                older=OlderPages {
                    more: model.has_older,
                    loading: model.loading_older,
                }
                load_older=move || model.load_older()
                retry=move |client_id| model.retry(client_id)
            />
            <TypingLine side=side(model.locale) chat=model.chat />
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

/// The parts of the widget's conversation as the widget published them first.
static HOOKS: Hooks = Hooks {
    list: "support-messages",
    message: "support-message",
    text_class: "confab-bubble",
    pending: "support-pending",
    seen: "support-seen",
    retry: "support-retry",
    day: "support-day",
    new_messages: "support-new-messages",
    typing: "support-typing",
};

/// The conversation as the visitor sees it, in their language, with the hooks the widget
/// published first (README: the embed's parts).
fn side(locale: Locale) -> Side {
    Side {
        mine: SenderType::User,
        locale: locale.tag(),
        sender_shown: false,
        server_rendered: false,
        words: &locale.strings().conversation,
        hooks: &HOOKS,
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
    let uploads = Uploads::new(move || model.upload_target());
    // Text, or finished files with every upload done.
    let blank = move || draft.with(|d| d.trim().is_empty()) && !uploads.any_done();

    // The panel opened: the message box has the focus.
    Effect::new(move |_| {
        if let Some(input) = input_ref.get() {
            let _ = input.focus();
        }
    });

    let send = move || {
        let content = draft.get_untracked();
        if blank() || uploads.waiting() || !model.ready() {
            return;
        }
        model.send(content.trim().to_owned(), uploads.take_done());
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
        <UploadTray uploads words=&strings.conversation.uploads />
        <form
            class="confab-input"
            on:submit=move |ev: ev::SubmitEvent| {
                ev.prevent_default();
                send();
            }
            on:dragover=|ev: ev::DragEvent| ev.prevent_default()
            on:drop=move |ev: ev::DragEvent| uploads.on_drop(&ev)
        >
            <AttachButton uploads words=&strings.conversation.uploads />
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
                on:paste=move |ev: ev::ClipboardEvent| uploads.on_paste(&ev)
            ></textarea>
            <button
                type="submit"
                class="confab-send"
                data-testid="support-send"
                disabled=move || blank() || uploads.waiting() || !model.ready()
            >
                {strings.send}
            </button>
        </form>
    }
}
