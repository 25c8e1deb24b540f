//! Attachments as readers see them: the row's facts and fresh signed links. Only code that
//! already decided the reader may read the message (or made the upload) calls these.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;
use wire::{attachments::Attachment as AttachmentView, error::AppError};

use super::{
    Files,
    links::{EMAIL_LINK_LIFETIME, Links, Signer, view_expiry},
    storage::Variant,
};
use crate::{
    clock,
    entities::{Attachment, attachment},
};

/// Files a chat's panel lists at most.
pub const CHAT_FILES_SHOWN: u64 = 50;

/// `row` with links signed by `signer`, good until `expires`.
pub fn view(row: &attachment::Model, signer: &Signer, expires: DateTime<Utc>) -> AttachmentView {
    AttachmentView {
        id: row.id,
        name: row.name.clone(),
        size: u64::try_from(row.size).unwrap_or_default(),
        content_type: row.content_type.clone(),
        width: row.width.and_then(|w| u32::try_from(w).ok()),
        height: row.height.and_then(|h| u32::try_from(h).ok()),
        url: signer.url(row.id, Variant::Original, expires),
        thumbnail_url: row
            .has_thumbnail
            .then(|| signer.url(row.id, Variant::Thumbnail, expires)),
    }
}

/// One upload as its uploader sees it after the upload.
///
/// # Errors
/// Internal error when the link key cannot be read.
pub async fn one(
    db: &impl ConnectionTrait,
    files: &Files,
    row: &attachment::Model,
) -> Result<AttachmentView, AppError> {
    let signer = files.links.signer(db).await?;
    Ok(view(row, &signer, view_expiry(clock::now())))
}

/// The files of each of `message_ids` that has any, in the order they were attached.
///
/// # Errors
/// Internal error on database failure.
pub async fn of_messages(
    db: &impl ConnectionTrait,
    files: &Files,
    message_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<AttachmentView>>, AppError> {
    by_message(db, &files.links, view_expiry(clock::now()), message_ids).await
}

/// The files of each of `message_ids` as a reply email names them: absolute links under
/// `public_url`, good for [`EMAIL_LINK_LIFETIME`] (until the key is rotated).
///
/// # Errors
/// Internal error on database failure.
pub async fn for_email(
    db: &impl ConnectionTrait,
    public_url: &str,
    message_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<AttachmentView>>, AppError> {
    let expires = clock::now() + EMAIL_LINK_LIFETIME;
    by_message(db, &Links::new(public_url), expires, message_ids).await
}

async fn by_message(
    db: &impl ConnectionTrait,
    links: &Links,
    expires: DateTime<Utc>,
    message_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<AttachmentView>>, AppError> {
    if message_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = Attachment::find()
        .filter(attachment::Column::MessageId.is_in(message_ids.iter().copied()))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let signer = links.signer(db).await?;
    let mut by_message: HashMap<Uuid, Vec<AttachmentView>> = HashMap::new();
    for row in &rows {
        if let Some(message_id) = row.message_id {
            by_message
                .entry(message_id)
                .or_default()
                .push(view(row, &signer, expires));
        }
    }
    Ok(by_message)
}

/// The newest files sent in `chat_id`, newest first (the dashboard's person panel).
///
/// # Errors
/// Internal error on database failure.
pub async fn of_chat(
    db: &impl ConnectionTrait,
    files: &Files,
    chat_id: Uuid,
) -> Result<Vec<AttachmentView>, AppError> {
    let rows = Attachment::find()
        .filter(attachment::Column::ChatId.eq(chat_id))
        .filter(attachment::Column::MessageId.is_not_null())
        .order_by_desc(attachment::Column::Id)
        .limit(CHAT_FILES_SHOWN)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let signer = files.links.signer(db).await?;
    let expires = view_expiry(clock::now());
    Ok(rows.iter().map(|row| view(row, &signer, expires)).collect())
}
