//! A row of `labels`: one of the team's words for sorting conversations ("billing", "vip").

use sea_orm::entity::prelude::*;

/// A label.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "labels")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// As admins wrote it, trimmed.
    pub name: String,
    /// The name lower-cased: unique, so two labels never differ only by case.
    pub name_key: String,
    /// One of the palette's colours (`wire::labels::LABEL_COLORS`).
    pub color: String,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// `labels` points nowhere; `chat_labels` points here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
