//! Enumerated columns: how the database stores who wrote a message and what a person may do.
//! They mirror `wire::model::{SenderType, Role}` value for value; the wire types carry no
//! database derives, so the conversions below are the one place the two meet.

use sea_orm::entity::prelude::*;
use wire::model::{Role, SenderType};

/// `support_messages.sender_type` and `support_chats.last_message_sender`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(sea_orm::sea_query::StringLen::N(16))"
)]
pub enum SenderColumn {
    /// The person asking for support.
    #[sea_orm(string_value = "user")]
    User,
    /// A member of the support staff.
    #[sea_orm(string_value = "admin")]
    Admin,
}

/// `users.role`: `admin` means staff, whichever kind ([`StaffRoleColumn`] says which).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(sea_orm::sea_query::StringLen::N(16))"
)]
pub enum RoleColumn {
    /// An end user or a visitor of an embedding site.
    #[sea_orm(string_value = "user")]
    User,
    /// Support staff.
    #[sea_orm(string_value = "admin")]
    Admin,
}

/// `users.staff_role`: which kind of staff member (null for everyone else).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(sea_orm::sea_query::StringLen::N(16))"
)]
pub enum StaffRoleColumn {
    /// Manages the team and settings, and works conversations.
    #[sea_orm(string_value = "admin")]
    Admin,
    /// Works conversations.
    #[sea_orm(string_value = "agent")]
    Agent,
}

impl From<SenderColumn> for SenderType {
    fn from(stored: SenderColumn) -> Self {
        match stored {
            SenderColumn::User => Self::User,
            SenderColumn::Admin => Self::Admin,
        }
    }
}

impl From<SenderType> for SenderColumn {
    fn from(sender: SenderType) -> Self {
        match sender {
            SenderType::User => Self::User,
            SenderType::Admin => Self::Admin,
        }
    }
}

impl From<Role> for RoleColumn {
    /// Both kinds of staff are stored as `admin` (staff); [`StaffRoleColumn`] tells them apart.
    fn from(role: Role) -> Self {
        match role {
            Role::User => Self::User,
            Role::Admin | Role::Agent => Self::Admin,
        }
    }
}

impl StaffRoleColumn {
    /// The staff kind of `role`; `None` for users.
    pub fn of(role: Role) -> Option<Self> {
        match role {
            Role::User => None,
            Role::Admin => Some(Self::Admin),
            Role::Agent => Some(Self::Agent),
        }
    }
}
