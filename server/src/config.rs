//! Configuration from flags and environment variables (every flag has a `CONFAB_*` or
//! `DATABASE_URL` variable). README.md and `.env.example` document the same table.

use std::{net::SocketAddr, path::PathBuf, str::FromStr, sync::Arc};

use std::time::Duration;

use domain::{
    attachments::{self, AttachmentSettings, Files, Storage},
    auth::{settings::AuthSettings, visitors::IdentitySecret},
    limits::{LimitSettings, Rate},
    mail::{MailSettings, TransportSettings},
};

use crate::client_addr::{ForwardedHeader, TrustedNet};
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
    Serve(Box<ServeArgs>),
    /// Inspect or change the database schema.
    Migrate {
        /// What to do with the migrations.
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Copy the SQLite database to a new file while Confab keeps running (`VACUUM INTO`).
    Backup {
        /// Where to write the copy; must not exist yet.
        path: PathBuf,
    },
    /// Manage support staff accounts.
    Admin {
        /// What to do with staff accounts.
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Manage attachments.
    Files {
        /// What to do.
        #[command(subcommand)]
        action: FilesAction,
    },
}

/// `confab files …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum FilesAction {
    /// Replace the key file links are signed with: every link handed out so far (in views and
    /// in reply emails) stops working, on every instance within a minute.
    RotateKey,
}

/// `confab admin …`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum AdminAction {
    /// Create a staff account; the password is read from standard input, never from argv.
    Create {
        /// The staff member's email address.
        #[arg(long)]
        email: String,
        /// Their display name.
        #[arg(long)]
        name: Option<String>,
        /// `admin` (manages the team and settings) or `agent` (works conversations).
        #[arg(long, value_enum, default_value_t = StaffRole::Admin)]
        role: StaffRole,
        /// Read the password from the first line of standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List staff accounts.
    List,
}

/// A staff role on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StaffRole {
    /// Manages the team and settings, and works conversations.
    Admin,
    /// Works conversations.
    Agent,
}

impl From<StaffRole> for wire::model::Role {
    fn from(role: StaffRole) -> Self {
        match role {
            StaffRole::Admin => Self::Admin,
            StaffRole::Agent => Self::Agent,
        }
    }
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
    /// Embedding sites and their visitors.
    #[command(flatten)]
    pub widget: WidgetArgs,
    /// Email of a staff account to create at start-up if it does not exist yet.
    #[arg(long, env = "CONFAB_ADMIN_EMAIL", requires = "admin_password")]
    pub admin_email: Option<String>,
    /// Password for `CONFAB_ADMIN_EMAIL` (used only when creating it).
    #[arg(
        long,
        env = "CONFAB_ADMIN_PASSWORD",
        hide_env_values = true,
        requires = "admin_email"
    )]
    pub admin_password: Option<Secret>,
    /// Development only: when there is no staff account, create one with a random password and
    /// print it (`make run` does this).
    #[arg(long)]
    pub dev_admin: bool,
    /// Auto-assignment: a chat nobody owns that gets a user message goes to the online staff
    /// member with the fewest open chats, up to this many each. Unset: off (chats stay
    /// unassigned until someone takes them).
    #[arg(long, env = "CONFAB_AUTO_ASSIGN_CAPACITY",
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub auto_assign_capacity: Option<u32>,
    /// Reply emails.
    #[command(flatten)]
    pub mail: MailArgs,
    /// The network in front: proxies, connections, metrics.
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Limits per person and per client address.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Attachments: where files are stored and what is accepted.
    #[command(flatten)]
    pub files: FileArgs,
}

