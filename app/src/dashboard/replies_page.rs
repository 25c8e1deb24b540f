//! `/admin/replies`: the team's saved replies. Everyone on the team searches them (title,
//! shortcut, body); admins write one (a title, a one-word shortcut unique whatever its case, a
//! body with `{{user.name}}`, `{{user.email}}` and `{{agent.name}}` filled when inserted),
//! change or delete it. Each change calls the same domain function as `/api/admin/replies`.

use leptos::{ev, prelude::*};

use crate::{
    api::{change_reply, create_reply, delete_reply, load_replies},
    components::{FormError, StaffPage},
};
use wire::{
    error::AppError,
    replies::{MAX_SHORTCUT_CHARS, MAX_TITLE_CHARS, SavedReply},
};

/// The page.
#[component]
pub fn RepliesPage() -> impl IntoView {
    view! {
        <StaffPage
            title="Saved replies"
            testid="replies-page"
            load=Resource::new(|| (), |()| load_replies(String::new()))
            render=|(replies, manage)| view! { <Library replies manage /> }.into_any()
        >
            " · In a reply, type " <kbd>"/"</kbd> " at the start (or " <kbd>"Ctrl"</kbd> "+"
            <kbd>"/"</kbd> ") to insert one."
        </StaffPage>
    }
}

#[component]
fn Library(replies: Vec<SavedReply>, manage: bool) -> impl IntoView {
    let replies = RwSignal::new(replies);
    let search = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let reload = move || {
        let words = search.get_untracked();
        leptos::task::spawn_local(async move {
            if let Ok((fresh, _)) = load_replies(words).await {
                replies.set(fresh);
            }
        });
    };
    let answer = move |result: Result<(), AppError>| match result {
        Ok(()) => {
            error.set(None);
            reload();
        }
        Err(err) => error.set(Some(err)),
    };
    view! {
        <form class="search" role="search" on:submit=move |ev: ev::SubmitEvent| ev.prevent_default()>
            <label for="reply-search">"Search saved replies"</label>
            <input
                id="reply-search"
                type="search"
                maxlength="200"
                data-testid="reply-search"
                prop:value=move || search.get()
                on:input=move |ev| {
                    search.set(event_target_value(&ev));
                    reload();
                }
            />
        </form>
        <FormError error=Signal::derive(move || error.get()) />
        <p class="empty-state" hidden=move || replies.with(|r| !r.is_empty())>
            "No saved replies here."
        </p>
        <ul class="reply-list" data-testid="reply-list">
            <For each=move || replies.get() key=|reply| reply.clone() let(reply)>
                <ReplyRow reply manage answer />
            </For>
        </ul>
        {manage.then(|| view! { <ReplyForm reply=None answer /> })}
    }
    .into_any()
}

#[component]
fn ReplyRow(
    reply: SavedReply,
    manage: bool,
    answer: impl Fn(Result<(), AppError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = reply.id;
    let remove = move |_| {
        leptos::task::spawn_local(async move { answer(delete_reply(id).await) });
    };
    view! {
        <li class="reply-item" data-testid="reply-row">
            <h2 class="reply-title">
                {reply.title.clone()} " " <code class="reply-shortcut">{format!("/{}", reply.shortcut)}</code>
            </h2>
            <p class="reply-body">{reply.body.clone()}</p>
            {manage.then(|| view! {
                <details class="reply-edit">
                    <summary>"Edit"</summary>
                    <ReplyForm reply=Some(reply.clone()) answer />
                </details>
                <button type="button" class="secondary" data-testid="reply-delete" on:click=remove>
                    "Delete"
                </button>
            })}
        </li>
    }
    .into_any()
}

/// Writes a new reply (`reply` is `None`) or changes one.
#[component]
fn ReplyForm(
    reply: Option<SavedReply>,
    answer: impl Fn(Result<(), AppError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = reply.as_ref().map(|r| r.id);
    let field = |pick: fn(&SavedReply) -> &String| {
        RwSignal::new(reply.as_ref().map(|r| pick(r).clone()).unwrap_or_default())
    };
    let (title, shortcut, body) = (
        field(|r| &r.title),
        field(|r| &r.shortcut),
        field(|r| &r.body),
    );
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let (t, s, b) = (
            title.get_untracked(),
            shortcut.get_untracked(),
            body.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let result = match id {
                Some(id) => change_reply(id, t, s, b).await.map(|_| ()),
                None => create_reply(t, s, b).await.map(|_| ()),
            };
            if result.is_ok() && id.is_none() {
                title.set(String::new());
                shortcut.set(String::new());
                body.set(String::new());
            }
            answer(result);
        });
    };
    let key = id.map_or_else(|| "new".to_owned(), |id| id.to_string());
    let input_id = move |what: &str| format!("reply-{what}-{key}");
    view! {
        {id.is_none().then(|| view! { <h2>"New saved reply"</h2> })}
        <form class="form reply-form" data-testid="reply-form" on:submit=submit>
            <label for=input_id("title")>"Title"</label>
            <input
                id=input_id("title")
                required
                maxlength=MAX_TITLE_CHARS.to_string()
                data-testid="reply-title"
                prop:value=move || title.get()
                on:input=move |ev| title.set(event_target_value(&ev))
            />
            <label for=input_id("shortcut")>"Shortcut (one word)"</label>
            <input
                id=input_id("shortcut")
                required
                maxlength=MAX_SHORTCUT_CHARS.to_string()
                data-testid="reply-shortcut"
                prop:value=move || shortcut.get()
                on:input=move |ev| shortcut.set(event_target_value(&ev))
            />
            <label for=input_id("body")>
                "Text ({{user.name}}, {{user.email}} and {{agent.name}} are filled in)"
            </label>
            <textarea
                id=input_id("body")
                required
                maxlength="5000"
                rows="4"
                data-testid="reply-body"
                prop:value=move || body.get()
                on:input=move |ev| body.set(event_target_value(&ev))
            ></textarea>
            <button type="submit" data-testid="reply-save">
                {if id.is_some() { "Save" } else { "Add saved reply" }}
            </button>
        </form>
    }
    .into_any()
}
