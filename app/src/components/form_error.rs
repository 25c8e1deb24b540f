//! The error line under a form.

use leptos::prelude::*;

use wire::error::AppError;

/// Shows `error` in words, when there is one.
#[component]
pub fn FormError(
    /// The form's current error.
    #[prop(into)]
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    move || {
        error.get().map(|err| {
            view! {
                <p class="form-error" role="alert" data-testid="form-error">
                    {err.to_string()}
                </p>
            }
        })
    }
}
