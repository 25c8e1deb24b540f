//! A row of `chat_notes`: a private note staff wrote in a conversation. A table apart from
//! `support_messages`, so nothing that reads a user's messages can select one.

use sea_orm::entity::prelude::*;

/// One note. Ordered by `id` (UUID v7) within its chat.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_notes")]
pub struct Model {
    /// UUID v7: notes sort by it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The chat the note is about.
    pub chat_id: Uuid,
    /// The staff member who wrote it.
    pub author_id: Uuid,
    /// The writer's own id for the note; a resend with the same one is the same note.
    pub client_id: Option<Uuid>,
    /// The text, trimmed, never empty.
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// When it was written.
    pub created_at: DateTimeUtc,
}

/// Tables `chat_notes` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The chat the note is about.
    #[sea_orm(
        belongs_to = "super::support_chat::Entity",
        from = "Column::ChatId",
        to = "super::support_chat::Column::Id",
        on_delete = "Cascade"
    )]
    SupportChat,
}

impl Related<super::support_chat::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SupportChat.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
