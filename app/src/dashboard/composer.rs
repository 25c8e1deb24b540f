//! The conversation's composer: one box that writes either a reply to the user or a private
//! note to the team, switched by "Reply / Note" (or `n`, outside a field). Enter sends,
//! Shift+Enter adds a line, an IME composition never sends. Before the wasm arrives it is a
//! plain form that posts a reply to the server function; once hydrated, replies go over the
//! chat's socket and notes to their server function (idempotent by a client id, so a retry
//! never writes a note twice). In Note mode the box takes the note colour, so nobody sends a
//! reply believing it private.
//!
//! Two pickers open over the box ([`super::picker`]'s rules): `/` at its start (or Ctrl+/)
//! offers the team's saved replies, filtered as one types, and inserts the chosen one's body
//! with its variables filled; `@` in a note offers colleagues to mention. Arrow keys move,
//! Enter or Tab chooses, Esc closes; the box keeps the focus throughout (a listbox it
//! controls, with the active option named by `aria-activedescendant`).

use leptos::{ev, html, prelude::*};
use uuid::Uuid;

use super::picker::{
    PickerKind, Trigger, matching_people, matching_replies, mention_text, replace, reply_text,
    trigger,
};
use crate::{
    api::{load_replies, post_note},
    components::{AttachButton, TypingThrottle, UploadTray, UploadWords, Uploads, sends_message},
    realtime::LiveChat,
};
use wire::{
    notes::ChatNote,
    replies::{SavedReply, Variables},
    team::StaffRef,
};

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

/// Who a conversation is between, as saved replies' variables and mentions need it.
#[derive(Clone, Debug, Default)]
pub struct People {
    /// The active team, to mention.
    pub team: Vec<StaffRef>,
    /// The user's name, if known.
    pub user_name: Option<String>,
    /// The user's email, if known.
    pub user_email: Option<String>,
    /// The staff member writing.
    pub agent_name: Option<String>,
}

