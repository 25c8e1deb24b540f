//! `/admin`: the staff area's start page, listing the support team. The server lets only
//! staff reach it (see the server's admin page guard); the data call checks again.

use leptos::prelude::*;

use crate::api::list_staff;

/// The support team, oldest account first.
#[component]
pub fn StaffPage() -> impl IntoView {
    let staff = Resource::new(|| (), |()| list_staff());

    view! {
        <main class="page">
            <h1>"Support staff"</h1>
            <p class="hint">
                "Add a colleague with "
                <code>"confab admin create --email ADDRESS --password-stdin"</code> "."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    staff
                        .get()
                        .map(|result| match result {
                            Ok(members) => {
                                view! {
                                    <ul class="staff-list" data-testid="staff-list">
                                        {members
                                            .into_iter()
                                            .map(|m| {
                                                view! {
                                                    <li>
                                                        <strong>{m.display_name().to_owned()}</strong>
                                                        " "
                                                        <span class="hint">{m.email.clone().unwrap_or_default()}</span>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                view! { <p class="form-error">{err.to_string()}</p> }.into_any()
                            }
                        })
                }}
            </Suspense>
        </main>
    }
}
