//! `/signup`: a new account for the hosted app.

use leptos::prelude::*;

use crate::{
    api::SignUp,
    browser::navigate_to,
    components::{FormError, SubmitButton},
};

/// The sign-up form; a new account is signed in straight away.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            navigate_to("/");
        }
    });

    view! {
        <main class="page narrow">
            <h1>"Create your account"</h1>
            <ActionForm action=action attr:class="form">
                <label>
                    "Email"
                    <input type="email" name="email" required autocomplete="email" data-testid="email" />
                </label>
                <label>
                    "Name " <span class="optional">"(optional)"</span>
                    <input type="text" name="name" autocomplete="name" data-testid="name" />
                </label>
                <label>
                    "Password " <span class="optional">"(at least 8 characters)"</span>
                    <input
                        type="password"
                        name="password"
                        required
                        minlength="8"
                        autocomplete="new-password"
                        data-testid="password"
                    />
                </label>
                <SubmitButton label="Sign up" pending=action.pending() />
            </ActionForm>
            <FormError error=Signal::derive(move || action.value().get().and_then(Result::err)) />
            <p class="hint">"Already have an account? " <a href="/signin">"Sign in"</a></p>
        </main>
    }
}
