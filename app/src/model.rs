//! Wire types shared by the browser and the server. Field names follow the spec's JSON exactly.

use serde::{Deserialize, Serialize};

/// Who wrote a message. Stored as the strings `user` / `admin`, sent the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(16))"
    )
)]
pub enum SenderType {
    /// The person asking for support.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "user"))]
    User,
    /// A member of the support staff.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "admin"))]
    Admin,
}

/// What a person may do: users talk in their own chat, admins answer every chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(16))"
    )
)]
pub enum Role {
    /// An end user or a visitor of an embedding site.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "user"))]
    User,
    /// Support staff.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "admin"))]
    Admin,
}

/// What the landing page shows about the running server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppStatus {
    /// The server's version (its crate version).
    pub version: String,
    /// The database backend in words, e.g. `SQLite` or `PostgreSQL`.
    pub database: String,
}

/// A person as the UI and the API show them: never secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserProfile {
    /// The user's id.
    pub id: uuid::Uuid,
    /// Their email, when known.
    pub email: Option<String>,
    /// Their display name, when known.
    pub name: Option<String>,
    /// `user` or `admin`.
    pub role: Role,
    /// Whether an embedding site vouched for this identity.
    pub verified: bool,
}

impl UserProfile {
    /// What to call the person in the UI: name, else email, else "Visitor".
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.email.as_deref())
            .unwrap_or("Visitor")
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::entities::user::Model> for UserProfile {
    fn from(user: crate::server::entities::user::Model) -> Self {
        Self {
            id: user.id,
            email: user.email,
            name: user.name,
            role: user.role,
            verified: user.external_id.is_some(),
        }
    }
}
