//! The team inbox's wire types: who wrote a staff message, who owns a chat, what state it is
//! in, what staff did to it, and the team itself. All added after the first release, as
//! optional fields and new endpoints beside the spec's.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a chat stands. `resolved` is the spec's "archived".
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatStatus {
    /// Waiting for staff (or for the user): in "All open".
    #[default]
    Open,
    /// Put away until a time; a message from the user, or that time, reopens it.
    Snoozed,
    /// Done (archived); a message from the user reopens it.
    Resolved,
}

/// A staff member as a chat's owner, an activity's actor or assignee: id and display name.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRef {
    /// The staff member's user id.
    pub id: Uuid,
    /// Their display name.
    pub name: String,
}

/// How to draw a person who has no picture: initials on a colour.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Avatar {
    /// One or two letters from the display name.
    pub initials: String,
    /// A CSS colour (`#rrggbb`) chosen from the person's id, the same everywhere.
    pub color: String,
}

/// Colours avatars are drawn on: dark enough for white initials (contrast ≥ 4.5:1). The
/// dashboard's stylesheet has a class for each, in this order (`.avatar-0` …), since its CSP
/// allows no inline styles.
pub const AVATAR_COLORS: [&str; 8] = [
    "#1d4ed8", "#7e22ce", "#be123c", "#b45309", "#047857", "#0e7490", "#4338ca", "#a21caf",
];

impl Avatar {
    /// The place of its colour in [`AVATAR_COLORS`] (the first for a colour not there).
    pub fn palette_index(&self) -> usize {
        AVATAR_COLORS
            .iter()
            .position(|color| *color == self.color)
            .unwrap_or_default()
    }

    /// The default avatar of the person `id` called `name`: the first letters of its first
    /// two words (or its first letter), and a colour that depends on the id only.
    pub fn of(id: Uuid, name: &str) -> Self {
        let initials: String = name
            .split_whitespace()
            .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
            .take(2)
            .flat_map(char::to_uppercase)
            .collect();
        let initials = if initials.is_empty() {
            "?".to_owned()
        } else {
            initials
        };
        let index = id
            .as_bytes()
            .iter()
            .fold(0_usize, |sum, b| sum + *b as usize);
        Self {
            initials,
            color: AVATAR_COLORS[index % AVATAR_COLORS.len()].to_owned(),
        }
    }
}

/// The staff member who wrote a message.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// Their user id.
    pub id: Uuid,
    /// Their display name ("Maya").
    pub name: String,
    /// How to draw them.
    pub avatar: Avatar,
}

impl Author {
    /// The author `id` called `name`, with the default avatar.
    pub fn new(id: Uuid, name: String) -> Self {
        let avatar = Avatar::of(id, &name);
        Self { id, name, avatar }
    }
}

/// What happened to a chat, in an activity line.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// Given to `assignee` (by `actor`, or automatically when `actor` is null).
    Assigned,
    /// Nobody owns it any more (by `actor`, or because its owner was deactivated).
    Unassigned,
    /// Put away until `snoozed_until`.
    Snoozed,
    /// Resolved (archived).
    Resolved,
    /// Reopened by `actor`.
    Reopened,
    /// Reopened by a message from the user.
    ReopenedByUser,
    /// Reopened because its snooze ended.
    SnoozeEnded,
    /// `label` was put on it. Added with labels.
    Labeled,
    /// `label` was taken off it. Added with labels.
    Unlabeled,
}

/// One line of a chat's activity: staff only.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityLine {
    /// The line's id (UUID v7: sorts by time).
    pub id: Uuid,
    /// What happened.
    pub kind: ActivityKind,
    /// The staff member who did it; `null` when the user or Confab itself did.
    pub actor: Option<StaffRef>,
    /// `assigned`: the new owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<StaffRef>,
    /// `snoozed`: until when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// `labeled`, `unlabeled`: the label (absent once the label was deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<crate::labels::Label>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A staff member's name as colleagues and users see it: their name, else the part of their
/// email before the `@` (never the whole address: users see it), else "Support".
pub fn staff_name(name: Option<&str>, email: Option<&str>) -> String {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let local = email
        .and_then(|email| email.split('@').next())
        .filter(|local| !local.is_empty());
    name.or(local).unwrap_or("Support").to_owned()
}

/// How many chats the inbox's views hold for one staff member (Resolved, which only grows,
/// is not counted), and who that is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxCounts {
    /// The staff member the counts are for.
    pub viewer: Uuid,
    /// Open chats they own.
    pub mine: u64,
    /// Open chats nobody owns.
    pub unassigned: u64,
    /// Open chats.
    pub open: u64,
    /// Snoozed chats.
    pub snoozed: u64,
}

impl InboxCounts {
    /// The count shown beside `view`, if it has one.
    pub fn of(&self, view: InboxView) -> Option<u64> {
        match view {
            InboxView::Mine => Some(self.mine),
            InboxView::Unassigned => Some(self.unassigned),
            InboxView::Open => Some(self.open),
            InboxView::Snoozed => Some(self.snoozed),
            InboxView::Resolved => None,
        }
    }
}

/// Which chats the inbox lists.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxView {
    /// Open chats the caller owns.
    Mine,
    /// Open chats nobody owns.
    Unassigned,
    /// Every open chat.
    #[default]
    Open,
    /// Snoozed chats.
    Snoozed,
    /// Resolved (archived) chats.
    Resolved,
}

impl InboxView {
    /// Every view, in the order the inbox shows them.
    pub const ALL: [Self; 5] = [
        Self::Mine,
        Self::Unassigned,
        Self::Open,
        Self::Snoozed,
        Self::Resolved,
    ];

    /// The view's name in URLs (`?view=`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mine => "mine",
            Self::Unassigned => "unassigned",
            Self::Open => "open",
            Self::Snoozed => "snoozed",
            Self::Resolved => "resolved",
        }
    }

    /// The view a URL names.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|view| view.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avatars_take_two_initials_and_a_colour_from_the_id() {
        let id = Uuid::from_u128(7);
        let maya = Avatar::of(id, "maya  van der berg");
        assert_eq!(maya.initials, "MV");
        assert_eq!(Avatar::of(id, "tom").initials, "T");
        assert_eq!(Avatar::of(id, "  ").initials, "?");
        assert_eq!(Avatar::of(id, "Élodie").initials, "É");
        assert_eq!(Avatar::of(id, "x").color, maya.color);
        assert_eq!(AVATAR_COLORS[maya.palette_index()], maya.color);
        assert_ne!(
            Avatar::of(Uuid::from_u128(8), "x").color,
            maya.color,
            "neighbouring ids get other colours"
        );
    }

    #[test]
    fn views_read_back_from_their_names() {
        for view in InboxView::ALL {
            assert_eq!(InboxView::parse(view.as_str()), Some(view));
            assert_eq!(
                serde_json::to_value(view).expect("serialise"),
                view.as_str()
            );
        }
        assert_eq!(InboxView::parse("archived"), None);
    }
}
