//! Who is on the team and how they appear: the staff list, the check that someone is active
//! staff, and the names and avatars of message authors and chat owners, each found in one
//! query for a whole page.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entities::{User, columns::RoleColumn, support_message, user};
use wire::{
    error::AppError,
    model::SupportMessage,
    staff::StaffMember,
    team::{Author, Avatar, StaffRef},
};

/// Every staff account (active or not), oldest first, as `GET /api/admin/staff` lists them.
///
/// # Errors
/// Internal error on database failure.
pub async fn list_staff(db: &impl ConnectionTrait) -> Result<Vec<StaffMember>, AppError> {
    let staff = User::find()
        .filter(user::Column::Role.eq(RoleColumn::Admin))
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?;
    Ok(staff.iter().map(member).collect())
}

/// The staff member `id`, as the team page and the API show them.
///
/// # Errors
/// 404 when no staff account has that id.
pub async fn staff_member(db: &impl ConnectionTrait, id: Uuid) -> Result<StaffMember, AppError> {
    User::find_by_id(id)
        .filter(user::Column::Role.eq(RoleColumn::Admin))
        .one(db)
        .await?
        .map(|staff| member(&staff))
        .ok_or_else(|| AppError::not_found("no such staff member"))
}

/// A staff account as the team page and the API show it.
pub fn member(staff: &user::Model) -> StaffMember {
    StaffMember {
        avatar: Avatar::of(staff.id, &staff.display_name()),
        active: staff.deactivated_at.is_none(),
        profile: staff.clone().into(),
    }
}

/// Every active staff member, by name: who a chat may be assigned to.
///
/// # Errors
/// Internal error on database failure.
pub async fn active_team(db: &impl ConnectionTrait) -> Result<Vec<StaffRef>, AppError> {
    let staff = User::find()
        .filter(user::Column::Role.eq(RoleColumn::Admin))
        .filter(user::Column::DeactivatedAt.is_null())
        .all(db)
        .await?;
    let mut team: Vec<StaffRef> = staff.iter().map(staff_ref).collect();
    team.sort_by_key(|member| member.name.to_lowercase());
    Ok(team)
}

/// The account `id` when it is active staff. Inside a transaction the row stays share-locked
/// until it ends, so a deactivation (which writes the row, then unassigns its chats) waits for
/// an assignment in flight and then unassigns that chat too.
///
/// # Errors
/// 422 when nobody, a user, or a deactivated staff member has that id (the `assignee_id` of a
/// request is then invalid).
pub async fn active_staff(db: &impl ConnectionTrait, id: Uuid) -> Result<user::Model, AppError> {
    User::find_by_id(id)
        .lock_shared()
        .one(db)
        .await?
        .filter(user::Model::is_staff)
        .ok_or_else(|| AppError::validation("assignee_id is not an active staff member"))
}

/// A staff member's id and display name.
pub fn staff_ref(staff: &user::Model) -> StaffRef {
    StaffRef {
        id: staff.id,
        name: staff.display_name(),
    }
}

/// The accounts of `ids`, by id (ids nobody has are left out).
///
/// # Errors
/// Internal error on database failure.
pub async fn people(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, user::Model>, AppError> {
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(User::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|person| (person.id, person))
        .collect())
}

/// The author of a message written by `staff`, as users see them: their name, else "Support"
/// (never a part of their email, which users must not learn).
pub fn author(staff: &user::Model) -> Author {
    let name = staff
        .name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .unwrap_or("Support");
    Author::new(staff.id, name.to_owned())
}

/// One message as every reader sees it, with its author.
///
/// # Errors
/// Internal error on database failure.
pub async fn with_author(
    db: &impl ConnectionTrait,
    message: support_message::Model,
) -> Result<SupportMessage, AppError> {
    let author = match message.author_id {
        Some(id) => User::find_by_id(id).one(db).await?.as_ref().map(author),
        None => None,
    };
    Ok(message.view(author))
}

/// Messages as every reader sees them, each with its author: one query for all the authors.
///
/// # Errors
/// Internal error on database failure.
pub async fn with_authors(
    db: &impl ConnectionTrait,
    messages: Vec<support_message::Model>,
) -> Result<Vec<SupportMessage>, AppError> {
    let authors = people(db, messages.iter().filter_map(|m| m.author_id)).await?;
    Ok(messages
        .into_iter()
        .map(|message| {
            let author = message
                .author_id
                .and_then(|id| authors.get(&id))
                .map(author);
            message.view(author)
        })
        .collect())
}
