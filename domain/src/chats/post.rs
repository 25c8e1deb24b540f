//! Posting a message: one transaction that numbers, inserts, touches the chat's figures,
//! reopens a resolved or snoozed chat when its user writes (and, when auto-assignment is on,
//! gives an unowned chat to an online colleague), takes the poster's message token, sends
//! the poster's uploads with it and queues the reply email; live events go out after commit.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, FromQueryResult, IntoActiveModel, QueryFilter, QuerySelect, QueryTrait, Set,
    sea_query::{Expr, Query},
};
use uuid::Uuid;

use super::{
    activity::Change,
    ownership::{self, Plan},
    routing, views,
};
use crate::{
    attachments::{binding, links::view_expiry, views as attachment_views},
    clock,
    effects::Effects,
    entities::{
        ChatLabel, SupportChat, SupportMessage as MessageRows, attachment,
        chat_activity::KindColumn, chat_label, columns::SenderColumn, support_chat,
        support_message, user,
    },
    fact::Fact,
    fields,
    limits::{Limit, Limits},
    reply_emails,
    team::directory,
    transactions::{self, WriteTransaction},
};
use wire::{
    attachments::Attachment,
    error::AppError,
    model::{SenderType, SupportMessage, preview},
    team::{Author, ChatStatus},
};

/// Longest message accepted, in characters.
pub const MAX_MESSAGE_CHARS: usize = 5_000;

/// A message that was committed, with its chat as it is after the commit.
#[derive(Clone, Debug)]
pub struct Posted {
    /// The new message.
    pub message: support_message::Model,
    /// Its chat, touched (and reopened if the user wrote).
    pub chat: support_chat::Model,
    /// `false` when the message already existed under the same `client_id` (a resend).
    pub created: bool,
    /// Who wrote it, for staff messages.
    pub author: Option<Author>,
    /// The files sent with it, with fresh links.
    pub attachments: Vec<Attachment>,
}

impl Posted {
    /// The message as every reader sees it, with its author and files.
    pub fn view(&self) -> SupportMessage {
        let mut view = self.message.clone().view(self.author.clone());
        view.attachments = self.attachments.clone();
        view
    }
}

/// What a message says: its text, the client's id for it, and the uploads sent with it.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    /// The text; may be blank when files are attached.
    pub content: String,
    /// The sender's own id for the message: a resend with it is a no-op.
    pub client_id: Option<Uuid>,
    /// Uploads (`attachments::upload`) of the poster's to this chat, sent with it.
    pub attachment_ids: Vec<Uuid>,
}

impl Draft {
    /// Text alone.
    pub fn text(content: impl Into<String>) -> Self {
        Self {
            content: content.into(),
            ..Self::default()
        }
    }
}

/// Trims and checks a message's text ([`fields::bounded_text`]).
///
/// # Errors
/// 422 when blank, longer than [`MAX_MESSAGE_CHARS`], or holding a NUL character.
pub fn message_content(raw: &str) -> Result<String, AppError> {
    fields::bounded_text("message", raw, MAX_MESSAGE_CHARS)
}

/// A message's text when it carries files: the same checks, except that it may be blank.
fn caption(raw: &str) -> Result<String, AppError> {
    if raw.trim().is_empty() && !raw.contains('\0') {
        return Ok(String::new());
    }
    message_content(raw)
}

/// Who posts a message: the side it shows on, the person whose allowance it uses, and the
/// author it names.
#[derive(Clone, Debug)]
pub struct Poster {
    /// The user's side or staff's.
    pub sender: SenderType,
    /// The person posting (the chat's user, or the staff member).
    pub user_id: Uuid,
    /// Staff messages: who wrote it, as readers see them.
    pub author: Option<Author>,
}

impl Poster {
    /// `user` posting, on the side their role gives; staff sign their messages.
    pub fn of(user: &user::Model) -> Self {
        Self {
            sender: user.side(),
            user_id: user.id,
            author: user.is_staff().then(|| directory::author(user)),
        }
    }

    /// The chat's user `user_id` posting.
    pub fn user(user_id: Uuid) -> Self {
        Self {
            sender: SenderType::User,
            user_id,
            author: None,
        }
    }
}

