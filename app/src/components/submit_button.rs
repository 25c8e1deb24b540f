//! A form's submit button that only works once it can: after hydration, and not while the
//! form's request is under way.

use leptos::prelude::*;

use super::hydrated::use_hydrated;

/// Submit button, disabled until hydrated and while `pending`; tests wait on `data-hydrated`.
#[component]
pub fn SubmitButton(
    /// The button's text.
    label: &'static str,
    /// Whether the form's request is in flight.
    #[prop(into)]
    pending: Signal<bool>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    view! {
        <button
            type="submit"
            data-testid="submit"
            data-hydrated=move || hydrated.get().to_string()
            disabled=move || !hydrated.get() || pending.get()
        >
            {label}
        </button>
    }
}
