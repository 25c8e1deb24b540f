//! Auto-assignment (off unless configured): a chat nobody owns that receives a user message
//! goes to the online staff member with the fewest open chats, up to a capacity each; when
//! nobody online has room it stays unassigned. "Online" is a dashboard that showed a sign of
//! life within [`ONLINE_WITHIN`] (`team::membership::mark_seen`), on any instance.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Func},
};
use uuid::Uuid;

use super::{
    activity::Change,
    ownership::{Plan, apply},
};
use crate::entities::{
    SupportChat, User, chat_activity::KindColumn, columns::RoleColumn, support_chat, user,
};
use wire::error::AppError;

/// How recently a dashboard must have shown a sign of life for its staff member to be online
/// (dashboards ping every 25 s).
pub const ONLINE_WITHIN: TimeDelta = TimeDelta::seconds(90);

/// Gives the locked, unowned `chat` to the online staff member with the fewest open chats
/// (fewer than `capacity`), inside the posting transaction; returns the chat as it now is.
/// The candidates' rows are locked first (PostgreSQL), so concurrent posts to different chats
/// choose one after another and the load stays balanced.
///
/// # Errors
/// Internal error on database failure.
pub(super) async fn auto_assign(
    txn: &DatabaseTransaction,
    chat: support_chat::Model,
    capacity: u32,
    now: DateTime<Utc>,
) -> Result<support_chat::Model, AppError> {
    let online: Vec<Uuid> = User::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq(RoleColumn::Admin))
        .filter(user::Column::DeactivatedAt.is_null())
        .filter(user::Column::LastSeenAt.gte(now - ONLINE_WITHIN))
        .order_by_asc(user::Column::Id)
        .lock_exclusive()
        .into_tuple()
        .all(txn)
        .await?;
    if online.is_empty() {
        return Ok(chat);
    }
    let loads: Vec<(Uuid, i64)> = SupportChat::find()
        .select_only()
        .column(support_chat::Column::AssigneeId)
        .column_as(
            Expr::from(Func::count(Expr::col(support_chat::Column::Id))),
            "open_chats",
        )
        .filter(support_chat::Column::AssigneeId.is_in(online.iter().copied()))
        .filter(support_chat::Column::ArchivedAt.is_null())
        .filter(support_chat::Column::SnoozedUntil.is_null())
        .group_by(support_chat::Column::AssigneeId)
        .into_tuple()
        .all(txn)
        .await?;
    let load_of = |id: &Uuid| {
        loads
            .iter()
            .find(|(staff, _)| staff == id)
            .map_or(0, |(_, open)| *open)
    };
    let least_busy = online
        .iter()
        .map(|id| (load_of(id), *id))
        .filter(|(open, _)| *open < i64::from(capacity))
        .min();
    let Some((_, assignee)) = least_busy else {
        return Ok(chat);
    };
    let plan = Plan {
        assignee_id: Some(Some(assignee)),
        snoozed_until: None,
        archived_at: None,
        change: Change {
            kind: KindColumn::Assigned,
            actor: None,
            assignee: Some(assignee),
            snoozed_until: None,
            label: None,
        },
    };
    apply(txn, chat, plan, now).await
}
