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
        AdminAction::Create {
            email, name, role, ..
        } => {
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
            let staff = accounts::create_staff(&db, &email, name.as_deref(), password, role.into())
                .await
                .map_err(|err| anyhow::anyhow!("{err}"))?;
            println!(
                "created staff account {} ({})",
                staff.email.clone().unwrap_or_default(),
                role_name(staff.role())
            );
        }
        AdminAction::List => {
            for admin in accounts::list_admins(&db)
                .await
                .map_err(|err| anyhow::anyhow!("{err}"))?
            {
                // Columns are only ever added at the end: scripts read them by position.
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    admin.email.clone().unwrap_or_default(),
                    admin.name.clone().unwrap_or_default(),
                    admin.created_at.format("%Y-%m-%d"),
                    role_name(admin.role()),
                    if admin.deactivated_at.is_some() {
                        "deactivated"
                    } else {
                        "active"
                    }
                );
            }
        }
    }
    Ok(())
}

fn role_name(role: wire::model::Role) -> &'static str {
    match role {
        wire::model::Role::Admin => "admin",
        wire::model::Role::Agent => "agent",
        wire::model::Role::User => "user",
    }
}
