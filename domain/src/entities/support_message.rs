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
    /// The staff member who wrote it; `None` for the user's messages (and for staff messages
    /// older than authorship).
    pub author_id: Option<Uuid>,
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

impl Model {
    /// The message as the widget, the dashboard and the API show it, with its author
    /// (`crate::team::authors` finds the authors of many messages in one query).
    pub fn view(self, author: Option<wire::team::Author>) -> wire::model::SupportMessage {
        wire::model::SupportMessage {
            id: self.id,
            content: self.content,
            sender_type: self.sender_type.into(),
            read_at: self.read_at,
            created_at: self.created_at,
            seq: self.seq,
            client_id: self.client_id,
            author,
            attachments: Vec::new(),
        }
    }
}
