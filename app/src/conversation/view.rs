//! The components: [`MessageList`] (rows, dividers, pending bubbles, sticky scroll, older
//! pages) and [`TypingLine`]. Message text is always a text node; URLs become links that open
//! in a new tab without access to this page.

use leptos::{html, prelude::*};
use uuid::Uuid;

use super::{
    files::FileList,
    links::{Segment, segments},
    rows::{Row, rows},
    side::Side,
};
use crate::{
    browser,
    components::use_hydrated,
    realtime::{ChatSignals, ConnectionState, Pending},
};
use wire::{
    model::{SenderType, SupportMessage},
    notes::ChatNote,
};

/// How far from the bottom (px) still counts as "at the newest message".
const STICKY_PX: i32 = 48;

/// The pages before the oldest message held.
#[derive(Clone, Copy)]
pub struct OlderPages {
    /// Whether older messages may exist.
    pub more: RwSignal<bool>,
    /// Whether a page is loading.
    pub loading: RwSignal<bool>,
}

/// The conversation: scrolls, follows the newest message unless the reader scrolled up
/// (then a "new messages" pill), keeps the reader's place when older pages arrive on top.
/// Dates and times are UTC until the page runs in the browser, then the reader's.
#[component]
pub fn MessageList<Load, Retry>(
    /// Whose screen this is.
    side: Side,
    /// How the other side's messages are signed.
    #[prop(into)]
    them: String,
    /// The reader, on staff's side: colleagues' messages are signed with their names, the
    /// reader's own with "You".
    #[prop(optional)]
    me: Option<Uuid>,
    /// The messages and those on their way.
    chat: ChatSignals,
    /// Staff's side: the team's private notes, shown among the messages by time.
    #[prop(optional)]
    notes: Option<RwSignal<Vec<ChatNote>>>,
    /// Older pages.
    older: OlderPages,
    /// Loads the page before the oldest message held (the list calls it at the top).
    load_older: Load,
    /// Sends a refused message again, by its `client_id`.
    retry: Retry,
) -> impl IntoView
where
    Load: Fn() + Copy + Send + Sync + 'static,
    Retry: Fn(Uuid) + Copy + Send + Sync + 'static,
{
    let Side {
        words,
        hooks,
        mine,
        locale,
        ..
    } = side;
    let local = if side.server_rendered {
        use_hydrated()
    } else {
        RwSignal::new(true)
    };
    let list_ref = NodeRef::<html::Div>::new();
    // Distance from the bottom when the reader last scrolled; 0 = following the newest.
    let from_bottom = StoredValue::new(0.0_f64);
    let unseen_below = RwSignal::new(false);

    let on_scroll = move |_| {
        let Some(list) = list_ref.get_untracked() else {
            return;
        };
        let distance = list.scroll_height() - list.scroll_top() - list.client_height();
        from_bottom.set_value(f64::from(distance));
        if distance <= STICKY_PX {
            unseen_below.set(false);
        }
        if list.scroll_top() < STICKY_PX
            && older.more.get_untracked()
            && !older.loading.get_untracked()
        {
            load_older();
        }
    };

    // After every change: follow the newest message, or keep the reader's place.
    Effect::new(move |previous: Option<(Option<Uuid>, Option<Uuid>)>| {
        let ends = chat.log.with(|log| {
            let messages = log.messages();
            (
                messages.first().map(|m| m.id),
                messages.last().map(|m| m.id),
            )
        });
        chat.pending.track();
        let Some(list) = list_ref.get() else {
            return ends;
        };
        // Whole pixels: scroll positions are set in px.
        let distance = from_bottom.get_value() as i32;
        if distance <= STICKY_PX {
            list.set_scroll_top(list.scroll_height());
            return ends;
        }
        let (oldest_moved, newest_moved) = previous.map_or((false, false), |(oldest, newest)| {
            (oldest != ends.0, newest != ends.1)
        });
        if oldest_moved {
            // An older page arrived on top: the same distance from the bottom keeps the place.
            list.set_scroll_top(list.scroll_height() - list.client_height() - distance);
        }
        if newest_moved {
            // Arrived below the reader, who stays where they are and is told.
            unseen_below.set(true);
        }
        let below = list.scroll_height() - list.scroll_top() - list.client_height();
        from_bottom.set_value(f64::from(below));
        ends
    });

    let jump_to_newest = move |_| {
        if let Some(list) = list_ref.get_untracked() {
            list.set_scroll_top(list.scroll_height());
        }
        from_bottom.set_value(0.0);
        unseen_below.set(false);
    };
    let day_of = move |at: chrono::DateTime<chrono::Utc>| {
        if local.get() {
            browser::local_day(at.timestamp_millis(), locale)
        } else {
            browser::utc_day(at)
        }
    };
    let all_rows = move || {
        chat.log.with(|log| {
            let messages = log.messages();
            let shown_notes = notes_shown(notes, messages, older.more);
            chat.pending
                .with(|pending| rows(messages, &shown_notes, pending, mine, day_of))
        })
    };
    let nothing_yet =
        move || chat.log.with(|l| l.messages().is_empty()) && chat.pending.with(Vec::is_empty);

    view! {
        <div class="confab-list-wrap">
            <div
                class="confab-list"
                node_ref=list_ref
                role="log"
                aria-live="polite"
                aria-label=words.list_label
                tabindex="0"
                data-testid=hooks.list
                data-live=move || (chat.state.get() == ConnectionState::Open).to_string()
                on:scroll=on_scroll
            >
                <p class="confab-hint" hidden=move || !older.loading.get()>
                    {words.loading}
                </p>
                <p class="confab-hint confab-empty" hidden=move || !nothing_yet()>
                    {words.empty}
                </p>
                <ol class="confab-rows">
                    <For each=all_rows key=Row::key let(row)>
                        {row_view(row, RowParts { side, them: them.clone(), me, local }, retry)}
                    </For>
                </ol>
            </div>
            <button
                type="button"
                class="confab-pill"
                data-testid=hooks.new_messages
                hidden=move || !unseen_below.get()
                on:click=jump_to_newest
            >
                {words.new_messages}
            </button>
        </div>
    }
}