/// What an open picker offers: an option's label and the text choosing it inserts.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Offer {
    label: String,
    detail: String,
    inserts: String,
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
    /// Who the conversation is between.
    people: People,
    /// The uploads' words.
    upload_words: &'static UploadWords,
) -> impl IntoView {
    let input_ref = NodeRef::<html::Textarea>::new();
    let people = StoredValue::new(people);
    // The open picker, the option it has active, and the saved replies (read at first use).
    let picker = RwSignal::new(None::<Trigger>);
    let active = RwSignal::new(0_usize);
    let replies = RwSignal::new(None::<Vec<SavedReply>>);
    // Ctrl+/ opened the replies picker here (a byte offset), away from the box's start.
    let forced_at = StoredValue::new(None::<usize>);
    let offers = Memo::new(move |_| {
        let Some(open) = picker.get() else {
            return Vec::new();
        };
        match open.kind {
            PickerKind::Replies => replies.with(|all| {
                let Some(all) = all else { return Vec::new() };
                people.with_value(|people| {
                    let variables = Variables {
                        user_name: people.user_name.as_deref(),
                        user_email: people.user_email.as_deref(),
                        agent_name: people.agent_name.as_deref(),
                    };
                    matching_replies(all, &open.query)
                        .into_iter()
                        .map(|reply| Offer {
                            label: reply.title.clone(),
                            detail: format!("/{}", reply.shortcut),
                            inserts: reply_text(reply, &variables),
                        })
                        .collect()
                })
            }),
            PickerKind::Mentions => people.with_value(|people| {
                matching_people(&people.team, &open.query)
                    .into_iter()
                    .map(|person| Offer {
                        label: person.name.clone(),
                        detail: String::new(),
                        inserts: mention_text(person),
                    })
                    .collect()
            }),
        }
    });
    // Where the caret is in the box's text, as a byte offset.
    let caret = move || {
        input_ref
            .get_untracked()
            .and_then(|input| input.selection_start().ok().flatten())
            .map_or(0, |units| draft.with_untracked(|d| byte_offset(d, units)))
    };
    let follow_caret = move || {
        let at = caret();
        let in_note = mode.get_untracked() == Compose::Note;
        let found = draft.with_untracked(|text| {
            trigger(text, at, in_note).or_else(|| {
                let start = forced_at.get_value()?;
                let typed = text.get(start..at)?;
                (!typed.contains(char::is_whitespace)).then(|| Trigger {
                    kind: PickerKind::Replies,
                    start,
                    query: typed.to_owned(),
                })
            })
        });
        if found.is_none() {
            forced_at.set_value(None);
        }
        if found
            .as_ref()
            .is_some_and(|t| t.kind == PickerKind::Replies)
            && replies.with_untracked(Option::is_none)
        {
            leptos::task::spawn_local(async move {
                if let Ok((all, _)) = load_replies(String::new()).await {
                    replies.try_set(Some(all));
                }
            });
        }
        if picker.with_untracked(|open| open != &found) {
            active.set(0);
            picker.set(found);
        }
    };
    let choose = move |index: usize| {
        let Some(open) = picker.get_untracked() else {
            return;
        };
        let Some(offer) = offers.with_untracked(|all| all.get(index).cloned()) else {
            return;
        };
        let at = caret();
        let (text, after) = draft.with_untracked(|d| replace(d, &open, at, &offer.inserts));
        let units = utf16_len(&text[..after]);
        draft.set(text.clone());
        picker.set(None);
        forced_at.set_value(None);
        if let Some(input) = input_ref.get_untracked() {
            input.set_value(&text);
            let _ = input.set_selection_range(units, units);
            let _ = input.focus();
        }
    };
    let note_error = RwSignal::new(None::<String>);
    // A note being written keeps its id until it is stored, so a retry is the same note.
    let note_client_id = StoredValue::new(Uuid::now_v7());
    // Files go with replies (never with notes), to this chat.
    let uploads = Uploads::new(move || (format!("/api/admin/chats/{chat_id}/attachments"), None));
    let send = move || {
        let content = draft.get_untracked();
        let reply = mode.get_untracked() == Compose::Reply;
        let with_files = reply && uploads.any_done();
        if (content.trim().is_empty() && !with_files) || (reply && uploads.waiting()) {
            return;
        }
        let content = content.trim().to_owned();
        draft.set(String::new());
        match mode.get_untracked() {
            Compose::Reply => live.with(|chat| {
                chat.send(content, uploads.take_done());
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
        follow_caret();
        // The user sees "typing" only for replies.
        if mode.get_untracked() == Compose::Reply && typing.due() {
            live.with(LiveChat::typing);
        }
    };
    let switch_to = move |wanted: Compose| {
        move |_| {
            mode.set(wanted);
            picker.set(None);
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
            on:dragover=|ev: ev::DragEvent| ev.prevent_default()
            on:drop=move |ev: ev::DragEvent| {
                if is_note() {
                    // Notes take no files; the browser must not leave the page to show one.
                    ev.prevent_default();
                } else {
                    uploads.on_drop(&ev);
                }
            }
        >
            <div class="compose-modes" role="group" aria-label="Write a reply or a private note">
                <button
                    type="button"
                    class="compose-mode"
                    data-testid="mode-reply"
                    aria-pressed=move || (!is_note()).to_string()
                    on:click=switch_to(Compose::Reply)
                >
                    "Reply"
                </button>
                <button
                    type="button"
                    class="compose-mode"
                    data-testid="mode-note"
                    aria-pressed=move || is_note().to_string()
                    aria-keyshortcuts="n"
                    on:click=switch_to(Compose::Note)
                >
                    "Note"
                </button>
                <span class="compose-hint" hidden=move || !is_note()>
                    "Only your team sees notes"
                </span>
            </div>
            <input type="hidden" name="chat_id" value=chat_id.to_string() />
            <div hidden=is_note>
                <UploadTray uploads words=upload_words />
            </div>
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
                on:paste=move |ev: ev::ClipboardEvent| {
                    if !is_note() {
                        uploads.on_paste(&ev);
                    }
                }
                aria-autocomplete="list"
                aria-controls="composer-picker"
                aria-activedescendant=move || {
                    picker.with(Option::is_some).then(|| format!("composer-pick-{}", active.get()))
                }
                on:keyup=move |ev: ev::KeyboardEvent| {
                    // The caret moved without typing (arrows, Home, End): the picker follows.
                    if matches!(ev.key().as_str(), "ArrowLeft" | "ArrowRight" | "Home" | "End") {
                        follow_caret();
                    }
                }
                on:keydown=move |ev: ev::KeyboardEvent| {
                    if ev.ctrl_key() && ev.key() == "/" {
                        ev.prevent_default();
                        forced_at.set_value(Some(caret()));
                        follow_caret();
                        return;
                    }
                    let open = picker.with_untracked(Option::is_some);
                    let count = offers.with_untracked(Vec::len);
                    if open {
                        match ev.key().as_str() {
                            "ArrowDown" if count > 0 => {
                                ev.prevent_default();
                                active.update(|at| *at = (*at + 1) % count);
                                return;
                            }
                            "ArrowUp" if count > 0 => {
                                ev.prevent_default();
                                active.update(|at| *at = (*at + count - 1) % count);
                                return;
                            }
                            "Enter" | "Tab" if count > 0 && !ev.shift_key() => {
                                ev.prevent_default();
                                choose(active.get_untracked());
                                return;
                            }
                            "Escape" => {
                                // Closes the picker, not the conversation.
                                ev.prevent_default();
                                ev.stop_propagation();
                                picker.set(None);
                                forced_at.set_value(None);
                                return;
                            }
                            _ => {}
                        }
                    }
                    if sends_message(&ev) {
                        ev.prevent_default();
                        send();
                    }
                }
            ></textarea>
            <div class="composer-picker" hidden=move || picker.with(Option::is_none)>
                <ul
                    id="composer-picker"
                    role="listbox"
                    data-testid="composer-picker"
                    aria-label=move || match picker.with(|p| p.as_ref().map(|p| p.kind)) {
                        Some(PickerKind::Mentions) => "Colleagues to mention",
                        _ => "Saved replies",
                    }
                >
                    {move || {
                        offers
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(index, offer)| {
                                view! {
                                    <li
                                        id=format!("composer-pick-{index}")
                                        role="option"
                                        class="picker-option"
                                        data-testid="picker-option"
                                        aria-selected=move || (active.get() == index).to_string()
                                        // The box keeps the focus: choosing by mouse too.
                                        on:mousedown=|ev: ev::MouseEvent| ev.prevent_default()
                                        on:click=move |_| choose(index)
                                    >
                                        <span class="picker-label">{offer.label}</span>
                                        " "
                                        <span class="picker-detail">{offer.detail}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <p class="hint" hidden=move || !offers.with(Vec::is_empty)>
                    {move || match picker.with(|p| p.as_ref().map(|p| p.kind)) {
                        Some(PickerKind::Mentions) => "No colleague by that name.",
                        _ if replies.with(Option::is_none) => "Loading saved replies…",
                        _ => "No saved reply matches. Admins write them on the Saved replies page.",
                    }}
                </p>
            </div>
            <p class="form-error" role="alert" data-testid="note-error" hidden=move || note_error.with(Option::is_none)>
                {move || note_error.get()}
            </p>
            <span class="composer-attach" hidden=is_note>
                <AttachButton uploads words=upload_words />
            </span>
            <button
                type="submit"
                data-testid="reply-send"
                disabled=move || !is_note() && uploads.waiting()
            >
                {move || if is_note() { "Add note" } else { "Send" }}
            </button>
        </form>
    }
    .into_any()
}

/// The byte offset in `text` of a position counted in UTF-16 units (as the DOM counts).
fn byte_offset(text: &str, units: u32) -> usize {
    let mut counted = 0_u32;
    for (at, c) in text.char_indices() {
        if counted >= units {
            return at;
        }
        counted += c.len_utf16() as u32;
    }
    text.len()
}

/// How many UTF-16 units `text` has (the DOM's count of a position).
fn utf16_len(text: &str) -> u32 {
    text.chars().map(|c| c.len_utf16() as u32).sum()
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

    #[test]
    fn caret_positions_convert_between_utf16_and_bytes() {
        let text = "é😀a";
        assert_eq!(byte_offset(text, 0), 0);
        assert_eq!(byte_offset(text, 1), 2);
        assert_eq!(byte_offset(text, 3), 6, "the emoji is two units");
        assert_eq!(byte_offset(text, 9), text.len());
        assert_eq!(utf16_len(text), 4);
    }
}
