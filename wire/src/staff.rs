//! The support team's people on the wire: members as the team page and `GET /api/admin/staff`
//! show them, and invitations. Added after the first release.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    model::{Role, UserProfile},
    team::{Avatar, staff_name},
};

/// A member of the team, as `GET /api/admin/staff` lists them: the person (`id`, `email`,
/// `name`, `role` as before) plus, added later, whether they are active and their avatar.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    /// The person; `role` is `admin` or `agent`.
    #[serde(flatten)]
    pub profile: UserProfile,
    /// `false` once deactivated: they cannot sign in and own no chats.
    pub active: bool,
    /// How to draw them.
    pub avatar: Avatar,
}

impl StaffMember {
    /// What colleagues and users see as their name ([`staff_name`]).
    pub fn name(&self) -> String {
        staff_name(self.profile.name.as_deref(), self.profile.email.as_deref())
    }
}

/// An invitation to the team, as the team page shows it (never its link).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// The invitation's id.
    pub id: Uuid,
    /// Who is invited.
    pub email: String,
    /// Their name, as the admin typed it.
    pub name: Option<String>,
    /// `admin` or `agent`.
    pub role: Role,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
    /// Whether the email went out.
    pub email_sent: bool,
}

/// The team page: who is on the team, the invitations waiting (for admins), and whether the
/// reader manages the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamOverview {
    /// Every staff account, oldest first.
    pub members: Vec<StaffMember>,
    /// Invitations not yet used, newest first; empty for agents.
    pub invitations: Vec<Invitation>,
    /// Whether the reader is an admin.
    pub manage: bool,
    /// The reader.
    pub viewer: Uuid,
}
