//! Who owns a chat and what state it is in: assign (to a colleague, to oneself, to nobody),
//! snooze until a time, resolve (the spec's archive) and reopen. Each change is one transaction
//! that locks the chat row, changes it, writes its activity line and commits; dashboards hear
//! of it after the commit. A change that changes nothing (assigning the owner again, resolving
//! a resolved chat) writes no line and tells nobody.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::{
    activity::{self, Change},
    list,
};
use crate::{
    clock,
    effects::Effects,
    entities::{SupportChat, chat_activity::KindColumn, support_chat},
    fact::Fact,
    team::directory,
    transactions::{self, WriteTransaction},
};
use wire::{error::AppError, model::SupportChatListItem, team::ChatStatus};

/// How far ahead a snooze may reach.
pub const MAX_SNOOZE: TimeDelta = TimeDelta::days(365);

/// What a change sets on the chat row (each `Some` is written) and the line it records.
#[derive(Clone, Copy, Debug)]
pub(super) struct Plan {
    /// The new owner.
    pub assignee_id: Option<Option<Uuid>>,
    /// The new snooze.
    pub snoozed_until: Option<Option<DateTime<Utc>>>,
    /// The new archive (resolved) time.
    pub archived_at: Option<Option<DateTime<Utc>>>,
    /// The activity line.
    pub change: Change,
}

impl Plan {
    /// Resolved or snoozed back to open, recorded as `change`.
    pub(super) fn reopen(change: Change) -> Self {
        Self {
            assignee_id: None,
            snoozed_until: Some(None),
            archived_at: Some(None),
            change,
        }
    }
}

/// Gives the chat to the staff member `assignee`, or to nobody; `actor` is who did it.
///
/// # Errors
/// 404 for an unknown chat; 422 when `assignee` is not active staff.
pub async fn assign(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    actor: Uuid,
    assignee: Option<Uuid>,
) -> Result<SupportChatListItem, AppError> {
    let txn = transactions::begin_write(db).await?;
    let chat = locked_chat(&txn, chat_id).await?;
    if chat.assignee_id == assignee {
        // Nothing changes, and the owner's row is not locked: a deactivation taking that row
        // first (then the chats) would otherwise deadlock with this chat's lock.
        txn.commit().await?;
        return list::list_item(db, chat_id).await;
    }
    if let Some(assignee) = assignee {
        directory::active_staff(&txn, assignee).await?;
    }
    let plan = Some(Plan {
        assignee_id: Some(assignee),
        snoozed_until: None,
        archived_at: None,
        change: Change {
            kind: if assignee.is_some() {
                KindColumn::Assigned
            } else {
                KindColumn::Unassigned
            },
            actor: Some(actor),
            assignee,
            snoozed_until: None,
            label: None,
        },
    });
    commit(db, effects, txn, chat, plan).await
}

/// Snoozes the chat until `until` (which also takes it out of the resolved chats); a user
/// message or `until` itself reopens it.
///
/// # Errors
/// 404 for an unknown chat; 422 when `until` is not in the future or more than
/// [`MAX_SNOOZE`] ahead.
pub async fn snooze(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    actor: Uuid,
    until: DateTime<Utc>,
) -> Result<SupportChatListItem, AppError> {
    let txn = transactions::begin_write(db).await?;
    // An unknown chat is 404 whatever the time asked for.
    let chat = locked_chat(&txn, chat_id).await?;
    let now = clock::now();
    if until <= now {
        return Err(AppError::validation("until must be in the future"));
    }
    if until > now + MAX_SNOOZE {
        return Err(AppError::validation(
            "until must be at most a year from now",
        ));
    }
    let unchanged = chat.status() == ChatStatus::Snoozed && chat.snoozed_until == Some(until);
    let plan = (!unchanged).then_some(Plan {
        assignee_id: None,
        snoozed_until: Some(Some(until)),
        archived_at: Some(None),
        change: Change {
            kind: KindColumn::Snoozed,
            actor: Some(actor),
            assignee: None,
            snoozed_until: Some(until),
            label: None,
        },
    });
    let item = commit(db, effects, txn, chat, plan).await?;
    effects.snoozes.notify_one();
    Ok(item)
}

