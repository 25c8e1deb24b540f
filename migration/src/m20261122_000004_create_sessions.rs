//! `sessions`: who is signed in. Browser sessions (cookie) and widget sessions (bearer token)
//! share the table; only a SHA-256 of each token is stored, never the token.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_indexes, index, m20261122_000001_create_users::Users};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    TokenHash,
    Kind,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_uuid(Sessions::Id))
                    .col(uuid(Sessions::UserId))
                    .col(string_len(Sessions::TokenHash, 64))
                    .col(
                        string_len(Sessions::Kind, 16)
                            .check(Expr::col(Sessions::Kind).is_in(["browser", "widget"])),
                    )
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_user_id")
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            [
                index(
                    "idx_sessions_token_hash",
                    Sessions::Table,
                    [Sessions::TokenHash],
                )
                .unique()
                .to_owned(),
                index("idx_sessions_user_id", Sessions::Table, [Sessions::UserId]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await
    }
}
