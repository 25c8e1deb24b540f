//! The inbox's list pane: the views (Mine, Unassigned, All open, Snoozed, Resolved, each with
//! its live count), the search and the cards of the view the address names. The server
//! renders it and its links and forms work before the wasm arrives; once hydrated, the list
//! follows the admin channel (a chat leaves a view as soon as its owner or state moves it),
//! loads more pages in place, marks the open chat and answers the keyboard (j/k open the
//! next or previous chat, arrows move between cards, Enter opens, `a` assign to me, `s`
//! snooze until tomorrow, `e` resolve or reopen, `/` search).

use leptos::{ev, html, prelude::*};
use uuid::Uuid;

use super::{
    alerts::DeskEvent,
    chat_list::{ChatList, Tab},
    label_menu::LabelChips,
    place::{Place, use_inbox},
    text::{self, Filter},
};
use crate::{
    api::{count_inbox, list_chats, load_labels},
    browser,
};
use wire::{
    labels::Label,
    model::{ChatListPage, SupportChatListItem},
    team::{ChatStatus, InboxCounts, InboxView},
};

/// The pane: views, search, and the list of the view asked for.
#[component]
pub fn ListPane() -> impl IntoView {
    let (place, _) = use_inbox();
    let page = Resource::new(
        move || (place.view.get(), place.filter(), place.after.get()),
        |(view, filter, after)| list_chats(view, filter.search, filter.label, after),
    );
    let labels = Resource::new(|| (), |()| load_labels());
    let counts = Resource::new(|| (), |()| count_inbox());

    view! {
        <section class="list-pane" aria-label="Chats" data-testid="chats-page">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let counts = counts.get().map(|c| c.map_err(|err| err.to_string()));
                    // Without the labels, the list still shows (with no label filter).
                    let labels = labels.get().map(|l| l.map(|(all, _)| all).unwrap_or_default());
                    page.get()
                        .zip(counts)
                        .zip(labels)
                        .map(|(pair, labels)| match pair {
                            (Ok(first), Ok(counts)) => {
                                view! {
                                    <ChatBoard
                                        first
                                        counts
                                        labels
                                        view=place.view.get_untracked()
                                        filter=place.filter_untracked()
                                    />
                                }
                                    .into_any()
                            }
                            (Err(err), _) => failed(err.to_string()),
                            (_, Err(err)) => failed(err),
                        })
                }}
            </Suspense>
        </section>
    }
}

fn failed(message: String) -> AnyView {
    view! { <p class="form-error" role="alert">{message}</p> }.into_any()
}

/// What each view is called, and its `data-testid` (All open and Resolved keep the names of
/// the Active and Archived tabs they replaced).
fn view_label(view: InboxView) -> (&'static str, &'static str) {
    match view {
        InboxView::Mine => ("Mine", "view-mine"),
        InboxView::Unassigned => ("Unassigned", "view-unassigned"),
        InboxView::Open => ("All open", "tab-active"),
        InboxView::Snoozed => ("Snoozed", "view-snoozed"),
        InboxView::Resolved => ("Resolved", "tab-archived"),
    }
}

/// Least time between two recounts of the views while events pour in.
const RECOUNT_EVERY_MS: u32 = 2_000;

