//! Writing a private note: one transaction that checks the chat, stores the note (idempotent
//! by `client_id`, on the writer's message allowance) and a row for each colleague it mentions;
//! the admin channel hears of it after commit, never a chat channel.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::{
    notes::{colleague, mentioned, view, views},
    post::message_content,
};
use crate::{
    clock,
    effects::Effects,
    entities::{ChatNote as NoteRows, SupportChat, chat_note, note_mention, user},
    fact::Fact,
    limits::{Limit, Limits},
    team::directory,
    transactions,
};
use wire::{error::AppError, notes::ChatNote};

/// A note that was committed (or found again by its `client_id`).
#[derive(Clone, Debug)]
pub struct NotePosted {
    /// The note as staff see it.
    pub note: ChatNote,
    /// `false` when the note already existed under the same `client_id` (a resend).
    pub created: bool,
}

/// Writes a private note by `author` (staff) on the chat: the same validation and the same
/// allowance as a message, idempotent by `client_id`, with its mentions; the admin channel
/// hears of it after commit.
///
/// # Errors
/// 422 for blank or oversized content; 404 when the chat does not exist; 429 when the author
/// is over the message limit (nothing is stored).
pub async fn post_note(
    db: &DatabaseConnection,
    effects: &Effects,
    limits: &Limits,
    chat_id: Uuid,
    author: &user::Model,
    content: &str,
    client_id: Option<Uuid>,
) -> Result<NotePosted, AppError> {
    let content = message_content(content)?;
    // The chat's lock orders notes (and a resend after its first send) as it orders messages.
    let txn = transactions::begin_write(db).await?;
    SupportChat::find_by_id(chat_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("no such chat"))?;
    if let Some(client_id) = client_id
        && let Some(note) = NoteRows::find()
            .filter(chat_note::Column::ChatId.eq(chat_id))
            .filter(chat_note::Column::ClientId.eq(client_id))
            .one(&txn)
            .await?
    {
        txn.commit().await?;
        let note = views(db, vec![note]).await?.pop();
        return note
            .map(|note| NotePosted {
                note,
                created: false,
            })
            .ok_or_else(|| AppError::not_found("no such chat"));
    }
    limits
        .take_on(&txn, Limit::Messages, &author.id.to_string())
        .await?;
    let now = clock::now();
    let note = chat_note::ActiveModel {
        id: Set(Uuid::now_v7()),
        chat_id: Set(chat_id),
        author_id: Set(author.id),
        client_id: Set(client_id),
        content: Set(content),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let team = directory::active_team(&txn).await?;
    // Nobody mentions themselves: their own note needs no alert.
    let mentions: Vec<_> = mentioned(&note.content, &team)
        .into_iter()
        .filter(|person| person.id != author.id)
        .collect();
    for person in &mentions {
        note_mention::ActiveModel {
            id: Set(Uuid::now_v7()),
            note_id: Set(note.id),
            chat_id: Set(chat_id),
            user_id: Set(person.id),
            seen_at: Set(None),
            created_at: Set(now),
            // Emailed if not seen within the reply emails' delay.
            email_run_at: Set(Some(now + effects.reply_email_delay)),
            email_attempts: Set(0),
            emailed_at: Set(None),
            email_error: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    metrics::counter!("confab_notes_posted_total").increment(1);
    if !mentions.is_empty() {
        // The mail worker sleeps until the next email it knows of.
        effects.reply_jobs.notify_one();
    }
    let fact = Fact::NotePosted {
        chat_id,
        note_id: note.id,
    };
    effects.publish(db, fact, None).await;
    Ok(NotePosted {
        note: view(note, colleague(author), mentions),
        created: true,
    })
}
