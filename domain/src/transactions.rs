//! Transactions as every service starts them: how a transaction that writes begins.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later cannot wait
/// for a concurrent writer when it upgrades its lock and fails at once with "database is
/// locked", whereas an immediate one waits its turn (the busy timeout set when connecting).
/// PostgreSQL ignores the option and keeps its own row locking.
///
/// # Errors
/// When the database fails, or a SQLite writer holds the lock for longer than the busy timeout.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}
