//! Per-chat message sequence numbers and client ids.
//!
//! `support_messages.seq` numbers a chat's messages 1, 2, 3, … with no gaps, in commit order
//! (the posting transaction takes the next number from `support_chats.last_seq` under a lock
//! on the chat row), so "every message after seq N" is a resume cursor that can never skip a
//! message, unlike timestamps, which are taken before commit. `client_id` is the sender's own
//! id for a message: resending it never creates a second row. Existing messages are numbered
//! in their (created_at, id) order.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_indexes, index, m20261122_000002_create_support_chats::SupportChats};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupportMessages {
    Table,
    Seq,
    ClientId,
    ChatId,
}

#[derive(DeriveIden)]
enum SupportChatsLastSeq {
    LastSeq,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        let columns = [
            (
                SupportChats::Table.into_iden(),
                big_integer(SupportChatsLastSeq::LastSeq)
                    .default(0)
                    .to_owned(),
            ),
            (
                SupportMessages::Table.into_iden(),
                big_integer(SupportMessages::Seq).default(0).to_owned(),
            ),
            (
                SupportMessages::Table.into_iden(),
                uuid_null(SupportMessages::ClientId),
            ),
        ];
        for (table, mut column) in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE support_messages SET seq = numbered.n \
             FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY chat_id ORDER BY created_at, id) AS n \
                   FROM support_messages) AS numbered \
             WHERE support_messages.id = numbered.id",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE support_chats SET last_seq = \
             (SELECT COALESCE(MAX(seq), 0) FROM support_messages WHERE chat_id = support_chats.id)",
        )
        .await?;
        create_indexes(
            manager,
            [
                index(
                    "idx_support_messages_chat_id_seq",
                    SupportMessages::Table,
                    [SupportMessages::ChatId, SupportMessages::Seq],
                )
                .unique()
                .to_owned(),
                index(
                    "idx_support_messages_chat_id_client_id",
                    SupportMessages::Table,
                    [SupportMessages::ChatId, SupportMessages::ClientId],
                )
                .unique()
                .to_owned(),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "idx_support_messages_chat_id_seq",
            "idx_support_messages_chat_id_client_id",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(SupportMessages::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [SupportMessages::Seq, SupportMessages::ClientId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SupportMessages::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(SupportChats::Table)
                    .drop_column(SupportChatsLastSeq::LastSeq)
                    .to_owned(),
            )
            .await
    }
}
