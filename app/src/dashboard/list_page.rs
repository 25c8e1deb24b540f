//! `/admin/chats`: the team inbox's list. The view (Mine, Unassigned, All open, Snoozed,
//! Resolved, each with its live count) and the search are in the URL (`?view=mine`, `?q=`;
//! the spec's `?archived=true` still opens Resolved), so the server renders any state and
//! links and forms work before the wasm arrives; once hydrated, the list follows the admin
//! channel (a chat leaves a view as soon as its owner or state moves it), loads more pages in
//! place and answers the keyboard (j/k or arrows, Enter, `a` assign to me, `s` snooze until
//! tomorrow, `e` resolve or reopen, `/` search).

use leptos::{ev, html, prelude::*};
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::{
    alerts::{AlertControls, AlertTitle, DeskEvent, use_alerts},
    chat_list::{ChatList, Tab},
    text,
};
use crate::{
    api::{count_inbox, count_unread_chats, list_chats},
    browser,
};
use wire::{
    model::{ChatListPage, SupportChatListItem},
    team::{ChatStatus, InboxCounts, InboxView},
};

/// The view a list URL names: `?view=`, or the spec's `?archived=true` (Resolved); All open
/// by default.
pub fn view_in(view: Option<&str>, archived: Option<&str>) -> InboxView {
    match (view.and_then(InboxView::parse), archived) {
        (Some(view), _) => view,
        (None, Some("true")) => InboxView::Resolved,
        (None, _) => InboxView::default(),
    }
}

/// The page: header, alerts, views, search, and the list of the view asked for.
#[component]
pub fn ChatsPage() -> impl IntoView {
    let query = use_query_map();
    let view = Memo::new(move |_| {
        query.with(|q| view_in(q.get("view").as_deref(), q.get("archived").as_deref()))
    });
    let search = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let after =
        Memo::new(move |_| query.with(|q| q.get("after").and_then(|a| Uuid::parse_str(&a).ok())));
    let page = Resource::new(
        move || (view.get(), search.get(), after.get()),
        |(view, search, after)| list_chats(view, search, after),
    );
    let unread = Resource::new(|| (), |()| count_unread_chats());
    let counts = Resource::new(|| (), |()| count_inbox());

    view! {
        <main class="page dashboard" data-testid="chats-page">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let initial_unread = unread.get().and_then(Result::ok);
                    let counts = counts.get().map(|c| c.map_err(|err| err.to_string()));
                    page.get()
                        .zip(counts)
                        .map(|pair| match pair {
                            (Ok(first), Ok(counts)) => {
                                view! {
                                    <ChatBoard
                                        first
                                        initial_unread
                                        counts
                                        view=view.get_untracked()
                                        search=search.get_untracked()
                                    />
                                }
                                    .into_any()
                            }
                            (Err(err), _) => failed(err.to_string()),
                            (_, Err(err)) => failed(err),
                        })
                }}
            </Suspense>
        </main>
    }
}

