//! The background worker inside the server process: sends due reply emails, mention emails
//! and invitations to the team, and runs the periodic chores (deleting expired sessions). [`run_due_jobs`] takes the time as an argument,
//! so tests move time instead of sleeping; [`spawn`] drives it with the clock, sleeping until
//! the next job is due (woken early when a new one is written), never polling busily.

use std::{sync::Arc, time::Duration};

use super::transport::Mailer;
use crate::{
    attachments::views as attachment_views,
    auth::sessions,
    chats::mentions,
    clock,
    effects::Effects,
    entities::{User, note_mention, notification_job, staff_invitation},
    reply_emails::{
        self, Decision,
        compose::{Site, compose},
    },
    team::invitations,
};
use anyhow::Context;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};

/// How long a claimed job is reserved for the worker that claimed it. A worker that dies
/// mid-send leaves its job to be claimed again after this.
pub const LEASE: TimeDelta = TimeDelta::minutes(5);

/// The longest the worker sleeps, even with nothing due (so chores run too).
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// How often expired sessions are deleted.
const SESSION_SWEEP_EVERY: TimeDelta = TimeDelta::hours(1);

/// What the worker needs to know to compose and retry emails.
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// The product name in the subject.
    pub app_name: String,
    /// The public URL, for links.
    pub public_url: String,
    /// Attempts before an email is marked failed.
    pub max_attempts: u32,
}

