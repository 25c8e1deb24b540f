//! `/admin/team` (and `/admin`, the staff area's start page): the support team. Everyone on
//! the team sees who is on it; admins also invite colleagues (an email with a single-use link
//! that works for 72 hours), withdraw invitations, change roles, and deactivate or reactivate
//! colleagues (a deactivated colleague's sessions and sockets end at once and their chats
//! become unassigned). Each change calls the same domain function as the REST API.

use leptos::{ev, prelude::*};
use uuid::Uuid;

use crate::{
    api::{change_staff, invite_colleague, load_team, revoke_invitation},
    components::{FormError, StaffPage},
};
use wire::{
    error::AppError,
    model::Role,
    staff::{Invitation, StaffMember, TeamOverview},
};

/// The page.
#[component]
pub fn TeamPage() -> impl IntoView {
    view! {
        <StaffPage
            title="Support team"
            testid="team-page"
            load=Resource::new(|| (), |()| load_team())
            render=|first| view! { <Team first /> }.into_any()
        />
    }
}

#[component]
fn Team(first: TeamOverview) -> impl IntoView {
    let manage = first.manage;
    let viewer = first.viewer;
    let overview = RwSignal::new(first);
    let error = RwSignal::new(None::<AppError>);
    // Every change answers with the team as it now is.
    let answer = move |result: Result<TeamOverview, AppError>| match result {
        Ok(fresh) => {
            overview.set(fresh);
            error.set(None);
        }
        Err(err) => error.set(Some(err)),
    };
    view! {
        <FormError error=Signal::derive(move || error.get()) />
        <table class="team-table" data-testid="staff-list">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                <For
                    each=move || overview.get().members
                    key=|m| (m.profile.id, m.profile.role, m.active)
                    let(member)
                >
                    <MemberRow member manage viewer answer />
                </For>
            </tbody>
        </table>
        {manage.then(|| view! { <InviteForm answer /> })}
        <Show when=move || overview.with(|o| !o.invitations.is_empty())>
            <h2>"Invitations waiting"</h2>
            <ul class="invitations" data-testid="invitations">
                <For each=move || overview.get().invitations key=|i| i.id let(invitation)>
                    <InvitationRow invitation manage answer />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn MemberRow(
    member: StaffMember,
    manage: bool,
    viewer: Uuid,
    answer: impl Fn(Result<TeamOverview, AppError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = member.profile.id;
    let me = id == viewer;
    let role = member.profile.role;
    let active = member.active;
    let change = move |role: Option<Role>, active: Option<bool>| {
        leptos::task::spawn_local(async move { answer(change_staff(id, role, active).await) });
    };
    let on_role = move |ev: ev::Event| {
        let picked = if event_target_value(&ev) == "admin" {
            Role::Admin
        } else {
            Role::Agent
        };
        change(Some(picked), None);
    };
    let editable = manage && !me;
    view! {
        <tr data-testid="staff-row" data-email=member.profile.email.clone().unwrap_or_default() data-active=active.to_string()>
            <td>
                <span class=format!("avatar avatar-{}", member.avatar.palette_index()) aria-hidden="true">
                    {member.avatar.initials.clone()}
                </span>
                " "
                {member.name()}
                {me.then_some(" (you)")}
            </td>
            <td>{member.profile.email.clone().unwrap_or_default()}</td>
            <td>
                {if editable {
                    view! {
                        <label class="sr-only" for=format!("role-{id}")>"Role of " {member.name()}</label>
                        <select id=format!("role-{id}") data-testid="role-select" on:change=on_role>
                            <option value="admin" selected=role == Role::Admin>"Admin"</option>
                            <option value="agent" selected=role == Role::Agent>"Agent"</option>
                        </select>
                    }
                        .into_any()
                } else {
                    view! { {if role == Role::Admin { "Admin" } else { "Agent" }} }.into_any()
                }}
            </td>
            <td>
                {if active { "Active" } else { "Deactivated" }}
                {editable.then(|| view! {
                    " "
                    <button
                        type="button"
                        class="secondary"
                        data-testid=if active { "deactivate" } else { "reactivate" }
                        on:click=move |_| change(None, Some(!active))
                    >
                        {if active { "Deactivate" } else { "Reactivate" }}
                    </button>
                })}
            </td>
        </tr>
    }
}

#[component]
fn InviteForm(
    answer: impl Fn(Result<TeamOverview, AppError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let busy = RwSignal::new(false);
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let (address, named, picked) = (
            email.get_untracked(),
            name.get_untracked(),
            role.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let result = invite_colleague(address, named, picked).await;
            if result.is_ok() {
                email.set(String::new());
                name.set(String::new());
            }
            answer(result);
            busy.set(false);
        });
    };
    view! {
        <h2>"Invite a colleague"</h2>
        <form class="form invite-form" on:submit=submit data-testid="invite-form">
            <label>
                "Email"
                <input
                    type="email"
                    required
                    maxlength="254"
                    data-testid="invite-email"
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                />
            </label>
            <label>
                "Name (optional)"
                <input
                    type="text"
                    maxlength="200"
                    data-testid="invite-name"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
            </label>
            <label>
                "Role"
                <select
                    data-testid="invite-role"
                    on:change=move |ev| {
                        role.set(if event_target_value(&ev) == "admin" { Role::Admin } else { Role::Agent });
                    }
                >
                    <option value="agent" selected=true>"Agent: works conversations"</option>
                    <option value="admin">"Admin: also manages the team"</option>
                </select>
            </label>
            <button type="submit" data-testid="invite-send" disabled=move || busy.get()>
                "Send invitation"
            </button>
        </form>
    }
}

#[component]
fn InvitationRow(
    invitation: Invitation,
    manage: bool,
    answer: impl Fn(Result<TeamOverview, AppError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = invitation.id;
    let role = if invitation.role == Role::Admin {
        "admin"
    } else {
        "agent"
    };
    let sent = if invitation.email_sent {
        "email sent"
    } else {
        "email on its way"
    };
    view! {
        <li data-testid="invitation" data-email=invitation.email.clone()>
            {invitation.email.clone()} " · " {role} " · " {sent} " · expires "
            <time datetime=invitation.expires_at.to_rfc3339()>
                {invitation.expires_at.format("%Y-%m-%d %H:%M UTC").to_string()}
            </time>
            {manage.then(|| view! {
                " "
                <button
                    type="button"
                    class="secondary"
                    data-testid="revoke-invitation"
                    on:click=move |_| {
                        leptos::task::spawn_local(async move { answer(revoke_invitation(id).await) });
                    }
                >
                    "Withdraw"
                </button>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use wire::team::AVATAR_COLORS;

    /// The stylesheets draw each avatar colour with the class the pages give it: the
    /// dashboard's, and the widget's (a message's author, to the user).
    #[test]
    fn every_avatar_colour_has_its_class_in_the_stylesheets() {
        let dashboard = include_str!("../../../style/main.css");
        let widget = include_str!("../../../public/widget.css");
        for (index, color) in AVATAR_COLORS.iter().enumerate() {
            for (css, file, class) in [
                (dashboard, "style/main.css", "avatar"),
                (widget, "public/widget.css", "confab-avatar"),
            ] {
                let rule = format!(".{class}-{index} {{ background: {color}; }}");
                assert!(css.contains(&rule), "{file} lacks `{rule}`");
            }
        }
    }
}
