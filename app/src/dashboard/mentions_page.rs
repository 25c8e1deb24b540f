//! `/admin/mentions`: the notes that mention the reader, newest first: who wrote what, on
//! which conversation, and whether the reader has seen it (opening the conversation does).

use leptos::prelude::*;

use super::ownership::when;
use super::text;
use crate::{
    api::load_mentions,
    browser,
    components::{StaffPage, use_hydrated},
};
use wire::notes::Mention;

/// The page.
#[component]
pub fn MentionsPage() -> impl IntoView {
    view! {
        <StaffPage
            title="Mentions"
            testid="mentions-page"
            load=Resource::new(|| (), |()| load_mentions())
            render=mention_list
        />
    }
}

/// The mentions, or what to do while there are none.
fn mention_list(all: Vec<Mention>) -> AnyView {
    if all.is_empty() {
        return view! {
            <p class="empty-state" data-testid="mentions-empty">
                "Nobody has mentioned you yet. When a colleague writes @"
                "your name in a note, it lands here."
            </p>
        }
        .into_any();
    }
    view! {
        <ol class="chat-cards mention-list" data-testid="mention-list">
            {all.into_iter().map(|mention| view! { <MentionCard mention /> }).collect_view()}
        </ol>
    }
    .into_any()
}

/// One mention: the note, its author, the conversation it is on.
#[component]
fn MentionCard(mention: Mention) -> impl IntoView {
    let local = use_hydrated();
    let at = mention.note.created_at;
    let person = text::person(mention.user_email.as_deref(), mention.user_id);
    view! {
        <li
            class="chat-card mention-card"
            class:unread=!mention.seen
            data-testid="mention"
            data-seen=mention.seen.to_string()
        >
            <a class="chat-card-link" href=format!("/admin/chats/{}", mention.chat_id)>
                <span class="chat-card-top">
                    <span class="chat-person">
                        {format!("{} mentioned you · {person}", mention.note.author.name)}
                    </span>
                    {(!mention.seen).then(|| view! { <span class="unread-badge">"New"</span> })}
                </span>
                <span class="chat-preview" data-testid="mention-note">{mention.note.content.clone()}</span>
                <span class="chat-meta">
                    <time datetime=browser::iso_time(at)>{move || when(at, local.get())}</time>
                </span>
            </a>
        </li>
    }
}
