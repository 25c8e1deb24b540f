//! Receiving a file: streamed to a scratch file (never held whole in memory) and cut off
//! the moment it passes the size limit; its kind decided from its first bytes; an image
//! decoded and re-encoded; then a row written within the quotas, and only then the bytes
//! stored. A refused or cut-off upload leaves nothing (the scratch file deletes itself); a
//! process stopping between the row and the bytes leaves a row the sweeper removes.

use std::sync::Arc;

use bytes::Bytes;
use futures::{Stream, StreamExt};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set, sea_query::Expr,
};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;
use wire::error::AppError;

use super::{
    Files, UploadSlot, images,
    kinds::{self, HEAD_BYTES},
    names,
    storage::Variant,
};
use crate::{
    clock,
    entities::{Attachment, User, attachment},
    limits::{Limit, Limits},
    transactions,
};

/// Who uploads to which chat, and what their device called the file.
#[derive(Clone, Debug)]
pub struct Upload<'a> {
    /// The person uploading (the chat's user, or a staff member).
    pub uploader: Uuid,
    /// The chat it is for (checked by the caller).
    pub chat_id: Uuid,
    /// The file's name as sent.
    pub name: &'a str,
}

/// What will be stored: the upload's own bytes, or an image re-encoded.
enum Content {
    File(tempfile::NamedTempFile),
    Image(images::Cleaned),
}

/// Lets `uploader` start an upload, before any of its body is read: a token of their upload
/// rate, one of their [`UPLOADS_AT_ONCE_PER_PERSON`](super::UPLOADS_AT_ONCE_PER_PERSON)
/// slots (held until the returned slot drops), and room in their quota.
///
/// # Errors
/// 429 over the rate or with too many uploads under way; 413 at a quota.
pub async fn admit(
    db: &DatabaseConnection,
    files: &Files,
    limits: &Limits,
    uploader: Uuid,
) -> Result<UploadSlot, AppError> {
    let slot = files.upload_slot(uploader)?;
    limits.take(Limit::Uploads, &uploader.to_string()).await?;
    // A person already at their quota is told before they send anything.
    within_quotas(db, files, uploader, 1).await?;
    Ok(slot)
}

/// Receives one file from `body` and stores it for `upload`'s chat, unsent. The caller
/// [`admit`]ted the upload first.
///
/// # Errors
/// 413 over the size limit or a quota (nothing is stored); 422 for an empty file or an
/// image that cannot be decoded within the limits; 415 for a type not accepted; 400 when
/// the body breaks off; 500 when storage fails.
pub async fn receive<S, E>(
    db: &DatabaseConnection,
    files: &Arc<Files>,
    upload: Upload<'_>,
    body: S,
) -> Result<attachment::Model, AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let settings = &files.settings;
    let (scratch, size, head) = receive_to_scratch(files, body).await?;
    if size == 0 {
        return Err(AppError::validation("the file is empty"));
    }
    let mut name = names::clean(upload.name);
    let kind = kinds::sniff(&head, &name).ok_or_else(|| AppError::UnsupportedMediaType {
        message: "this kind of file is not accepted".to_owned(),
    })?;
    if !settings.accepts(&kind.mime) {
        return Err(AppError::UnsupportedMediaType {
            message: format!("files of type {} are not accepted", kind.mime),
        });
    }
    let mut content_type = kind.mime.clone();
    let content = match kind.picture {
        Some(picture) => {
            let cleaned = clean_image(files, &scratch, picture).await?;
            if cleaned.picture != picture {
                name = names::with_extension(&name, cleaned.picture.extension());
            }
            content_type = cleaned.picture.mime().to_owned();
            Content::Image(cleaned)
        }
        None => Content::File(scratch),
    };
    // Re-encoding may grow a file (an animation's frames, stored whole): what is stored keeps
    // to the limit too.
    if let Content::Image(cleaned) = &content
        && cleaned.bytes.len() as u64 > settings.max_bytes
    {
        return Err(too_large(settings.max_bytes));
    }
    let (stored_size, width, height) = match &content {
        Content::File(_) => (size, None, None),
        Content::Image(cleaned) => (
            cleaned.bytes.len() as u64,
            i32::try_from(cleaned.width).ok(),
            i32::try_from(cleaned.height).ok(),
        ),
    };
    let row = attachment::ActiveModel {
        id: Set(Uuid::now_v7()),
        chat_id: Set(Some(upload.chat_id)),
        message_id: Set(None),
        uploader_id: Set(upload.uploader),
        name: Set(name),
        size: Set(i64::try_from(stored_size).unwrap_or(i64::MAX)),
        content_type: Set(content_type),
        width: Set(width),
        height: Set(height),
        has_thumbnail: Set(matches!(content, Content::Image(_))),
        created_at: Set(clock::now()),
    };
    let row = insert_within_quotas(db, files, row).await?;
    // Once the row is written the bytes are stored (or the row deleted) whatever happens to
    // the request: a client that goes away now leaves no row without bytes, and no upload to
    // S3 half made.
    let stored = tokio::spawn(store_or_forget(
        db.clone(),
        Arc::clone(files),
        row.id,
        content,
    ))
    .await
    .map_err(|err| AppError::internal("storing an upload", err))?;
    stored?;
    metrics::counter!("confab_attachments_uploaded_total").increment(1);
    metrics::counter!("confab_attachment_bytes_uploaded_total").increment(stored_size);
    Ok(row)
}

