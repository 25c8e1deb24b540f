//! A conversation's labels: chips of the ones it carries, and the menu that puts labels on or
//! takes them off (a checkbox each; `l` opens it from anywhere in the conversation). Each
//! change sets the chat's whole set through the same domain action as
//! `PUT /api/admin/chats/{id}/labels`; every dashboard hears of it over the staff channel.

use leptos::{ev, html, prelude::*};
use uuid::Uuid;

use super::ownership::Ownership;
use crate::api::load_labels;
use wire::labels::Label;

/// The chips of `labels`, each in its colour.
#[component]
pub fn LabelChips(#[prop(into)] labels: Signal<Vec<Label>>) -> impl IntoView {
    view! {
        <span class="label-chips">
            <For
                each=move || labels.get()
                key=|label| label.clone()
                children=|label: Label| {
                    let class = chip_class(&label);
                    view! { <span class=class data-testid="label-chip">{label.name}</span> }
                }
            />
        </span>
    }
}

/// A label's chip classes: its colour is the palette's class.
fn chip_class(label: &Label) -> String {
    format!("label-chip label-{}", label.palette_index())
}

/// The chat's labels and the menu that changes them.
#[component]
pub fn LabelMenu(state: Ownership) -> impl IntoView {
    let menu = NodeRef::<html::Details>::new();
    // The team's labels, read when the menu first opens (and again on each opening: an admin
    // may have added one meanwhile).
    let team_labels = RwSignal::new(None::<Vec<Label>>);
    let load = move || {
        leptos::task::spawn_local(async move {
            if let Ok((labels, _)) = load_labels().await {
                team_labels.try_set(Some(labels));
            }
        });
    };
    let on_toggle = move |_: ev::Event| {
        if menu.get_untracked().is_some_and(|m| m.open()) {
            load();
        }
    };
    let carries = move |id: Uuid| state.labels().with(|on| on.iter().any(|l| l.id == id));
    let toggle = move |id: Uuid| {
        let mut ids: Vec<Uuid> = state
            .labels()
            .with_untracked(|on| on.iter().map(|l| l.id).collect());
        if let Some(at) = ids.iter().position(|each| *each == id) {
            ids.remove(at);
        } else {
            ids.push(id);
        }
        state.set_labels(ids);
    };
    view! {
        <div class="label-bar" data-testid="label-bar">
            <LabelChips labels=state.labels() />
            <details
                class="snooze-menu label-menu"
                node_ref=menu
                on:toggle=on_toggle
                on:keydown=move |ev: ev::KeyboardEvent| {
                    if ev.key() == "Escape"
                        && let Some(menu) = menu.get_untracked()
                    {
                        ev.stop_propagation();
                        menu.set_open(false);
                    }
                }
            >
                <summary data-testid="label-menu" aria-keyshortcuts="l">"Labels"</summary>
                <fieldset class="snooze-choices label-choices">
                    <legend class="sr-only">"Labels on this chat"</legend>
                    {move || match team_labels.get() {
                        None => view! { <p class="hint">"Loading…"</p> }.into_any(),
                        Some(labels) if labels.is_empty() => view! {
                            <p class="hint">
                                "No labels yet. " <a href="/admin/labels">"Define labels"</a>
                            </p>
                        }
                            .into_any(),
                        Some(labels) => labels
                            .into_iter()
                            .map(|label| {
                                let id = label.id;
                                view! {
                                    <label class="label-choice" data-testid="label-choice">
                                        <input
                                            type="checkbox"
                                            prop:checked=move || carries(id)
                                            disabled=move || state.busy()
                                            on:change=move |_| toggle(id)
                                        />
                                        <span class=chip_class(&label)>{label.name.clone()}</span>
                                    </label>
                                }
                            })
                            .collect_view()
                            .into_any(),
                    }}
                </fieldset>
            </details>
        </div>
    }
}

/// Opens the label menu of the conversation on the page and puts the focus on it (the `l`
/// key).
pub fn open_label_menu() {
    crate::browser::open_details("details.label-menu");
}
