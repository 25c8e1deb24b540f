//! Messages as every reader sees them: each with its author and its files (with fresh signed
//! links). Every path that hands messages out (history, live frames, the relay's catch-up,
//! a post's answer) builds them here.

use sea_orm::ConnectionTrait;
use wire::{error::AppError, model::SupportMessage};

use crate::{
    attachments::{Files, views as attachment_views},
    entities::support_message,
    team::directory,
};

/// One message, with its author and files.
///
/// # Errors
/// Internal error on database failure.
pub async fn message(
    db: &impl ConnectionTrait,
    files: &Files,
    row: support_message::Model,
) -> Result<SupportMessage, AppError> {
    let mut viewed = messages(db, files, vec![row]).await?;
    viewed
        .pop()
        .ok_or_else(|| AppError::internal("message view", "one message in, none out"))
}

/// Messages in the order given, each with its author and files: one query for the authors,
/// one for the files.
///
/// # Errors
/// Internal error on database failure.
pub async fn messages(
    db: &impl ConnectionTrait,
    files: &Files,
    rows: Vec<support_message::Model>,
) -> Result<Vec<SupportMessage>, AppError> {
    let ids: Vec<_> = rows.iter().map(|row| row.id).collect();
    let mut attachments = attachment_views::of_messages(db, files, &ids).await?;
    let mut viewed = directory::with_authors(db, rows).await?;
    for message in &mut viewed {
        if let Some(files) = attachments.remove(&message.id) {
            message.attachments = files;
        }
    }
    Ok(viewed)
}
