//! `confab migrate up|down|status|fresh`: schema changes by hand, for operators.

use anyhow::{Context, bail};
use migration::{Migrator, MigratorTrait};

use crate::{
    config::{GlobalArgs, MigrateAction},
    database,
};

/// Runs one migration action and prints what the schema looks like afterwards.
pub(crate) async fn migrate(action: MigrateAction, global: &GlobalArgs) -> anyhow::Result<()> {
    let db = database::connect(&global.database_url).await?;
    match action {
        MigrateAction::Up => Migrator::up(&db, None).await.context("migrate up failed")?,
        MigrateAction::Down { steps } => Migrator::down(&db, Some(steps))
            .await
            .context("migrate down failed")?,
        MigrateAction::Fresh { yes: false } => {
            bail!("`migrate fresh` drops every table and all data; add --yes to confirm")
        }
        MigrateAction::Fresh { yes: true } => {
            Migrator::fresh(&db).await.context("migrate fresh failed")?;
        }
        MigrateAction::Status => {}
    }
    for migration in Migrator::get_migration_with_status(&db)
        .await
        .context("could not read migration status")?
    {
        println!("{:<8} {}", migration.status(), migration.name());
    }
    Ok(())
}
