//! The inbox's conversation pane (`/admin/chats/:id`): one conversation beside the list. The
//! server renders it whole (reading it records the staff view, as the spec asks) with forms
//! that work before the wasm arrives; once hydrated it is live over `/ws` (messages, "User is
//! typing…", "Seen", the team's notes), sends replies over the socket and notes to their
//! server function ([`super::composer`]), loads older messages on scroll-up, keeps
//! recording the view while the page is open and visible, and answers the keyboard when the
//! focus is not on a card of the list: `e` resolves or reopens (the spec's archive / restore), `a`
//! assigns it to the reader, `s` snoozes it until tomorrow, `l` opens its labels, `n`
//! switches between reply and note, Esc closes it. Its owner and
//! state (assign, snooze) and what staff did are [`super::ownership`]'s. The messages are the
//! conversation view the widget shows too ([`crate::conversation`]), from staff's side.

use leptos::{ev, prelude::*};
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::{
    alerts::DeskEvent,
    composer::{Compose, Composer, Live, People, add_note},
    label_menu::{LabelMenu, open_label_menu},
    ownership::{ActivityPanel, OwnerBar, Ownership},
    place::use_inbox,
    text,
};
use crate::{
    api::{chat_notes, get_admin_chat, set_chat_archived},
    browser,
    components::{UploadWords, use_hydrated},
    conversation::{FileList, Hooks, MessageList, OlderPages, Side, TypingLine, Words},
    realtime::{ChatSignals, LiveChat, LiveChatOptions},
};
use wire::{
    attachments::Attachment,
    error::AppError,
    model::{SenderType, StaffConversation, UserProfile},
};

