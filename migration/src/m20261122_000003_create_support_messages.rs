//! `support_messages`: every message of every chat. Ids are UUID v7, so (created_at, id) gives
//! a total, stable order even for two messages written in the same microsecond.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_indexes, index, m20261122_000002_create_support_chats::SupportChats};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum SupportMessages {
    Table,
    Id,
    ChatId,
    Content,
    SenderType,
    ReadAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SupportMessages::Table)
                    .col(pk_uuid(SupportMessages::Id))
                    .col(uuid(SupportMessages::ChatId))
                    .col(text(SupportMessages::Content))
                    .col(
                        string_len(SupportMessages::SenderType, 16)
                            .check(Expr::col(SupportMessages::SenderType).is_in(["user", "admin"])),
                    )
                    .col(timestamp_with_time_zone_null(SupportMessages::ReadAt))
                    .col(timestamp_with_time_zone(SupportMessages::CreatedAt))
                    .col(timestamp_with_time_zone(SupportMessages::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_support_messages_chat_id")
                            .from(SupportMessages::Table, SupportMessages::ChatId)
                            .to(SupportChats::Table, SupportChats::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The spec asks for both; the single-column index also serves foreign-key checks when a
        // chat is deleted, the composite one serves "messages of a chat in order".
        create_indexes(
            manager,
            [
                index(
                    "idx_support_messages_chat_id",
                    SupportMessages::Table,
                    [SupportMessages::ChatId],
                ),
                index(
                    "idx_support_messages_chat_id_created_at",
                    SupportMessages::Table,
                    [SupportMessages::ChatId, SupportMessages::CreatedAt],
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SupportMessages::Table).to_owned())
            .await
    }
}
