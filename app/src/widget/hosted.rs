//! The widget on the hosted app's own pages, for signed-in users: the server renders the
//! button and badge from the user's chat, and the browser makes them live.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    model::{Access, WidgetModel, WidgetSetup},
    text::Locale,
    view::ChatWidget,
};
use crate::api::get_hosted_widget;
use wire::model::SupportChat;

/// The widget, when a (non-staff) user is signed in. `?support=open` (the reply email's
/// link) opens it.
#[component]
pub fn HostedChatWidget() -> impl IntoView {
    // The routes render in order, so the button and badge are in the page as sent (usable
    // before the wasm arrives), not streamed in afterwards by a script.
    let widget = Resource::new(|| (), |()| get_hosted_widget());
    let open = use_query_map().with_untracked(|q| q.get("support").as_deref() == Some("open"));
    view! {
        <Suspense>
            {move || {
                widget
                    .get()
                    .and_then(Result::ok)
                    .flatten()
                    .map(|w| view! { <Mounted initial=w.chat open /> }.into_any())
            }}
        </Suspense>
    }
}

#[component]
fn Mounted(initial: Option<SupportChat>, open: bool) -> impl IntoView {
    let model = WidgetModel::new(WidgetSetup {
        access: Access::Hosted,
        locale: Locale::En,
        open,
        initial,
    });
    // After hydration: the browser connects and opens the panel if asked to.
    Effect::new(move |_| {
        model.start_in_browser();
    });
    view! { <ChatWidget model /> }.into_any()
}
