//! Labels on the wire: the team's words for sorting conversations ("billing", "bug", "vip"),
//! as `GET /api/admin/labels` lists them, list items and activity lines carry them, and
//! `PUT /api/admin/chats/{id}/labels` sets them. Added after the first release.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A label.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Label {
    /// The label's id.
    pub id: Uuid,
    /// Its name, unique in the team whatever its case.
    pub name: String,
    /// One of [`LABEL_COLORS`].
    pub color: String,
}

impl Label {
    /// The place of its colour in [`LABEL_COLORS`] (the first for a colour not there): the
    /// dashboard draws it with the class `label-N`, since its CSP allows no inline styles.
    pub fn palette_index(&self) -> usize {
        LABEL_COLORS
            .iter()
            .position(|color| *color == self.color)
            .unwrap_or_default()
    }
}

/// The colours a label may have: each dark enough for white text (contrast ≥ 4.5:1).
pub const LABEL_COLORS: [&str; 8] = [
    "#1d4ed8", "#047857", "#b91c1c", "#a16207", "#7e22ce", "#0e7490", "#be185d", "#4b5563",
];

/// Longest label name, in characters.
pub const MAX_LABEL_CHARS: usize = 50;

/// Most labels one chat carries.
pub const MAX_LABELS_PER_CHAT: usize = 20;
