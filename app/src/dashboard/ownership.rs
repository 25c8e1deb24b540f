//! A conversation's owner, state and labels on the dashboard: who owns it (assign to me, to a
//! colleague, to nobody), whether it is open, snoozed (1 hour, tomorrow 9:00 or next week in
//! the reader's zone) or resolved, and the activity lines of what staff did. Each change calls
//! the same domain action as `POST /api/admin/chats/{id}/assign|snooze|resolve|reopen`; every
//! dashboard hears of it over the staff channel, this one included.

use chrono::{DateTime, Datelike, TimeDelta, Utc};
use leptos::{ev, html, prelude::*};
use uuid::Uuid;

use crate::{
    api::{assign_chat, chat_ownership, set_chat_labels, snooze_chat},
    browser,
    components::use_hydrated,
};
use wire::{
    labels::Label,
    model::{AdminSupportChat, SupportChatListItem},
    team::{ActivityKind, ActivityLine, ChatStatus, StaffRef},
};

/// What the page knows of the chat's owner, state and activity, kept current by live updates
/// and by the answers to this page's own changes.
#[derive(Clone, Copy)]
pub struct Ownership {
    /// The chat.
    chat_id: Uuid,
    /// Who owns it.
    assignee: RwSignal<Option<StaffRef>>,
    /// Open, snoozed or resolved.
    status: RwSignal<ChatStatus>,
    /// Until when it sleeps.
    snoozed_until: RwSignal<Option<DateTime<Utc>>>,
    /// Its labels, by name.
    labels: RwSignal<Vec<Label>>,
    /// What staff did to it, oldest first.
    activity: RwSignal<Vec<ActivityLine>>,
    /// Whether a change of this page's is on its way.
    busy: RwSignal<bool>,
    /// Why the last change failed.
    failed: RwSignal<Option<String>>,
}

impl Ownership {
    /// The state the page was rendered with.
    pub fn new(chat: &AdminSupportChat) -> Self {
        Self {
            chat_id: chat.id,
            assignee: RwSignal::new(chat.assignee.clone()),
            status: RwSignal::new(chat.status),
            snoozed_until: RwSignal::new(chat.snoozed_until),
            labels: RwSignal::new(chat.labels.clone()),
            activity: RwSignal::new(chat.activity.clone()),
            busy: RwSignal::new(false),
            failed: RwSignal::new(None),
        }
    }

    /// Gives the chat to `assignee` (nobody for `None`).
    pub fn assign(self, assignee: Option<Uuid>) {
        let chat_id = self.chat_id;
        self.busy.set(true);
        leptos::task::spawn_local(async move { self.answer(assign_chat(chat_id, assignee).await) });
    }

    /// Snoozes the chat until `until`.
    pub fn snooze(self, until: DateTime<Utc>) {
        let chat_id = self.chat_id;
        self.busy.set(true);
        leptos::task::spawn_local(async move { self.answer(snooze_chat(chat_id, until).await) });
    }

    /// Makes `label_ids` the chat's labels.
    pub fn set_labels(self, label_ids: Vec<Uuid>) {
        let chat_id = self.chat_id;
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            self.answer(set_chat_labels(chat_id, label_ids).await);
        });
    }

    /// The chat's labels (tracked).
    pub fn labels(&self) -> RwSignal<Vec<Label>> {
        self.labels
    }

    /// Whether a change of this page's is on its way (tracked).
    pub fn busy(&self) -> bool {
        self.busy.get()
    }

    /// Whether `who` owns the chat.
    pub fn owned_by(&self, who: Uuid) -> bool {
        self.assignee
            .with_untracked(|a| a.as_ref().is_some_and(|a| a.id == who))
    }

    /// Whether the pane this state belongs to is gone (the reader moved on to another chat
    /// while an answer was on its way): its signals can no longer be read.
    fn gone(&self) -> bool {
        self.busy.is_disposed()
    }

    /// Takes the server's answer to one of this page's changes.
    fn answer(self, result: Result<SupportChatListItem, wire::error::AppError>) {
        if self.gone() {
            return;
        }
        match result {
            Ok(entry) => {
                self.update(&entry);
                self.failed.set(None);
            }
            Err(err) => self.failed.set(Some(err.to_string())),
        }
        self.busy.set(false);
    }

    /// Takes the chat's entry as the server now shows it. When its owner, state or labels
    /// changed (a new message changes none), the activity lines are read again.
    pub fn update(&self, entry: &SupportChatListItem) {
        if self.gone() {
            return;
        }
        let changed = self.assignee.with_untracked(|a| a != &entry.assignee)
            || self.status.get_untracked() != entry.status
            || self.snoozed_until.get_untracked() != entry.snoozed_until
            || self.labels.with_untracked(|l| l != &entry.labels);
        if changed {
            self.take(entry);
            self.reread(|_| {});
        }
    }

    /// Reads the chat's owner, state and activity lines again (they changed, or a reconnection
    /// may have missed changes); `then` gets the entry read.
    pub fn reread(self, then: impl FnOnce(&SupportChatListItem) + 'static) {
        leptos::task::spawn_local(async move {
            if let Ok((entry, lines)) = chat_ownership(self.chat_id).await
                && !self.gone()
            {
                self.take(&entry);
                self.activity.set(lines);
                then(&entry);
            }
        });
    }

    fn take(&self, entry: &SupportChatListItem) {
        self.assignee.set(entry.assignee.clone());
        self.status.set(entry.status);
        self.snoozed_until.set(entry.snoozed_until);
        self.labels.set(entry.labels.clone());
    }
}

