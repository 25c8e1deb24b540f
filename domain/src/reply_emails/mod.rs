//! Reply emails: when a staff reply stays unread for the configured delay, its user gets one
//! email listing every still-unread reply.
//!
//! The job row is written by the posting transaction ([`enqueue`]), so it exists exactly when
//! the reply does and survives restarts. A worker claims due jobs atomically ([`claim_due`]:
//! PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite one conditional `UPDATE`), so two workers never
//! take the same job; a claim moves `run_at` to the end of a lease, so a worker that dies
//! mid-send leaves the job to be taken again when the lease ends. At send time the guards look
//! at the rows as they are then ([`decide`]).
//!
//! Delivery is at least once: a crash after the SMTP server accepted the email but before the
//! job was marked sent sends it again after the lease; the `Message-ID` is derived from the job,
//! so the repeat is recognisable as the same email.

pub mod compose;

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set, Statement,
};
use uuid::Uuid;

use crate::{
    auth::token,
    clock,
    entities::{
        NotificationJob, SupportChat, SupportMessage, User,
        columns::SenderColumn,
        notification_job::{self, JobStatus},
        support_message, user,
    },
};

/// Writes the chat's reply-email job for a staff reply, inside the posting transaction: a new
/// job due at `run_at`, unless the chat has a pending one already (the later reply joins it:
/// one email for several quick replies). The caller holds the chat's lock.
///
/// # Errors
/// When the database fails.
pub async fn enqueue(
    txn: &DatabaseTransaction,
    reply: &support_message::Model,
    run_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let pending = NotificationJob::find()
        .filter(notification_job::Column::ChatId.eq(reply.chat_id))
        .filter(notification_job::Column::Status.eq(JobStatus::Pending))
        .count(txn)
        .await?;
    if pending > 0 {
        return Ok(());
    }
    let now = clock::now();
    notification_job::ActiveModel {
        id: Set(Uuid::now_v7()),
        chat_id: Set(reply.chat_id),
        first_message_id: Set(reply.id),
        run_at: Set(run_at),
        attempts: Set(0),
        status: Set(JobStatus::Pending),
        last_error: Set(None),
        sent_at: Set(None),
        skipped_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Claims the job that has been due longest, if any: its attempt is counted and its `run_at`
/// moved to `now + lease`, in one statement, so no other worker can claim it meanwhile.
///
/// # Errors
/// When the database fails.
pub async fn claim_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease: TimeDelta,
) -> Result<Option<notification_job::Model>, DbErr> {
    let backend = db.get_database_backend();
    // PostgreSQL: SKIP LOCKED lets concurrent workers pass over a row another is claiming.
    // SQLite: one writer at a time, so the single UPDATE is already atomic.
    let (sql, lock) = match backend {
        DatabaseBackend::Postgres => (["$1", "$2", "$3", "$4"], " FOR UPDATE SKIP LOCKED"),
        _ => (["?", "?", "?", "?"], ""),
    };
    let [lease_end, updated_at, status, due] = sql;
    let claim = Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE notification_jobs SET attempts = attempts + 1, run_at = {lease_end}, \
             updated_at = {updated_at} \
             WHERE id = (SELECT id FROM notification_jobs WHERE status = {status} \
                         AND run_at <= {due} ORDER BY run_at, id LIMIT 1{lock}) \
             RETURNING id"
        ),
        [
            (now + lease).into(),
            now.into(),
            "pending".into(),
            now.into(),
        ],
    );
    let Some(row) = db.query_one_raw(claim).await? else {
        return Ok(None);
    };
    let id: Uuid = row.try_get("", "id")?;
    NotificationJob::find_by_id(id).one(db).await
}

/// When the next pending job is due, if there is one (the worker sleeps until then).
///
/// # Errors
/// When the database fails.
pub async fn next_due(db: &DatabaseConnection) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(NotificationJob::find()
        .filter(notification_job::Column::Status.eq(JobStatus::Pending))
        .order_by_asc(notification_job::Column::RunAt)
        .one(db)
        .await?
        .map(|job| job.run_at))
}

/// What a claimed job should do, decided from the rows as they are at send time.
#[derive(Debug)]
pub enum Decision {
    /// No email: the reason is recorded on the job.
    Skip(&'static str),
    /// Send this.
    Send(ReplyEmail),
}

/// Everything an email needs, read at send time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyEmail {
    /// The job: the email's `Message-ID` derives from it.
    pub job_id: Uuid,
    /// The chat's user.
    pub user_id: Uuid,
    /// Their address.
    pub to: String,
    /// The capability the unsubscribe links carry.
    pub unsubscribe_token: String,
    /// Every staff reply of the chat still unread, oldest first.
    pub replies: Vec<support_message::Model>,
    /// The files sent with those replies, by message id, with links for the recipient.
    pub files: std::collections::HashMap<Uuid, Vec<wire::attachments::Attachment>>,
}

