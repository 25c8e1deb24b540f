//! A row of `saved_replies`: one answer of the team's library.

use sea_orm::entity::prelude::*;

/// A saved reply.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_replies")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// What the library lists it as.
    pub title: String,
    /// What the composer's picker finds it by (`/refund`), as admins wrote it.
    pub shortcut: String,
    /// The shortcut lower-cased: unique.
    pub shortcut_key: String,
    /// The text it inserts, with `{{user.name}}`-style variables.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// When it was written.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// `saved_replies` points nowhere.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
