//! `/admin/chats`: the chat list. Tabs (Active / Archived) and the search are in the URL
//! (`?archived=true`, `?q=`), so the server renders any state and links and forms work before
//! the wasm arrives; once hydrated, the list follows the admin channel, loads more pages in
//! place and answers the keyboard (j/k or arrows, Enter, `e`, `/`).

use leptos::{ev, html, prelude::*};
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::{
    alerts::{AlertControls, AlertTitle, DeskEvent, use_alerts},
    chat_list::ChatList,
    text,
};
use crate::{
    api::{count_unread_chats, list_chats},
    browser,
};
use wire::model::{ChatListPage, SupportChatListItem};

/// The page: header, alerts, tabs, search, and the list of the tab asked for.
#[component]
pub fn ChatsPage() -> impl IntoView {
    let query = use_query_map();
    let archived = Memo::new(move |_| query.with(|q| q.get("archived").as_deref() == Some("true")));
    let search = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let after =
        Memo::new(move |_| query.with(|q| q.get("after").and_then(|a| Uuid::parse_str(&a).ok())));
    let page = Resource::new(
        move || (archived.get(), search.get(), after.get()),
        |(archived, search, after)| list_chats(archived, search, after),
    );
    let unread = Resource::new(|| (), |()| count_unread_chats());

    view! {
        <main class="page dashboard" data-testid="chats-page">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let initial_unread = unread.get().and_then(Result::ok);
                    page.get()
                        .map(|result| match result {
                            Ok(first) => {
                                view! {
                                    <ChatBoard
                                        first
                                        initial_unread
                                        archived=archived.get_untracked()
                                        search=search.get_untracked()
                                    />
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                view! {
                                    <h1>"Support Chats"</h1>
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

/// One tab's list, live.
#[component]
fn ChatBoard(
    first: ChatListPage,
    initial_unread: Option<u64>,
    archived: bool,
    search: String,
) -> AnyView {
    let searching = !search.trim().is_empty();
    let list = RwSignal::new(ChatList::from_page(first));
    let loading_more = RwSignal::new(false);
    let now = use_clock();
    let search_ref = NodeRef::<html::Input>::new();
    let list_ref = NodeRef::<html::Ol>::new();

    let reload = {
        let search = search.clone();
        move || {
            let search = search.clone();
            leptos::task::spawn_local(async move {
                if let Ok(first) = list_chats(archived, search, None).await {
                    list.set(ChatList::from_page(first));
                }
            });
        }
    };
    let alerts = use_alerts(initial_unread, move |event| match event {
        DeskEvent::Live => reload(),
        DeskEvent::Updated(entry) => list.update(|l| l.apply(entry, archived, searching)),
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
                if let Ok(page) = list_chats(archived, search, Some(cursor)).await {
                    list.update(|l| l.append(page));
                }
                loading_more.set(false);
            });
        }
    };

    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            keyboard::listen(list, list_ref, search_ref, archived, searching);
        }
    });

    let tab_href = move |archive_tab: bool| text::list_href(archive_tab, "", None);
    let unread_total = move || alerts.unread.get().unwrap_or(0);
    let empty_text = match (searching, archived) {
        (true, _) => "No chats match this search.",
        (false, true) => {
            "No archived chats. Chats you archive wait here; a new message from their user brings them back."
        }
        (false, false) => "No active chats. When a user writes, their chat appears here at once.",
    };
    let search_value = search.clone();

    view! {
        <AlertTitle alerts name="Support Chats".to_owned() />
        <div class="dashboard-header">
            <h1>"Support Chats"</h1>
            <AlertControls alerts />
        </div>
        <nav class="tabs" aria-label="Chats">
            <a
                href=tab_href(false)
                class="tab"
                aria-current=(!archived).then_some("page")
                data-testid="tab-active"
            >
                "Active"
                <Show when=move || { unread_total() > 0 }>
                    <span class="count" aria-label=move || format!("{} unread", unread_total())>
                        {unread_total}
                    </span>
                </Show>
            </a>
            <a
                href=tab_href(true)
                class="tab"
                aria-current=archived.then_some("page")
                data-testid="tab-archived"
            >
                "Archived"
            </a>
        </nav>
        <form class="search" method="get" action="/admin/chats" role="search">
            {archived.then(|| view! { <input type="hidden" name="archived" value="true" /> })}
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
            {searching.then(|| view! { <a href=tab_href(archived) class="clear-search">"Clear"</a> })}
        </form>
        <Show
            when=move || list.with(|l| !l.chats.is_empty())
            fallback=move || view! { <p class="empty-state" data-testid="chats-empty">{empty_text}</p> }
        >
            <ol class="chat-cards" node_ref=list_ref data-testid="chat-list">
                <For
                    each=move || list.get().chats
                    key=|chat| (chat.id, chat.last_message_at, chat.unread, chat.message_count, chat.match_snippet.clone())
                    let(chat)
                >
                    <ChatCard chat archived now />
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
                        move || text::list_href(archived, &search, list.with(ChatList::next_cursor))
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
            <kbd>"e"</kbd> " archive or restore · " <kbd>"/"</kbd> " search"
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

/// One chat in the list: who, the newest message, counts and time; unread ones stand out.
#[component]
fn ChatCard(
    chat: SupportChatListItem,
    archived: bool,
    now: RwSignal<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let person = text::person(chat.user_email.as_deref(), chat.user_id);
    let preview = text::preview_line(&chat);
    let count = text::message_count(chat.message_count);
    let at = chat.last_message_at;
    let href = if archived {
        format!("/admin/chats/{}?from=archived", chat.id)
    } else {
        format!("/admin/chats/{}", chat.id)
    };
    let unread = chat.unread;
    view! {
        <li
            class="chat-card"
            class:unread=unread
            data-testid="chat-card"
            data-chat-id=chat.id.to_string()
            data-unread=unread.to_string()
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
                    {count}
                    {at.map(|at| view! {
                        " · "
                        <time datetime=at.to_rfc3339()>{move || text::relative_time(at, now.get())}</time>
                    })}
                </span>
            </a>
        </li>
    }
    .into_any()
}

/// The list's keys: j/k or arrows move the focus between chats, Enter opens the focused
/// one (it is a link), `e` archives or restores it, `/` goes to the search.
mod keyboard {
    use leptos::{ev, html, prelude::*};
    use wasm_bindgen::JsCast;

    use super::ChatList;
    use crate::{api::set_chat_archived, browser};
    use wire::model::SupportChatListItem;

    pub fn listen(
        list: RwSignal<ChatList>,
        list_ref: NodeRef<html::Ol>,
        search_ref: NodeRef<html::Input>,
        archived: bool,
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
            match ev.key().as_str() {
                "j" | "ArrowDown" if count > 0 => {
                    ev.prevent_default();
                    focus_card(current.map_or(0, |i| (i + 1).min(count - 1)));
                }
                "k" | "ArrowUp" if count > 0 => {
                    ev.prevent_default();
                    focus_card(current.map_or(0, |i| i.saturating_sub(1)));
                }
                "e" => {
                    let chat =
                        current.and_then(|i| list.with_untracked(|l| l.chats.get(i).cloned()));
                    if let (Some(chat), Some(i)) = (chat, current) {
                        ev.prevent_default();
                        toggle_archive(list, chat, archived, searching);
                        // The focus stays at the same place in the list.
                        let left = list.with_untracked(|l| l.chats.len());
                        if left > 0 {
                            focus_card(i.min(left - 1));
                        }
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

    /// Archives (or restores) a chat from the list: it leaves this tab at once, and comes
    /// back if the server refused.
    fn toggle_archive(
        list: RwSignal<ChatList>,
        chat: SupportChatListItem,
        tab: bool,
        searching: bool,
    ) {
        let id = chat.id;
        let mut moved = chat.clone();
        moved.archived = !chat.archived;
        list.update(|l| l.apply(moved, tab, searching));
        leptos::task::spawn_local(async move {
            if set_chat_archived(id, !chat.archived).await.is_err() {
                list.update(|l| l.apply(chat, tab, searching));
            }
        });
    }
}
