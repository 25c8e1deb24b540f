//! `confab backup PATH`: a consistent copy of a SQLite database while Confab keeps serving.
//! `VACUUM INTO` writes a new, compacted database file from one read transaction, so writers
//! never wait on it and the copy is never half-written. PostgreSQL has its own tools
//! (`pg_dump`), which this command points to.

use std::{
    os::unix::fs::{DirBuilderExt, OpenOptionsExt},
    path::Path,
};

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
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    // The copy holds every conversation, email and password hash: readable by its owner only,
    // whatever the umask. `VACUUM INTO` fills an empty file; `create_new` refuses to overwrite.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::AlreadyExists => {
                anyhow::anyhow!("{} exists already; choose a new file name", path.display())
            }
            _ => anyhow::Error::new(err).context(format!("could not create {}", path.display())),
        })?;
    let target = path
        .to_str()
        .context("the backup path must be valid UTF-8")?
        .to_owned();
    let written = db
        .execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            "VACUUM INTO ?",
            [target.into()],
        ))
        .await
        .with_context(|| format!("could not write the backup to {}", path.display()));
    if let Err(err) = written {
        // Leave no empty or half-written file that a later run would refuse to replace.
        let _ = std::fs::remove_file(path);
        return Err(err);
    }
    println!("backed up to {}", path.display());
    Ok(())
}
