//! `/admin/chats` and `/admin/chats/:id`: the team inbox, one screen. The header with the
//! alerts and the list (views, search, cards) stay put while conversations open beside them,
//! side by side from 1,100 px wide, one pane at a time on narrower screens (the stylesheet
//! decides). The address names the view, the search and the open chat
//! (`/admin/chats/ID?view=mine&q=refund`), so every state can be bookmarked and is rendered
//! by the server; opening a chat changes only the conversation pane (the router's `Outlet`).
//! One admin channel serves the whole screen: the panes hear it through [`Alerts::hear`].

use leptos::prelude::*;
use leptos_router::components::Outlet;

use super::{
    alerts::{AlertControls, AlertTitle, use_alerts},
    list_pane::ListPane,
    place::Place,
};

/// The screen: header and alerts, the list pane, and the route's conversation pane.
#[component]
pub fn Inbox() -> impl IntoView {
    let place = Place::from_address();
    provide_context(place);
    let alerts = use_alerts();
    provide_context(alerts);
    view! {
        <main
            class="page dashboard inbox"
            class:chat-open=move || place.chat_shown.get()
            data-testid="inbox"
        >
            <div class="dashboard-header">
                <Suspense>
                    <AlertTitle alerts name="Support Chats".to_owned() />
                </Suspense>
                <h1>"Support Chats"</h1>
                <AlertControls alerts />
            </div>
            // The panes are in no Suspense of the page's: opening a chat (the route's pane
            // loading) never takes the list out of the document, nor the focus from its cards.
            <div class="inbox-panes">
                <ListPane />
                <Outlet />
            </div>
        </main>
    }
}

/// The conversation pane while no chat is open: on wide screens, beside the list.
#[component]
pub fn NoChatOpen() -> impl IntoView {
    view! {
        <section class="chat-pane no-chat empty-state" aria-label="Open chat" data-testid="no-chat-open">
            <p>"Open a chat from the list to read and answer it here."</p>
            <p class="hint">
                <kbd>"j"</kbd> " / " <kbd>"k"</kbd> " open the next or previous chat · "
                <kbd>"Esc"</kbd> " closes it"
            </p>
        </section>
    }
}
