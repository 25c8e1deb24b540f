//! `confab admin create|list`: staff accounts from the command line.

use std::io::BufRead;

use anyhow::{Context, bail};
use domain::auth::accounts;

use crate::{
    config::{AdminAction, GlobalArgs},
    database,
};

/// Runs one admin action against the configured database.
pub(crate) async fn admin(action: AdminAction, global: &GlobalArgs) -> anyhow::Result<()> {
    let db = database::connect(&global.database_url).await?;
    database::migrate(&db).await?;
    match action {
        AdminAction::Create { email, name, .. } => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("could not read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            if password.is_empty() {
                bail!(
                    "no password on standard input (try: echo \"$PASSWORD\" | confab admin create --email {email} --password-stdin)"
                );
            }
            let admin = accounts::create_admin(&db, &email, name.as_deref(), password)
                .await
                .map_err(|err| anyhow::anyhow!("{err}"))?;
            println!("created staff account {}", admin.email.unwrap_or_default());
        }
        AdminAction::List => {
            for admin in accounts::list_admins(&db)
                .await
                .map_err(|err| anyhow::anyhow!("{err}"))?
            {
                println!(
                    "{}\t{}\t{}",
                    admin.email.unwrap_or_default(),
                    admin.name.unwrap_or_default(),
                    admin.created_at.format("%Y-%m-%d")
                );
            }
        }
    }
    Ok(())
}
