//! Private notes: staff write them inside a conversation for each other, never for its user.
//!
//! - `chat_notes`: a table of their own, apart from `support_messages`, so no query a user's
//!   path makes (history, polling, replay, reply emails, the list's preview and count) can
//!   select one by accident. `client_id` makes a resend idempotent, as for messages.
//! - `note_mentions`: one row per colleague a note mentions (`@name`), with when they saw it:
//!   the Mentions view reads it, newest first per person.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    create_indexes, index, m20261122_000001_create_users::Users,
    m20261122_000002_create_support_chats::SupportChats,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChatNotes {
    Table,
    Id,
    ChatId,
    AuthorId,
    ClientId,
    Content,
    CreatedAt,
}

#[derive(DeriveIden)]
enum NoteMentions {
    Table,
    Id,
    NoteId,
    ChatId,
    UserId,
    SeenAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChatNotes::Table)
                    .col(pk_uuid(ChatNotes::Id))
                    .col(uuid(ChatNotes::ChatId))
                    .col(uuid(ChatNotes::AuthorId))
                    .col(uuid_null(ChatNotes::ClientId))
                    .col(text(ChatNotes::Content))
                    .col(timestamp_with_time_zone(ChatNotes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_chat_notes_chat_id")
                            .from(ChatNotes::Table, ChatNotes::ChatId)
                            .to(SupportChats::Table, SupportChats::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_chat_notes_author_id")
                            .from(ChatNotes::Table, ChatNotes::AuthorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NoteMentions::Table)
                    .col(pk_uuid(NoteMentions::Id))
                    .col(uuid(NoteMentions::NoteId))
                    .col(uuid(NoteMentions::ChatId))
                    .col(uuid(NoteMentions::UserId))
                    .col(timestamp_with_time_zone_null(NoteMentions::SeenAt))
                    .col(timestamp_with_time_zone(NoteMentions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_note_mentions_note_id")
                            .from(NoteMentions::Table, NoteMentions::NoteId)
                            .to(ChatNotes::Table, ChatNotes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_note_mentions_user_id")
                            .from(NoteMentions::Table, NoteMentions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let mut resend = index(
            "idx_chat_notes_chat_id_client_id",
            ChatNotes::Table,
            [ChatNotes::ChatId, ChatNotes::ClientId],
        );
        resend.unique();
        let mut once = index(
            "idx_note_mentions_note_id_user_id",
            NoteMentions::Table,
            [NoteMentions::NoteId, NoteMentions::UserId],
        );
        once.unique();
        create_indexes(
            manager,
            [
                // A conversation's notes, in order.
                index(
                    "idx_chat_notes_chat_id",
                    ChatNotes::Table,
                    [ChatNotes::ChatId, ChatNotes::Id],
                ),
                resend,
                once,
                // One person's mentions, newest first (the Mentions view).
                index(
                    "idx_note_mentions_user_id",
                    NoteMentions::Table,
                    [NoteMentions::UserId, NoteMentions::Id],
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(NoteMentions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ChatNotes::Table).to_owned())
            .await
    }
}
