//! `confab backup PATH`: a consistent copy of a SQLite database while Confab keeps serving.
//! `VACUUM INTO` writes a new, compacted database file from one read transaction, so writers
//! never wait on it and the copy is never half-written. PostgreSQL has its own tools
//! (`pg_dump`), which this command points to.

use std::path::Path;

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use crate::{config::GlobalArgs, database};

/// Writes a copy of the configured SQLite database to `path`, which must not exist yet.
pub(crate) async fn backup(path: &Path, global: &GlobalArgs) -> anyhow::Result<()> {
    let db = database::connect(&global.database_url).await?;
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        bail!(
            "`confab backup` copies SQLite databases; back up PostgreSQL with its own tools, e.g. `pg_dump --format=custom`"
        );
    }
    if path.exists() {
        bail!("{} exists already; choose a new file name", path.display());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    let target = path
        .to_str()
        .context("the backup path must be valid UTF-8")?
        .to_owned();
    db.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await
    .with_context(|| format!("could not write the backup to {}", path.display()))?;
    println!("backed up to {}", path.display());
    Ok(())
}
