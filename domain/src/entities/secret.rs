//! A row of `secrets`: a key every instance shares, created by the first that needs it.

use sea_orm::entity::prelude::*;

/// A named shared key.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "secrets")]
pub struct Model {
    /// What it is for, e.g. `file_links`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// The key, hex-encoded.
    #[sea_orm(column_type = "Text")]
    pub value: String,
    /// When it was made: the last rotation.
    pub created_at: DateTimeUtc,
}

/// `secrets` points nowhere.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
