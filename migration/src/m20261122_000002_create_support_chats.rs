//! `support_chats`: one conversation per user, with the timestamps the dashboard sorts and
//! filters by.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_indexes, index, m20261122_000001_create_users::Users};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum SupportChats {
    Table,
    Id,
    UserId,
    LastMessageAt,
    AdminViewedAt,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SupportChats::Table)
                    .col(pk_uuid(SupportChats::Id))
                    .col(uuid(SupportChats::UserId))
                    .col(timestamp_with_time_zone_null(SupportChats::LastMessageAt))
                    .col(timestamp_with_time_zone_null(SupportChats::AdminViewedAt))
                    .col(timestamp_with_time_zone_null(SupportChats::ArchivedAt))
                    .col(timestamp_with_time_zone(SupportChats::CreatedAt))
                    .col(timestamp_with_time_zone(SupportChats::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_support_chats_user_id")
                            .from(SupportChats::Table, SupportChats::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            [
                // One chat per user: the unique index is what makes get-or-create race-free.
                index(
                    "idx_support_chats_user_id",
                    SupportChats::Table,
                    [SupportChats::UserId],
                )
                .unique()
                .to_owned(),
                index(
                    "idx_support_chats_last_message_at",
                    SupportChats::Table,
                    [SupportChats::LastMessageAt],
                ),
                index(
                    "idx_support_chats_archived_at",
                    SupportChats::Table,
                    [SupportChats::ArchivedAt],
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SupportChats::Table).to_owned())
            .await
    }
}