/// One view's list, live.
#[component]
fn ChatBoard(
    first: ChatListPage,
    counts: InboxCounts,
    labels: Vec<Label>,
    view: InboxView,
    filter: Filter,
) -> AnyView {
    let searching = !filter.search.is_empty();
    let tab = Tab {
        view,
        viewer: counts.viewer,
        label: filter.label,
    };
    let list = RwSignal::new(ChatList::from_page(first));
    // The labels the filter offers: the team's when the page loaded, and any a live entry
    // brings that is newer than that.
    let known_labels = RwSignal::new(labels);
    let counts = RwSignal::new(counts);
    let recount_due = RwSignal::new(false);
    let loading_more = RwSignal::new(false);
    let now = use_clock();
    let search_ref = NodeRef::<html::Input>::new();
    let list_ref = NodeRef::<html::Ol>::new();

    let reload = {
        let filter = filter.clone();
        move || {
            let Filter { search, label } = filter.clone();
            leptos::task::spawn_local(async move {
                if let Ok(first) = list_chats(view, search, label, None).await {
                    list.set(ChatList::from_page(first));
                }
            });
        }
    };
    // Counts follow changes, at most once per RECOUNT_EVERY_MS however many arrive.
    let recount = move || {
        if recount_due.get_untracked() {
            return;
        }
        recount_due.set(true);
        leptos::task::spawn_local(async move {
            browser::sleep_ms(RECOUNT_EVERY_MS).await;
            recount_due.set(false);
            if let Ok(fresh) = count_inbox().await {
                counts.set(fresh);
            }
        });
    };

    let load_more = {
        let filter = filter.clone();
        move || {
            let Some(cursor) = list.with_untracked(ChatList::next_cursor) else {
                return;
            };
            loading_more.set(true);
            let Filter { search, label } = filter.clone();
            leptos::task::spawn_local(async move {
                if let Ok(page) = list_chats(view, search, label, Some(cursor)).await {
                    list.update(|l| l.append(page));
                }
                loading_more.set(false);
            });
        }
    };

    let (place, alerts) = use_inbox();
    Effect::new(move |started: Option<()>| {
        if started.is_some() {
            return;
        }
        let reload = reload.clone();
        alerts.hear(move |event| match event {
            DeskEvent::Live => {
                reload();
                recount();
            }
            DeskEvent::Updated(entry) => {
                learn_labels(known_labels, &entry.labels);
                list.update(|l| l.apply(entry.clone(), tab, searching));
                recount();
            }
            DeskEvent::Note { .. } => {}
        });
        keyboard::listen(keyboard::Keys {
            list,
            list_ref,
            search_ref,
            tab,
            searching,
            place,
        });
    });

    let unread_total = move || alerts.unread().unwrap_or(0);
    let empty_text = match (filter.narrows(), view) {
        (true, _) if !searching => "No chats with this label here.",
        (true, _) => "No chats match this search.",
        (false, InboxView::Mine) => {
            "Nothing assigned to you. Take a chat from Unassigned, or press a on one."
        }
        (false, InboxView::Unassigned) => "Every open chat has an owner.",
        (false, InboxView::Open) => {
            "No open chats. When a user writes, their chat appears here at once."
        }
        (false, InboxView::Snoozed) => {
            "No snoozed chats. A snoozed chat comes back at its time, or when its user writes."
        }
        (false, InboxView::Resolved) => {
            "No resolved chats. Chats you resolve wait here; a new message from their user brings them back."
        }
    };
    let search_value = filter.search.clone();
    let card_filter = StoredValue::new(filter.clone());
    let tabs = InboxView::ALL
        .into_iter()
        .map(|each| {
            let (label, testid) = view_label(each);
            let count = move || counts.with(|c| c.of(each));
            view! {
                <a
                    href=text::list_href(each, &Filter::default(), None)
                    class="tab"
                    aria-current=(each == view).then_some("page")
                    data-testid=testid
                    data-view=each.as_str()
                >
                    {label}
                    {move || count().map(|n| view! {
                        <span class="view-count" data-testid="view-count" aria-label=format!("{n} chats")>{n}</span>
                    })}
                    {(each == InboxView::Open).then(|| view! {
                        <Show when=move || { unread_total() > 0 }>
                            <span class="count" aria-label=move || format!("{} unread", unread_total())>
                                {unread_total}
                            </span>
                        </Show>
                    })}
                </a>
            }
        })
        .collect_view();

    let unseen_mentions = move || alerts.unseen_mentions().unwrap_or(0);
    view! {
        <nav class="tabs views" aria-label="Views">
            {tabs}
            <a href="/admin/mentions" class="tab" data-testid="view-mentions">
                "Mentions"
                <Show when=move || { unseen_mentions() > 0 }>
                    <span
                        class="count"
                        data-testid="mentions-unseen"
                        aria-label=move || format!("{} unseen", unseen_mentions())
                    >
                        {unseen_mentions}
                    </span>
                </Show>
            </a>
        </nav>
        <form class="search" method="get" action="/admin/chats" role="search">
            {(view != InboxView::default()).then(|| view! { <input type="hidden" name="view" value=view.as_str() /> })}
            <label class="sr-only" for="chat-search">
                "Search chats by email or message"
            </label>
            <input
                id="chat-search"
                type="search"
                name="q"
                node_ref=search_ref
                data-testid="chat-search"
                placeholder="Search by email or message  ( / )"
                maxlength="200"
                value=search_value
            />
            <LabelFilter labels=known_labels chosen=filter.label />
            <button type="submit" class="secondary">"Search"</button>
            {filter.narrows().then(|| view! { <a href=text::list_href(view, &Filter::default(), None) class="clear-search">"Clear"</a> })}
        </form>
        <Show
            when=move || list.with(|l| !l.chats.is_empty())
            fallback=move || view! { <p class="empty-state" data-testid="chats-empty">{empty_text}</p> }
        >
            <ol class="chat-cards" node_ref=list_ref data-testid="chat-list">
                // One card per chat for as long as it is listed: a card changes in place (its
                // focus and hover stay) as its entry does.
                <For
                    each=move || list.with(|l| l.chats.iter().map(|c| c.id).collect::<Vec<_>>())
                    key=|id| *id
                    let(id)
                >
                    <ChatCard id list view filter=card_filter.get_value() now place />
                </For>
            </ol>
        </Show>
        <Show when=move || list.with(|l| l.more)>
            <p class="load-more">
                <a
                    class="button secondary"
                    data-testid="load-more"
                    href={
                        let filter = filter.clone();
                        move || text::list_href(view, &filter, list.with(ChatList::next_cursor))
                    }
                    aria-disabled=move || loading_more.get().to_string()
                    on:click={
                        let load_more = load_more.clone();
                        move |ev: ev::MouseEvent| {
                            ev.prevent_default();
                            load_more();
                        }
                    }
                >
                    {move || if loading_more.get() { "Loading…" } else { "Load more" }}
                </a>
            </p>
        </Show>
        <p class="hint keys">
            <kbd>"j"</kbd> " / " <kbd>"k"</kbd> " next / previous chat · " <kbd>"Enter"</kbd> " open · "
            <kbd>"a"</kbd> " assign to me · " <kbd>"s"</kbd> " snooze until tomorrow · "
            <kbd>"e"</kbd> " resolve or reopen · " <kbd>"/"</kbd> " search"
        </p>
    }
    .into_any()
}

