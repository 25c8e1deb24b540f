//! Attachments: files sent with messages, both ways, stored safely on disk or on S3.
//!
//! A file is uploaded first (`upload`: streamed to a scratch file, its kind decided from its
//! bytes, an image decoded within limits and re-encoded without metadata, then stored) and
//! sent with a message after (`binding`, inside the message's transaction). Readers get
//! signed links (`links`) in every message they may read (`views`); `serving` checks a link
//! and finds the bytes. The sweeper (`sweep`) deletes uploads never sent and the files of
//! chats that are gone. Bytes live in `storage`; kinds and names are decided in `kinds` and
//! `names`, images cleaned in `images`.

pub mod binding;
pub mod images;
pub mod kinds;
pub mod links;
pub mod names;
pub mod serving;
pub mod storage;
pub mod sweep;
pub mod upload;
pub mod views;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tokio::sync::Semaphore;
use uuid::Uuid;
use wire::error::AppError;

pub use links::Links;
pub use storage::{Storage, Variant};

/// Largest file accepted unless configured (`CONFAB_ATTACHMENT_MAX_BYTES`): 10 MB.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Files one message may carry unless configured (`CONFAB_ATTACHMENTS_PER_MESSAGE`).
pub const DEFAULT_PER_MESSAGE: usize = 5;

/// What operators decide about files.
#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentSettings {
    /// Largest file accepted, in bytes.
    pub max_bytes: u64,
    /// Most files one message carries.
    pub per_message: usize,
    /// The types accepted, e.g. `image/png` (see [`kinds::DEFAULT_ACCEPTED`]).
    pub accepted: Vec<String>,
    /// Most bytes one person may have stored; `None` for no limit.
    pub quota_per_person: Option<u64>,
    /// Most bytes stored in all; `None` for no limit.
    pub quota_total: Option<u64>,
}

impl Default for AttachmentSettings {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            per_message: DEFAULT_PER_MESSAGE,
            accepted: kinds::DEFAULT_ACCEPTED
                .iter()
                .map(|&mime| mime.to_owned())
                .collect(),
            quota_per_person: None,
            quota_total: None,
        }
    }
}

impl AttachmentSettings {
    /// Whether files of type `mime` are accepted.
    pub fn accepts(&self, mime: &str) -> bool {
        self.accepted
            .iter()
            .any(|accepted| accepted.eq_ignore_ascii_case(mime))
    }
}

/// Uploads one person may have under way at once: each may hold up to the size limit in
/// the multipart parser's buffer before its file part begins.
pub const UPLOADS_AT_ONCE_PER_PERSON: usize = 4;

/// Files as one process handles them: where they are stored, how links are signed, what is
/// accepted, the one slot for decoding images (a decoded image takes up to
/// [`images::MAX_DECODED_BYTES`], so two at once would double the peak), and the uploads
/// each person has under way.
#[derive(Debug)]
pub struct Files {
    /// Where the bytes are.
    pub storage: Storage,
    /// How links are signed.
    pub links: Links,
    /// What is accepted.
    pub settings: AttachmentSettings,
    decoding: Arc<Semaphore>,
    under_way: Arc<Mutex<HashMap<Uuid, usize>>>,
}

/// One of a person's uploads under way; the slot frees when it is dropped.
#[derive(Debug)]
pub struct UploadSlot {
    person: Uuid,
    under_way: Arc<Mutex<HashMap<Uuid, usize>>>,
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        if let Ok(mut counts) = self.under_way.lock()
            && let Some(count) = counts.get_mut(&self.person)
        {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.person);
            }
        }
    }
}

impl Files {
    /// Files in `storage`, with links under `link_base` (the public URL, or empty).
    pub fn new(storage: Storage, link_base: &str, settings: AttachmentSettings) -> Self {
        Self {
            storage,
            links: Links::new(link_base),
            settings,
            decoding: Arc::new(Semaphore::new(1)),
            under_way: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// A slot for one more upload by `person`, before anything of it is read.
    ///
    /// # Errors
    /// 429 when they have [`UPLOADS_AT_ONCE_PER_PERSON`] under way already.
    pub fn upload_slot(&self, person: Uuid) -> Result<UploadSlot, AppError> {
        let mut counts = self
            .under_way
            .lock()
            .map_err(|err| AppError::internal("upload slots", err))?;
        let count = counts.entry(person).or_default();
        if *count >= UPLOADS_AT_ONCE_PER_PERSON {
            return Err(AppError::RateLimited {
                retry_after_secs: 1,
            });
        }
        *count += 1;
        Ok(UploadSlot {
            person,
            under_way: Arc::clone(&self.under_way),
        })
    }
}

impl Default for Files {
    /// Files kept in memory with relative links and the default settings: for a process that
    /// does not serve (tools, tests of other concerns).
    fn default() -> Self {
        Self::new(Storage::in_memory(), "", AttachmentSettings::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_has_a_few_uploads_under_way_and_slots_free_as_they_end() {
        let files = Files::default();
        let ada = Uuid::now_v7();
        let held: Vec<UploadSlot> = (0..UPLOADS_AT_ONCE_PER_PERSON)
            .map(|_| files.upload_slot(ada).expect("a slot"))
            .collect();
        let refused = files.upload_slot(ada).expect_err("one too many");
        assert_eq!(refused.status(), 429);
        files
            .upload_slot(Uuid::now_v7())
            .expect("someone else has room");
        drop(held);
        files.upload_slot(ada).expect("the slots freed");
        assert!(files.under_way.lock().is_ok_and(|counts| counts.is_empty()));
    }

    #[test]
    fn types_are_accepted_whatever_their_case() {
        let settings = AttachmentSettings::default();
        assert!(settings.accepts("image/PNG"));
        assert!(!settings.accepts("text/html"));
        assert!(!settings.accepts("image/svg+xml"));
    }
}
