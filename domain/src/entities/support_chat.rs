//! A row of `support_chats`: the one conversation between a user and the support team.

use sea_orm::entity::prelude::*;

/// A user's chat with support.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_chats")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The user this chat belongs to; unique.
    pub user_id: Uuid,
    /// When the newest message was written; `None` until the first one.
    pub last_message_at: Option<DateTimeUtc>,
    /// When an admin last opened the chat.
    pub admin_viewed_at: Option<DateTimeUtc>,
    /// Set while the chat is archived.
    pub archived_at: Option<DateTimeUtc>,
    /// The `seq` of the newest message; 0 before the first.
    pub last_seq: i64,
    /// How many messages the chat has (the dashboard list's figure).
    pub message_count: i64,
    /// The newest message's preview (`wire::model::preview`); `None` until the first.
    pub last_message_preview: Option<String>,
    /// Who wrote the newest message; `None` until the first.
    pub last_message_sender: Option<super::columns::SenderColumn>,
    /// When the user last wrote: unread for staff when after `admin_viewed_at`.
    pub last_user_message_at: Option<DateTimeUtc>,
    /// The staff member who owns the chat; `None` when nobody does.
    pub assignee_id: Option<Uuid>,
    /// Until when the chat is snoozed; `None` unless snoozed.
    pub snoozed_until: Option<DateTimeUtc>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row last changed.
    pub updated_at: DateTimeUtc,
}

/// Tables `support_chats` points to. Its messages point here (`support_message` declares the
/// way back).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The chat's owner.
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

/// A user has at most one support chat: the way back of [`Relation::User`].
impl Related<Entity> for super::user::Entity {
    fn to() -> RelationDef {
        Relation::User.def().rev()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Whether the chat is archived (resolved).
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }

    /// Where the chat stands: resolved while archived, snoozed while a snooze is set, open
    /// otherwise.
    pub fn status(&self) -> wire::team::ChatStatus {
        use wire::team::ChatStatus;
        if self.archived_at.is_some() {
            ChatStatus::Resolved
        } else if self.snoozed_until.is_some() {
            ChatStatus::Snoozed
        } else {
            ChatStatus::Open
        }
    }
}
