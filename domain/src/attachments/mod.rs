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

use tokio::sync::Semaphore;

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

/// Files as one process handles them: where they are stored, how links are signed, what is
/// accepted, and the one slot for decoding images (a decoded image takes up to
/// [`images::MAX_DECODED_BYTES`], so two at once would double the peak).
#[derive(Debug)]
pub struct Files {
    /// Where the bytes are.
    pub storage: Storage,
    /// How links are signed.
    pub links: Links,
    /// What is accepted.
    pub settings: AttachmentSettings,
    decoding: Semaphore,
}

impl Files {
    /// Files in `storage`, with links under `link_base` (the public URL, or empty).
    pub fn new(storage: Storage, link_base: &str, settings: AttachmentSettings) -> Self {
        Self {
            storage,
            links: Links::new(link_base),
            settings,
            decoding: Semaphore::new(1),
        }
    }
}

impl Default for Files {
    /// Files kept in memory with relative links and the default settings: for a process that
    /// does not serve (tools, tests of other concerns).
    fn default() -> Self {
        Self::new(Storage::in_memory(), "", AttachmentSettings::default())
    }
}
