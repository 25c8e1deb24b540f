//! What admins change about colleagues: their role, deactivation (sessions and sockets end at
//! once, owned chats become unassigned, invitations they sent are withdrawn) and reactivation,
//! all through [`change`], in one transaction; and presence, the dashboards' sign of life that
//! auto-assignment reads as "online".

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::Expr,
};
use uuid::Uuid;

use super::{directory, invitations};
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

/// Changes what `role` and `active` name (each optional; neither changes nothing), in one
/// transaction: the REST API's `PATCH /api/admin/staff/{id}` and the team page. Deactivating
/// ends the colleague's sessions and closes their sockets on every instance, unassigns their
/// chats (an activity line each) and withdraws the invitations they sent; a colleague who is
/// no longer an admin has their invitations withdrawn too. Answers the colleague as they now
/// are.
///
/// # Errors
/// 403 unless `actor` is an admin; 404 for an unknown staff member; 409 for deactivating
/// oneself, or for a change that would leave the team without an active admin.
pub async fn change(
    db: &DatabaseConnection,
    effects: &Effects,
    actor: &user::Model,
    staff_id: Uuid,
    role: Option<Role>,
    active: Option<bool>,
) -> Result<StaffMember, AppError> {
    if !actor.is_team_admin() {
        return Err(AppError::forbidden("only admins manage the team"));
    }
    let staff_role = match role {
        Some(role) => Some(
            StaffRoleColumn::of(role)
                .ok_or_else(|| AppError::validation("role must be admin or agent"))?,
        ),
        None => None,
    };
    if active == Some(false) && actor.id == staff_id {
        return Err(AppError::conflict(
            "you cannot deactivate yourself: ask another admin",
        ));
    }
    let now = clock::now();
    let txn = transactions::begin_write(db).await?;
    let (staff, other_admins) = locked_staff(&txn, staff_id).await?;
    let deactivating = active == Some(false) && staff.deactivated_at.is_none();
    let stays_admin = staff_role
        .map_or(staff.role() == Role::Admin, |r| r == StaffRoleColumn::Admin)
        && active.unwrap_or(staff.deactivated_at.is_none());
    if staff.is_team_admin() && !stays_admin && other_admins == 0 {
        return Err(AppError::conflict(
            "the team needs at least one active admin",
        ));
    }
    let mut row = staff.clone().into_active_model();
    if let Some(staff_role) = staff_role {
        row.staff_role = Set(Some(staff_role));
    }
    match active {
        Some(false) if deactivating => row.deactivated_at = Set(Some(now)),
        Some(true) => row.deactivated_at = Set(None),
        _ => {}
    }
    row.updated_at = Set(now);
    let staff = row.update(&txn).await?;
    if !staff.is_team_admin() {
        invitations::withdraw_sent_by(&txn, staff_id, now).await?;
    }
    let (chats, sessions) = if deactivating {
        let chats = ownership::unassign_all_of(&txn, staff_id, actor.id, now).await?;
        (chats, end_sessions(&txn, staff_id).await?)
    } else {
        (Vec::new(), Vec::new())
    };
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

/// The staff account `staff_id` and how many other active admins there are, with those rows
/// locked for the transaction (PostgreSQL; SQLite's write transactions run one at a time), in
/// id order: two admins demoting or deactivating each other at once cannot both see the other
/// as the admin who stays.
async fn locked_staff(
    txn: &DatabaseTransaction,
    staff_id: Uuid,
) -> Result<(user::Model, usize), AppError> {
    let rows = User::find()
        .filter(user::Column::Role.eq(RoleColumn::Admin))
        .filter(
            Condition::any().add(user::Column::Id.eq(staff_id)).add(
                Condition::all()
                    .add(user::Column::StaffRole.eq(StaffRoleColumn::Admin))
                    .add(user::Column::DeactivatedAt.is_null()),
            ),
        )
        .order_by_asc(user::Column::Id)
        .lock_exclusive()
        .all(txn)
        .await?;
    let other_admins = rows
        .iter()
        .filter(|row| row.id != staff_id && row.is_team_admin())
        .count();
    let staff = rows
        .into_iter()
        .find(|row| row.id == staff_id)
        .ok_or_else(|| AppError::not_found("no such staff member"))?;
    Ok((staff, other_admins))
}

/// Deletes every session of `staff_id`; returns their ids, for their sockets to close after
/// the commit.
async fn end_sessions(txn: &DatabaseTransaction, staff_id: Uuid) -> Result<Vec<Uuid>, AppError> {
    let sessions: Vec<Uuid> = Session::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::UserId.eq(staff_id))
        .into_tuple()
        .all(txn)
        .await?;
    Session::delete_many()
        .filter(session::Column::UserId.eq(staff_id))
        .exec(txn)
        .await?;
    Ok(sessions)
}
