//! `/join/{token}`: where an invited colleague lands from their invitation email. They choose
//! a password (and their name), become staff with the role they were invited with, are signed
//! in, and go to the inbox. A link that expired, was used or was withdrawn says so.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::{AcceptInvitation, invitation_for},
    browser::navigate_to,
    components::{FormError, SubmitButton},
};

/// The page.
#[component]
pub fn JoinPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let invitation = Resource::new(token, invitation_for);
    let action = ServerAction::<AcceptInvitation>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            navigate_to("/admin/chats");
        }
    });
    view! {
        <main class="page narrow" data-testid="join-page">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    invitation
                        .get()
                        .map(|found| match found {
                            Ok(invitation) => {
                                let name = invitation.name.clone().unwrap_or_default();
                                view! {
                                    <h1>"Join the support team"</h1>
                                    <p>
                                        "You were invited as " <strong>{invitation.email.clone()}</strong>
                                        ". Choose a password to start."
                                    </p>
                                    <ActionForm action=action attr:class="form">
                                        <input type="hidden" name="token" value=token() />
                                        <label>
                                            "Your name"
                                            <input type="text" name="name" value=name maxlength="200" autocomplete="name" data-testid="name" />
                                        </label>
                                        <label>
                                            "Password"
                                            <input
                                                type="password"
                                                name="password"
                                                required
                                                minlength="8"
                                                autocomplete="new-password"
                                                data-testid="password"
                                            />
                                        </label>
                                        <SubmitButton label="Join" pending=action.pending() />
                                    </ActionForm>
                                    <FormError error=Signal::derive(move || action.value().get().and_then(Result::err)) />
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                view! {
                                    <h1>"This link no longer works"</h1>
                                    <p class="form-error" role="alert" data-testid="join-refused">{err.to_string()}</p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </main>
    }
}
