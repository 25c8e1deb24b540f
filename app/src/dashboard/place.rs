//! Where the inbox is, as its address says (the view, the search, the label, the page, the
//! open chat),
//! and what the inbox shares with its panes.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};
use uuid::Uuid;

use super::{alerts::Alerts, text::Filter};
use wire::team::InboxView;

/// Where the inbox is, as its address says: the view, the search, the open chat.
#[derive(Clone, Copy)]
pub struct Place {
    /// The view the list shows: `?view=`, or the spec's `?archived=true` (Resolved).
    pub view: Memo<InboxView>,
    /// The search: `?q=`.
    pub search: Memo<String>,
    /// The label the list is narrowed to: `?label=`.
    pub label: Memo<Option<Uuid>>,
    /// A page cursor of the list without the wasm: `?after=`.
    pub after: Memo<Option<Uuid>>,
    /// The chat open beside the list, if any (`/admin/chats/ID`).
    pub chat: Memo<Option<Uuid>>,
    /// Whether the address names a chat, even one that does not parse (its pane says so).
    pub chat_shown: Memo<bool>,
}

impl Place {
    /// Reads the place from the address (the inbox does, and shares it).
    pub fn from_address() -> Self {
        let query = use_query_map();
        let path = use_location().pathname;
        let opened = move || {
            path.with(|p| {
                p.strip_prefix("/admin/chats/")
                    .map(|rest| rest.trim_end_matches('/').to_owned())
                    .filter(|rest| !rest.is_empty())
            })
        };
        Self {
            view: Memo::new(move |_| {
                query.with(|q| view_in(q.get("view").as_deref(), q.get("archived").as_deref()))
            }),
            // Trimmed as the list's links write it, so following one changes nothing.
            search: Memo::new(move |_| {
                query.with(|q| q.get("q").map(|q| q.trim().to_owned()).unwrap_or_default())
            }),
            label: Memo::new(move |_| {
                query.with(|q| q.get("label").and_then(|l| Uuid::parse_str(&l).ok()))
            }),
            after: Memo::new(move |_| {
                query.with(|q| q.get("after").and_then(|a| Uuid::parse_str(&a).ok()))
            }),
            chat: Memo::new(move |_| opened().and_then(|id| Uuid::parse_str(&id).ok())),
            chat_shown: Memo::new(move |_| opened().is_some()),
        }
    }

    /// The search and the label (tracked).
    pub fn filter(&self) -> Filter {
        Filter {
            search: self.search.get(),
            label: self.label.get(),
        }
    }

    /// The search and the label, as they are now.
    pub fn filter_untracked(&self) -> Filter {
        Filter {
            search: self.search.get_untracked(),
            label: self.label.get_untracked(),
        }
    }
}

/// The view a list URL names: `?view=`, or the spec's `?archived=true` (Resolved); All open
/// by default.
pub fn view_in(view: Option<&str>, archived: Option<&str>) -> InboxView {
    match (view.and_then(InboxView::parse), archived) {
        (Some(view), _) => view,
        (None, Some("true")) => InboxView::Resolved,
        (None, _) => InboxView::default(),
    }
}

/// The inbox's shared state, for its panes.
pub fn use_inbox() -> (Place, Alerts) {
    (expect_context::<Place>(), expect_context::<Alerts>())
}