/// One message: the reader's own on the right in the accent colour, the other side's on the
/// left, muted.
#[component]
fn MessageBubble(
    side: Side,
    them: String,
    me: Option<Uuid>,
    message: SupportMessage,
    seen: bool,
    local: RwSignal<bool>,
) -> impl IntoView {
    let Side {
        words,
        hooks,
        locale,
        ..
    } = side;
    let mine = side.mine == message.sender_type;
    // Staff messages name their author: "Maya · Support" to the user, the colleague's name
    // (or "You") on the dashboard. The user sees it even where senders are otherwise implied.
    let (sender, shown) = match (message.author.as_ref(), mine) {
        (Some(author), true) if me.is_some_and(|me| me != author.id) => {
            (author.name.clone(), side.sender_shown)
        }
        (_, true) => (words.you.to_owned(), side.sender_shown),
        (Some(author), false) => (format!("{} · {them}", author.name), true),
        (None, false) => (them, side.sender_shown),
    };
    // The user sees who answered: their avatar beside the name (decorative: the name is
    // the text).
    let avatar = message.author.as_ref().filter(|_| !mine).map(|author| {
        let class = format!(
            "confab-avatar confab-avatar-{}",
            author.avatar.palette_index()
        );
        view! { <span class=class aria-hidden="true">{author.avatar.initials.clone()}</span> }
    });
    let at = message.created_at;
    view! {
        <li
            class="confab-message"
            class:confab-mine=mine
            data-testid=hooks.message
            data-sender=if message.sender_type == SenderType::Admin { "admin" } else { "user" }
            data-seq=message.seq
        >
            <span class=if shown { "confab-sender" } else { "confab-sr" }>{avatar}{sender}</span>
            <div class=hooks.text_class>{message_text(&message.content)}</div>
            <FileList files=message.attachments />
            <div class="confab-meta">
                {time_of(at, locale, local)}
                {seen.then(|| view! { " · " <span data-testid=hooks.seen>{words.seen}</span> })}
            </div>
        </li>
    }
}

/// The notes to show among `messages`: those older than the oldest message held wait for
/// their page to load.
#[cfg(not(feature = "embed"))]
fn notes_shown(
    notes: Option<RwSignal<Vec<ChatNote>>>,
    messages: &[SupportMessage],
    more: RwSignal<bool>,
) -> Vec<ChatNote> {
    let Some(notes) = notes else {
        return Vec::new();
    };
    let since = messages
        .first()
        .filter(|_| more.get())
        .map(|m| m.created_at);
    notes.with(|notes| {
        notes
            .iter()
            .filter(|note| since.is_none_or(|since| note.created_at >= since))
            .cloned()
            .collect()
    })
}

/// The embed is never given notes.
#[cfg(feature = "embed")]
fn notes_shown(
    _: Option<RwSignal<Vec<ChatNote>>>,
    _: &[SupportMessage],
    _: RwSignal<bool>,
) -> Vec<ChatNote> {
    Vec::new()
}

/// What every row of the list is drawn with.
struct RowParts {
    side: Side,
    them: String,
    me: Option<Uuid>,
    local: RwSignal<bool>,
}

