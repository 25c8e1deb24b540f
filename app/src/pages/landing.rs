//! The start page: what Confab is, and a live check that the server and database answer.

use leptos::prelude::*;

use crate::{api::GetAppStatus, components::use_hydrated};

/// Describes the product. Its status button calls a server function, so it only works once the
/// page has hydrated: it is rendered disabled and enabled by the browser.
#[component]
pub fn LandingPage() -> impl IntoView {
    let status = ServerAction::<GetAppStatus>::new();
    let hydrated = use_hydrated();

    let status_text = move || match status.value().get() {
        None => "Ask the server how it is doing.".to_owned(),
        Some(Ok(s)) => format!("Online · Confab {} · {} database", s.version, s.database),
        Some(Err(err)) => format!("Status check failed: {err}"),
    };

    view! {
        <main class="page">
            <header class="hero">
                <h1>"Confab"</h1>
                <p class="tagline">"Live support chat you host yourself."</p>
                <p>
                    "A chat button for your users, a shared inbox for your support team, and an email when a reply goes unread. "
                    "One Rust binary, your database, your servers."
                </p>
            </header>
            <section class="features" aria-label="What Confab does">
                <article>
                    <h2>"Widget"</h2>
                    <p>
                        "A floating chat button with an unread badge. Messages arrive in real time, on your own pages or on any site that embeds it with one script tag."
                    </p>
                </article>
                <article>
                    <h2>"Dashboard"</h2>
                    <p>
                        "Every conversation in one list, unread first. Reply, archive when done; a new message from the user brings the chat back."
                    </p>
                </article>
                <article>
                    <h2>"Email"</h2>
                    <p>
                        "When a reply stays unread for five minutes, the user gets an email, so nobody waits on a tab they closed."
                    </p>
                </article>
            </section>
            <section class="status" aria-label="Server status">
                <button
                    type="button"
                    data-testid="status-check"
                    data-hydrated=move || hydrated.get().to_string()
                    disabled=move || !hydrated.get() || status.pending().get()
                    on:click=move |_| {
                        status.dispatch(GetAppStatus {});
                    }
                >
                    "Check server status"
                </button>
                <p data-testid="status-result" aria-live="polite">
                    {status_text}
                </p>
            </section>
        </main>
    }
}