/// Posts a message in one transaction: the next `seq` of the chat, insert, touch
/// `last_message_at`, send the draft's uploads with it, and bring an archived chat back when
/// its user writes. With a `client_id` the post is idempotent: a resend of the same id
/// returns the message it created the first time ([`Posted::created`] is then `false`) and
/// changes nothing. Each new message takes a token from its poster's bucket, whichever route
/// it came by (REST, server function, socket); a resend takes none.
///
/// # Errors
/// 422 for blank (without files) or oversized content, too many files, or an attachment id
/// that is not the poster's unsent upload to this chat; 404 when the chat does not exist;
/// 429 when the poster is over the message limit (nothing is stored).
pub async fn post_message(
    db: &DatabaseConnection,
    effects: &Effects,
    limits: &Limits,
    chat_id: Uuid,
    poster: Poster,
    draft: Draft,
) -> Result<Posted, AppError> {
    let sender = poster.sender;
    let client_id = draft.client_id;
    let content = if draft.attachment_ids.is_empty() {
        message_content(&draft.content)?
    } else {
        caption(&draft.content)?
    };
    // The chat row is locked before it is read and before the time is taken, so concurrent
    // posts to one chat take seq numbers in commit order, commit in the order of their
    // timestamps, and `last_message_at` never moves backwards (PostgreSQL: FOR UPDATE;
    // SQLite: the immediate transaction's lock).
    let txn = transactions::begin_write(db).await?;
    let Locked {
        chat,
        resent,
        labelled,
    } = lock_chat(&txn, chat_id, client_id).await?;
    if resent
        && let Some(client_id) = client_id
        && let Some(message) = MessageRows::find()
            .filter(support_message::Column::ChatId.eq(chat_id))
            .filter(support_message::Column::ClientId.eq(client_id))
            .one(&txn)
            .await?
    {
        txn.commit().await?;
        // The message's own author and files, whoever resends it.
        let viewed = views::message(db, &effects.files, message.clone()).await?;
        return Ok(Posted {
            message,
            chat,
            created: false,
            author: viewed.author,
            attachments: viewed.attachments,
        });
    }
    let claimed = binding::claim(
        &txn,
        &effects.files.settings,
        chat_id,
        poster.user_id,
        &draft.attachment_ids,
    )
    .await?;
    // Refused here, the transaction rolls back as it drops: nothing is stored.
    limits
        .take_on(&txn, Limit::Messages, &poster.user_id.to_string())
        .await?;
    let now = clock::now();
    let message = support_message::ActiveModel {
        id: Set(Uuid::now_v7()),
        chat_id: Set(chat_id),
        seq: Set(chat.last_seq + 1),
        client_id: Set(client_id),
        content: Set(content),
        sender_type: Set(sender.into()),
        author_id: Set(poster.author.as_ref().map(|author| author.id)),
        read_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    binding::attach(&txn, &claimed, chat_id, message.id).await?;
    let mut chat = touch_last_message(&txn, chat, &message, &claimed, labelled).await?;
    if sender == SenderType::User {
        // A user writing to a resolved or snoozed chat reopens it (the spec's auto-unarchive);
        // staff replies leave its state alone.
        if chat.status() != ChatStatus::Open {
            let reopen = Plan::reopen(Change::by(KindColumn::ReopenedByUser, None));
            chat = ownership::apply(&txn, chat, reopen, now).await?;
        }
        if chat.assignee_id.is_none()
            && let Some(capacity) = effects.auto_assign_capacity
        {
            chat = routing::auto_assign(&txn, chat, capacity, now).await?;
        }
    }
    // A staff reply's email job is written here, inside the transaction, so the job exists
    // exactly when the message does.
    if sender == SenderType::Admin {
        reply_emails::enqueue(&txn, &message, now + effects.reply_email_delay).await?;
    }
    txn.commit().await?;
    // Committed: only now may anyone hear of it.
    metrics::counter!("confab_messages_posted_total", "sender" => match sender {
        SenderType::User => "user",
        SenderType::Admin => "staff",
    })
    .increment(1);
    if sender == SenderType::Admin {
        effects.reply_jobs.notify_one();
    }
    let attachments = if claimed.is_empty() {
        Vec::new()
    } else {
        match effects.files.links.signer(db).await {
            Ok(signer) => {
                let expires = view_expiry(clock::now());
                claimed
                    .iter()
                    .map(|row| attachment_views::view(row, &signer, expires))
                    .collect()
            }
            Err(err) => {
                // Committed all the same: readers hear of it the way other processes do
                // (read back, signing its links again; if that fails too, a warning is logged).
                let fact = Fact::MessagePosted {
                    chat_id,
                    message_id: message.id,
                };
                effects.publish(db, fact, None).await;
                return Err(err);
            }
        }
    };
    let posted = Posted {
        message,
        chat,
        created: true,
        author: poster.author,
        attachments,
    };
    effects.publish_posted(db, chat_id, posted.view()).await;
    Ok(posted)
}

/// The chat a message goes to, locked, and what the post must know of it besides its row.
struct Locked {
    chat: support_chat::Model,
    /// A message of the chat already has the post's `client_id`: this post is a resend.
    resent: bool,
    /// The chat carries labels, whose copy of `last_message_at` the post keeps.
    labelled: bool,
}

/// Locks and reads the chat (404 when there is none), and asks whether `client_id` is taken
/// in it and whether it carries labels.
///
/// On SQLite the three come from one statement instead of three: each statement there is a
/// round trip to its connection's thread, and the switches between threads were the largest
/// part of a message's cost (`perf` under the load bench: four tenths of the server's CPU in
/// `finish_task_switch` and wake-ups, `sqlite3VdbeExec` itself 1.4%). The transaction holds
/// the database's write lock from `BEGIN`, so nothing commits between the answers and the
/// commit.
///
/// On PostgreSQL the questions come after the lock, in a statement of their own: a
/// `SELECT … FOR UPDATE` that waited for the row reads the row as its holder left it, but its
/// subqueries read the database as it was when the statement began (READ COMMITTED), so they
/// would miss the labels or the message with the same `client_id` that the holder committed.
/// Asked after the lock, the answers hold until commit: labelling and posting lock the chat
/// row first.
async fn lock_chat(
    txn: &WriteTransaction,
    chat_id: Uuid,
    client_id: Option<Uuid>,
) -> Result<Locked, AppError> {
    let resent = match client_id {
        Some(client_id) => Expr::exists(
            Query::select()
                .expr(Expr::value(1))
                .from(support_message::Entity)
                .and_where(support_message::Column::ChatId.eq(chat_id))
                .and_where(support_message::Column::ClientId.eq(client_id))
                .to_owned(),
        ),
        None => Expr::value(false),
    };
    let labelled = Expr::exists(
        Query::select()
            .expr(Expr::value(1))
            .from(chat_label::Entity)
            .and_where(chat_label::Column::ChatId.eq(chat_id))
            .to_owned(),
    );
    let chat = SupportChat::find_by_id(chat_id).lock_exclusive();
    let no_chat = || AppError::not_found("no such chat");
    if txn.get_database_backend() == DatabaseBackend::Sqlite {
        let statement = chat
            .expr_as(resent, "resent")
            .expr_as(labelled, "labelled")
            .build(DatabaseBackend::Sqlite);
        let row = txn.query_one_raw(statement).await?.ok_or_else(no_chat)?;
        return Ok(Locked {
            chat: support_chat::Model::from_query_result(&row, "")?,
            resent: row.try_get("", "resent")?,
            labelled: row.try_get("", "labelled")?,
        });
    }
    let chat = chat.one(txn).await?.ok_or_else(no_chat)?;
    let questions = Query::select()
        .expr_as(resent, "resent")
        .expr_as(labelled, "labelled")
        .to_owned();
    // A SELECT without FROM answers exactly one row.
    let row = txn.query_one(&questions).await?.ok_or(AppError::Internal)?;
    Ok(Locked {
        chat,
        resent: row.try_get("", "resent")?,
        labelled: row.try_get("", "labelled")?,
    })
}

/// Records `message` (with its `files`) as the chat's newest (`last_message_at`,
/// `last_seq`, the list's figures, and, when it is `labelled`, the labels' copy of
/// `last_message_at`).
async fn touch_last_message(
    txn: &WriteTransaction,
    chat: support_chat::Model,
    message: &support_message::Model,
    files: &[attachment::Model],
    labelled: bool,
) -> Result<support_chat::Model, AppError> {
    let message_count = chat.message_count + 1;
    let mut touched = chat.into_active_model();
    touched.last_message_at = Set(Some(message.created_at));
    touched.last_seq = Set(message.seq);
    // The list's figures, kept with the message so a list page never aggregates.
    touched.message_count = Set(message_count);
    touched.last_message_preview = Set(Some(match files.first() {
        // A message of files alone is previewed by its first file's name.
        Some(file) if message.content.is_empty() => preview(&format!("📎 {}", file.name)),
        _ => preview(&message.content),
    }));
    touched.last_message_sender = Set(Some(message.sender_type));
    if message.sender_type == SenderColumn::User {
        touched.last_user_message_at = Set(Some(message.created_at));
    }
    touched.updated_at = Set(message.created_at);
    let chat = touched.update(txn).await?;
    if !labelled {
        return Ok(chat);
    }
    // The labels' copy, so a label's chats stay in the inbox's order.
    ChatLabel::update_many()
        .col_expr(
            chat_label::Column::LastMessageAt,
            Expr::value(Some(message.created_at)),
        )
        .filter(chat_label::Column::ChatId.eq(chat.id))
        .exec(txn)
        .await?;
    Ok(chat)
}
