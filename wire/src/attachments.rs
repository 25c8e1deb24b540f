//! Attachments on the wire: files sent with messages, as `POST …/attachments` answers them
//! and every message carries them (`attachments`). Added after the first release.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A file sent (or about to be sent) with a message.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The attachment's id: what a message's `attachment_ids` names.
    pub id: Uuid,
    /// The file's name, as its sender's device gave it (without any directory).
    pub name: String,
    /// Its size in bytes, as stored (an image's after re-encoding).
    pub size: u64,
    /// Its type, decided from its bytes, e.g. `image/png` or `application/pdf`.
    pub content_type: String,
    /// An image's width in pixels; `null` for other files.
    pub width: Option<u32>,
    /// An image's height in pixels; `null` for other files.
    pub height: Option<u32>,
    /// A signed link to the file, good for at least an hour, that needs no cookie; read the
    /// message again for a fresh one. Absolute when the server knows its public URL.
    pub url: String,
    /// A signed link to an image's thumbnail (a JPEG at most 320 pixels on its longer side);
    /// `null` for other files.
    pub thumbnail_url: Option<String>,
}

impl Attachment {
    /// The size for people: `512 B`, `12 KB`, `3.4 MB`.
    pub fn size_label(&self) -> String {
        const KB: u64 = 1_000;
        const MB: u64 = 1_000_000;
        match self.size {
            size if size < KB => format!("{size} B"),
            size if size < MB => format!("{} KB", size.div_ceil(KB)),
            size => format!("{}.{} MB", size / MB, (size % MB) / (MB / 10)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sized(size: u64) -> Attachment {
        Attachment {
            id: Uuid::nil(),
            name: "a".to_owned(),
            size,
            content_type: "application/pdf".to_owned(),
            width: None,
            height: None,
            url: "/files/x".to_owned(),
            thumbnail_url: None,
        }
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(sized(512).size_label(), "512 B");
        assert_eq!(sized(12_001).size_label(), "13 KB");
        assert_eq!(sized(3_456_789).size_label(), "3.4 MB");
    }
}
