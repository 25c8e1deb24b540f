//! Fan-out between Confab processes sharing one PostgreSQL database (several instances behind
//! a load balancer): every fact a process announces is sent as a `NOTIFY` on one channel, and
//! every process listens on a dedicated connection and delivers the others' facts to its own
//! connections. Payloads carry ids, never rows (PostgreSQL caps them at 8,000 bytes); the
//! receiver reads the committed rows.
//!
//! The listener reconnects with backoff after the database restarts, then re-reads what it
//! may have missed: each followed chat's newest message (connections fill any gap from the
//! database by `seq`, and drop what they already have) and the list entries of chats changed
//! meanwhile. SQLite runs one process, so there is nothing to relay.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Statement, sqlx::postgres::PgListener,
};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::{
    attachments::Files,
    chats::{self, views},
    clock,
    entities::{SupportChat, SupportMessage, support_chat, support_message},
    events,
    fact::Fact,
    hub::{Hub, Topic},
};
use wire::protocol::ServerFrame;

/// The notification channel.
pub const CHANNEL: &str = "confab_events";

/// Facts waiting to be sent; past this (the database is unreachable for long) new ones are
/// dropped, and the other processes' listeners resynchronise when they reconnect.
const QUEUE: usize = 10_000;

/// How far back a resynchronisation looks for changed chats, before the moment the loss was
/// noticed (a connection can die a little before anyone notices).
const RESYNC_MARGIN: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// Longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

#[derive(Serialize, Deserialize)]
struct Envelope {
    /// The process that announced the fact; it delivered it itself already.
    origin: Uuid,
    #[serde(flatten)]
    fact: Fact,
}

/// Starts relaying when `db` is PostgreSQL: a task sending this process's facts, and the
/// listener delivering everyone else's. Returns whether it started.
pub fn start(db: &DatabaseConnection, hub: &Arc<Hub>, files: &Arc<Files>) -> bool {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return false;
    }
    let origin = Uuid::now_v7();
    let (facts, queue) = mpsc::channel(QUEUE);
    hub.set_relay(facts);
    tokio::spawn(send_facts(db.clone(), origin, queue));
    tokio::spawn(listen(
        db.clone(),
        Arc::clone(hub),
        Arc::clone(files),
        origin,
    ));
    true
}

async fn send_facts(db: DatabaseConnection, origin: Uuid, mut queue: mpsc::Receiver<Fact>) {
    while let Some(fact) = queue.recv().await {
        let payload = match serde_json::to_string(&Envelope { origin, fact }) {
            Ok(payload) => payload,
            Err(err) => {
                tracing::error!(error = %err, "could not serialise a fact for the relay");
                continue;
            }
        };
        let notify = Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        );
        if let Err(err) = db.execute_raw(notify).await {
            tracing::warn!(error = %err, "could not relay a fact to the other instances");
        }
    }
}

async fn listen(db: DatabaseConnection, hub: Arc<Hub>, files: Arc<Files>, origin: Uuid) {
    let pool = db.get_postgres_connection_pool().clone();
    let mut backoff = Duration::from_millis(100);
    let mut lost_at: Option<DateTime<Utc>> = None;
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(err) => {
                tracing::warn!(error = %err, retry_in_ms = backoff.as_millis() as u64, "relay listener cannot connect");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                lost_at.get_or_insert_with(clock::now);
                continue;
            }
        };
        if let Err(err) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %err, "relay listener cannot LISTEN");
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
            lost_at.get_or_insert_with(clock::now);
            continue;
        }
        backoff = Duration::from_millis(100);
        if let Some(at) = lost_at.take() {
            tracing::info!("relay listener reconnected; resynchronising");
            resync(&db, &hub, &files, at - RESYNC_MARGIN).await;
        }
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    match serde_json::from_str::<Envelope>(notification.payload()) {
                        Ok(envelope) if envelope.origin != origin => {
                            events::deliver_locally(&db, &hub, &files, &envelope.fact).await;
                        }
                        Ok(_) => {}
                        Err(err) => {
                            tracing::warn!(error = %err, "ignored a malformed relay notification");
                        }
                    }
                }
                Ok(None) | Err(_) => {
                    tracing::warn!("relay listener lost its connection");
                    lost_at = Some(clock::now());
                    break;
                }
            }
        }
    }
}

/// After a gap in the notifications: every followed chat's newest message goes to its
/// followers (who fill the gap from the database by `seq`, or drop it as a duplicate), and
/// staff dashboards get the entries of chats changed since `since`.
async fn resync(db: &DatabaseConnection, hub: &Hub, files: &Files, since: DateTime<Utc>) {
    for chat_id in hub.followed_chats() {
        let newest = SupportMessage::find()
            .filter(support_message::Column::ChatId.eq(chat_id))
            .order_by_desc(support_message::Column::Seq)
            .one(db)
            .await;
        let newest = match newest {
            Ok(Some(message)) => views::message(db, files, message).await.map(Some),
            Ok(None) => Ok(None),
            Err(err) => Err(err.into()),
        };
        match newest {
            Ok(Some(message)) => hub.publish(
                Topic::Chat(chat_id),
                ServerFrame::NewMessage { chat_id, message },
            ),
            Ok(None) => {}
            Err(err) => {
                tracing::warn!(chat.id = %chat_id, error = %err, "resync could not read a chat")
            }
        }
    }
    if !hub.has_followers(Topic::Admin) {
        return;
    }
    let changed = SupportChat::find()
        .filter(support_chat::Column::UpdatedAt.gte(since))
        .all(db)
        .await;
    match changed {
        Ok(changed) => {
            for chat in changed {
                if let Ok(item) = chats::list_item(db, chat.id).await {
                    hub.publish(Topic::Admin, ServerFrame::ChatUpdated { chat: item });
                }
            }
        }
        Err(err) => tracing::warn!(error = %err, "resync could not read changed chats"),
    }
}
