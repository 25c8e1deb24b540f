//! The header every hosted page shares: the brand, and who is signed in.

use leptos::prelude::*;

use crate::{
    api::{SignOut, get_current_user},
    browser::navigate_to,
    components::use_hydrated,
};

/// Brand link plus sign-in links, or the signed-in person with a sign-out button.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let me = Resource::new(|| (), |()| get_current_user());
    let sign_out = ServerAction::<SignOut>::new();
    let hydrated = use_hydrated();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            navigate_to("/");
        }
    });

    view! {
        <header class="site-header">
            <a class="brand" href="/">
                "Confab"
            </a>
            <nav>
                <Suspense>
                    {move || {
                        me.get()
                            .map(|result| match result {
                                Ok(Some(user)) => {
                                    let staff = user.role.is_staff()
                                        .then(|| {
                                            view! {
                                                <a
                                                    href="/admin/chats"
                                                    rel="external"
                                                    data-testid="nav-chats"
                                                >
                                                    "Support chats"
                                                </a>
                                                <a href="/admin/team" rel="external" data-testid="nav-team">
                                                    "Team"
                                                </a>
                                                <a href="/admin/labels" rel="external" data-testid="nav-labels">
                                                    "Labels"
                                                </a>
                                                <a href="/admin/replies" rel="external" data-testid="nav-replies">
                                                    "Saved replies"
                                                </a>
                                            }
                                        });
                                    view! {
                                        {staff}
                                        <span class="who" data-testid="signed-in-as">
                                            {user.display_name().to_owned()}
                                        </span>
                                        <button
                                            type="button"
                                            class="secondary"
                                            data-testid="sign-out"
                                            data-hydrated=move || hydrated.get().to_string()
                                            disabled=move || !hydrated.get() || sign_out.pending().get()
                                            on:click=move |_| {
                                                sign_out.dispatch(SignOut {});
                                            }
                                        >
                                            "Sign out"
                                        </button>
                                    }
                                        .into_any()
                                }
                                _ => {
                                    view! {
                                        <a href="/signin" data-testid="sign-in-link">
                                            "Sign in"
                                        </a>
                                        <a href="/signup" class="button">
                                            "Sign up"
                                        </a>
                                    }
                                        .into_any()
                                }
                            })
                    }}
                </Suspense>
            </nav>
        </header>
    }
}
