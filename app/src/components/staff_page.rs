//! The frame of the staff area's pages besides the inbox (team, labels, saved replies,
//! mentions): a title, the way back to the chats, and the page's data once loaded (or why it
//! could not be).

use leptos::prelude::*;

use wire::error::AppError;

/// A staff page showing `load`'s answer through `render`.
#[component]
pub fn StaffPage<T, Render>(
    /// The page's heading.
    title: &'static str,
    /// Its `data-testid`.
    testid: &'static str,
    /// What it shows, read on the server and again in the browser.
    load: Resource<Result<T, AppError>>,
    /// Draws what was loaded.
    render: Render,
    /// What goes under the way back (a hint), if anything.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Render: Fn(T) -> AnyView + Copy + Send + Sync + 'static,
{
    view! {
        <main class="page" data-testid=testid>
            <h1>{title}</h1>
            <p class="hint">
                <a href="/admin/chats">"← Support Chats"</a>
                {children.map(|children| children())}
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    load.get()
                        .map(|result| match result {
                            Ok(loaded) => render(loaded),
                            Err(err) => {
                                view! { <p class="form-error" role="alert">{err.to_string()}</p> }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </main>
    }
}
