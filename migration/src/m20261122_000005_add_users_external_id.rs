//! `users.external_id`: the id an embedding site vouches for (HMAC-verified), so one person
//! keeps one conversation across devices.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_indexes, index, m20261122_000001_create_users::Users};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UsersExternalId {
    ExternalId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(UsersExternalId::ExternalId, 255))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            [index(
                "idx_users_external_id",
                Users::Table,
                [UsersExternalId::ExternalId],
            )
            .unique()
            .to_owned()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_users_external_id")
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(UsersExternalId::ExternalId)
                    .to_owned(),
            )
            .await
    }
}