/// The guards, in order: every reply read already; chat archived; user without email; user
/// unsubscribed. Otherwise the email, listing every unread staff reply.
///
/// # Errors
/// When the database fails.
pub async fn decide(
    db: &DatabaseConnection,
    job: &notification_job::Model,
) -> Result<Decision, DbErr> {
    let Some((chat, Some(user))) = SupportChat::find_by_id(job.chat_id)
        .find_also_related(User)
        .one(db)
        .await?
    else {
        return Ok(Decision::Skip("chat_gone"));
    };
    let replies = SupportMessage::find()
        .filter(support_message::Column::ChatId.eq(chat.id))
        .filter(support_message::Column::SenderType.eq(SenderColumn::Admin))
        .filter(support_message::Column::ReadAt.is_null())
        .order_by_asc(support_message::Column::Seq)
        .all(db)
        .await?;
    if replies.is_empty() {
        return Ok(Decision::Skip("read"));
    }
    if chat.archived_at.is_some() {
        return Ok(Decision::Skip("archived"));
    }
    let Some(to) = user.email.clone() else {
        return Ok(Decision::Skip("no_email"));
    };
    if user.unsubscribed_at.is_some() {
        return Ok(Decision::Skip("unsubscribed"));
    }
    let user_id = user.id;
    let unsubscribe_token = match user.unsubscribe_token.clone() {
        Some(token) => token,
        None => {
            let token = token::Token::generate()
                .map_err(|err| DbErr::Custom(format!("no randomness for a token: {err}")))?
                .expose()
                .to_owned();
            let mut update = user.into_active_model();
            update.unsubscribe_token = Set(Some(token.clone()));
            update.update(db).await?;
            token
        }
    };
    Ok(Decision::Send(ReplyEmail {
        job_id: job.id,
        user_id,
        to,
        unsubscribe_token,
        replies,
        files: std::collections::HashMap::new(),
    }))
}

/// Records that the email went out.
///
/// # Errors
/// When the database fails.
pub async fn mark_sent(
    db: &DatabaseConnection,
    job_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    finish(db, job_id, now, |job| {
        job.status = Set(JobStatus::Sent);
        job.sent_at = Set(Some(now));
        job.last_error = Set(None);
    })
    .await
}

/// Records that no email was needed, and why.
///
/// # Errors
/// When the database fails.
pub async fn mark_skipped(
    db: &DatabaseConnection,
    job_id: Uuid,
    reason: &'static str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    finish(db, job_id, now, |job| {
        job.status = Set(JobStatus::Skipped);
        job.skipped_reason = Set(Some(reason.to_owned()));
    })
    .await
}

/// Records a failed attempt: retried after an exponential backoff, or marked failed once
/// `max_attempts` were made. Returns whether it will be retried.
///
/// # Errors
/// When the database fails.
pub async fn mark_attempt_failed(
    db: &DatabaseConnection,
    job: &notification_job::Model,
    error: &str,
    now: DateTime<Utc>,
    max_attempts: u32,
) -> Result<bool, DbErr> {
    let attempts = u32::try_from(job.attempts).unwrap_or(u32::MAX);
    let retry = attempts < max_attempts;
    finish(db, job.id, now, |row| {
        row.last_error = Set(Some(error.to_owned()));
        if retry {
            row.run_at = Set(now + retry_delay(attempts));
        } else {
            row.status = Set(JobStatus::Failed);
        }
    })
    .await?;
    Ok(retry)
}

/// The wait after the `attempts`-th failure: 30 s, 1 min, 2 min, … at most an hour.
pub fn retry_delay(attempts: u32) -> TimeDelta {
    let doublings = attempts.saturating_sub(1).min(7);
    TimeDelta::seconds(30 * (1_i64 << doublings)).min(TimeDelta::hours(1))
}

async fn finish(
    db: &DatabaseConnection,
    job_id: Uuid,
    now: DateTime<Utc>,
    change: impl FnOnce(&mut notification_job::ActiveModel),
) -> Result<(), DbErr> {
    let mut job = notification_job::ActiveModel {
        id: Set(job_id),
        updated_at: Set(now),
        ..Default::default()
    };
    change(&mut job);
    job.update(db).await?;
    Ok(())
}

/// How many reply emails failed for good (for the staff dashboard).
///
/// # Errors
/// When the database fails.
pub async fn failed_count(db: &DatabaseConnection) -> Result<u64, DbErr> {
    count_in(db, JobStatus::Failed).await
}

/// How many jobs are in `status` (an index-only count: jobs are indexed by status).
///
/// # Errors
/// When the database fails.
pub async fn count_in(db: &DatabaseConnection, status: JobStatus) -> Result<u64, DbErr> {
    NotificationJob::find()
        .filter(notification_job::Column::Status.eq(status))
        .count(db)
        .await
}

/// Unsubscribes the user the link names, when its token is theirs. Returns whether it did
/// (a wrong token changes nothing; unsubscribing twice is fine).
///
/// # Errors
/// When the database fails.
pub async fn unsubscribe(
    db: &DatabaseConnection,
    user_id: Uuid,
    presented: &str,
) -> Result<bool, DbErr> {
    let Some(user) = User::find_by_id(user_id).one(db).await? else {
        return Ok(false);
    };
    let matches = user
        .unsubscribe_token
        .as_deref()
        .is_some_and(|token| token::same(token, presented));
    if !matches {
        return Ok(false);
    }
    if user.unsubscribed_at.is_none() {
        let mut update: user::ActiveModel = user.into_active_model();
        update.unsubscribed_at = Set(Some(clock::now()));
        update.update(db).await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::retry_delay;
    use chrono::TimeDelta;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let delays: Vec<i64> = (1..=9).map(|n| retry_delay(n).num_seconds()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_delay(100), TimeDelta::hours(1));
    }
}
