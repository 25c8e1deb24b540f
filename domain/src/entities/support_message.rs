//! A row of `support_messages`: one message in a chat, from the user or from staff.

use sea_orm::entity::prelude::*;

use super::columns::SenderColumn;

/// One message. Ordered by `seq` within its chat (and equally by (`created_at`, `id`)).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_messages")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The chat the message belongs to.
    pub chat_id: Uuid,
    /// Position in the chat: 1, 2, 3, … with no gaps, in commit order.
    pub seq: i64,
    /// The sender's own id for the message; a resend with the same one is the same message.
    pub client_id: Option<Uuid>,
    /// The text, trimmed, never empty.
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// `user` or `admin`.
    pub sender_type: SenderColumn,
    /// When the recipient read it; `None` while unread.
    pub read_at: Option<DateTimeUtc>,
    /// When the message was written.
    pub created_at: DateTimeUtc,
    /// When the row last changed.
    pub updated_at: DateTimeUtc,
}

/// Tables `support_messages` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The chat this message belongs to.
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

/// A chat's messages: the way back of [`Relation::SupportChat`].
impl Related<Entity> for super::support_chat::Entity {
    fn to() -> RelationDef {
        Relation::SupportChat.def().rev()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// A message as the widget, the dashboard and the API show it.
impl From<Model> for wire::model::SupportMessage {
    fn from(m: Model) -> Self {
        Self {
            id: m.id,
            content: m.content,
            sender_type: m.sender_type.into(),
            read_at: m.read_at,
            created_at: m.created_at,
            seq: m.seq,
            client_id: m.client_id,
        }
    }
}