/// Sends every email due at `now`: reply emails (skipping those a guard stops), then
/// invitations to the team. Returns how many went out. Each job's failure is logged once, with
/// the job and the step, and does not stop the others.
///
/// # Errors
/// When the database fails while claiming or recording.
pub async fn run_due_jobs(
    db: &DatabaseConnection,
    mailer: &Mailer,
    settings: &MailSettings,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    while let Some(job) = reply_emails::claim_due(db, now, LEASE)
        .await
        .context("could not claim a due reply email")?
    {
        if process(db, mailer, settings, &job, now).await? {
            sent += 1;
        }
    }
    while let Some(mention) = mentions::claim_due_email(db, now, LEASE)
        .await
        .context("could not claim a due mention email")?
    {
        if send_mention(db, mailer, settings, &mention, now).await? {
            sent += 1;
        }
    }
    while let Some(invitation) = invitations::claim_due_email(db, now, LEASE)
        .await
        .context("could not claim a due invitation email")?
    {
        if send_invitation(db, mailer, settings, &invitation, now).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// One claimed mention: sent, not needed (a guard), or recorded as a failed attempt. Returns
/// whether it sent.
async fn send_mention(
    db: &DatabaseConnection,
    mailer: &Mailer,
    settings: &MailSettings,
    mention: &note_mention::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let site = Site {
        app_name: &settings.app_name,
        public_url: &settings.public_url,
    };
    let composed = mentions::email_for(db, mention, site)
        .await
        .map_err(|err| anyhow::anyhow!("mention {}: reading it: {err}", mention.id))?;
    let Some(composed) = composed else {
        metrics::counter!("confab_mention_emails_total", "outcome" => "skipped").increment(1);
        return Ok(false);
    };
    let outcome = match mailer.send(&composed).await {
        Ok(()) => {
            mentions::mark_emailed(db, mention.id, now)
                .await
                .with_context(|| format!("mention {}: recording the send", mention.id))?;
            tracing::info!(mention.id = %mention.id, "mention email sent");
            "sent"
        }
        Err(err) => {
            let error = format!("{err:#}");
            let retry =
                mentions::mark_email_failed(db, mention, &error, now, settings.max_attempts)
                    .await
                    .with_context(|| format!("mention {}: recording the failure", mention.id))?;
            tracing::warn!(mention.id = %mention.id, retry, error, "mention email failed");
            if retry { "retry" } else { "failed" }
        }
    };
    metrics::counter!("confab_mention_emails_total", "outcome" => outcome).increment(1);
    Ok(outcome == "sent")
}

/// One claimed invitation: sent, or recorded as a failed attempt. Returns whether it sent.
async fn send_invitation(
    db: &DatabaseConnection,
    mailer: &Mailer,
    settings: &MailSettings,
    invitation: &staff_invitation::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let inviter = match invitation.invited_by {
        Some(id) => User::find_by_id(id)
            .one(db)
            .await
            .with_context(|| format!("invitation {}: reading who invited", invitation.id))?
            .map(|admin| admin.display_name()),
        None => None,
    };
    let site = Site {
        app_name: &settings.app_name,
        public_url: &settings.public_url,
    };
    let inviter = inviter.as_deref().unwrap_or("A colleague");
    let Some(composed) = invitations::compose(site, invitation, inviter) else {
        return Ok(false);
    };
    let outcome = match mailer.send(&composed).await {
        Ok(()) => {
            invitations::mark_email_sent(db, invitation.id, now)
                .await
                .with_context(|| format!("invitation {}: recording the send", invitation.id))?;
            tracing::info!(invitation.id = %invitation.id, "invitation email sent");
            "sent"
        }
        Err(err) => {
            let error = format!("{err:#}");
            let retry =
                invitations::mark_email_failed(db, invitation, &error, now, settings.max_attempts)
                    .await
                    .with_context(|| {
                        format!("invitation {}: recording the failure", invitation.id)
                    })?;
            tracing::warn!(invitation.id = %invitation.id, retry, error, "invitation email failed");
            if retry { "retry" } else { "failed" }
        }
    };
    metrics::counter!("confab_invitation_emails_total", "outcome" => outcome).increment(1);
    Ok(outcome == "sent")
}

/// One claimed job: skipped, sent, or recorded as a failed attempt. Returns whether it sent.
async fn process(
    db: &DatabaseConnection,
    mailer: &Mailer,
    settings: &MailSettings,
    job: &notification_job::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let decision = reply_emails::decide(db, job)
        .await
        .with_context(|| format!("reply email job {}: reading its chat", job.id))?;
    let email = match decision {
        Decision::Skip(reason) => {
            reply_emails::mark_skipped(db, job.id, reason, now)
                .await
                .with_context(|| format!("reply email job {}: recording the skip", job.id))?;
            tracing::info!(job.id = %job.id, chat.id = %job.chat_id, reason, "reply email not needed");
            metrics::counter!("confab_reply_emails_total", "outcome" => "skipped").increment(1);
            return Ok(false);
        }
        Decision::Send(mut email) => {
            let sent: Vec<_> = email.replies.iter().map(|reply| reply.id).collect();
            email.files = attachment_views::for_email(db, &settings.public_url, &sent)
                .await
                .with_context(|| format!("reply email job {}: linking its files", job.id))?;
            email
        }
    };
    let site = Site {
        app_name: &settings.app_name,
        public_url: &settings.public_url,
    };
    let composed = compose(site, &email);
    match mailer.send(&composed).await {
        Ok(()) => {
            reply_emails::mark_sent(db, job.id, now)
                .await
                .with_context(|| format!("reply email job {}: recording the send", job.id))?;
            tracing::info!(job.id = %job.id, chat.id = %job.chat_id, replies = email.replies.len(), "reply email sent");
            metrics::counter!("confab_reply_emails_total", "outcome" => "sent").increment(1);
            Ok(true)
        }
        Err(err) => {
            let error = format!("{err:#}");
            let retry =
                reply_emails::mark_attempt_failed(db, job, &error, now, settings.max_attempts)
                    .await
                    .with_context(|| {
                        format!("reply email job {}: recording the failure", job.id)
                    })?;
            if retry {
                tracing::warn!(job.id = %job.id, attempt = job.attempts, error, "reply email failed; will retry");
                metrics::counter!("confab_reply_emails_total", "outcome" => "retry").increment(1);
            } else {
                tracing::error!(job.id = %job.id, attempts = job.attempts, error, "reply email failed for good");
                metrics::counter!("confab_reply_emails_total", "outcome" => "failed").increment(1);
            }
            Ok(false)
        }
    }
}

/// Runs the worker until the process ends.
pub fn spawn(
    db: DatabaseConnection,
    mailer: Mailer,
    settings: MailSettings,
    effects: Arc<Effects>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_sweep: Option<DateTime<Utc>> = None;
        loop {
            let now = clock::now();
            if let Err(err) = run_due_jobs(&db, &mailer, &settings, now).await {
                tracing::error!(error = %format!("{err:#}"), "the email worker could not run");
            }
            if last_sweep.is_none_or(|at| now - at >= SESSION_SWEEP_EVERY) {
                match sessions::delete_expired(&db, now).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(deleted = n, "deleted expired sessions"),
                    Err(err) => tracing::warn!(error = %err, "could not delete expired sessions"),
                }
                last_sweep = Some(now);
            }
            if let Err(err) = invitations::forget_expired_tokens(&db, now).await {
                tracing::warn!(error = %err, "could not forget expired invitation tokens");
            }
            let replies = reply_emails::next_due(&db).await;
            let invitations = invitations::next_email_due(&db, clock::now()).await;
            let mentioned = mentions::next_email_due(&db).await;
            let due = match (replies, invitations, mentioned) {
                (Ok(a), Ok(b), Ok(c)) => a.into_iter().chain(b).chain(c).min(),
                (Err(err), _, _) | (_, Err(err), _) | (_, _, Err(err)) => {
                    tracing::warn!(error = %err, "could not read the next due email");
                    None
                }
            };
            clock::wait_until(due, MAX_SLEEP, &effects.reply_jobs).await;
        }
    })
}
