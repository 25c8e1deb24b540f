//! The team inbox: who wrote a staff message, who owns a chat and what state it is in, what
//! staff did to it, and the team's own columns.
//!
//! - `users.staff_role` (`admin` | `agent`, staff only) and `users.deactivated_at`,
//!   `users.last_seen_at` (a dashboard's last sign of life: "online" for auto-assignment).
//!   Staff keep `role = 'admin'`, which the spec's checks read as "staff": SQLite cannot change
//!   the `role` column's CHECK in place, and every existing check keeps its meaning this way.
//!   Existing staff become `admin`.
//! - `support_chats.assignee_id` and `support_chats.snoozed_until`. A chat is resolved while
//!   `archived_at` is set (the spec's archive), snoozed while `snoozed_until` is set, open
//!   otherwise; no separate status column can disagree with them.
//! - `support_messages.author_id`: the staff member who wrote it (unknown, so null, for staff
//!   messages written before this migration).
//! - `chat_activity`: one row per change staff (or the user, or a snooze ending) made.
//!
//! Indexes keep each inbox view one walk along an index in list order, as migration 8 does for
//! the active and archived tabs: SQLite one index led by the assignee (Mine and Unassigned),
//! PostgreSQL one partial index per view.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    create_indexes, index, m20261122_000001_create_users::Users,
    m20261122_000002_create_support_chats::SupportChats,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TeamUsers {
    StaffRole,
    DeactivatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum InboxChats {
    AssigneeId,
    SnoozedUntil,
}

#[derive(DeriveIden)]
enum SupportMessages {
    Table,
    AuthorId,
}

#[derive(DeriveIden)]
enum ChatActivity {
    Table,
    Id,
    ChatId,
    Kind,
    ActorId,
    AssigneeId,
    SnoozedUntil,
    CreatedAt,
}

/// The inbox views' list-order indexes of each backend: (name, columns, rows covered).
fn view_indexes(
    backend: sea_orm::DatabaseBackend,
) -> Vec<(&'static str, &'static str, &'static str)> {
    match backend {
        sea_orm::DatabaseBackend::Postgres => vec![
            (
                "idx_support_chats_open_order",
                "last_message_at DESC NULLS LAST, id DESC",
                " WHERE archived_at IS NULL AND snoozed_until IS NULL",
            ),
            (
                "idx_support_chats_mine_order",
                "assignee_id, last_message_at DESC NULLS LAST, id DESC",
                " WHERE archived_at IS NULL AND snoozed_until IS NULL",
            ),
            (
                "idx_support_chats_unassigned_order",
                "last_message_at DESC NULLS LAST, id DESC",
                " WHERE assignee_id IS NULL AND archived_at IS NULL AND snoozed_until IS NULL",
            ),
            (
                "idx_support_chats_snoozed_until",
                "snoozed_until",
                " WHERE snoozed_until IS NOT NULL",
            ),
        ],
        // Mine and Unassigned walk this one (assignee, then active, in list order) and skip the
        // few snoozed rows; All open walks migration 8's index the same way.
        _ => vec![
            (
                "idx_support_chats_assignee_order",
                "assignee_id, archived_at, last_message_at DESC, id DESC",
                "",
            ),
            (
                "idx_support_chats_snoozed_until",
                "snoozed_until",
                " WHERE snoozed_until IS NOT NULL",
            ),
        ],
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        let user_columns = [
            string_len_null(TeamUsers::StaffRole, 16)
                .check(Expr::col(TeamUsers::StaffRole).is_in(["admin", "agent"]))
                .to_owned(),
            timestamp_with_time_zone_null(TeamUsers::DeactivatedAt),
            timestamp_with_time_zone_null(TeamUsers::LastSeenAt),
        ];
        for mut column in user_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared("UPDATE users SET staff_role = 'admin' WHERE role = 'admin'")
            .await?;
        for mut column in [
            uuid_null(InboxChats::AssigneeId),
            timestamp_with_time_zone_null(InboxChats::SnoozedUntil),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SupportChats::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(SupportMessages::Table)
                    .add_column(uuid_null(SupportMessages::AuthorId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChatActivity::Table)
                    .col(pk_uuid(ChatActivity::Id))
                    .col(uuid(ChatActivity::ChatId))
                    .col(string_len(ChatActivity::Kind, 32))
                    .col(uuid_null(ChatActivity::ActorId))
                    .col(uuid_null(ChatActivity::AssigneeId))
                    .col(timestamp_with_time_zone_null(ChatActivity::SnoozedUntil))
                    .col(timestamp_with_time_zone(ChatActivity::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_chat_activity_chat_id")
                            .from(ChatActivity::Table, ChatActivity::ChatId)
                            .to(SupportChats::Table, SupportChats::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            [index(
                "idx_chat_activity_chat_id",
                ChatActivity::Table,
                [ChatActivity::ChatId, ChatActivity::Id],
            )],
        )
        .await?;
        for (name, columns, rows) in view_indexes(manager.get_database_backend()) {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "CREATE INDEX {name} ON support_chats ({columns}){rows}"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _, _) in view_indexes(manager.get_database_backend()) {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP INDEX {name}"))
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ChatActivity::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SupportMessages::Table)
                    .drop_column(SupportMessages::AuthorId)
                    .to_owned(),
            )
            .await?;
        for column in [InboxChats::AssigneeId, InboxChats::SnoozedUntil] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SupportChats::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            TeamUsers::StaffRole,
            TeamUsers::DeactivatedAt,
            TeamUsers::LastSeenAt,
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
        Ok(())
    }
}