/// Resolves (archives) the chat; a user message reopens it. `actor` is who did it.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn resolve(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    actor: Uuid,
) -> Result<SupportChatListItem, AppError> {
    let txn = transactions::begin_write(db).await?;
    let chat = locked_chat(&txn, chat_id).await?;
    let plan = (chat.status() != ChatStatus::Resolved).then(|| Plan {
        assignee_id: None,
        snoozed_until: Some(None),
        archived_at: Some(Some(clock::now())),
        change: Change::by(KindColumn::Resolved, Some(actor)),
    });
    commit(db, effects, txn, chat, plan).await
}

/// Reopens a resolved or snoozed chat.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn reopen(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    actor: Uuid,
) -> Result<SupportChatListItem, AppError> {
    let txn = transactions::begin_write(db).await?;
    let chat = locked_chat(&txn, chat_id).await?;
    let plan = (chat.status() != ChatStatus::Open)
        .then(|| Plan::reopen(Change::by(KindColumn::Reopened, Some(actor))));
    commit(db, effects, txn, chat, plan).await
}

/// The chat, locked for this transaction (PostgreSQL: `FOR UPDATE`; SQLite: the immediate
/// transaction already holds the write lock).
pub(super) async fn locked_chat(
    txn: &DatabaseTransaction,
    chat_id: Uuid,
) -> Result<support_chat::Model, AppError> {
    SupportChat::find_by_id(chat_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("no such chat"))
}

/// Writes `plan` to the locked `chat` with its activity line, inside `txn`. Returns the row as
/// written.
pub(super) async fn apply(
    txn: &DatabaseTransaction,
    chat: support_chat::Model,
    plan: Plan,
    now: DateTime<Utc>,
) -> Result<support_chat::Model, AppError> {
    let chat_id = chat.id;
    let mut row = chat.into_active_model();
    if let Some(assignee) = plan.assignee_id {
        row.assignee_id = Set(assignee);
    }
    if let Some(until) = plan.snoozed_until {
        row.snoozed_until = Set(until);
    }
    if let Some(archived) = plan.archived_at {
        row.archived_at = Set(archived);
    }
    row.updated_at = Set(now);
    let chat = row.update(txn).await?;
    activity::record(txn, chat_id, plan.change, now).await?;
    Ok(chat)
}

/// Applies `plan` (when there is one), commits, tells dashboards, and answers the chat's list
/// entry as it now is.
async fn commit(
    db: &DatabaseConnection,
    effects: &Effects,
    txn: WriteTransaction,
    chat: support_chat::Model,
    plan: Option<Plan>,
) -> Result<SupportChatListItem, AppError> {
    let chat_id = chat.id;
    let changed = plan.is_some();
    if let Some(plan) = plan {
        apply(&txn, chat, plan, clock::now()).await?;
    }
    txn.commit().await?;
    if changed {
        effects
            .publish(db, Fact::ChatChanged { chat_id }, None)
            .await;
    }
    list::list_item(db, chat_id).await
}

/// Unassigns every chat `staff` owns (they were deactivated), inside the deactivating
/// transaction, one `unassigned` line each by `actor`. Returns the chats, for the dashboards
/// to hear of after the commit.
///
/// # Errors
/// Internal error on database failure.
pub async fn unassign_all_of(
    txn: &DatabaseTransaction,
    staff: Uuid,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, AppError> {
    let owned = SupportChat::find()
        .filter(support_chat::Column::AssigneeId.eq(staff))
        .lock_exclusive()
        .all(txn)
        .await?;
    let mut chats = Vec::with_capacity(owned.len());
    for chat in owned {
        chats.push(chat.id);
        let plan = Plan {
            assignee_id: Some(None),
            snoozed_until: None,
            archived_at: None,
            change: Change::by(KindColumn::Unassigned, Some(actor)),
        };
        apply(txn, chat, plan, now).await?;
    }
    Ok(chats)
}