/// The owner picker, "Assign to me" and the snooze choices, with the chat's state in words.
#[component]
pub fn OwnerBar(viewer: Uuid, team: Vec<StaffRef>, state: Ownership) -> impl IntoView {
    let (busy, failed) = (state.busy, state.failed);
    let assign = move |assignee: Option<Uuid>| state.assign(assignee);
    let menu = NodeRef::<html::Details>::new();
    // A choice made closes the menu.
    let snooze = move |until: DateTime<Utc>| {
        if let Some(menu) = menu.get_untracked() {
            menu.set_open(false);
        }
        state.snooze(until);
    };
    let on_pick = move |ev: ev::Event| {
        let picked = event_target_value(&ev);
        assign(Uuid::parse_str(&picked).ok());
    };
    let in_browser = use_hydrated();
    let status_words = move || match state.status.get() {
        ChatStatus::Open => "Open".to_owned(),
        ChatStatus::Resolved => "Resolved".to_owned(),
        ChatStatus::Snoozed => match state.snoozed_until.get() {
            Some(until) => format!("Snoozed until {}", when(until, in_browser.get())),
            None => "Snoozed".to_owned(),
        },
    };
    let options = team.clone();
    view! {
        <div class="owner-bar" data-testid="owner-bar">
            <span
                class="status-chip"
                data-testid="chat-status"
                data-status=move || status_name(state.status.get())
            >
                {status_words}
            </span>
            <label class="owner-picker">
                "Owner "
                <select
                    data-testid="assignee-select"
                    disabled=move || busy.get()
                    on:change=on_pick
                    prop:value=move || {
                        state.assignee.with(|a| a.as_ref().map(|a| a.id.to_string()).unwrap_or_default())
                    }
                >
                    <option value="">"Unassigned"</option>
                    {options
                        .into_iter()
                        .map(|member| {
                            let id = member.id.to_string();
                            let selected = state
                                .assignee
                                .with_untracked(|a| a.as_ref().is_some_and(|a| a.id == member.id));
                            view! { <option value=id selected=selected>{member.name}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <button
                type="button"
                class="secondary"
                data-testid="assign-to-me"
                disabled=move || busy.get() || state.assignee.with(|a| a.as_ref().is_some_and(|a| a.id == viewer))
                on:click=move |_| assign(Some(viewer))
            >
                "Assign to me"
            </button>
            <details class="snooze-menu" node_ref=menu>
                <summary data-testid="snooze-menu">"Snooze"</summary>
                <div class="snooze-choices">
                    <button
                        type="button"
                        data-testid="snooze-hour"
                        disabled=move || busy.get()
                        on:click=move |_| snooze(browser::now() + TimeDelta::hours(1))
                    >
                        "1 hour"
                    </button>
                    <button
                        type="button"
                        data-testid="snooze-tomorrow"
                        disabled=move || busy.get()
                        on:click=move |_| snooze(browser::local_morning(1))
                    >
                        "Tomorrow 9:00"
                    </button>
                    <button
                        type="button"
                        data-testid="snooze-next-week"
                        disabled=move || busy.get()
                        on:click=move |_| snooze(next_monday_morning())
                    >
                        "Next week"
                    </button>
                </div>
            </details>
            {move || failed.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
        </div>
    }
}

/// What happened to the chat, oldest first: staff only.
#[component]
pub fn ActivityPanel(state: Ownership) -> impl IntoView {
    let lines = state.activity;
    let in_browser = use_hydrated();
    view! {
        <section class="activity-panel" aria-label="Activity" data-testid="activity">
            <h2>"Activity"</h2>
            <p class="muted" hidden=move || lines.with(|l| !l.is_empty())>"Nothing yet."</p>
            <ol>
                <For each=move || lines.get() key=|line| line.id let(line)>
                    {
                        let at = line.created_at;
                        view! {
                            <li data-testid="activity-line" data-kind=kind_name(line.kind)>
                                {activity_words(&line)}
                                " · "
                                <time datetime=browser::iso_time(at)>
                                    {move || when(at, in_browser.get())}
                                </time>
                            </li>
                        }
                    }
                </For>
            </ol>
        </section>
    }
}

/// An activity line in words: "Maya assigned this to Tom".
pub fn activity_words(line: &ActivityLine) -> String {
    let actor = line.actor.as_ref().map(|a| a.name.as_str());
    let assignee = line
        .assignee
        .as_ref()
        .map_or("someone", |a| a.name.as_str());
    match (line.kind, actor) {
        (ActivityKind::Assigned, Some(actor)) => format!("{actor} assigned this to {assignee}"),
        (ActivityKind::Assigned, None) => format!("Assigned to {assignee} automatically"),
        (ActivityKind::Unassigned, Some(actor)) => format!("{actor} unassigned this"),
        (ActivityKind::Unassigned, None) => "Unassigned".to_owned(),
        (ActivityKind::Snoozed, actor) => {
            let until = line
                .snoozed_until
                .map(|u| format!(" until {}", browser::utc_day(u)))
                .unwrap_or_default();
            format!("Snoozed{until} by {}", actor.unwrap_or("staff"))
        }
        (ActivityKind::Resolved, actor) => format!("Resolved by {}", actor.unwrap_or("staff")),
        (ActivityKind::Reopened, actor) => format!("Reopened by {}", actor.unwrap_or("staff")),
        (ActivityKind::ReopenedByUser, _) => "Reopened by a message from the user".to_owned(),
        (ActivityKind::SnoozeEnded, _) => "Reopened: the snooze ended".to_owned(),
        (ActivityKind::Labeled, actor) => {
            format!("{} added {}", actor.unwrap_or("Staff"), label_name(line))
        }
        (ActivityKind::Unlabeled, actor) => {
            format!("{} removed {}", actor.unwrap_or("Staff"), label_name(line))
        }
    }
}

/// The label an activity line names, quoted; "a deleted label" once it is gone.
fn label_name(line: &ActivityLine) -> String {
    line.label.as_ref().map_or_else(
        || "a deleted label".to_owned(),
        |label| format!("“{}”", label.name),
    )
}

/// A moment in the reader's zone once the browser runs, UTC before.
pub fn when(at: DateTime<Utc>, local: bool) -> String {
    if local {
        let ms = at.timestamp_millis();
        format!(
            "{} {}",
            browser::local_day(ms, "default"),
            browser::local_time(ms, "default")
        )
    } else {
        format!("{} {}", browser::utc_day(at), browser::utc_time(at))
    }
}

/// Monday 9:00 in the reader's zone, a week at most from now.
fn next_monday_morning() -> DateTime<Utc> {
    let today = browser::local_morning(0);
    let days_to_monday = 7 - today.weekday().num_days_from_monday();
    browser::local_morning(days_to_monday)
}

fn status_name(status: ChatStatus) -> &'static str {
    match status {
        ChatStatus::Open => "open",
        ChatStatus::Snoozed => "snoozed",
        ChatStatus::Resolved => "resolved",
    }
}

fn kind_name(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Assigned => "assigned",
        ActivityKind::Unassigned => "unassigned",
        ActivityKind::Snoozed => "snoozed",
        ActivityKind::Resolved => "resolved",
        ActivityKind::Reopened => "reopened",
        ActivityKind::ReopenedByUser => "reopened_by_user",
        ActivityKind::SnoozeEnded => "snooze_ended",
        ActivityKind::Labeled => "labeled",
        ActivityKind::Unlabeled => "unlabeled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(kind: ActivityKind, actor: Option<&str>, assignee: Option<&str>) -> ActivityLine {
        let person = |name: &str| StaffRef {
            id: Uuid::nil(),
            name: name.to_owned(),
        };
        ActivityLine {
            id: Uuid::nil(),
            kind,
            actor: actor.map(person),
            assignee: assignee.map(person),
            snoozed_until: None,
            label: None,
            created_at: DateTime::<Utc>::default(),
        }
    }

    #[test]
    fn activity_lines_say_who_did_what() {
        assert_eq!(
            activity_words(&line(ActivityKind::Assigned, Some("Maya"), Some("Tom"))),
            "Maya assigned this to Tom"
        );
        assert_eq!(
            activity_words(&line(ActivityKind::Assigned, None, Some("Tom"))),
            "Assigned to Tom automatically"
        );
        assert_eq!(
            activity_words(&line(ActivityKind::ReopenedByUser, None, None)),
            "Reopened by a message from the user"
        );
        assert_eq!(
            activity_words(&line(ActivityKind::Resolved, Some("Tom"), None)),
            "Resolved by Tom"
        );
        let mut labeled = line(ActivityKind::Labeled, Some("Maya"), None);
        labeled.label = Some(wire::labels::Label {
            id: Uuid::nil(),
            name: "billing".to_owned(),
            color: wire::labels::LABEL_COLORS[0].to_owned(),
        });
        assert_eq!(activity_words(&labeled), "Maya added “billing”");
        labeled.kind = ActivityKind::Unlabeled;
        labeled.label = None;
        assert_eq!(activity_words(&labeled), "Maya removed a deleted label");
    }
}
