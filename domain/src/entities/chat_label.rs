//! A row of `chat_labels`: a chat carries a label. It keeps a copy of the chat's
//! `last_message_at` (every message writes it), so one label's chats page along an index in
//! the inbox's order.

use sea_orm::entity::prelude::*;

/// One label on one chat.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_labels")]
pub struct Model {
    /// The chat.
    #[sea_orm(primary_key, auto_increment = false)]
    pub chat_id: Uuid,
    /// The label.
    #[sea_orm(primary_key, auto_increment = false)]
    pub label_id: Uuid,
    /// The chat's `last_message_at`, kept equal to it.
    pub last_message_at: Option<DateTimeUtc>,
    /// When the label was put on the chat.
    pub created_at: DateTimeUtc,
}

/// Tables `chat_labels` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The chat.
    #[sea_orm(
        belongs_to = "super::support_chat::Entity",
        from = "Column::ChatId",
        to = "super::support_chat::Column::Id",
        on_delete = "Cascade"
    )]
    SupportChat,
    /// The label.
    #[sea_orm(
        belongs_to = "super::label::Entity",
        from = "Column::LabelId",
        to = "super::label::Column::Id",
        on_delete = "Cascade"
    )]
    Label,
}

impl Related<super::support_chat::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SupportChat.def()
    }
}

impl Related<super::label::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Label.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
