//! Configuration from flags and environment variables (every flag has a `CONFAB_*` or
//! `DATABASE_URL` variable). README.md and `.env.example` document the same table.

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use clap::{Args, Parser, Subcommand};
use leptos::prelude::LeptosOptions;

/// Where data lives when nothing is configured: a SQLite file beside the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/confab.db?mode=rwc";

/// The name cargo-leptos gives the wasm, js and css files (`output-name` in Cargo.toml).
const SITE_OUTPUT_NAME: &str = "confab";

/// `confab [serve flags]` or `confab <command>`.
#[derive(Debug, Parser)]
#[command(
    name = "confab",
    version,
    about = "Confab: self-hosted live support chat",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; serving is the default.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Flags of `serve`, accepted without the word `serve`.
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Flags every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Commands of the `confab` binary.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app, the API and the widget (the default).
    Serve(ServeArgs),
    /// Inspect or change the database schema.
    Migrate {
        /// What to do with the migrations.
        #[command(subcommand)]
        action: MigrateAction,
    },
}

/// `confab migrate …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration (`serve` does this on start too).
    Up,
    /// Roll back the newest applied migrations.
    Down {
        /// How many migrations to roll back.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List every migration and whether it is applied.
    Status,
    /// Drop every table and apply all migrations again. Destroys all data.
    Fresh {
        /// Confirms that all data may be destroyed.
        #[arg(long)]
        yes: bool,
    },
}

/// Flags every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Database URL: `sqlite://PATH?mode=rwc` or `postgres://USER:PASSWORD@HOST:PORT/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,
    /// Log filter, e.g. `info` or `info,server=debug`.
    #[arg(long, env = "CONFAB_LOG", default_value = "info", global = true)]
    pub log: String,
}

/// Flags of `confab serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "CONFAB_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// The address people reach Confab at, e.g. `https://support.example.com`, used for links
    /// in emails and for cookie security. Defaults to `http://` + the listening address.
    #[arg(long, env = "CONFAB_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
    /// Directory of the built site (wasm, js, css and public assets) made by
    /// `cargo leptos build`.
    #[arg(long, env = "CONFAB_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
}

impl ServeArgs {
    /// The public URL, without a trailing slash.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
    }

    /// Leptos' view of the site: where assets live and what pages link to.
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(SITE_OUTPUT_NAME)
            .site_root(Arc::<str>::from(self.site_root.to_string_lossy()))
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .build()
    }
}

/// Accepts an absolute http(s) URL and drops a trailing slash.
fn parse_public_url(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| format!("{raw:?} must start with http:// or https://"))?;
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err(format!("{raw:?} has no host"));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[test]
    fn serve_is_the_default_command() {
        let cli = Cli::try_parse_from(["confab", "--addr", "127.0.0.1:4000"]).expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.addr.port(), 4000);
    }

    #[test]
    fn global_flags_work_after_a_subcommand() {
        let cli = Cli::try_parse_from(["confab", "migrate", "down", "--database-url", "x://y"])
            .expect("parses");
        assert_eq!(cli.global.database_url, "x://y");
        assert!(matches!(
            cli.command,
            Some(Command::Migrate {
                action: MigrateAction::Down { steps: 1 }
            })
        ));
    }

    #[test]
    fn public_url_is_validated_and_normalised() {
        assert_eq!(
            parse_public_url("https://chat.example.com/").as_deref(),
            Ok("https://chat.example.com")
        );
        assert!(parse_public_url("chat.example.com").is_err());
        assert!(parse_public_url("https://").is_err());
    }

    #[test]
    fn public_url_defaults_to_the_listening_address() {
        let cli = Cli::try_parse_from(["confab", "--addr", "127.0.0.1:4000"]).expect("parses");
        assert_eq!(cli.serve.public_url(), "http://127.0.0.1:4000");
    }
}