/// Attachments: where files are stored, what is accepted, and how much.
#[derive(Debug, Clone, Args)]
pub struct FileArgs {
    /// Where attachments are stored: a directory, or an S3-compatible bucket as
    /// `s3://bucket?endpoint=https://…&region=…` (credentials as `access_key_id=` and
    /// `secret_access_key=` parameters or the standard `AWS_*` variables).
    #[arg(long, env = "CONFAB_STORAGE_URL", hide_env_values = true,
          default_value = attachments::storage::DEFAULT_STORAGE_URL)]
    pub storage_url: String,
    /// Largest file accepted, in bytes.
    #[arg(long, env = "CONFAB_ATTACHMENT_MAX_BYTES", default_value_t = attachments::DEFAULT_MAX_BYTES,
          value_parser = clap::value_parser!(u64).range(1..=1 << 32))]
    pub attachment_max_bytes: u64,
    /// Most files one message carries.
    #[arg(long, env = "CONFAB_ATTACHMENTS_PER_MESSAGE", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=20))]
    pub attachments_per_message: u32,
    /// File types accepted, decided from the files' bytes: a comma-separated list of MIME
    /// types. Unset: images (PNG, JPEG, GIF, WebP), PDF, plain text, CSV, ZIP and office
    /// documents. Only PNG, JPEG, GIF and WebP are ever shown inline.
    #[arg(long, env = "CONFAB_ATTACHMENT_TYPES", value_delimiter = ',')]
    pub attachment_types: Vec<String>,
    /// Most bytes of files one person may have stored; 0 for no limit.
    #[arg(long, env = "CONFAB_STORAGE_QUOTA_PER_PERSON", default_value_t = 500 * 1024 * 1024)]
    pub storage_quota_per_person: u64,
    /// Most bytes of files stored in all; 0 for no limit.
    #[arg(long, env = "CONFAB_STORAGE_QUOTA_TOTAL", default_value_t = 0)]
    pub storage_quota_total: u64,
}

/// What stands between Confab and its clients, and where operators look in.
#[derive(Debug, Clone, Args)]
pub struct NetworkArgs {
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` headers name the client:
    /// comma-separated addresses and CIDRs, e.g. `127.0.0.1,::1,10.0.0.0/8`. Empty: trust none,
    /// the TCP peer is the client.
    #[arg(long, env = "CONFAB_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<TrustedNet>,
    /// The header your proxies write the client into: `x-forwarded-for` (nginx, Caddy, most
    /// load balancers) or `forwarded` (RFC 7239). Only that one is read: a proxy passes the
    /// other through from the client unchanged, so trusting both would let clients choose.
    #[arg(
        long,
        env = "CONFAB_FORWARDED_HEADER",
        default_value = "x-forwarded-for"
    )]
    pub forwarded_header: ForwardedHeader,
    /// Connections open at once per client address (trusted proxies are not capped).
    #[arg(long, env = "CONFAB_CONNECTIONS_PER_ADDRESS", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub connections_per_address: u32,
    /// Where to serve Prometheus metrics (`GET /metrics`), e.g. `127.0.0.1:9464`; a listener of
    /// its own, never the public one. Unset: no metrics.
    #[arg(long, env = "CONFAB_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
}

/// Limits per person and per client address; over one, requests get 429 with `Retry-After`.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Messages one person (user, visitor or staff member) may post per minute, by any route.
    #[arg(long, env = "CONFAB_MESSAGES_PER_MINUTE", default_value_t = 60,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub messages_per_minute: u32,
    /// Messages one person may post at once before the per-minute rate applies.
    #[arg(long, env = "CONFAB_MESSAGE_BURST", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub message_burst: u32,
    /// Failed sign-ins per email from one client address in 5 minutes.
    #[arg(long, env = "CONFAB_SIGN_IN_FAILURES_PER_ACCOUNT", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub sign_in_failures_per_account: u32,
    /// Failed sign-ins per client address in 5 minutes, whatever the email.
    #[arg(long, env = "CONFAB_SIGN_IN_FAILURES_PER_ADDRESS", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub sign_in_failures_per_address: u32,
    /// New accounts per client address per hour.
    #[arg(long, env = "CONFAB_SIGN_UPS_PER_HOUR", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub sign_ups_per_hour: u32,
    /// WebSocket connections open at once per signed-in person.
    #[arg(long, env = "CONFAB_SOCKETS_PER_USER", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub sockets_per_user: u32,
    /// WebSocket connections open at once per client address.
    #[arg(long, env = "CONFAB_SOCKETS_PER_ADDRESS", default_value_t = 200,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub sockets_per_address: u32,
}

/// The widget on other sites: who may embed it, how visitors are verified and limited.
#[derive(Debug, Clone, Args)]
pub struct WidgetArgs {
    /// Key embedding sites use to sign visitor ids (`user-hash` = hex HMAC-SHA256 of `user-id`).
    /// Unset: only anonymous widget visitors.
    #[arg(long, env = "CONFAB_IDENTITY_SECRET", hide_env_values = true)]
    pub identity_secret: Option<Secret>,
    /// Origins allowed to embed the widget, comma-separated, e.g.
    /// `https://shop.example.com,https://example.org`.
    #[arg(long, env = "CONFAB_WIDGET_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    pub widget_origins: Vec<String>,
    /// New widget visitor sessions allowed per client address per hour.
    #[arg(long, env = "CONFAB_WIDGET_SESSIONS_PER_HOUR", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub widget_sessions_per_hour: u32,
}

