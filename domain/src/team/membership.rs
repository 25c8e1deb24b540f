//! What admins change about colleagues: their role, deactivation (sessions and sockets end at
//! once, owned chats become unassigned) and reactivation; and presence, the dashboards' sign of
//! life that auto-assignment reads as "online".

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::directory;
use crate::{
    chats::ownership,
    clock,
    effects::Effects,
    entities::{
        Session, User,
        columns::{RoleColumn, StaffRoleColumn},
        session, user,
    },
    fact::Fact,
    transactions,
};
use wire::{error::AppError, model::Role, staff::StaffMember};

/// Changes what `role` and `active` name (each optional; neither changes nothing): the REST
/// API's `PATCH /api/admin/staff/{id}` and the team page. Answers the colleague as they now
/// are.
///
/// # Errors
/// 403 unless `actor` is an admin; 404 for an unknown staff member; otherwise as [`set_role`],
/// [`deactivate`] and [`reactivate`].
pub async fn change(
    db: &DatabaseConnection,
    effects: &Effects,
    actor: &user::Model,
    staff_id: Uuid,
    role: Option<Role>,
    active: Option<bool>,
) -> Result<StaffMember, AppError> {
    require_admin(actor)?;
    let mut member = directory::staff_member(db, staff_id).await?;
    if let Some(role) = role {
        member = set_role(db, actor, staff_id, role).await?;
    }
    match active {
        Some(false) => member = deactivate(db, effects, actor, staff_id).await?,
        Some(true) => member = reactivate(db, actor, staff_id).await?,
        None => {}
    }
    Ok(member)
}

/// Changes a colleague's role (`admin` or `agent`).
///
/// # Errors
/// 403 unless `actor` is an admin; 404 for an unknown staff member; 422 for `user`; 409 when
/// it would leave the team without an active admin.
pub async fn set_role(
    db: &DatabaseConnection,
    actor: &user::Model,
    staff_id: Uuid,
    role: Role,
) -> Result<StaffMember, AppError> {
    require_admin(actor)?;
    let Some(staff_role) = StaffRoleColumn::of(role) else {
        return Err(AppError::validation("role must be admin or agent"));
    };
    let txn = transactions::begin_write(db).await?;
    let staff = locked_staff(&txn, staff_id).await?;
    if staff.role() == Role::Admin && role != Role::Admin {
        keep_an_admin(&txn, staff_id).await?;
    }
    let mut row = staff.into_active_model();
    row.staff_role = Set(Some(staff_role));
    row.updated_at = Set(clock::now());
    let staff = row.update(&txn).await?;
    txn.commit().await?;
    Ok(directory::member(&staff))
}

/// Deactivates a colleague: they can no longer sign in, their sessions end and their sockets
/// close on every instance, and the chats they owned become unassigned (an activity line each).
///
/// # Errors
/// 403 unless `actor` is an admin; 404 for an unknown staff member; 409 for oneself and for
/// the last active admin.
pub async fn deactivate(
    db: &DatabaseConnection,
    effects: &Effects,
    actor: &user::Model,
    staff_id: Uuid,
) -> Result<StaffMember, AppError> {
    require_admin(actor)?;
    if actor.id == staff_id {
        return Err(AppError::conflict(
            "you cannot deactivate yourself: ask another admin",
        ));
    }
    let now = clock::now();
    let txn = transactions::begin_write(db).await?;
    let staff = locked_staff(&txn, staff_id).await?;
    if staff.deactivated_at.is_some() {
        txn.commit().await?;
        return Ok(directory::member(&staff));
    }
    if staff.role() == Role::Admin {
        keep_an_admin(&txn, staff_id).await?;
    }
    // The row is written first: an assignment in flight holds it share-locked, so this waits
    // for that assignment and the unassigning below then sees its chat.
    let mut row = staff.into_active_model();
    row.deactivated_at = Set(Some(now));
    row.updated_at = Set(now);
    let staff = row.update(&txn).await?;
    let chats = ownership::unassign_all_of(&txn, staff_id, actor.id, now).await?;
    let sessions: Vec<Uuid> = Session::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::UserId.eq(staff_id))
        .into_tuple()
        .all(&txn)
        .await?;
    Session::delete_many()
        .filter(session::Column::UserId.eq(staff_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    for session_id in sessions {
        effects
            .publish(db, Fact::SessionEnded { session_id }, None)
            .await;
    }
    for chat_id in chats {
        effects
            .publish(db, Fact::ChatChanged { chat_id }, None)
            .await;
    }
    Ok(directory::member(&staff))
}

/// Lets a deactivated colleague sign in again (they own no chats until given some).
///
/// # Errors
/// 403 unless `actor` is an admin; 404 for an unknown staff member.
pub async fn reactivate(
    db: &DatabaseConnection,
    actor: &user::Model,
    staff_id: Uuid,
) -> Result<StaffMember, AppError> {
    require_admin(actor)?;
    let txn = transactions::begin_write(db).await?;
    let staff = locked_staff(&txn, staff_id).await?;
    let mut row = staff.into_active_model();
    row.deactivated_at = Set(None);
    row.updated_at = Set(clock::now());
    let staff = row.update(&txn).await?;
    txn.commit().await?;
    Ok(directory::member(&staff))
}

/// Records that one of `staff_id`'s dashboards is alive at `now` (its socket subscribed to the
/// staff channel or pinged): they count as online for auto-assignment.
///
/// # Errors
/// Internal error on database failure.
pub async fn mark_seen(
    db: &impl ConnectionTrait,
    staff_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    User::update_many()
        .col_expr(user::Column::LastSeenAt, Expr::value(Some(now)))
        .filter(user::Column::Id.eq(staff_id))
        .filter(user::Column::Role.eq(RoleColumn::Admin))
        .exec(db)
        .await?;
    Ok(())
}

fn require_admin(actor: &user::Model) -> Result<(), AppError> {
    if actor.is_team_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden("only admins manage the team"))
    }
}

/// The staff account `staff_id`, locked for the transaction.
async fn locked_staff(
    txn: &sea_orm::DatabaseTransaction,
    staff_id: Uuid,
) -> Result<user::Model, AppError> {
    User::find_by_id(staff_id)
        .filter(user::Column::Role.eq(RoleColumn::Admin))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("no such staff member"))
}

/// Refuses a change that would leave no active admin besides `leaving`.
async fn keep_an_admin(txn: &sea_orm::DatabaseTransaction, leaving: Uuid) -> Result<(), AppError> {
    let others = User::find()
        .filter(user::Column::Role.eq(RoleColumn::Admin))
        .filter(user::Column::StaffRole.eq(StaffRoleColumn::Admin))
        .filter(user::Column::DeactivatedAt.is_null())
        .filter(user::Column::Id.ne(leaving))
        .count(txn)
        .await?;
    if others == 0 {
        return Err(AppError::conflict(
            "the team needs at least one active admin",
        ));
    }
    Ok(())
}
