//! Mentions: the colleagues a note names (`@name`) hear of it. Each mention is a row: the
//! Mentions view lists a person's, newest first; opening the chat marks them seen; and the row
//! is the durable job of the email a colleague gets when they have not seen it within the
//! reply emails' delay. A worker claims due rows atomically (PostgreSQL `FOR UPDATE SKIP
//! LOCKED`, SQLite one conditional `UPDATE`), moving `email_run_at` to the end of a lease, so a
//! worker that dies mid-send leaves the email to the next; at send time the guards read the
//! rows as they are then (seen meanwhile, deactivated, no email: no email).

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement, sea_query::Expr,
};
use uuid::Uuid;

use super::notes::notes_by_id;
use crate::{
    entities::{NoteMention, SupportChat, User, note_mention, support_chat},
    reply_emails::{
        self,
        compose::{Composed, Site, escape},
    },
    team::directory,
};
use wire::{error::AppError, model::cut_chars, notes::Mention};

/// How many mentions the Mentions view shows.
pub const MENTIONS_PAGE: u64 = 100;

/// The newest mentions of `person`, newest first.
///
/// # Errors
/// Internal error on database failure.
pub async fn of_person(db: &DatabaseConnection, person: Uuid) -> Result<Vec<Mention>, AppError> {
    let rows = NoteMention::find()
        .filter(note_mention::Column::UserId.eq(person))
        .order_by_desc(note_mention::Column::Id)
        .limit(MENTIONS_PAGE)
        .all(db)
        .await?;
    let mut notes = notes_by_id(db, rows.iter().map(|row| row.note_id)).await?;
    let chats: std::collections::HashMap<Uuid, support_chat::Model> = SupportChat::find()
        .filter(support_chat::Column::Id.is_in(rows.iter().map(|row| row.chat_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|chat| (chat.id, chat))
        .collect();
    let users = directory::people(db, chats.values().map(|chat| chat.user_id)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let note = notes.remove(&row.note_id)?;
            let chat = chats.get(&row.chat_id)?;
            Some(Mention {
                id: row.id,
                chat_id: row.chat_id,
                user_id: chat.user_id,
                user_email: users.get(&chat.user_id).and_then(|u| u.email.clone()),
                note,
                seen: row.seen_at.is_some(),
            })
        })
        .collect())
}

/// How many of `person`'s mentions they have not seen.
///
/// # Errors
/// Internal error on database failure.
pub async fn unseen(db: &impl ConnectionTrait, person: Uuid) -> Result<u64, AppError> {
    Ok(NoteMention::find()
        .filter(note_mention::Column::UserId.eq(person))
        .filter(note_mention::Column::SeenAt.is_null())
        .count(db)
        .await?)
}

/// `person` opened the chat: their mentions in it are seen (and need no email).
///
/// # Errors
/// Internal error on database failure.
pub async fn mark_seen(
    db: &impl ConnectionTrait,
    person: Uuid,
    chat_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    NoteMention::update_many()
        .col_expr(note_mention::Column::SeenAt, Expr::value(Some(now)))
        .filter(note_mention::Column::UserId.eq(person))
        .filter(note_mention::Column::ChatId.eq(chat_id))
        .filter(note_mention::Column::SeenAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Claims the mention whose email has been due longest, if any: its attempt is counted and
/// its `email_run_at` moved to `now + lease`, in one statement.
///
/// # Errors
/// When the database fails.
pub async fn claim_due_email(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease: TimeDelta,
) -> Result<Option<note_mention::Model>, DbErr> {
    let backend = db.get_database_backend();
    let (params, lock) = match backend {
        DatabaseBackend::Postgres => (["$1", "$2"], " FOR UPDATE SKIP LOCKED"),
        _ => (["?", "?"], ""),
    };
    let [lease_end, due] = params;
    let claim = Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE note_mentions SET email_attempts = email_attempts + 1, \
             email_run_at = {lease_end} \
             WHERE id = (SELECT id FROM note_mentions WHERE email_run_at <= {due} \
                         ORDER BY email_run_at, id LIMIT 1{lock}) \
             RETURNING id"
        ),
        [(now + lease).into(), now.into()],
    );
    let Some(row) = db.query_one_raw(claim).await? else {
        return Ok(None);
    };
    let id: Uuid = row.try_get("", "id")?;
    NoteMention::find_by_id(id).one(db).await
}

