//! Read receipts: a side reading the other's messages, and staff opening a chat (which reads
//! the user's messages and records staff's last look, the mark "unread" is measured from).

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use super::timestamps::set_timestamp;
use crate::{
    clock,
    effects::Effects,
    entities::{SupportChat, SupportMessage, columns::SenderColumn, support_chat, support_message},
    fact::Fact,
    transactions,
};
use wire::{error::AppError, model::SenderType};

/// Marks every unread staff message of the chat read; returns how many. When any were
/// unread, the chat's subscribers get a read receipt up to the chat's newest `seq` and staff
/// dashboards the changed entry.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn mark_read_by_user(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
) -> Result<u64, AppError> {
    mark_read(db, effects, chat_id, SenderType::User).await
}

/// Marks the other side's unread messages read for `reader`, under the chat's lock so no
/// message can land between the update and reading the newest seq the receipt covers.
async fn mark_read(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
    reader: SenderType,
) -> Result<u64, AppError> {
    let txn = transactions::begin_write(db).await?;
    let chat = SupportChat::find_by_id(chat_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("no such chat"))?;
    let read_at = clock::now();
    let result = SupportMessage::update_many()
        .col_expr(support_message::Column::ReadAt, Expr::value(read_at))
        .filter(support_message::Column::ChatId.eq(chat_id))
        .filter(support_message::Column::SenderType.eq(SenderColumn::from(reader.other())))
        .filter(support_message::Column::ReadAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    if result.rows_affected > 0 {
        let fact = Fact::Read {
            chat_id,
            reader,
            read_at,
            up_to_seq: chat.last_seq,
        };
        effects.publish(db, fact, None).await;
    }
    Ok(result.rows_affected)
}

/// Records that an admin looked at the chat now.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn mark_viewed_by_admin(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
) -> Result<support_chat::Model, AppError> {
    let chat = set_timestamp(
        db,
        effects,
        chat_id,
        support_chat::Column::AdminViewedAt,
        Some(clock::now()),
    )
    .await?;
    // What staff opened they have read: the user's widget shows "Seen".
    mark_read(db, effects, chat_id, SenderType::Admin).await?;
    Ok(chat)
}
