//! Which file a signed link opens. Every refusal is the same `None`, whatever its reason (an
//! unknown id, a changed signature, a past expiry, a file whose chat is gone), so a link
//! tells an outsider nothing about which files exist.

use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;
use wire::error::AppError;

use super::{Files, storage::Variant};
use crate::{
    clock,
    entities::{Attachment, attachment},
};

/// The attachment a link to `variant` of `id` signed `sig` until `expires` opens, if the
/// link is good now and the file is still there.
///
/// # Errors
/// Internal error on database failure.
pub async fn linked(
    db: &impl ConnectionTrait,
    files: &Files,
    id: Uuid,
    variant: Variant,
    expires: i64,
    sig: &str,
) -> Result<Option<attachment::Model>, AppError> {
    let signer = files.links.signer(db).await?;
    if !signer.verify(id, variant, expires, sig, clock::now()) {
        return Ok(None);
    }
    let Some(row) = Attachment::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let servable = row.chat_id.is_some() && (variant == Variant::Original || row.has_thumbnail);
    Ok(servable.then_some(row))
}
