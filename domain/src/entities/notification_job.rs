//! A row of `notification_jobs`: one reply email to send (or that was sent, skipped or failed).

use sea_orm::entity::prelude::*;

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum JobStatus {
    /// Waiting for `run_at` (also while being sent: `run_at` then holds the lease's end).
    #[sea_orm(string_value = "pending")]
    Pending,
    /// The email went out.
    #[sea_orm(string_value = "sent")]
    Sent,
    /// A guard found no reason to send (see `skipped_reason`).
    #[sea_orm(string_value = "skipped")]
    Skipped,
    /// Every attempt failed (see `last_error`).
    #[sea_orm(string_value = "failed")]
    Failed,
}

/// A reply email job for one chat.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_jobs")]
pub struct Model {
    /// UUID v7; also the stable part of the email's `Message-ID`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The chat whose staff replies the email announces.
    pub chat_id: Uuid,
    /// The staff reply that created the job.
    pub first_message_id: Uuid,
    /// When the job is due (or, while claimed, when its lease ends).
    pub run_at: DateTimeUtc,
    /// Attempts made so far.
    pub attempts: i32,
    /// Where it stands.
    pub status: JobStatus,
    /// The last attempt's failure, for operators.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// When the email went out.
    pub sent_at: Option<DateTimeUtc>,
    /// Why no email was needed: `read`, `archived`, `no_email`, `unsubscribed`.
    pub skipped_reason: Option<String>,
    /// When the job was created.
    pub created_at: DateTimeUtc,
    /// When the row last changed.
    pub updated_at: DateTimeUtc,
}

/// Tables `notification_jobs` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The chat the job belongs to.
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
