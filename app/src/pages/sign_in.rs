//! `/signin`: email and password, then back to where the person was going.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::SignIn,
    browser::navigate_to,
    components::{FormError, SubmitButton},
};

/// The sign-in form. `?next=/path` says where to go afterwards (local paths only).
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || local_path(query.read().get("next").as_deref());
    Effect::new(move |_| {
        if let Some(Ok(user)) = action.value().get() {
            let fallback = if user.role.is_staff() { "/admin" } else { "/" };
            navigate_to(&next().unwrap_or_else(|| fallback.to_owned()));
        }
    });

    view! {
        <main class="page narrow">
            <h1>"Sign in"</h1>
            <ActionForm action=action attr:class="form">
                <label>
                    "Email"
                    <input type="email" name="email" required autocomplete="email" data-testid="email" />
                </label>
                <label>
                    "Password"
                    <input
                        type="password"
                        name="password"
                        required
                        autocomplete="current-password"
                        data-testid="password"
                    />
                </label>
                <SubmitButton label="Sign in" pending=action.pending() />
            </ActionForm>
            <FormError error=Signal::derive(move || action.value().get().and_then(Result::err)) />
            <p class="hint">"No account yet? " <a href="/signup">"Sign up"</a></p>
        </main>
    }
}

/// `next` when, resolved against Confab's own origin, it stays there: a path starting with
/// one `/`. Browsers drop tabs and newlines from URLs and read `\\` as `/`, so `/\t/evil` and
/// `/\\evil` would leave the site: any control character, white space or backslash refuses
/// the whole value, and the caller goes to its default page instead.
fn local_path(next: Option<&str>) -> Option<String> {
    next.filter(|p| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    })
    .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/admin")), Some("/admin".into()));
        assert_eq!(local_path(Some("//evil.example")), None);
        assert_eq!(local_path(Some("https://evil.example")), None);
        assert_eq!(local_path(Some("/\\evil.example")), None);
        // `/%09/evil.example/phish` as the router decodes it: a browser would drop the tab.
        assert_eq!(local_path(Some("/\t/evil.example/phish")), None);
        assert_eq!(local_path(Some("/\n/evil.example")), None);
        assert_eq!(local_path(Some("/ /evil.example")), None);
        assert_eq!(
            local_path(Some("/%2F/evil.example")),
            Some("/%2F/evil.example".into())
        );
        assert_eq!(local_path(None), None);
    }
}
