//! The sweeper: deletes uploads that were never sent within a day, and the files of chats
//! that are gone (their rows lost their `chat_id` when the chat was deleted). A stale upload
//! is first detached from its chat by one conditional update, which a message sending it at
//! that moment cannot pass (sending requires the chat, and the upload unsent): either the
//! message has it or the sweeper does, never both. Detached rows' bytes go first, then the
//! row, so a failure leaves the row for the next round and nothing is lost track of. Every
//! instance may sweep; deleting what another already deleted is harmless.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use wire::error::AppError;

use super::{Files, storage::Variant};
use crate::{
    clock,
    entities::{Attachment, attachment},
};

/// How long an upload may wait to be sent.
pub const UNSENT_KEPT: TimeDelta = TimeDelta::hours(24);

/// How often the sweeper runs.
pub const SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);

const BATCH: u64 = 100;

/// Deletes what is due at `now`; returns how many attachments went.
///
/// # Errors
/// Internal error on database failure (storage failures are logged and retried next round).
pub async fn sweep(
    db: &DatabaseConnection,
    files: &Files,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    Attachment::update_many()
        .col_expr(attachment::Column::ChatId, Expr::value(None::<uuid::Uuid>))
        .filter(attachment::Column::ChatId.is_not_null())
        .filter(attachment::Column::MessageId.is_null())
        .filter(attachment::Column::CreatedAt.lt(now - UNSENT_KEPT))
        .exec(db)
        .await?;
    let mut deleted = 0;
    loop {
        let due = Attachment::find()
            .filter(attachment::Column::ChatId.is_null())
            .order_by_asc(attachment::Column::CreatedAt)
            .limit(BATCH)
            .all(db)
            .await?;
        let mut failed = false;
        for row in &due {
            if delete_bytes(files, row).await {
                Attachment::delete_by_id(row.id).exec(db).await?;
                deleted += 1;
            } else {
                failed = true;
            }
        }
        // A storage failure stops this round: its rows would be picked again at once.
        if failed || (due.len() as u64) < BATCH {
            break;
        }
    }
    if deleted > 0 {
        metrics::counter!("confab_attachments_swept_total").increment(deleted as u64);
    }
    let stale = files
        .storage
        .clear_scratch(UNSENT_KEPT.to_std().unwrap_or(Duration::ZERO))
        .await;
    if stale > 0 {
        tracing::info!(
            files = stale,
            "deleted uploads a stopped process left unfinished"
        );
    }
    Ok(deleted)
}

async fn delete_bytes(files: &Files, row: &attachment::Model) -> bool {
    for variant in [Variant::Thumbnail, Variant::Original] {
        if let Err(err) = files.storage.delete(&variant.key(row.id)).await {
            tracing::warn!(attachment.id = %row.id, error = %err, "could not delete a swept file");
            return false;
        }
    }
    true
}

/// Runs the sweeper every [`SWEEP_EVERY`] for as long as the process serves.
pub fn spawn(db: DatabaseConnection, files: Arc<Files>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        loop {
            every.tick().await;
            match sweep(&db, &files, clock::now()).await {
                Ok(0) => {}
                Ok(swept) => tracing::info!(attachments = swept, "swept unsent and orphaned files"),
                Err(err) => tracing::warn!(error = %err, "could not sweep files"),
            }
        }
    });
}
