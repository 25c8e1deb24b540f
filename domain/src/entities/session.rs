//! A row of `sessions`: proof that someone signed in (browser) or was issued a widget token.

use sea_orm::entity::prelude::*;

/// Where a session's token travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum SessionKind {
    /// In the hosted app's HttpOnly cookie.
    #[sea_orm(string_value = "browser")]
    Browser,
    /// In the `Authorization: Bearer` header of the embeddable widget.
    #[sea_orm(string_value = "widget")]
    Widget,
}

/// A session. No `Serialize`: the hash identifies a live credential.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who the session signs in.
    pub user_id: Uuid,
    /// Hex SHA-256 of the token; the token itself is only ever held by the client.
    pub token_hash: String,
    /// Cookie or bearer token.
    pub kind: SessionKind,
    /// When it was issued.
    pub created_at: DateTimeUtc,
    /// After this instant the token is refused.
    pub expires_at: DateTimeUtc,
}

/// Tables `sessions` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The signed-in user.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
