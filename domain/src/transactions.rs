//! Transactions as every service starts them: how a transaction that writes begins, and the
//! queue in which SQLite's writers wait for their turn.

use std::{
    collections::HashMap,
    ops::Deref,
    sync::{Arc, LazyLock, Mutex, Weak},
};

use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, ExecResult,
    QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
    prelude::async_trait::async_trait,
};
use tokio::sync::OwnedMutexGuard;

/// A transaction begun by [`begin_write`]: used like the transaction it holds, it also holds
/// its writer's turn (SQLite) until it is committed or dropped.
pub struct WriteTransaction {
    txn: DatabaseTransaction,
    /// Declared after `txn`, so it is released after it: a transaction dropped uncommitted
    /// has already queued its rollback on its connection when the next writer is let in.
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTransaction {
    /// Commits, then lets the next writer in.
    ///
    /// # Errors
    /// When the database refuses the commit; nothing was written.
    pub async fn commit(self) -> Result<(), DbErr> {
        let Self { txn, _turn } = self;
        txn.commit().await
    }
}

impl Deref for WriteTransaction {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait]
impl ConnectionTrait for WriteTransaction {
    fn get_database_backend(&self) -> DatabaseBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later cannot wait
/// for a concurrent writer when it upgrades its lock and fails at once with "database is
/// locked", whereas an immediate one waits its turn. PostgreSQL ignores the option and keeps
/// its own row locking.
///
/// SQLite admits one writer at a time, and one that finds the lock taken waits in SQLite's
/// busy handler, which polls with sleeps growing to 100 ms (1, 2, 5, 10, 15 … ms): under a
/// steady stream of writes the unlucky ones sleep long after the lock came free while
/// newcomers overtake them (at 600 messages/s, a tenth of the messages took over 100 ms to
/// post with the database idle half the time). So SQLite's writers first queue here, first
/// come first served, and each `BEGIN` finds the lock free; the busy timeout set when
/// connecting remains for writers outside this queue (autocommit statements, other processes
/// such as a backup).
///
/// # Errors
/// When the database fails, or a SQLite writer holds the lock for longer than the busy timeout.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTransaction, DbErr> {
    let turn = match db.get_database_backend() {
        DatabaseBackend::Sqlite => Some(writers_of(db).lock_owned().await),
        _ => None,
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    Ok(WriteTransaction { txn, _turn: turn })
}

/// The queue of SQLite writers, per database (tests open many in one process), keyed by
/// the identity of its pool's options, which every clone of the connection shares. A queue
/// lives while someone holds or awaits its turn; an idle database's entry is pruned.
type Queues = HashMap<usize, Weak<tokio::sync::Mutex<()>>>;

static SQLITE_WRITERS: LazyLock<Mutex<Queues>> = LazyLock::new(Mutex::default);

fn writers_of(db: &DatabaseConnection) -> Arc<tokio::sync::Mutex<()>> {
    let key = Arc::as_ptr(&db.get_sqlite_connection_pool().connect_options()) as usize;
    // Every change to the map is one insert or a prune: a poisoned lock is still consistent.
    let mut queues = SQLITE_WRITERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(queue) = queues.get(&key).and_then(Weak::upgrade) {
        return queue;
    }
    queues.retain(|_, queue| queue.strong_count() > 0);
    let queue = Arc::new(tokio::sync::Mutex::new(()));
    queues.insert(key, Arc::downgrade(&queue));
    queue
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectOptions, Database};

    use super::*;

    /// Four writers arrive, one after the other, while a fifth holds the lock: they write in
    /// the order they came. (SQLite's busy handler alone lets the latest arrival, which polls
    /// most often, overtake the others.)
    #[tokio::test(flavor = "current_thread")]
    async fn sqlite_writers_take_their_turns_in_the_order_they_came() {
        let dir = tempfile::tempdir().expect("a directory");
        let url = format!("sqlite://{}/turns.db?mode=rwc", dir.path().display());
        // A connection each (sea-orm's default for SQLite is one, a queue of its own).
        let mut options = ConnectOptions::new(url);
        options.max_connections(5);
        let db = Database::connect(options).await.expect("open SQLite");
        db.execute_unprepared("PRAGMA journal_mode = WAL; CREATE TABLE arrivals (n INTEGER)")
            .await
            .expect("a table");
        let holder = begin_write(&db).await.expect("the lock");
        let mut writers = Vec::new();
        for n in 0..4 {
            let db = db.clone();
            writers.push(tokio::spawn(async move {
                let txn = begin_write(&db).await?;
                txn.execute_unprepared(&format!("INSERT INTO arrivals VALUES ({n})"))
                    .await?;
                txn.commit().await
            }));
            // On this one thread, the writer now runs until it waits for its turn.
            tokio::task::yield_now().await;
        }
        holder.commit().await.expect("commit");
        for writer in writers {
            writer.await.expect("a writer").expect("its write");
        }
        let order: Vec<i32> = db
            .query_all_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                "SELECT n FROM arrivals ORDER BY rowid",
            ))
            .await
            .expect("read")
            .iter()
            .map(|row| row.try_get("", "n").expect("n"))
            .collect();
        assert_eq!(order, [0, 1, 2, 3]);
    }
}