/// The label the list is narrowed to: part of the search form (it works before the wasm);
/// once hydrated, choosing one goes there at once.
#[component]
fn LabelFilter(labels: RwSignal<Vec<Label>>, chosen: Option<Uuid>) -> impl IntoView {
    let on_change = move |ev: ev::Event| {
        if let Some(form) = event_target::<web_sys::HtmlSelectElement>(&ev).form() {
            let _ = form.request_submit();
        }
    };
    move || {
        let all = labels.get();
        (!all.is_empty()).then(|| {
            view! {
                <span class="label-filter">
                    <label for="label-filter">"Label"</label>
                    <select
                        id="label-filter"
                        name="label"
                        data-testid="label-filter"
                        on:change=on_change
                    >
                        <option value="" selected=chosen.is_none()>"Any"</option>
                        {all
                            .into_iter()
                            .map(|label| {
                                let selected = chosen == Some(label.id);
                                view! {
                                    <option value=label.id.to_string() selected=selected>
                                        {label.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </span>
            }
        })
    }
}

/// Adds to `known` (kept by name) the labels of `seen` it does not hold yet.
fn learn_labels(known: RwSignal<Vec<Label>>, seen: &[Label]) {
    let new: Vec<Label> = known.with_untracked(|known| {
        seen.iter()
            .filter(|label| !known.iter().any(|k| k.id == label.id))
            .cloned()
            .collect()
    });
    if new.is_empty() {
        return;
    }
    known.update(|known| {
        known.extend(new);
        known.sort_by_key(|label| label.name.to_lowercase());
    });
}

/// The current time, ticking every 30 s in the browser so relative times stay current.
fn use_clock() -> RwSignal<chrono::DateTime<chrono::Utc>> {
    let now = RwSignal::new(browser::now());
    Effect::new(move |_| {
        now.set(browser::now());
        if let Ok(handle) = set_interval_with_handle(
            move || now.set(browser::now()),
            std::time::Duration::from_secs(30),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    now
}

/// One chat in the list: who, the newest message, owner, state, counts and time; unread
/// ones stand out. It follows the chat's entry in `list` while the chat is listed.
#[component]
fn ChatCard(
    id: Uuid,
    list: RwSignal<ChatList>,
    view: InboxView,
    filter: Filter,
    now: RwSignal<chrono::DateTime<chrono::Utc>>,
    place: Place,
) -> impl IntoView {
    let entry = Memo::new(move |_| list.with(|l| l.chats.iter().find(|c| c.id == id).cloned()));
    let read = move |field: fn(&SupportChatListItem) -> String| {
        move || entry.with(|e| e.as_ref().map(field).unwrap_or_default())
    };
    let person = read(|c| text::person(c.user_email.as_deref(), c.user_id));
    let preview = read(text::preview_line);
    let count = read(|c| text::message_count(c.message_count));
    let owner = read(|c| {
        c.assignee
            .as_ref()
            .map_or_else(|| "Unassigned".to_owned(), |a| a.name.clone())
    });
    let status = read(|c| format!("{:?}", c.status).to_lowercase());
    let unread = move || entry.with(|e| e.as_ref().is_some_and(|c| c.unread));
    let snippet = move || entry.with(|e| e.as_ref().and_then(|c| c.match_snippet.clone()));
    // Found by a private note: said so (only staff see either).
    let in_note = move || entry.with(|e| e.as_ref().is_some_and(|c| c.match_in_note));
    let at = move || entry.with(|e| e.as_ref().and_then(|c| c.last_message_at));
    let snoozed = move || {
        entry.with(|e| {
            e.as_ref()
                .filter(|c| c.status == ChatStatus::Snoozed)
                .and_then(|c| c.snoozed_until)
        })
    };
    let href = text::chat_href(id, view, &filter, place.after.get_untracked());
    let labels = Signal::derive(move || {
        entry.with(|e| e.as_ref().map(|c| c.labels.clone()).unwrap_or_default())
    });
    let open = move || place.chat.get() == Some(id);
    view! {
        <li
            class="chat-card"
            class:unread=unread
            class:open=open
            data-testid="chat-card"
            data-chat-id=id.to_string()
            data-unread=move || unread().to_string()
            data-status=status
        >
            <a class="chat-card-link" href=href aria-current=move || open().then_some("true")>
                <span class="chat-card-top">
                    <span class="chat-person">{person}</span>
                    {move || unread().then(|| view! { <span class="unread-badge" data-testid="unread-badge">"Unread"</span> })}
                </span>
                <span class="chat-preview" data-testid="chat-preview">{preview}</span>
                {move || snippet().map(|snippet| view! {
                    <span class="chat-snippet" class:in-note=in_note data-testid="chat-snippet">
                        {in_note().then_some("Note · ")}
                        {snippet}
                    </span>
                })}
                <span class="chat-meta">
                    <span class="chat-owner" data-testid="chat-owner">{owner}</span>
                    " · "
                    {count}
                    {move || at().map(|at| view! {
                        " · "
                        <time datetime=at.to_rfc3339()>{move || text::relative_time(at, now.get())}</time>
                    })}
                    {move || snoozed().map(|until| view! {
                        " · "
                        <span data-testid="chat-snoozed">"Snoozed until " {browser::utc_day(until)}</span>
                    })}
                </span>
                <LabelChips labels />
            </a>
        </li>
    }
    .into_any()
}

/// The list's keys: j/k open the next or previous chat (on narrow screens with no chat open,
/// they only move the focus, as the arrows do between cards), Enter opens the focused card (it
/// is a link), `a` assigns the focused chat to the reader, `s` snoozes it until tomorrow 9:00,
/// `e` resolves or reopens it, `/` goes to the search. With no card focused, `a`, `s` and `e`
/// are the open conversation's.
mod keyboard {
    use leptos::{ev, html, prelude::*};
    use leptos_router::{NavigateOptions, hooks::use_navigate};
    use wasm_bindgen::JsCast;

    use super::{ChatList, Place, Tab, text};
    use crate::{
        api::{assign_chat, set_chat_archived, snooze_chat},
        browser,
    };
    use wire::{
        error::AppError,
        model::SupportChatListItem,
        team::{ChatStatus, StaffRef},
    };

    /// What the keys act on.
    #[derive(Clone, Copy)]
    pub struct Keys {
        pub list: RwSignal<ChatList>,
        pub list_ref: NodeRef<html::Ol>,
        pub search_ref: NodeRef<html::Input>,
        pub tab: Tab,
        pub searching: bool,
        pub place: Place,
    }

    /// The width from which the list and the conversation show side by side (the
    /// stylesheet's `.inbox` rules break at the same width).
    const SIDE_BY_SIDE: &str = "(min-width: 1100px)";

    pub fn listen(keys: Keys) {
        let Keys {
            list,
            list_ref,
            place,
            ..
        } = keys;
        let navigate = use_navigate();
        let focus_card = move |index: usize| {
            let link = list_ref
                .get_untracked()
                .and_then(|el| el.query_selector_all("a.chat-card-link").ok())
                .and_then(|links| links.item(u32::try_from(index).ok()?))
                .and_then(|link| link.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(link) = link {
                let _ = link.focus();
            }
        };
        // The card with the focus, if any.
        let focused = move || -> Option<usize> {
            let active = document().active_element()?;
            let links = list_ref
                .get_untracked()?
                .query_selector_all("a.chat-card-link")
                .ok()?;
            (0..links.length()).find_map(|i| {
                let node = links.item(i)?;
                (node.is_same_node(Some(&active))).then_some(i as usize)
            })
        };
        // Where j/k start from: the focused card, else the open chat's.
        let position = move || {
            focused().or_else(|| {
                let open = place.chat.get_untracked()?;
                list.with_untracked(|l| l.chats.iter().position(|c| c.id == open))
            })
        };
        let open_at = move |index: usize| {
            let Some(id) = list.with_untracked(|l| l.chats.get(index).map(|c| c.id)) else {
                return;
            };
            if place.chat.get_untracked() != Some(id) {
                let href = text::chat_href(
                    id,
                    keys.tab.view,
                    &place.filter_untracked(),
                    place.after.get_untracked(),
                );
                navigate(
                    &href,
                    NavigateOptions {
                        scroll: false,
                        ..Default::default()
                    },
                );
            }
        };
        let handle = window_event_listener(ev::keydown, move |ev: ev::KeyboardEvent| {
            if browser::in_a_field(&ev) || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let count = list.with_untracked(|l| l.chats.len());
            let current = focused();
            let chat = current.and_then(|i| list.with_untracked(|l| l.chats.get(i).cloned()));
            let key = ev.key();
            let step = match key.as_str() {
                "j" => Some(true),
                "k" => Some(false),
                "ArrowDown" if current.is_some() => Some(true),
                "ArrowUp" if current.is_some() => Some(false),
                _ => None,
            };
            if let Some(down) = step {
                if count == 0 {
                    return;
                }
                ev.prevent_default();
                let from = position();
                let to = match (from, down) {
                    (None, _) => 0,
                    (Some(i), true) => (i + 1).min(count - 1),
                    (Some(i), false) => i.saturating_sub(1),
                };
                focus_card(to);
                let letters = matches!(key.as_str(), "j" | "k");
                if letters
                    && (place.chat_shown.get_untracked() || browser::matches_media(SIDE_BY_SIDE))
                {
                    open_at(to);
                }
                return;
            }
            match key.as_str() {
                // A key held down acts once.
                "a" | "s" | "e" if !ev.repeat() => {
                    let (Some(chat), Some(i)) = (chat, current) else {
                        return;
                    };
                    ev.prevent_default();
                    change(list, chat, key.as_str(), keys.tab, keys.searching);
                    // The focus stays at the same place in the list: on the next chat when
                    // this one left the view. The list's elements change after this handler,
                    // so the focus moves once they did.
                    request_animation_frame(move || {
                        let left = list.with_untracked(|l| l.chats.len());
                        if left > 0 {
                            focus_card(i.min(left - 1));
                        }
                    });
                }
                // Not while the list is hidden (a narrow screen showing a chat).
                "/" if !place.chat_shown.get_untracked()
                    || browser::matches_media(SIDE_BY_SIDE) =>
                {
                    ev.prevent_default();
                    if let Some(input) = keys.search_ref.get_untracked() {
                        let _ = input.focus();
                    }
                }
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    }
    /// Acts on a chat from the list (`a`, `s` or `e`): the list shows the change at once (the
    /// chat leaves a view it no longer belongs to) and takes the server's answer, or puts the
    /// chat back as it was if the server refused.
    fn change(
        list: RwSignal<ChatList>,
        chat: SupportChatListItem,
        key: &str,
        tab: Tab,
        searching: bool,
    ) {
        let id = chat.id;
        let mut expected = chat.clone();
        let until = browser::local_morning(1);
        match key {
            "a" => {
                expected.assignee = Some(StaffRef {
                    id: tab.viewer,
                    name: "You".to_owned(),
                });
            }
            "s" => {
                expected.status = ChatStatus::Snoozed;
                expected.snoozed_until = Some(until);
            }
            _ => {
                let resolve = chat.status != ChatStatus::Resolved;
                expected.archived = resolve;
                expected.status = if resolve {
                    ChatStatus::Resolved
                } else {
                    ChatStatus::Open
                };
                expected.snoozed_until = None;
            }
        }
        list.update(|l| l.apply(expected.clone(), tab, searching));
        let key = key.to_owned();
        leptos::task::spawn_local(async move {
            let answer: Result<SupportChatListItem, AppError> = match key.as_str() {
                "a" => assign_chat(id, Some(tab.viewer)).await,
                "s" => snooze_chat(id, until).await,
                _ => set_chat_archived(id, expected.archived)
                    .await
                    .map(|_| expected),
            };
            let shown = answer.unwrap_or(chat);
            list.update(|l| l.apply(shown, tab, searching));
        });
    }
}