/// The body written to a scratch file: the file, its size and its first bytes.
async fn receive_to_scratch<S, E>(
    files: &Files,
    mut body: S,
) -> Result<(tempfile::NamedTempFile, u64, Vec<u8>), AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let max = files.settings.max_bytes;
    let scratch = files.storage.scratch_file()?;
    let mut out = tokio::fs::File::from_std(
        scratch
            .as_file()
            .try_clone()
            .map_err(|err| AppError::internal("scratch file", err))?,
    );
    let mut head = Vec::with_capacity(HEAD_BYTES);
    let mut size = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|err| {
            AppError::bad_request(format!("the upload broke off before its end: {err}"))
        })?;
        size += chunk.len() as u64;
        if size > max {
            return Err(too_large(max));
        }
        let wanted = HEAD_BYTES.saturating_sub(head.len()).min(chunk.len());
        head.extend_from_slice(&chunk[..wanted]);
        out.write_all(&chunk)
            .await
            .map_err(|err| AppError::internal("scratch file", err))?;
    }
    out.flush()
        .await
        .map_err(|err| AppError::internal("scratch file", err))?;
    Ok((scratch, size, head))
}

/// 413 for a file over `max` bytes.
pub fn too_large(max: u64) -> AppError {
    AppError::PayloadTooLarge {
        message: format!(
            "the file is over {}: the most accepted is {max} bytes",
            human_size(max)
        ),
    }
}

fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Decodes and re-encodes the image in `scratch` on a blocking thread, one image at a time:
/// the slot goes with the thread, so a request that goes away meanwhile frees it only when
/// the decoding is over.
async fn clean_image(
    files: &Files,
    scratch: &tempfile::NamedTempFile,
    picture: kinds::Picture,
) -> Result<images::Cleaned, AppError> {
    let slot = Arc::clone(&files.decoding)
        .acquire_owned()
        .await
        .map_err(|err| AppError::internal("image decoding", err))?;
    let path = scratch.path().to_owned();
    tokio::task::spawn_blocking(move || {
        let cleaned = images::clean(&path, picture);
        drop(slot);
        cleaned
    })
    .await
    .map_err(|err| AppError::internal("image decoding", err))?
    .map_err(|refused| AppError::validation(refused.0))
}

/// Writes the row if `row`'s size keeps its uploader and everyone within the quotas. The
/// uploader's row is locked meanwhile, so one person's concurrent uploads are counted one
/// after another (SQLite's write lock does the same for everyone).
async fn insert_within_quotas(
    db: &DatabaseConnection,
    files: &Files,
    row: attachment::ActiveModel,
) -> Result<attachment::Model, AppError> {
    let uploader = *row.uploader_id.as_ref();
    let size = u64::try_from(*row.size.as_ref()).unwrap_or(u64::MAX);
    let txn = transactions::begin_write(db).await?;
    User::find_by_id(uploader)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::unauthorized("the uploader's account no longer exists"))?;
    within_quotas(&txn, files, uploader, size).await?;
    let row = row.insert(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

/// 413 when `adding` more bytes would take `uploader` or the whole store past its quota.
async fn within_quotas(
    db: &impl ConnectionTrait,
    files: &Files,
    uploader: Uuid,
    adding: u64,
) -> Result<(), AppError> {
    let settings = &files.settings;
    if let Some(quota) = settings.quota_per_person {
        let used = stored_bytes(db, Some(uploader)).await?;
        if used + adding > quota {
            return Err(AppError::PayloadTooLarge {
                message: format!(
                    "your storage quota is used up: {used} of {quota} bytes are stored; files in deleted chats free space"
                ),
            });
        }
    }
    if let Some(quota) = settings.quota_total {
        let used = stored_bytes(db, None).await?;
        if used + adding > quota {
            return Err(AppError::PayloadTooLarge {
                message: "the server's storage for files is full; please tell the support team"
                    .to_owned(),
            });
        }
    }
    Ok(())
}

/// Bytes stored by `uploader`, or by everyone.
async fn stored_bytes(db: &impl ConnectionTrait, uploader: Option<Uuid>) -> Result<u64, AppError> {
    let mut query = Attachment::find()
        .select_only()
        // PostgreSQL's SUM of a bigint is a numeric: cast back to a bigint on both backends.
        .column_as(Expr::cust("CAST(COALESCE(SUM(size), 0) AS BIGINT)"), "used");
    if let Some(uploader) = uploader {
        query = query.filter(attachment::Column::UploaderId.eq(uploader));
    }
    let used: Option<i64> = query.into_tuple().one(db).await?;
    Ok(u64::try_from(used.unwrap_or_default()).unwrap_or_default())
}

/// Stores the bytes of attachment `id`; if that fails, deletes what was stored and the row.
async fn store_or_forget(
    db: DatabaseConnection,
    files: Arc<Files>,
    id: Uuid,
    content: Content,
) -> Result<(), AppError> {
    let Err(err) = store(&files, id, content).await else {
        return Ok(());
    };
    for variant in [Variant::Original, Variant::Thumbnail] {
        if let Err(err) = files.storage.delete(&variant.key(id)).await {
            tracing::warn!(error = %err, "could not delete part of a failed upload");
        }
    }
    Attachment::delete_by_id(id).exec(&db).await?;
    Err(err)
}

/// Puts the bytes of attachment `id` in storage.
async fn store(files: &Files, id: Uuid, content: Content) -> Result<(), AppError> {
    match content {
        Content::File(scratch) => {
            files
                .storage
                .put_file(&Variant::Original.key(id), scratch)
                .await?;
        }
        Content::Image(cleaned) => {
            files
                .storage
                .put_bytes(&Variant::Thumbnail.key(id), cleaned.thumbnail)
                .await?;
            files
                .storage
                .put_bytes(&Variant::Original.key(id), cleaned.bytes)
                .await?;
        }
    }
    Ok(())
}
