//! `/admin/labels`: the team's labels. Everyone on the team sees them; admins add one (a name
//! unique whatever its case, a colour from the palette), rename or recolour it, or delete it
//! (it comes off every chat). Each change calls the same domain function as
//! `/api/admin/labels`.

use leptos::{ev, prelude::*};

use super::label_menu::LabelChips;
use crate::{
    api::{change_label, create_label, delete_label, load_labels},
    components::{FormError, StaffPage},
};
use wire::{
    error::AppError,
    labels::{LABEL_COLORS, Label, MAX_LABEL_CHARS},
};

/// The page.
#[component]
pub fn LabelsPage() -> impl IntoView {
    view! {
        <StaffPage
            title="Labels"
            testid="labels-page"
            load=Resource::new(|| (), |()| load_labels())
            render=|(labels, manage)| view! { <Labels labels manage /> }.into_any()
        />
    }
}

/// The names people know the palette's colours by, in its order (one each: the type says so).
const COLOR_NAMES: [&str; LABEL_COLORS.len()] = [
    "Blue", "Green", "Red", "Amber", "Purple", "Cyan", "Pink", "Grey",
];

#[component]
fn Labels(labels: Vec<Label>, manage: bool) -> impl IntoView {
    let labels = RwSignal::new(labels);
    let error = RwSignal::new(None::<AppError>);
    // Every change answers with the label as it now is; the list is read again.
    let reload = move || {
        leptos::task::spawn_local(async move {
            if let Ok((fresh, _)) = load_labels().await {
                labels.set(fresh);
            }
        });
    };
    let answer = move |result: Result<(), AppError>| match result {
        Ok(()) => {
            error.set(None);
            reload();
        }
        Err(err) => error.set(Some(err)),
    };
    view! {
        <FormError error=Signal::derive(move || error.get()) />
        <p class="empty-state" hidden=move || labels.with(|l| !l.is_empty())>
            "No labels yet."
        </p>
        <ul class="label-list" data-testid="label-list">
            <For each=move || labels.get() key=|label| label.clone() let(label)>
                <LabelRow label manage answer />
            </For>
        </ul>
        {manage.then(|| view! { <NewLabelForm answer /> })}
    }
}

/// A colour picker over the palette, bound to `color`.
#[component]
fn ColorSelect(id: String, color: RwSignal<String>) -> impl IntoView {
    view! {
        <select
            id=id
            data-testid="label-color"
            on:change=move |ev| color.set(event_target_value(&ev))
        >
            {LABEL_COLORS
                .iter()
                .zip(COLOR_NAMES)
                .map(|(each, name)| {
                    view! {
                        <option value=*each selected=move || color.with(|c| c == each)>{name}</option>
                    }
                })
                .collect_view()}
        </select>
    }
}

#[component]
fn LabelRow(
    label: Label,
    manage: bool,
    answer: impl Fn(Result<(), AppError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = label.id;
    let chip = vec![label.clone()];
    if !manage {
        return view! {
            <li data-testid="label-row"><LabelChips labels=Signal::stored(chip) /></li>
        }
        .into_any();
    }
    let name = RwSignal::new(label.name.clone());
    let color = RwSignal::new(label.color.clone());
    let save = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let (name, color) = (name.get_untracked(), color.get_untracked());
        leptos::task::spawn_local(async move {
            answer(change_label(id, name, color).await.map(|_| ()));
        });
    };
    let remove = move |_| {
        leptos::task::spawn_local(async move { answer(delete_label(id).await) });
    };
    let name_id = format!("label-name-{id}");
    let color_id = format!("label-color-{id}");
    view! {
        <li data-testid="label-row">
            <form class="label-form" on:submit=save>
                <LabelChips labels=Signal::stored(chip) />
                <label class="sr-only" for=name_id.clone()>{format!("Name of {}", label.name)}</label>
                <input
                    id=name_id
                    required
                    maxlength=MAX_LABEL_CHARS.to_string()
                    data-testid="label-name"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <label class="sr-only" for=color_id.clone()>{format!("Colour of {}", label.name)}</label>
                <ColorSelect id=color_id color />
                <button type="submit" class="secondary" data-testid="label-save">"Save"</button>
                <button type="button" class="secondary" data-testid="label-delete" on:click=remove>
                    "Delete"
                </button>
            </form>
        </li>
    }
    .into_any()
}

#[component]
fn NewLabelForm(
    answer: impl Fn(Result<(), AppError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let color = RwSignal::new(LABEL_COLORS[0].to_owned());
    let create = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let (named, colored) = (name.get_untracked(), color.get_untracked());
        leptos::task::spawn_local(async move {
            let result = create_label(named, colored).await.map(|_| ());
            if result.is_ok() {
                name.set(String::new());
            }
            answer(result);
        });
    };
    view! {
        <h2>"New label"</h2>
        <form class="label-form" data-testid="new-label" on:submit=create>
            <label for="new-label-name">"Name"</label>
            <input
                id="new-label-name"
                required
                maxlength=MAX_LABEL_CHARS.to_string()
                data-testid="new-label-name"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <label for="new-label-color">"Colour"</label>
            <ColorSelect id="new-label-color".to_owned() color />
            <button type="submit" data-testid="new-label-submit">"Add label"</button>
        </form>
    }
}