/// When the next mention email is due, if one is waiting.
///
/// # Errors
/// When the database fails.
pub async fn next_email_due(db: &DatabaseConnection) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(NoteMention::find()
        .filter(note_mention::Column::EmailRunAt.is_not_null())
        .order_by_asc(note_mention::Column::EmailRunAt)
        .one(db)
        .await?
        .and_then(|row| row.email_run_at))
}

/// The email a claimed mention needs, or `None` when a guard says it needs none (seen
/// meanwhile; the colleague deactivated, no longer staff, or without an email): the row is
/// then done.
///
/// # Errors
/// When the database fails.
pub async fn email_for(
    db: &DatabaseConnection,
    mention: &note_mention::Model,
    site: Site<'_>,
) -> Result<Option<Composed>, AppError> {
    let colleague = User::find_by_id(mention.user_id).one(db).await?;
    let to = colleague
        .filter(|c| c.is_staff() && c.deactivated_at.is_none())
        .and_then(|c| c.email);
    let note = notes_by_id(db, [mention.note_id])
        .await?
        .remove(&mention.note_id);
    let (Some(to), Some(note), None) = (to, note, mention.seen_at) else {
        done(db, mention.id, None).await?;
        return Ok(None);
    };
    let link = format!("{}/admin/chats/{}", site.public_url, mention.chat_id);
    let headline = format!("{} mentioned you in a note", note.author.name);
    let excerpt = cut_chars(&note.content, 500);
    let text = format!("{headline}:\n\n{excerpt}\n\nOpen the conversation: {link}\n");
    let html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif;color:#101828\">\
         <p>{}:</p><blockquote style=\"border-left:4px solid #d4a72c;margin:0;padding:4px 12px\">{}</blockquote>\
         <p><a href=\"{}\" style=\"color:#175cd3\">Open the conversation</a></p></body></html>",
        escape(&headline),
        escape(&excerpt),
        escape(&link),
    );
    Ok(Some(Composed {
        to,
        subject: format!("{headline} · {}", site.app_name),
        text,
        html,
        message_id: format!(
            "<mention-{}@{}>",
            mention.id,
            reply_emails::compose::host_of(site.public_url)
        ),
        open_url: link,
        unsubscribe_url: None,
    }))
}

/// The mention's email went out.
///
/// # Errors
/// When the database fails.
pub async fn mark_emailed(
    db: &DatabaseConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    done(db, id, Some(now)).await
}

/// A failed attempt: retried after the reply emails' backoff, or given up after
/// `max_attempts`. Returns whether it will be retried.
///
/// # Errors
/// When the database fails.
pub async fn mark_email_failed(
    db: &DatabaseConnection,
    mention: &note_mention::Model,
    error: &str,
    now: DateTime<Utc>,
    max_attempts: u32,
) -> Result<bool, DbErr> {
    let attempts = u32::try_from(mention.email_attempts).unwrap_or(u32::MAX);
    let retry = attempts < max_attempts;
    let next = retry.then(|| now + reply_emails::retry_delay(attempts));
    NoteMention::update_many()
        .col_expr(note_mention::Column::EmailRunAt, Expr::value(next))
        .col_expr(
            note_mention::Column::EmailError,
            Expr::value(Some(error.to_owned())),
        )
        .filter(note_mention::Column::Id.eq(mention.id))
        .exec(db)
        .await?;
    Ok(retry)
}

/// The mention needs no more email (sent at `emailed_at`, or not needed).
async fn done(
    db: &impl ConnectionTrait,
    id: Uuid,
    emailed_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    NoteMention::update_many()
        .col_expr(
            note_mention::Column::EmailRunAt,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(note_mention::Column::EmailedAt, Expr::value(emailed_at))
        .filter(note_mention::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
