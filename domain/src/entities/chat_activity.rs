//! A row of `chat_activity`: one change to a chat's owner or state, shown to staff as an
//! activity line ("Maya assigned this to Tom · 10:42", "Maya added billing"). Never read on a user's path.

use sea_orm::entity::prelude::*;

/// What happened, as stored (`wire::team::ActivityKind`'s names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(
    rs_type = "String",
    db_type = "String(sea_orm::sea_query::StringLen::N(32))"
)]
pub enum KindColumn {
    /// Given to `assignee_id`.
    #[sea_orm(string_value = "assigned")]
    Assigned,
    /// Nobody owns it any more.
    #[sea_orm(string_value = "unassigned")]
    Unassigned,
    /// Put away until `snoozed_until`.
    #[sea_orm(string_value = "snoozed")]
    Snoozed,
    /// Resolved (archived).
    #[sea_orm(string_value = "resolved")]
    Resolved,
    /// Reopened by staff.
    #[sea_orm(string_value = "reopened")]
    Reopened,
    /// Reopened by a message from the user.
    #[sea_orm(string_value = "reopened_by_user")]
    ReopenedByUser,
    /// Reopened because its snooze ended.
    #[sea_orm(string_value = "snooze_ended")]
    SnoozeEnded,
    /// `label_id` was put on it.
    #[sea_orm(string_value = "labeled")]
    Labeled,
    /// `label_id` was taken off it.
    #[sea_orm(string_value = "unlabeled")]
    Unlabeled,
}

impl From<KindColumn> for wire::team::ActivityKind {
    fn from(kind: KindColumn) -> Self {
        match kind {
            KindColumn::Assigned => Self::Assigned,
            KindColumn::Unassigned => Self::Unassigned,
            KindColumn::Snoozed => Self::Snoozed,
            KindColumn::Resolved => Self::Resolved,
            KindColumn::Reopened => Self::Reopened,
            KindColumn::ReopenedByUser => Self::ReopenedByUser,
            KindColumn::SnoozeEnded => Self::SnoozeEnded,
            KindColumn::Labeled => Self::Labeled,
            KindColumn::Unlabeled => Self::Unlabeled,
        }
    }
}

/// One activity line.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "chat_activity")]
pub struct Model {
    /// UUID v7: lines sort by it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The chat.
    pub chat_id: Uuid,
    /// What happened.
    pub kind: KindColumn,
    /// The staff member who did it; `None` for the user or Confab itself.
    pub actor_id: Option<Uuid>,
    /// `assigned`: the new owner.
    pub assignee_id: Option<Uuid>,
    /// `snoozed`: until when.
    pub snoozed_until: Option<DateTimeUtc>,
    /// `labeled`, `unlabeled`: the label.
    pub label_id: Option<Uuid>,
    /// When.
    pub created_at: DateTimeUtc,
}

/// Tables `chat_activity` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The chat the line belongs to.
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
