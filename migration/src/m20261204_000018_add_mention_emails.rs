//! Mention emails: a colleague a note mentions gets an email when they have not seen it
//! within the reply emails' delay. The mention row is the email's durable job, as an
//! invitation's row is: `email_run_at` is when it is due (or, while claimed, when the lease
//! ends), `NULL` once it went out, was not needed or gave up; `email_attempts`, `emailed_at`
//! and `email_error` say how it went.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NoteMentions {
    Table,
    EmailRunAt,
    EmailAttempts,
    EmailedAt,
    EmailError,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for mut column in [
            timestamp_with_time_zone_null(NoteMentions::EmailRunAt),
            integer(NoteMentions::EmailAttempts).default(0).to_owned(),
            timestamp_with_time_zone_null(NoteMentions::EmailedAt),
            text_null(NoteMentions::EmailError),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(NoteMentions::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // The mail worker's question: which mention emails are due, soonest first.
        create_indexes(
            manager,
            [index(
                "idx_note_mentions_email_run_at",
                NoteMentions::Table,
                [NoteMentions::EmailRunAt],
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_note_mentions_email_run_at")
                    .table(NoteMentions::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            NoteMentions::EmailRunAt,
            NoteMentions::EmailAttempts,
            NoteMentions::EmailedAt,
            NoteMentions::EmailError,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(NoteMentions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