/// One row of the list: a day divider, a message, a note or a message on its way.
#[cfg(not(feature = "embed"))]
fn row_view(
    row: Row,
    RowParts {
        side,
        them,
        me,
        local,
    }: RowParts,
    retry: impl Fn(Uuid) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    use leptos::either::EitherOf4;
    match row {
        Row::Day { label, .. } => EitherOf4::A(day_divider(side, label)),
        Row::Message { message, seen } => EitherOf4::B(view! {
            <MessageBubble side them me message seen local />
        }),
        Row::Note(note) => EitherOf4::C(view! { <NoteBubble side me note local /> }),
        Row::Pending(pending) => EitherOf4::D(view! { <PendingBubble side pending retry /> }),
    }
}

/// One row of the list in the embed, which has no notes: the same rows but for them. Three
/// kinds of row instead of four keep its bundle within budget (about 1.2 KB gzipped).
#[cfg(feature = "embed")]
fn row_view(
    row: Row,
    RowParts {
        side,
        them,
        me,
        local,
    }: RowParts,
    retry: impl Fn(Uuid) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    use leptos::either::EitherOf3;
    match row {
        Row::Day { label, .. } => EitherOf3::A(day_divider(side, label)),
        Row::Message { message, seen } => EitherOf3::B(view! {
            <MessageBubble side them me message seen local />
        }),
        Row::Note(never) => match never {},
        Row::Pending(pending) => EitherOf3::C(view! { <PendingBubble side pending retry /> }),
    }
}

/// A day's divider.
fn day_divider(side: Side, label: String) -> impl IntoView {
    view! {
        <li class="confab-day" data-testid=side.hooks.day>
            <span>{label}</span>
        </li>
    }
}

/// A private note: across the conversation's width, in the note colour, with its author and
/// the reminder that only the team sees it.
#[cfg(not(feature = "embed"))]
#[component]
fn NoteBubble(
    side: Side,
    me: Option<Uuid>,
    note: ChatNote,
    local: RwSignal<bool>,
) -> impl IntoView {
    let locale = side.locale;
    let author = if me == Some(note.author.id) {
        side.words.you.to_owned()
    } else {
        note.author.name.clone()
    };
    let at = note.created_at;
    view! {
        <li class="confab-note" data-testid="note" data-note-id=note.id.to_string()>
            <span class="confab-sender">{author}" · Note"</span>
            <div class="confab-bubble note-content">{message_text(&note.content)}</div>
            <div class="confab-meta">
                "Only your team sees this · "
                {time_of(at, locale, local)}
            </div>
        </li>
    }
}

/// When something was written, as a `<time>`: UTC until the page runs in the browser, then the
/// reader's time.
fn time_of(
    at: chrono::DateTime<chrono::Utc>,
    locale: &'static str,
    local: RwSignal<bool>,
) -> impl IntoView {
    let time = move || {
        if local.get() {
            browser::local_time(at.timestamp_millis(), locale)
        } else {
            browser::utc_time(at)
        }
    };
    view! { <time datetime=browser::iso_time(at)>{time}</time> }
}

/// A message on its way, or refused with a way to send it again.
#[component]
fn PendingBubble(
    side: Side,
    pending: Pending,
    retry: impl Fn(Uuid) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let Side { words, hooks, .. } = side;
    let client_id = pending.client_id;
    let status = if pending.failed {
        view! {
            <span class="confab-failed">{words.not_sent}</span>
            " "
            <button
                type="button"
                class="confab-link-button"
                data-testid=hooks.retry
                on:click=move |_| retry(client_id)
            >
                {words.retry}
            </button>
        }
        .into_any()
    } else {
        view! { <span>{words.sending}</span> }.into_any()
    };
    view! {
        <li
            class="confab-message confab-mine confab-pending"
            data-testid=hooks.pending
            data-failed=pending.failed.to_string()
        >
            <span class=sender_class(side)>{words.you}</span>
            <div class=hooks.text_class>{message_text(&pending.content)}</div>
            <FileList files=pending.attachments />
            <div class="confab-meta" role="status">
                {status}
            </div>
        </li>
    }
}

/// Who wrote a message: on screen, or for screen readers only.
fn sender_class(side: Side) -> &'static str {
    if side.sender_shown {
        "confab-sender"
    } else {
        "confab-sr"
    }
}

/// "… is typing" while the other side types.
#[component]
pub fn TypingLine(
    /// Whose screen this is.
    side: Side,
    /// The chat's signals.
    chat: ChatSignals,
) -> impl IntoView {
    let other = side.mine.other();
    let typing = side.words.typing;
    view! {
        <p class="confab-typing" aria-live="polite" data-testid=side.hooks.typing>
            {move || (chat.typing.get() == Some(other)).then_some(typing)}
        </p>
    }
}

/// Text nodes and safe links; never HTML.
fn message_text(content: &str) -> impl IntoView + use<> {
    segments(content)
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
