//! `users`: everyone who talks through Confab — signed-in users, anonymous visitors (no email)
//! and support staff (`role = 'admin'`).

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    Email,
    Name,
    Role,
    PasswordHash,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(string_len_null(Users::Email, 320))
                    .col(string_len_null(Users::Name, 200))
                    .col(
                        string_len(Users::Role, 16)
                            .check(Expr::col(Users::Role).is_in(["user", "admin"])),
                    )
                    .col(text_null(Users::PasswordHash))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // A unique index rather than a column constraint: NULL emails (anonymous visitors) may
        // repeat on both backends, and the index has a name we can assert on.
        create_indexes(
            manager,
            [index("idx_users_email", Users::Table, [Users::Email])
                .unique()
                .to_owned()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}
