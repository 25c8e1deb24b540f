//! A row of `users`: a signed-in user, an anonymous visitor (no email) or a staff member.

use sea_orm::entity::prelude::*;

use super::columns::{RoleColumn, StaffRoleColumn};
use wire::model::Role;

/// A person known to Confab. No `Serialize`: the password hash must never reach a client.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Unique when present; anonymous visitors have none.
    pub email: Option<String>,
    /// Display name, when known.
    pub name: Option<String>,
    /// `user`, or `admin` for staff of either kind.
    pub role: RoleColumn,
    /// Staff only: `admin` or `agent`.
    pub staff_role: Option<StaffRoleColumn>,
    /// Argon2id PHC string; `None` for people who cannot sign in with a password.
    pub password_hash: Option<String>,
    /// The id an embedding site vouched for (`user-hash` or identity token); unique when present.
    pub external_id: Option<String>,
    /// Whether the email came in an identity token the embedding site signed.
    pub email_verified: bool,
    /// When the person asked for no more reply emails.
    pub unsubscribed_at: Option<DateTimeUtc>,
    /// The random capability their emails' unsubscribe links carry (made with the first email).
    pub unsubscribe_token: Option<String>,
    /// Staff only: when an admin deactivated them (they cannot sign in while set).
    pub deactivated_at: Option<DateTimeUtc>,
    /// Staff only: when one of their dashboards last showed a sign of life ("online").
    pub last_seen_at: Option<DateTimeUtc>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row last changed.
    pub updated_at: DateTimeUtc,
}

/// Tables `users` points to: none. Tables pointing here (a user's chat, their sessions) declare
/// the way back beside their own relation, so no entity imports one that imports it back.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Whether this person is support staff (answers every chat): an admin or an agent who
    /// was not deactivated.
    pub fn is_staff(&self) -> bool {
        self.role == RoleColumn::Admin && self.deactivated_at.is_none()
    }

    /// What this person may do.
    pub fn role(&self) -> Role {
        match (self.role, self.staff_role) {
            (RoleColumn::User, _) => Role::User,
            (RoleColumn::Admin, Some(StaffRoleColumn::Agent)) => Role::Agent,
            (RoleColumn::Admin, _) => Role::Admin,
        }
    }

    /// Whether this person manages the team (an active staff admin).
    pub fn is_team_admin(&self) -> bool {
        self.is_staff() && self.role() == Role::Admin
    }

    /// What colleagues and users see as this staff member's name (`wire::team::staff_name`).
    pub fn display_name(&self) -> String {
        wire::team::staff_name(self.name.as_deref(), self.email.as_deref())
    }

    /// The side of a chat this person writes on.
    pub fn side(&self) -> wire::model::SenderType {
        if self.is_staff() {
            wire::model::SenderType::Admin
        } else {
            wire::model::SenderType::User
        }
    }
}

/// A person as the UI and the API show them: no secrets.
impl From<Model> for wire::model::UserProfile {
    fn from(user: Model) -> Self {
        let role = user.role();
        Self {
            id: user.id,
            email_verified: user.email.is_some() && user.email_verified,
            email: user.email,
            name: user.name,
            role,
            verified: user.external_id.is_some(),
        }
    }
}
