//! Snoozes ending: a snoozed chat reopens by itself at its time. The chat row is the durable
//! job: `snoozed_until` survives restarts, every instance may wake it, and waking re-checks the
//! locked row, so two instances (or a user message racing the clock) reopen it once, with one
//! `snooze_ended` line. [`wake_due`] takes `now`, so tests move time instead of waiting.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{
    activity::Change,
    ownership::{Plan, apply, locked_chat},
};
use crate::{
    clock,
    effects::Effects,
    entities::{SupportChat, chat_activity::KindColumn, support_chat},
    fact::Fact,
    transactions,
};
use wire::error::AppError;

/// Chats woken per query; the loop asks again until none is due.
const BATCH: u64 = 100;

/// Longest the worker sleeps without looking (a snooze set on another instance is found
/// within this, or at once on this one).
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// Reopens every chat whose snooze ended at or before `now`; returns how many it reopened.
///
/// # Errors
/// Internal error on database failure (chats woken before it stay woken).
pub async fn wake_due(
    db: &DatabaseConnection,
    effects: &Effects,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut woken = 0;
    loop {
        let due: Vec<Uuid> = SupportChat::find()
            .select_only()
            .column(support_chat::Column::Id)
            .filter(support_chat::Column::SnoozedUntil.lte(now))
            .order_by_asc(support_chat::Column::SnoozedUntil)
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        if due.is_empty() {
            return Ok(woken);
        }
        // Each chat is woken here or was woken (or deleted) elsewhere meanwhile: either way
        // the next query no longer finds it.
        for chat_id in due {
            if wake(db, effects, chat_id, now).await? {
                woken += 1;
            }
        }
    }
}

/// Reopens one chat if its snooze (still) ended by `now`; whether it did.
async fn wake(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = transactions::begin_write(db).await?;
    let chat = match locked_chat(&txn, chat_id).await {
        Ok(chat) => chat,
        // Deleted meanwhile.
        Err(AppError::NotFound { .. }) => return Ok(false),
        Err(err) => return Err(err),
    };
    if chat.snoozed_until.is_none_or(|until| until > now) {
        return Ok(false);
    }
    let plan = Plan::reopen(Change::by(KindColumn::SnoozeEnded, None));
    apply(&txn, chat, plan, now).await?;
    txn.commit().await?;
    effects
        .publish(db, Fact::ChatChanged { chat_id }, None)
        .await;
    Ok(true)
}

/// When the next snooze ends, if any chat is snoozed.
///
/// # Errors
/// Internal error on database failure.
pub async fn next_wake(db: &DatabaseConnection) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(SupportChat::find()
        .select_only()
        .column(support_chat::Column::SnoozedUntil)
        .filter(support_chat::Column::SnoozedUntil.is_not_null())
        .order_by_asc(support_chat::Column::SnoozedUntil)
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?
        .flatten())
}

/// Wakes snoozed chats as their time comes, until the process ends: sleeps until the next
/// snooze ends (at most a minute), or until this process sets a snooze.
pub fn spawn_wake_ups(
    db: DatabaseConnection,
    effects: Arc<Effects>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match wake_due(&db, &effects, clock::now()).await {
                Ok(0) => {}
                Ok(woken) => tracing::info!(chats = woken, "reopened chats whose snooze ended"),
                Err(err) => tracing::warn!(error = %err, "could not wake snoozed chats"),
            }
            let due = next_wake(&db).await.unwrap_or_else(|err| {
                tracing::warn!(error = %err, "could not read the next snooze's end");
                None
            });
            clock::wait_until(due, MAX_SLEEP, &effects.snoozes).await;
        }
    })
}
