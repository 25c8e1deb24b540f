//! Sending uploads with a message, inside the message's transaction: each must be its
//! poster's own upload to this chat, not sent yet. Two posts racing for one upload cannot
//! both take it: the second's update finds it taken and its transaction rolls back; nor can
//! a post and the sweeper (which detaches a stale upload from its chat first).

use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use uuid::Uuid;
use wire::error::AppError;

use super::AttachmentSettings;
use crate::entities::{Attachment, attachment};

/// The uploads `ids` (duplicates ignored) if `poster` may send them in `chat_id`, in upload
/// order.
///
/// # Errors
/// 422 for more than the settings allow, or for an id that is not the poster's unsent upload
/// to this chat (unknown, someone else's, another chat's or already sent: one answer for all).
pub async fn claim(
    txn: &DatabaseTransaction,
    settings: &AttachmentSettings,
    chat_id: Uuid,
    poster: Uuid,
    ids: &[Uuid],
) -> Result<Vec<attachment::Model>, AppError> {
    let mut wanted = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.len() > settings.per_message {
        return Err(AppError::validation(format!(
            "a message carries at most {} files",
            settings.per_message
        )));
    }
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found = Attachment::find()
        .filter(attachment::Column::Id.is_in(wanted.iter().copied()))
        .filter(attachment::Column::ChatId.eq(chat_id))
        .filter(attachment::Column::UploaderId.eq(poster))
        .filter(attachment::Column::MessageId.is_null())
        .order_by_asc(attachment::Column::Id)
        .all(txn)
        .await?;
    if found.len() != wanted.len() {
        return Err(not_sendable());
    }
    Ok(found)
}

/// Marks `claimed` as sent with `message_id` in `chat_id`.
///
/// # Errors
/// 422 when another message took one of them meanwhile, or the sweeper did (the caller's
/// transaction then rolls back).
pub async fn attach(
    txn: &DatabaseTransaction,
    claimed: &[attachment::Model],
    chat_id: Uuid,
    message_id: Uuid,
) -> Result<(), AppError> {
    if claimed.is_empty() {
        return Ok(());
    }
    let updated = Attachment::update_many()
        .col_expr(attachment::Column::MessageId, Expr::value(message_id))
        .filter(attachment::Column::Id.is_in(claimed.iter().map(|a| a.id)))
        .filter(attachment::Column::ChatId.eq(chat_id))
        .filter(attachment::Column::MessageId.is_null())
        .exec(txn)
        .await?;
    if updated.rows_affected != claimed.len() as u64 {
        return Err(not_sendable());
    }
    Ok(())
}

fn not_sendable() -> AppError {
    AppError::validation(
        "an attachment is unknown, already sent, or not an upload of yours to this chat",
    )
}
