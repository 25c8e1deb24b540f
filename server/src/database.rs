//! Opening the database and bringing its schema up to date.

use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection,
    sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
};

/// How long to wait for a database connection before giving up.
const CONNECT_PATIENCE: Duration = Duration::from_secs(10);

/// How long a SQLite writer waits for another writer to finish before it fails. Writes take
/// milliseconds; this only runs out when something holds the lock far too long.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Connections in the pool. SQLite in WAL mode has one writer at a time and any number of
/// readers, so a pool of this size serves concurrent reads while writers queue on the lock.
const POOL_SIZE: u32 = 16;

/// Opens a pool on `url`. For SQLite it first creates the file's directory, so the default
/// `sqlite://data/confab.db?mode=rwc` works in a fresh checkout.
///
/// # Errors
/// When the directory cannot be created or the database does not answer.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = sqlite_file_path(url)
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create the database directory {dir:?}"))?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(POOL_SIZE)
        // Also how long start-up keeps retrying a database that is still booting.
        .acquire_timeout(CONNECT_PATIENCE)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(sqlite_for_a_server);
    Database::connect(options).await.with_context(|| {
        format!(
            "could not open the database at {} (gave up after {} s)",
            redact_url(url),
            CONNECT_PATIENCE.as_secs()
        )
    })
}

/// SQLite set up for many concurrent requests: write-ahead logging (readers never block the
/// writer, nor it them), a busy timeout so writers wait for each other instead of failing,
/// and `synchronous = NORMAL`, which in WAL mode loses no committed transaction on a crash of
/// the process (only, at worst, the last ones on a power cut).
fn sqlite_for_a_server(options: SqliteConnectOptions) -> SqliteConnectOptions {
    options
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .foreign_keys(true)
}

/// Applies every pending migration.
///
/// # Errors
/// When a migration fails; the database is left at the last migration that succeeded.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("could not apply database migrations")
}

/// The file of a `sqlite:` URL, if it names one (not `:memory:`).
fn sqlite_file_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// The URL with any password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_are_found() {
        assert_eq!(
            sqlite_file_path("sqlite://data/confab.db?mode=rwc"),
            Some("data/confab.db")
        );
        assert_eq!(sqlite_file_path("sqlite:///tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_file_path("sqlite::memory:"), None);
        assert_eq!(sqlite_file_path("postgres://h/db"), None);
    }

    #[tokio::test]
    async fn the_bundled_sqlite_plans_without_looking_at_bound_values() {
        use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
        // `.cargo/config.toml` builds SQLite with the query planner stability guarantee; a
        // build without it (LIBSQLITE3_FLAGS overridden) compiles every statement with a
        // bound `LIMIT ?` again at each execution (README, Build notes).
        let db = connect("sqlite::memory:").await.expect("open SQLite");
        let row = db
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                "SELECT sqlite_compileoption_used('ENABLE_QPSG') AS qpsg",
            ))
            .await
            .expect("ask SQLite")
            .expect("a row");
        assert_eq!(row.try_get::<i32>("", "qpsg").expect("a number"), 1);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://confab:s3cret@db:5432/confab"),
            "postgres://confab:***@db:5432/confab"
        );
        assert_eq!(
            redact_url("postgres://confab@db/confab"),
            "postgres://confab@db/confab"
        );
        assert_eq!(
            redact_url("sqlite://data/confab.db"),
            "sqlite://data/confab.db"
        );
    }
}