/// Reply emails: when, from whom, and through what.
#[derive(Debug, Clone, Args)]
pub struct MailArgs {
    /// Seconds a staff reply may stay unread before its user is emailed.
    #[arg(long, env = "CONFAB_REPLY_EMAIL_DELAY", default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(1..=86_400))]
    pub reply_email_delay: u32,
    /// SMTP server in lettre's URL form: `smtps://user:pass@host:465`,
    /// `smtp://user:pass@host:587?tls=required`, `smtp://127.0.0.1:2525` (no TLS). Unset: emails
    /// are written as `.eml` files to `CONFAB_MAIL_DIR` (development).
    #[arg(long, env = "CONFAB_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// Where emails are written when no SMTP server is configured.
    #[arg(long, env = "CONFAB_MAIL_DIR", default_value = "data/mail")]
    pub mail_dir: PathBuf,
    /// The sender of reply emails, e.g. `Acme Support <support@acme.example>`.
    #[arg(
        long,
        env = "CONFAB_MAIL_FROM",
        default_value = "Confab <confab@localhost>"
    )]
    pub mail_from: String,
    /// The product name in emails ("New reply from {name} Support").
    #[arg(long, env = "CONFAB_APP_NAME", default_value = "Confab")]
    pub app_name: String,
    /// Attempts per email before it is marked failed (retries back off exponentially).
    #[arg(long, env = "CONFAB_MAIL_MAX_ATTEMPTS", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=30))]
    pub mail_max_attempts: u32,
}

