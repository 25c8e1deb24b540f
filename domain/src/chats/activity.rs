//! A chat's activity lines: what staff (or the user, or a snooze ending) changed about its
//! owner, state and labels. Written inside the transaction of the change, so a line exists exactly when
//! its change does; read only for staff (`history::admin_view`), never on a user's path.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::{
    entities::{
        ChatActivity,
        chat_activity::{self, KindColumn},
    },
    labels,
    team::directory,
};
use wire::{error::AppError, team::ActivityLine};

/// One change, as [`record`] stores it.
#[derive(Clone, Copy, Debug)]
pub struct Change {
    /// What happened.
    pub kind: KindColumn,
    /// The staff member who did it; `None` for the user or Confab itself.
    pub actor: Option<Uuid>,
    /// `assigned`: the new owner.
    pub assignee: Option<Uuid>,
    /// `snoozed`: until when.
    pub snoozed_until: Option<DateTime<Utc>>,
    /// `labeled`, `unlabeled`: the label.
    pub label: Option<Uuid>,
}

impl Change {
    /// A change of `kind` by `actor` with nothing else to say.
    pub fn by(kind: KindColumn, actor: Option<Uuid>) -> Self {
        Self {
            kind,
            actor,
            assignee: None,
            snoozed_until: None,
            label: None,
        }
    }
}

/// Records `change` of the chat at `now`, inside the caller's transaction.
///
/// # Errors
/// When the database fails.
pub async fn record(
    txn: &impl ConnectionTrait,
    chat_id: Uuid,
    change: Change,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    chat_activity::ActiveModel {
        id: Set(Uuid::now_v7()),
        chat_id: Set(chat_id),
        kind: Set(change.kind),
        actor_id: Set(change.actor),
        assignee_id: Set(change.assignee),
        snoozed_until: Set(change.snoozed_until),
        label_id: Set(change.label),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The chat's activity lines, oldest first, with the names of the people they mention.
///
/// # Errors
/// Internal error on database failure.
pub async fn lines(
    db: &impl ConnectionTrait,
    chat_id: Uuid,
) -> Result<Vec<ActivityLine>, AppError> {
    let rows = ChatActivity::find()
        .filter(chat_activity::Column::ChatId.eq(chat_id))
        .order_by_asc(chat_activity::Column::Id)
        .all(db)
        .await?;
    let mentioned: Vec<Uuid> = rows
        .iter()
        .flat_map(|row| [row.actor_id, row.assignee_id])
        .flatten()
        .collect();
    let people = directory::people(db, mentioned).await?;
    let labels = labels::by_id(db, rows.iter().filter_map(|row| row.label_id)).await?;
    let named = |id: Option<Uuid>| id.and_then(|id| people.get(&id)).map(directory::staff_ref);
    Ok(rows
        .into_iter()
        .map(|row| ActivityLine {
            id: row.id,
            kind: row.kind.into(),
            actor: named(row.actor_id),
            assignee: named(row.assignee_id),
            snoozed_until: row.snoozed_until,
            label: row.label_id.and_then(|id| labels.get(&id).cloned()),
            created_at: row.created_at,
        })
        .collect())
}