/// The pane: finds the chat named in the path and renders it.
#[component]
pub fn ConversationPane() -> impl IntoView {
    let params = use_params_map();
    let chat_id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok())));
    let (place, _) = use_inbox();
    let back = Memo::new(move |_| text::list_href(place.view.get(), &place.filter(), None));
    let conversation = Resource::new(
        move || chat_id.get(),
        |id| async move {
            match id {
                Some(id) => get_admin_chat(id).await,
                None => Err(AppError::not_found("no such chat")),
            }
        },
    );
    view! {
        <section
            class="chat-pane conversation-page"
            aria-label="Open chat"
            data-testid="conversation-page"
        >
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    conversation
                        .get()
                        .map(|result| match result {
                            Ok(conversation) => {
                                view! { <Conversation conversation back /> }.into_any()
                            }
                            Err(err) => {
                                view! {
                                    <p><a href=back>"← Support Chats"</a></p>
                                    <h2>"Chat not found"</h2>
                                    <p class="form-error" role="alert">{err.to_string()}</p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Conversation(conversation: StaffConversation, back: Memo<String>) -> impl IntoView {
    let StaffConversation {
        chat,
        user,
        user_since,
        chat_started,
        viewer,
        viewer_signature,
        team,
    } = conversation;
    let ownership = Ownership::new(&chat);
    let chat_id = chat.id;
    let person = text::person(user.email.as_deref(), user.id);
    let more = RwSignal::new(chat.messages.first().is_some_and(|m| m.seq > 1));
    let loading = RwSignal::new(false);
    let signals = ChatSignals::new(chat.messages);
    let notes = RwSignal::new(chat.notes);
    // The chat's files, newest first: those of the messages held (live ones included), then
    // the older ones the server listed.
    let listed = chat.files;
    let files = Memo::new(move |_| {
        let mut files: Vec<Attachment> = signals.log.with(|log| {
            log.messages()
                .iter()
                .rev()
                .flat_map(|m| m.attachments.iter().cloned())
                .collect()
        });
        for file in &listed {
            if !files.iter().any(|f| f.id == file.id) {
                files.push(file.clone());
            }
        }
        files.truncate(50);
        files
    });
    let mode = RwSignal::new(Compose::Reply);
    let older = OlderPages { more, loading };
    let archived = RwSignal::new(chat.archived);
    let draft = RwSignal::new(String::new());
    let live = Live::new();
    let them = user
        .name
        .clone()
        .unwrap_or_else(|| text::person(user.email.as_deref(), user.id));
    let (_, alerts) = use_inbox();
    let people = People {
        agent_name: Some(viewer_signature),
        team: team.clone(),
        user_name: user.name.clone(),
        user_email: user.email.clone(),
    };

    Effect::new(move |started: Option<()>| {
        if started.is_some() {
            return;
        }
        // Opening the chat saw the notes in it that mention the reader.
        alerts.recount_mentions();
        alerts.hear(move |event| match event {
            DeskEvent::Updated(entry) if entry.id == chat_id => {
                archived.set(entry.archived);
                ownership.update(entry);
            }
            DeskEvent::Updated(_) => {}
            DeskEvent::Note { chat_id: of, note } if *of == chat_id => {
                notes.update(|notes| add_note(notes, note.clone()));
            }
            DeskEvent::Note { .. } => {}
            // Back after a disconnection (a restart, say): changes may have gone unheard.
            DeskEvent::Live => {
                ownership.reread(move |entry| archived.set(entry.archived));
                leptos::task::spawn_local(async move {
                    if let Ok(all) = chat_notes(chat_id).await {
                        notes.try_update(|notes| {
                            for note in all {
                                add_note(notes, note);
                            }
                        });
                    }
                });
            }
        });
        let chat = LiveChat::connect(
            LiveChatOptions {
                server: String::new(),
                token: None,
                chat_id,
                as_staff: true,
            },
            signals,
        );
        live.set(chat);
        on_cleanup(move || live.with(LiveChat::close));
        in_the_browser::keep_recording_views(chat_id, signals);
        in_the_browser::listen_to_keys(in_the_browser::Keys {
            chat_id,
            archived,
            draft,
            mode,
            back,
            ownership,
            viewer,
        });
    });

    view! {
        <p class="back-link">
            <a href=back data-testid="back-link">"← Support Chats"</a>
        </p>
        <div class="conversation-header">
            <h2 data-testid="conversation-title">{person.clone()}</h2>
            <ArchiveToggle chat_id archived />
        </div>
        <OwnerBar viewer team state=ownership />
        <div class="conversation-layout">
            <section class="conversation" aria-label="Conversation">
                <MessageList
                    side=STAFF_SIDE
                    them
                    me=viewer
                    chat=signals
                    notes
                    older
                    load_older=move || in_the_browser::load_older(chat_id, signals, more, loading)
                    retry=move |client_id| live.with(|chat| chat.retry(client_id))
                />
                <TypingLine side=STAFF_SIDE chat=signals />
                <Composer chat_id live draft mode notes people upload_words=&STAFF_WORDS.uploads />
            </section>
            <div class="side-panels">
                <PersonPanel user user_since chat_started ownership files />
                <ActivityPanel state=ownership />
            </div>
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

/// The conversation as staff see it: their replies on the right, with the hooks the
/// dashboard published first.
const STAFF_SIDE: Side = Side {
    mine: SenderType::Admin,
    locale: "default",
    sender_shown: true,
    server_rendered: true,
    words: &STAFF_WORDS,
    hooks: &STAFF_HOOKS,
};

/// What staff read in the conversation.
static STAFF_WORDS: Words = Words {
    you: "You",
    seen: "Seen",
    sending: "Sending…",
    not_sent: "Not sent.",
    retry: "Retry",
    loading: "Loading older messages…",
    empty: "No messages yet.",
    new_messages: "New messages",
    typing: "User is typing…",
    list_label: "Messages, newest last",
    uploads: UploadWords::ENGLISH,
};

/// The parts of the dashboard's conversation as the dashboard published them first.
static STAFF_HOOKS: Hooks = Hooks {
    list: "message-column",
    message: "staff-message",
    text_class: "confab-bubble content",
    pending: "pending-reply",
    seen: "seen",
    retry: "reply-retry",
    day: "day-divider",
    new_messages: "new-messages",
    typing: "user-typing",
};

/// Who the chat is with.
#[component]
fn PersonPanel(
    user: UserProfile,
    user_since: chrono::DateTime<chrono::Utc>,
    chat_started: chrono::DateTime<chrono::Utc>,
    ownership: Ownership,
    /// The chat's files, newest first.
    files: Memo<Vec<Attachment>>,
) -> impl IntoView {
    let in_browser = use_hydrated();
    let date = move |at: chrono::DateTime<chrono::Utc>| {
        move || {
            if in_browser.get() {
                let ms = at.timestamp_millis();
                let (day, time) = (
                    browser::local_day(ms, "default"),
                    browser::local_time(ms, "default"),
                );
                format!("{day} {time}")
            } else {
                format!("{} {}", browser::utc_day(at), browser::utc_time(at))
            }
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
                <dt>"Labels"</dt>
                <dd><LabelMenu state=ownership /></dd>
                <dt>"Files"</dt>
                <dd data-testid="person-files">
                    {move || {
                        let files = files.get();
                        if files.is_empty() {
                            "None yet".into_any()
                        } else {
                            view! { <FileList files /> }.into_any()
                        }
                    }}
                </dd>
            </dl>
        </aside>
    }
    .into_any()
}

/// What the page does once the browser runs it: older pages, view recording, keys.
mod in_the_browser {
    use leptos::{ev, prelude::*};
    use uuid::Uuid;

    use super::{Compose, Ownership, open_label_menu};
    use crate::{
        api::{older_admin_messages, record_chat_view, set_chat_archived},
        browser,
        realtime::ChatSignals,
    };
    use wire::model::SenderType;

    /// Loads the page of messages before the oldest shown (the list keeps the reader's
    /// place).
    pub fn load_older(
        chat_id: Uuid,
        signals: ChatSignals,
        has_older: RwSignal<bool>,
        loading: RwSignal<bool>,
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
                has_older.set(older.first().is_some_and(|m| m.seq > 1));
                signals.log.update(|log| {
                    log.merge(older);
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

    /// What the conversation's keys act on.
    #[derive(Clone, Copy)]
    pub struct Keys {
        pub chat_id: Uuid,
        pub archived: RwSignal<bool>,
        pub draft: RwSignal<String>,
        pub mode: RwSignal<Compose>,
        pub back: Memo<String>,
        pub ownership: Ownership,
        pub viewer: Uuid,
    }

    /// Esc closes the conversation (outside the fields, or from an empty reply box). With the
    /// focus neither in a field nor on a card of the list (whose keys act on that card): `e`
    /// resolves or reopens, `a` assigns the chat to the reader, `s` snoozes it until tomorrow
    /// 9:00, `n` switches the composer between reply and note (and goes to it), `l` opens
    /// the label menu.
    pub fn listen_to_keys(keys: Keys) {
        let Keys {
            chat_id, archived, ..
        } = keys;
        let navigate = leptos_router::hooks::use_navigate();
        let handle = window_event_listener(ev::keydown, move |ev: ev::KeyboardEvent| {
            // A key held down acts once.
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.repeat() {
                return;
            }
            let in_field = browser::in_a_field(&ev);
            // A focused card's keys are the list's.
            let ours = !in_field && !browser::from_within(&ev, ".chat-card");
            match ev.key().as_str() {
                "Escape" => {
                    // From a field, only from an empty reply box (Esc in the search is the
                    // search's).
                    let from_empty_reply = browser::from_within(&ev, "#reply-input")
                        && keys.draft.with_untracked(|d| d.trim().is_empty());
                    if !in_field || from_empty_reply {
                        ev.prevent_default();
                        navigate(&keys.back.get_untracked(), Default::default());
                    }
                }
                "e" if ours => {
                    ev.prevent_default();
                    let wanted = !archived.get_untracked();
                    leptos::task::spawn_local(async move {
                        if let Ok(now) = set_chat_archived(chat_id, wanted).await {
                            archived.set(now);
                        }
                    });
                }
                "a" if ours && !keys.ownership.owned_by(keys.viewer) => {
                    ev.prevent_default();
                    keys.ownership.assign(Some(keys.viewer));
                }
                "l" if ours => {
                    ev.prevent_default();
                    open_label_menu();
                }
                "n" if ours => {
                    ev.prevent_default();
                    keys.mode.update(|mode| *mode = mode.toggled());
                    browser::focus("#reply-input");
                }
                "s" if ours => {
                    ev.prevent_default();
                    keys.ownership.snooze(browser::local_morning(1));
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