fn failed(message: String) -> AnyView {
    view! {
        <h1>"Support Chats"</h1>
        <p class="form-error" role="alert">{message}</p>
    }
    .into_any()
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
    initial_unread: Option<u64>,
    counts: InboxCounts,
    view: InboxView,
    search: String,
) -> AnyView {
    let searching = !search.trim().is_empty();
    let tab = Tab {
        view,
        viewer: counts.viewer,
    };
    let list = RwSignal::new(ChatList::from_page(first));
    let counts = RwSignal::new(counts);
    let recount_due = RwSignal::new(false);
    let loading_more = RwSignal::new(false);
    let now = use_clock();
    let search_ref = NodeRef::<html::Input>::new();
    let list_ref = NodeRef::<html::Ol>::new();

    let reload = {
        let search = search.clone();
        move || {
            let search = search.clone();
            leptos::task::spawn_local(async move {
                if let Ok(first) = list_chats(view, search, None).await {
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
    let alerts = use_alerts(initial_unread, move |event| match event {
        DeskEvent::Live => {
            reload();
            recount();
        }
        DeskEvent::Updated(entry) => {
            list.update(|l| l.apply(entry, tab, searching));
            recount();
        }
    });

    let load_more = {
        let search = search.clone();
        move || {
            let Some(cursor) = list.with_untracked(ChatList::next_cursor) else {
                return;
            };
            loading_more.set(true);
            let search = search.clone();
            leptos::task::spawn_local(async move {
                if let Ok(page) = list_chats(view, search, Some(cursor)).await {
                    list.update(|l| l.append(page));
                }
                loading_more.set(false);
            });
        }
    };

    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            keyboard::listen(list, list_ref, search_ref, tab, searching);
        }
    });

    let unread_total = move || alerts.unread.get().unwrap_or(0);
    let empty_text = match (searching, view) {
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
    let search_value = search.clone();
    let tabs = InboxView::ALL
        .into_iter()
        .map(|each| {
            let (label, testid) = view_label(each);
            let count = move || counts.with(|c| c.of(each));
            view! {
                <a
                    href=text::list_href(each, "", None)
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

    view! {
        <AlertTitle alerts name="Support Chats".to_owned() />
        <div class="dashboard-header">
            <h1>"Support Chats"</h1>
            <AlertControls alerts />
        </div>
        <nav class="tabs views" aria-label="Views">
            {tabs}
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
            <button type="submit" class="secondary">"Search"</button>
            {searching.then(|| view! { <a href=text::list_href(view, "", None) class="clear-search">"Clear"</a> })}
        </form>
        <Show
            when=move || list.with(|l| !l.chats.is_empty())
            fallback=move || view! { <p class="empty-state" data-testid="chats-empty">{empty_text}</p> }
        >
            <ol class="chat-cards" node_ref=list_ref data-testid="chat-list">
                <For
                    each=move || list.get().chats
                    key=|chat| (chat.id, chat.last_message_at, chat.unread, chat.message_count, chat.match_snippet.clone(), chat.assignee.as_ref().map(|a| (a.id, a.name.clone())), chat.status, chat.snoozed_until)
                    let(chat)
                >
                    <ChatCard chat view now />
                </For>
            </ol>
        </Show>
        <Show when=move || list.with(|l| l.more)>
            <p class="load-more">
                <a
                    class="button secondary"
                    data-testid="load-more"
                    href={
                        let search = search.clone();
                        move || text::list_href(view, &search, list.with(ChatList::next_cursor))
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
            <kbd>"j"</kbd> " / " <kbd>"k"</kbd> " move · " <kbd>"Enter"</kbd> " open · "
            <kbd>"a"</kbd> " assign to me · " <kbd>"s"</kbd> " snooze until tomorrow · "
            <kbd>"e"</kbd> " resolve or reopen · " <kbd>"/"</kbd> " search"
        </p>
    }
    .into_any()
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
/// ones stand out.
#[component]
fn ChatCard(
    chat: SupportChatListItem,
    view: InboxView,
    now: RwSignal<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let person = text::person(chat.user_email.as_deref(), chat.user_id);
    let preview = text::preview_line(&chat);
    let count = text::message_count(chat.message_count);
    let at = chat.last_message_at;
    let href = if view == InboxView::default() {
        format!("/admin/chats/{}", chat.id)
    } else {
        format!("/admin/chats/{}?from={}", chat.id, view.as_str())
    };
    let unread = chat.unread;
    let owner = chat
        .assignee
        .as_ref()
        .map_or_else(|| "Unassigned".to_owned(), |a| a.name.clone());
    let snoozed = (chat.status == ChatStatus::Snoozed)
        .then_some(chat.snoozed_until)
        .flatten();
    view! {
        <li
            class="chat-card"
            class:unread=unread
            data-testid="chat-card"
            data-chat-id=chat.id.to_string()
            data-unread=unread.to_string()
            data-status=format!("{:?}", chat.status).to_lowercase()
        >
            <a class="chat-card-link" href=href>
                <span class="chat-card-top">
                    <span class="chat-person">{person}</span>
                    {unread.then(|| view! { <span class="unread-badge" data-testid="unread-badge">"Unread"</span> })}
                </span>
                <span class="chat-preview" data-testid="chat-preview">{preview}</span>
                {chat.match_snippet.map(|snippet| view! {
                    <span class="chat-snippet" data-testid="chat-snippet">{snippet}</span>
                })}
                <span class="chat-meta">
                    <span class="chat-owner" data-testid="chat-owner">{owner}</span>
                    " · "
                    {count}
                    {at.map(|at| view! {
                        " · "
                        <time datetime=at.to_rfc3339()>{move || text::relative_time(at, now.get())}</time>
                    })}
                    {snoozed.map(|until| view! {
                        " · "
                        <span data-testid="chat-snoozed">"Snoozed until " {browser::utc_day(until)}</span>
                    })}
                </span>
            </a>
        </li>
    }
    .into_any()
}

/// The list's keys: j/k or arrows move the focus between chats, Enter opens the focused
/// one (it is a link), `a` assigns it to the reader, `s` snoozes it until tomorrow 9:00,
/// `e` resolves or reopens it, `/` goes to the search.
mod keyboard {
    use leptos::{ev, html, prelude::*};
    use wasm_bindgen::JsCast;

    use super::{ChatList, Tab};
    use crate::{
        api::{assign_chat, set_chat_archived, snooze_chat},
        browser,
    };
    use wire::{
        error::AppError,
        model::SupportChatListItem,
        team::{ChatStatus, StaffRef},
    };

    pub fn listen(
        list: RwSignal<ChatList>,
        list_ref: NodeRef<html::Ol>,
        search_ref: NodeRef<html::Input>,
        tab: Tab,
        searching: bool,
    ) {
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
        // The chat the keys act on: the focused card, else none yet.
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
        let handle = window_event_listener(ev::keydown, move |ev: ev::KeyboardEvent| {
            if browser::in_a_field(&ev) || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let count = list.with_untracked(|l| l.chats.len());
            let current = focused();
            let chat = current.and_then(|i| list.with_untracked(|l| l.chats.get(i).cloned()));
            let key = ev.key();
            match key.as_str() {
                "j" | "ArrowDown" if count > 0 => {
                    ev.prevent_default();
                    focus_card(current.map_or(0, |i| (i + 1).min(count - 1)));
                }
                "k" | "ArrowUp" if count > 0 => {
                    ev.prevent_default();
                    focus_card(current.map_or(0, |i| i.saturating_sub(1)));
                }
                "a" | "s" | "e" => {
                    let (Some(chat), Some(i)) = (chat, current) else {
                        return;
                    };
                    ev.prevent_default();
                    change(list, chat, key.as_str(), tab, searching);
                    // The focus stays at the same place in the list.
                    let left = list.with_untracked(|l| l.chats.len());
                    if left > 0 {
                        focus_card(i.min(left - 1));
                    }
                }
                "/" => {
                    ev.prevent_default();
                    if let Some(input) = search_ref.get_untracked() {
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
