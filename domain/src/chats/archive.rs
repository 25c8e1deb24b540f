//! Archiving a chat and bringing it back (a user's message brings it back too: `post`).

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::timestamps::set_timestamp;
use crate::{clock, effects::Effects, entities::support_chat};
use wire::error::AppError;

/// Archives the chat.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn archive(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
) -> Result<support_chat::Model, AppError> {
    set_timestamp(
        db,
        effects,
        chat_id,
        support_chat::Column::ArchivedAt,
        Some(clock::now()),
    )
    .await
}

/// Brings the chat back from the archive.
///
/// # Errors
/// 404 for an unknown chat.
pub async fn unarchive(
    db: &DatabaseConnection,
    effects: &Effects,
    chat_id: Uuid,
) -> Result<support_chat::Model, AppError> {
    set_timestamp(db, effects, chat_id, support_chat::Column::ArchivedAt, None).await
}