/// A configured secret: usable, but never printed by `{:?}`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for Secret {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            Err("must not be empty".to_owned())
        } else {
            Ok(Self(raw.to_owned()))
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl ServeArgs {
    /// The public URL, without a trailing slash.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
    }

    /// What is accepted as an attachment, and how much.
    pub fn attachment_settings(&self) -> AttachmentSettings {
        let files = &self.files;
        let defaults = AttachmentSettings::default();
        let accepted: Vec<String> = files
            .attachment_types
            .iter()
            .map(|mime| mime.trim().to_ascii_lowercase())
            .filter(|mime| !mime.is_empty())
            .collect();
        AttachmentSettings {
            max_bytes: files.attachment_max_bytes,
            per_message: files.attachments_per_message as usize,
            accepted: if accepted.is_empty() {
                defaults.accepted
            } else {
                accepted
            },
            quota_per_person: (files.storage_quota_per_person > 0)
                .then_some(files.storage_quota_per_person),
            quota_total: (files.storage_quota_total > 0).then_some(files.storage_quota_total),
        }
    }

    /// Attachments as this process handles them: their storage opened, links under the
    /// public URL when one is configured (else relative to the server).
    ///
    /// # Errors
    /// When the storage URL is invalid or its directory cannot be made.
    pub fn files(&self) -> anyhow::Result<Files> {
        let storage = Storage::open(&self.files.storage_url)?;
        let link_base = self.public_url.clone().unwrap_or_default();
        Ok(Files::new(storage, &link_base, self.attachment_settings()))
    }

    /// What the email worker needs to compose and retry emails.
    pub fn mail_settings(&self) -> MailSettings {
        MailSettings {
            app_name: self.mail.app_name.clone(),
            public_url: self.public_url(),
            max_attempts: self.mail.mail_max_attempts,
        }
    }

    /// Where emails go: the SMTP server, or the development mail directory.
    pub fn transport_settings(&self) -> TransportSettings {
        TransportSettings {
            from: self.mail.mail_from.clone(),
            smtp_url: self
                .mail
                .smtp_url
                .as_ref()
                .map(|url| url.expose().to_owned()),
            dir: self.mail.mail_dir.clone(),
        }
    }

    /// How long a staff reply waits, unread, before its email.
    pub fn reply_email_delay(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::seconds(i64::from(self.mail.reply_email_delay))
    }

    /// What identity and sessions need to know of the configuration.
    pub fn auth_settings(&self) -> AuthSettings {
        let public_url = self.public_url();
        AuthSettings {
            public_origin: origin_of(&public_url),
            secure_cookies: public_url.starts_with("https://"),
            identity_secret: self
                .widget
                .identity_secret
                .as_ref()
                .map(|s| IdentitySecret::new(s.expose())),
            widget_origins: self.widget.widget_origins.clone(),
        }
    }

    /// How the accept loop treats connections.
    pub fn connection_rules(&self) -> crate::connections::ConnectionRules {
        crate::connections::ConnectionRules {
            trusted_proxies: self.network.trusted_proxies.clone(),
            forwarded_header: self.network.forwarded_header,
            per_address: self.network.connections_per_address,
        }
    }

    /// The limits as configured.
    pub fn limit_settings(&self) -> LimitSettings {
        let limits = &self.limits;
        let minute = Duration::from_secs(60);
        let five_minutes = 5 * minute;
        let hour = 60 * minute;
        LimitSettings {
            messages: Rate::new(
                limits.message_burst,
                minute * limits.message_burst / limits.messages_per_minute,
            ),
            sign_in_failures_per_account: Rate::new(
                limits.sign_in_failures_per_account,
                five_minutes,
            ),
            sign_in_failures_per_address: Rate::new(
                limits.sign_in_failures_per_address,
                five_minutes,
            ),
            sign_ups_per_address: Rate::new(limits.sign_ups_per_hour, hour),
            visitor_sessions_per_address: Rate::new(self.widget.widget_sessions_per_hour, hour),
            sockets_per_user: limits.sockets_per_user,
            sockets_per_address: limits.sockets_per_address,
        }
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

/// `scheme://host[:port]` of an absolute URL: everything before the path.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{host}")
}

/// An origin as browsers send it: `scheme://host[:port]`, nothing after.
fn parse_origin(raw: &str) -> Result<String, String> {
    let url = parse_public_url(raw)?;
    let origin = origin_of(&url);
    if origin == url {
        Ok(origin.to_lowercase())
    } else {
        Err(format!(
            "{raw:?} is not an origin: give scheme://host[:port] with no path"
        ))
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
    fn widget_origins_are_a_checked_comma_list() {
        let cli = Cli::try_parse_from([
            "confab",
            "--widget-origins",
            "https://shop.example.com,http://localhost:8080",
        ])
        .expect("parses");
        assert_eq!(
            cli.serve.widget.widget_origins,
            ["https://shop.example.com", "http://localhost:8080"]
        );
        assert!(Cli::try_parse_from(["confab", "--widget-origins", "https://x.com/path"]).is_err());
    }

    #[test]
    fn secrets_are_not_printed() {
        let cli = Cli::try_parse_from(["confab", "--identity-secret", "hunter2"]).expect("parses");
        assert!(!format!("{cli:?}").contains("hunter2"));
        assert_eq!(
            cli.serve.widget.identity_secret.map(|s| s.0),
            Some("hunter2".to_owned())
        );
    }

    #[test]
    fn https_public_urls_make_cookies_secure() {
        let cli = Cli::try_parse_from(["confab", "--public-url", "https://chat.example.com/app/"])
            .expect("parses");
        let auth = cli.serve.auth_settings();
        assert_eq!(auth.public_origin, "https://chat.example.com");
        assert!(auth.secure_cookies);
        assert_eq!(auth.cookie_name(), "__Host-confab_session");
    }

    #[test]
    fn limits_and_proxies_are_read() {
        let cli = Cli::try_parse_from([
            "confab",
            "--trusted-proxies",
            "127.0.0.1,10.0.0.0/8,::1",
            "--messages-per-minute",
            "30",
            "--message-burst",
            "10",
        ])
        .expect("parses");
        assert_eq!(cli.serve.network.trusted_proxies.len(), 3);
        let limits = cli.serve.limit_settings();
        assert_eq!(limits.messages, Rate::new(10, Duration::from_secs(20)));
        assert!(Cli::try_parse_from(["confab", "--trusted-proxies", "proxy.local"]).is_err());
    }

    #[test]
    fn public_url_defaults_to_the_listening_address() {
        let cli = Cli::try_parse_from(["confab", "--addr", "127.0.0.1:4000"]).expect("parses");
        assert_eq!(cli.serve.public_url(), "http://127.0.0.1:4000");
    }
}
