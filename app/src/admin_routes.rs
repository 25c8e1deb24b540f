//! The routes under `/admin`, which differ by bundle. The server and the staff pages' bundle
//! (feature `dashboard`) carry the dashboard itself. The pages bundle, which hydrates every
//! other page, leaves the dashboard's code out, so a user on the start page never downloads it:
//! there `/admin` is one route that asks the server for the page, which then comes with the
//! dashboard's bundle. Links into the dashboard are full page loads anyway (`rel="external"`,
//! `navigate_to`), so that route is a safety net, not a path users take.

use leptos::prelude::*;
use leptos_router::{MatchNestedRoutes, SsrMode, StaticSegment};

#[cfg(feature = "dashboard")]
use crate::dashboard::{
    ConversationPane, Inbox, LabelsPage, MentionsPage, NoChatOpen, RepliesPage, TeamPage,
};
#[cfg(feature = "dashboard")]
use leptos_router::{
    ParamSegment,
    components::{ParentRoute, Route},
};

/// The dashboard: the team, labels, saved replies, mentions and the inbox.
#[cfg(feature = "dashboard")]
#[component(transparent)]
pub fn AdminRoutes() -> impl MatchNestedRoutes + Clone {
    view! {
        <Route path=StaticSegment("admin") view=TeamPage ssr=SsrMode::InOrder />
        <Route path=(StaticSegment("admin"), StaticSegment("team")) view=TeamPage ssr=SsrMode::InOrder />
        <Route
            path=(StaticSegment("admin"), StaticSegment("labels"))
            view=LabelsPage
            ssr=SsrMode::InOrder
        />
        <Route
            path=(StaticSegment("admin"), StaticSegment("replies"))
            view=RepliesPage
            ssr=SsrMode::InOrder
        />
        <Route
            path=(StaticSegment("admin"), StaticSegment("mentions"))
            view=MentionsPage
            ssr=SsrMode::InOrder
        />
        // The inbox: the list stays while the conversation beside it changes.
        <ParentRoute path=(StaticSegment("admin"), StaticSegment("chats")) view=Inbox ssr=SsrMode::InOrder>
            <Route path=StaticSegment("") view=NoChatOpen ssr=SsrMode::InOrder />
            <Route path=ParamSegment("id") view=ConversationPane ssr=SsrMode::InOrder />
        </ParentRoute>
    }
    .into_inner()
}

/// Everything under `/admin`, in the pages bundle: loaded from the server, with the
/// dashboard's bundle.
#[cfg(not(feature = "dashboard"))]
#[component(transparent)]
pub fn AdminRoutes() -> impl MatchNestedRoutes + Clone {
    use leptos_router::{WildcardSegment, components::Route};
    view! {
        <Route
            path=(StaticSegment("admin"), WildcardSegment("rest"))
            view=LoadFromServer
            ssr=SsrMode::InOrder
        />
    }
    .into_inner()
}

/// A full page load of the address the router just moved to.
#[cfg(not(feature = "dashboard"))]
#[component]
fn LoadFromServer() -> impl IntoView {
    Effect::new(move |_| crate::browser::load_from_server());
}
