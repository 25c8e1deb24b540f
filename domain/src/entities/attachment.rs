//! A row of `attachments`: a file someone uploaded, with what its bytes were found to be.
//! The bytes themselves are in storage, under keys made from the id
//! ([`crate::attachments::storage`]).

use sea_orm::entity::prelude::*;

/// An uploaded file.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The chat it was uploaded to; `None` once that chat is gone (the sweeper then deletes
    /// the file).
    pub chat_id: Option<Uuid>,
    /// The message it was sent with; `None` while it waits to be sent.
    pub message_id: Option<Uuid>,
    /// Who uploaded it: only they may send it, and it counts against their quota.
    pub uploader_id: Uuid,
    /// The file's name as its uploader's device gave it, cleaned of paths and controls.
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// Bytes stored (for an image, after re-encoding).
    pub size: i64,
    /// The type its bytes were found to be, e.g. `image/png`.
    #[sea_orm(column_type = "Text")]
    pub content_type: String,
    /// An image's width in pixels.
    pub width: Option<i32>,
    /// An image's height in pixels.
    pub height: Option<i32>,
    /// Whether a thumbnail is stored beside it (images).
    pub has_thumbnail: bool,
    /// When it was uploaded.
    pub created_at: DateTimeUtc,
}

/// `attachments` points at its chat and message, which may go before it.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
