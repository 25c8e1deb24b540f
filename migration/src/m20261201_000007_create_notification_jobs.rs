//! `notification_jobs`: reply emails waiting to go out, written in the same transaction as the
//! staff reply that causes them, so a job exists exactly when its reply does and survives
//! restarts. One pending job per chat at a time: later replies within the delay join it.
//! `users.unsubscribed_at` and `users.unsubscribe_token`: who asked for no more reply emails,
//! and the capability their email's unsubscribe link carries.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    create_indexes, index, m20261122_000001_create_users::Users,
    m20261122_000002_create_support_chats::SupportChats,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NotificationJobs {
    Table,
    Id,
    ChatId,
    FirstMessageId,
    RunAt,
    Attempts,
    Status,
    LastError,
    SentAt,
    SkippedReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UsersUnsubscribe {
    UnsubscribedAt,
    UnsubscribeToken,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(NotificationJobs::Table)
                    .col(pk_uuid(NotificationJobs::Id))
                    .col(uuid(NotificationJobs::ChatId))
                    .col(uuid(NotificationJobs::FirstMessageId))
                    .col(timestamp_with_time_zone(NotificationJobs::RunAt))
                    .col(integer(NotificationJobs::Attempts).default(0))
                    .col(
                        string_len(NotificationJobs::Status, 16).check(
                            Expr::col(NotificationJobs::Status)
                                .is_in(["pending", "sent", "skipped", "failed"]),
                        ),
                    )
                    .col(text_null(NotificationJobs::LastError))
                    .col(timestamp_with_time_zone_null(NotificationJobs::SentAt))
                    .col(string_len_null(NotificationJobs::SkippedReason, 32))
                    .col(timestamp_with_time_zone(NotificationJobs::CreatedAt))
                    .col(timestamp_with_time_zone(NotificationJobs::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notification_jobs_chat_id")
                            .from(NotificationJobs::Table, NotificationJobs::ChatId)
                            .to(SupportChats::Table, SupportChats::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            [
                // The worker's question: which pending jobs are due, soonest first.
                index(
                    "idx_notification_jobs_status_run_at",
                    NotificationJobs::Table,
                    [NotificationJobs::Status, NotificationJobs::RunAt],
                ),
                index(
                    "idx_notification_jobs_chat_id",
                    NotificationJobs::Table,
                    [NotificationJobs::ChatId],
                ),
            ],
        )
        .await?;
        for column in [
            timestamp_with_time_zone_null(UsersUnsubscribe::UnsubscribedAt),
            string_len_null(UsersUnsubscribe::UnsubscribeToken, 64),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            UsersUnsubscribe::UnsubscribedAt,
            UsersUnsubscribe::UnsubscribeToken,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(NotificationJobs::Table).to_owned())
            .await
    }
}
