//! `staff_invitations`: admins invite colleagues by email. The row is also the invitation
//! email's durable job: the mail worker claims rows whose email has not gone out (`run_at` is
//! when it is due, or while claimed the lease's end), so an invitation written survives
//! restarts and is sent once per claim. The link's token is kept in clear only until the email
//! went out (the worker writes it into the link); from then on only its SHA-256 remains, which
//! is what accepting looks up. An invitation is single-use (`accepted_at`) and expires.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{create_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffInvitations {
    Table,
    Id,
    Email,
    Name,
    StaffRole,
    TokenHash,
    Token,
    InvitedBy,
    ExpiresAt,
    AcceptedAt,
    RevokedAt,
    EmailSentAt,
    RunAt,
    Attempts,
    LastError,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffInvitations::Table)
                    .col(pk_uuid(StaffInvitations::Id))
                    .col(string_len(StaffInvitations::Email, 320))
                    .col(string_len_null(StaffInvitations::Name, 200))
                    .col(
                        string_len(StaffInvitations::StaffRole, 16).check(
                            Expr::col(StaffInvitations::StaffRole).is_in(["admin", "agent"]),
                        ),
                    )
                    .col(string_len(StaffInvitations::TokenHash, 64))
                    .col(string_len_null(StaffInvitations::Token, 64))
                    .col(uuid_null(StaffInvitations::InvitedBy))
                    .col(timestamp_with_time_zone(StaffInvitations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(StaffInvitations::AcceptedAt))
                    .col(timestamp_with_time_zone_null(StaffInvitations::RevokedAt))
                    .col(timestamp_with_time_zone_null(StaffInvitations::EmailSentAt))
                    .col(timestamp_with_time_zone(StaffInvitations::RunAt))
                    .col(integer(StaffInvitations::Attempts).default(0))
                    .col(text_null(StaffInvitations::LastError))
                    .col(timestamp_with_time_zone(StaffInvitations::CreatedAt))
                    .to_owned(),
            )
            .await?;
        let mut token = index(
            "idx_staff_invitations_token_hash",
            StaffInvitations::Table,
            [StaffInvitations::TokenHash],
        );
        token.unique();
        create_indexes(
            manager,
            [
                token,
                index(
                    "idx_staff_invitations_email",
                    StaffInvitations::Table,
                    [StaffInvitations::Email],
                ),
                // The mail worker's question: which invitation emails are due, soonest first.
                index(
                    "idx_staff_invitations_email_sent_at_run_at",
                    StaffInvitations::Table,
                    [StaffInvitations::EmailSentAt, StaffInvitations::RunAt],
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffInvitations::Table).to_owned())
            .await
    }
}
