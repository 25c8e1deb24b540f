//! Mail transports: SMTP through lettre when `CONFAB_SMTP_URL` is set, else `.eml` files in
//! `CONFAB_MAIL_DIR` (development). Mail only ever goes out from the worker, never inside a
//! request.

use std::path::PathBuf;

use crate::reply_emails::compose::Composed;
use anyhow::Context;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        MultiPart,
        header::{HeaderName, HeaderValue},
    },
};

/// Where emails go, as configured (`CONFAB_MAIL_FROM`, `CONFAB_SMTP_URL`, `CONFAB_MAIL_DIR`).
#[derive(Clone, Debug)]
pub struct TransportSettings {
    /// The sender, e.g. `Acme Support <support@acme.example>`.
    pub from: String,
    /// An SMTP server in lettre's URL form; `None` writes `.eml` files to `dir`.
    pub smtp_url: Option<String>,
    /// Where emails are written when there is no SMTP server (development).
    pub dir: PathBuf,
}

/// Where composed emails go.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP server.
    Smtp {
        /// The connection pool to it.
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// The sender address.
        from: String,
    },
    /// Files, for development: one `.eml` per email.
    Files {
        /// The directory.
        dir: PathBuf,
        /// The transport writing there.
        transport: AsyncFileTransport<Tokio1Executor>,
        /// The sender address.
        from: String,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp { .. } => f.write_str("Mailer::Smtp"),
            Self::Files { dir, .. } => write!(f, "Mailer::Files({})", dir.display()),
        }
    }
}

impl Mailer {
    /// The transport the configuration asks for.
    ///
    /// # Errors
    /// When the SMTP URL does not parse, or the mail directory cannot be created.
    pub fn from_settings(mail: &TransportSettings) -> anyhow::Result<Self> {
        let from = mail.from.clone();
        from.parse::<lettre::message::Mailbox>()
            .with_context(|| format!("CONFAB_MAIL_FROM {from:?} is not an email address"))?;
        match &mail.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("CONFAB_SMTP_URL is not an SMTP URL lettre understands")?
                    .build();
                Ok(Self::Smtp { transport, from })
            }
            None => {
                std::fs::create_dir_all(&mail.dir).with_context(|| {
                    format!("could not create the mail directory {}", mail.dir.display())
                })?;
                Ok(Self::Files {
                    dir: mail.dir.clone(),
                    transport: AsyncFileTransport::new(&mail.dir),
                    from,
                })
            }
        }
    }

    /// Sends one email.
    ///
    /// # Errors
    /// When the message cannot be built or the transport refuses it (a reason for a retry).
    pub async fn send(&self, email: &Composed) -> anyhow::Result<()> {
        let from = match self {
            Self::Smtp { from, .. } | Self::Files { from, .. } => from,
        };
        let message = build(from, email)?;
        match self {
            Self::Smtp { transport, .. } => {
                transport
                    .send(message)
                    .await
                    .context("the SMTP server refused the email")?;
            }
            Self::Files { transport, dir, .. } => {
                let id = transport
                    .send(message)
                    .await
                    .context("could not write the email file")?;
                tracing::info!(path = %dir.join(format!("{id}.eml")).display(), "email written (no SMTP server configured)");
            }
        }
        Ok(())
    }
}

/// The MIME message: text and HTML alternatives, a stable Message-ID, and one-click
/// unsubscribe headers (RFC 2369, RFC 8058).
fn build(from: &str, email: &Composed) -> anyhow::Result<Message> {
    let mut message = Message::builder()
        .from(from.parse().context("sender address")?)
        .to(email.to.parse().context("recipient address")?)
        .subject(email.subject.clone())
        .message_id(Some(email.message_id.clone()))
        .multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            email.html.clone(),
        ))
        .context("could not build the email")?;
    if let Some(unsubscribe_url) = &email.unsubscribe_url {
        let headers = message.headers_mut();
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{unsubscribe_url}>"),
        ));
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_owned(),
        ));
    }
    Ok(message)
}
