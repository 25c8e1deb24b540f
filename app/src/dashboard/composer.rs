//! The conversation's composer: one box that writes either a reply to the user or a private
//! note to the team, switched by "Reply / Note" (or `n`, outside a field). Enter sends,
//! Shift+Enter adds a line, an IME composition never sends. Before the wasm arrives it is a
//! plain form that posts a reply to the server function; once hydrated, replies go over the
//! chat's socket and notes to their server function (idempotent by a client id, so a retry
//! never writes a note twice). In Note mode the box takes the note colour, so nobody sends a
//! reply believing it private.

use leptos::{ev, html, prelude::*};
use uuid::Uuid;

use crate::{
    api::post_note,
    components::{TypingThrottle, sends_message},
    realtime::LiveChat,
};
use wire::notes::ChatNote;

/// What the composer writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compose {
    /// A reply the user reads.
    #[default]
    Reply,
    /// A private note only the team reads.
    Note,
}

impl Compose {
    /// The other mode.
    pub fn toggled(self) -> Self {
        match self {
            Self::Reply => Self::Note,
            Self::Note => Self::Reply,
        }
    }
}

/// The conversation's live chat, once the browser runs it.
#[derive(Clone, Copy)]
pub struct Live {
    chat: crate::browser::Local<Option<LiveChat>>,
}

impl Live {
    /// No connection yet.
    pub fn new() -> Self {
        Self {
            chat: crate::browser::Local::new(),
        }
    }

    /// Keeps `chat` as the conversation's connection.
    pub fn set(&self, chat: LiveChat) {
        self.chat.update(|slot| *slot = Some(chat));
    }

    /// Acts on the connection, if there is one.
    pub fn with(&self, act: impl FnOnce(&LiveChat)) {
        self.chat.with(|chat| {
            if let Some(chat) = chat {
                act(chat);
            }
        });
    }
}

/// Adds `note` to `notes` (kept in order, each once: the note's own answer and its live
/// frame both bring it).
pub fn add_note(notes: &mut Vec<ChatNote>, note: ChatNote) {
    if notes.iter().any(|known| known.id == note.id) {
        return;
    }
    let at = notes.partition_point(|known| known.id < note.id);
    notes.insert(at, note);
}

/// The composer of the chat `chat_id`.
#[component]
pub fn Composer(
    chat_id: Uuid,
    live: Live,
    /// The text being written (the conversation's keys read it).
    draft: RwSignal<String>,
    /// Reply or note.
    mode: RwSignal<Compose>,
    /// The conversation's notes, which a written note joins.
    notes: RwSignal<Vec<ChatNote>>,
) -> impl IntoView {
    let input_ref = NodeRef::<html::Textarea>::new();
    let note_error = RwSignal::new(None::<String>);
    // A note being written keeps its id until it is stored, so a retry is the same note.
    let note_client_id = StoredValue::new(Uuid::now_v7());
    let send = move || {
        let content = draft.get_untracked();
        if content.trim().is_empty() {
            return;
        }
        let content = content.trim().to_owned();
        draft.set(String::new());
        match mode.get_untracked() {
            Compose::Reply => live.with(|chat| {
                chat.send(content);
            }),
            Compose::Note => {
                note_error.set(None);
                let client_id = note_client_id.get_value();
                leptos::task::spawn_local(async move {
                    match post_note(chat_id, content.clone(), Some(client_id)).await {
                        Ok(note) => {
                            note_client_id.set_value(Uuid::now_v7());
                            notes.update(|notes| add_note(notes, note));
                        }
                        Err(err) => {
                            // Nothing is lost: the text comes back to be sent again.
                            if draft.with_untracked(String::is_empty) {
                                draft.set(content);
                            }
                            note_error.set(Some(format!("The note was not saved: {err}")));
                        }
                    }
                });
            }
        }
    };
    let typing = TypingThrottle::new();
    let on_input = move |ev: ev::Event| {
        draft.set(event_target_value(&ev));
        // The user sees "typing" only for replies.
        if mode.get_untracked() == Compose::Reply && typing.due() {
            live.with(LiveChat::typing);
        }
    };
    let choose = move |wanted: Compose| {
        move |_| {
            mode.set(wanted);
            if let Some(input) = input_ref.get_untracked() {
                let _ = input.focus();
            }
        }
    };
    let is_note = move || mode.get() == Compose::Note;
    view! {
        <form
            class="reply-box"
            class:note-mode=is_note
            method="post"
            action="/rpc/admin/reply"
            data-testid="composer"
            data-mode=move || if is_note() { "note" } else { "reply" }
            on:submit=move |ev: ev::SubmitEvent| {
                ev.prevent_default();
                send();
            }
        >
            <div class="compose-modes" role="group" aria-label="Write a reply or a private note">
                <button
                    type="button"
                    class="compose-mode"
                    data-testid="mode-reply"
                    aria-pressed=move || (!is_note()).to_string()
                    on:click=choose(Compose::Reply)
                >
                    "Reply"
                </button>
                <button
                    type="button"
                    class="compose-mode"
                    data-testid="mode-note"
                    aria-pressed=move || is_note().to_string()
                    aria-keyshortcuts="n"
                    on:click=choose(Compose::Note)
                >
                    "Note"
                </button>
                <span class="compose-hint" hidden=move || !is_note()>
                    "Only your team sees notes"
                </span>
            </div>
            <input type="hidden" name="chat_id" value=chat_id.to_string() />
            <label class="sr-only" for="reply-input">
                {move || if is_note() { "Private note" } else { "Reply" }}
            </label>
            <textarea
                id="reply-input"
                name="content"
                node_ref=input_ref
                data-testid="reply-input"
                placeholder=move || {
                    if is_note() {
                        "Write a private note… (only your team sees it; @name mentions a colleague)"
                    } else {
                        "Write a reply… (Enter sends, Shift+Enter adds a line)"
                    }
                }
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
            <p class="form-error" role="alert" data-testid="note-error" hidden=move || note_error.with(Option::is_none)>
                {move || note_error.get()}
            </p>
            <button type="submit" data-testid="reply-send">
                {move || if is_note() { "Add note" } else { "Send" }}
            </button>
        </form>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::team::Author;

    fn note(n: u128) -> ChatNote {
        ChatNote {
            id: Uuid::from_u128(n),
            content: format!("n{n}"),
            author: Author::new(Uuid::nil(), "Maya".to_owned()),
            mentions: Vec::new(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            client_id: None,
        }
    }

    #[test]
    fn notes_are_kept_once_each_in_order() {
        let mut notes = vec![note(1), note(3)];
        add_note(&mut notes, note(2));
        add_note(&mut notes, note(3));
        add_note(&mut notes, note(4));
        let ids: Vec<u128> = notes.iter().map(|n| n.id.as_u128()).collect();
        assert_eq!(ids, [1, 2, 3, 4]);
        assert_eq!(Compose::Reply.toggled(), Compose::Note);
        assert_eq!(Compose::Note.toggled(), Compose::Reply);
    }
}
