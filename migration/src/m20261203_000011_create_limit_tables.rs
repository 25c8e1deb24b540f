//! Tables behind the limits that several instances share on PostgreSQL: token buckets
//! (`rate_limit_buckets`) and leases on socket slots (`socket_leases`). `UNLOGGED`: counts
//! that vanish in a crash cost nothing but a fresh allowance, and skipping the WAL keeps each
//! message's bucket update cheap. SQLite runs one process, which counts in memory.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNLOGGED TABLE rate_limit_buckets (
                     key text PRIMARY KEY,
                     tokens double precision NOT NULL,
                     updated_at timestamptz NOT NULL,
                     full_at timestamptz NOT NULL
                 );
                 CREATE INDEX idx_rate_limit_buckets_full_at ON rate_limit_buckets (full_at);
                 CREATE UNLOGGED TABLE socket_leases (
                     id uuid PRIMARY KEY,
                     key text NOT NULL,
                     instance uuid NOT NULL,
                     expires_at timestamptz NOT NULL
                 );
                 CREATE INDEX idx_socket_leases_key ON socket_leases (key, expires_at);
                 CREATE INDEX idx_socket_leases_instance ON socket_leases (instance);",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE socket_leases; DROP TABLE rate_limit_buckets;")
            .await?;
        Ok(())
    }
}
