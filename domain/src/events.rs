//! How a process turns a [`Fact`] into protocol frames for its own connections, after commit.
//! Services publish through [`Effects::publish`](crate::effects::Effects::publish); [`announce`] delivers
//! locally and hands the fact to the relay (other processes, when running on PostgreSQL);
//! the relay's listener calls [`deliver_locally`] for facts from elsewhere.

use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::{
    attachments::Files,
    chats::{list, notes, views},
    entities::SupportMessage as MessageRows,
    fact::Fact,
    hub::{Hub, Topic},
};
use wire::{
    model::{SenderType, SupportMessage},
    protocol::ServerFrame,
};

/// Delivers `fact` to this process's connections (but `except`, for typing echoes) and to
/// the other processes.
pub async fn announce(
    db: &DatabaseConnection,
    hub: &Hub,
    files: &Files,
    fact: Fact,
    except: Option<u64>,
) {
    deliver(db, hub, files, &fact, except).await;
    hub.relay(fact);
}

/// Delivers a message this process just posted from the view it already holds (no reading
/// it back), and hands the fact to the other processes, which read it themselves.
pub async fn announce_posted(
    db: &DatabaseConnection,
    hub: &Hub,
    chat_id: Uuid,
    message: SupportMessage,
) {
    let fact = Fact::MessagePosted {
        chat_id,
        message_id: message.id,
    };
    deliver_message(db, hub, chat_id, message).await;
    hub.relay(fact);
}

/// Delivers a fact another process announced to this process's connections.
pub async fn deliver_locally(db: &DatabaseConnection, hub: &Hub, files: &Files, fact: &Fact) {
    deliver(db, hub, files, fact, None).await;
}

async fn deliver(
    db: &DatabaseConnection,
    hub: &Hub,
    files: &Files,
    fact: &Fact,
    except: Option<u64>,
) {
    match fact {
        Fact::MessagePosted {
            chat_id,
            message_id,
        } => message_posted(db, hub, files, *chat_id, *message_id).await,
        Fact::NotePosted { chat_id, note_id } => note_posted(db, hub, *chat_id, *note_id).await,
        Fact::ChatChanged { chat_id } => list_entry_changed(db, hub, *chat_id).await,
        Fact::Read {
            chat_id,
            reader,
            read_at,
            up_to_seq,
        } => {
            hub.publish(
                Topic::Chat(*chat_id),
                ServerFrame::Read {
                    chat_id: *chat_id,
                    reader: *reader,
                    read_at: *read_at,
                    up_to_seq: *up_to_seq,
                },
            );
            list_entry_changed(db, hub, *chat_id).await;
        }
        Fact::Typing {
            chat_id,
            sender_type,
        } => hub.publish_except(
            Topic::Chat(*chat_id),
            ServerFrame::Typing {
                chat_id: *chat_id,
                sender_type: *sender_type,
            },
            except,
        ),
        Fact::SessionEnded { session_id } => {
            hub.end_session(*session_id);
        }
    }
}

/// A message posted elsewhere, read back and delivered. Nothing is read when nobody listens.
async fn message_posted(
    db: &DatabaseConnection,
    hub: &Hub,
    files: &Files,
    chat_id: Uuid,
    message_id: Uuid,
) {
    if !hub.has_followers(Topic::Chat(chat_id)) && !hub.has_followers(Topic::Admin) {
        return;
    }
    let message = match MessageRows::find_by_id(message_id).one(db).await {
        Ok(Some(row)) => views::message(db, files, row).await,
        Ok(None) => return,
        Err(err) => Err(err.into()),
    };
    let message: SupportMessage = match message {
        Ok(message) => message,
        Err(err) => {
            tracing::warn!(chat.id = %chat_id, error = %err, "could not read a posted message to deliver it");
            return;
        }
    };
    deliver_message(db, hub, chat_id, message).await;
}

/// The chat's subscribers get the message; staff dashboards the user's message (when the
/// user wrote) and the chat's new list entry, which is read only when some dashboard listens.
async fn deliver_message(
    db: &DatabaseConnection,
    hub: &Hub,
    chat_id: Uuid,
    message: SupportMessage,
) {
    let staff = hub.has_followers(Topic::Admin);
    if hub.has_followers(Topic::Chat(chat_id)) {
        hub.publish(
            Topic::Chat(chat_id),
            ServerFrame::NewMessage {
                chat_id,
                message: message.clone(),
            },
        );
    }
    if !staff {
        return;
    }
    let item = match list::list_item(db, chat_id).await {
        Ok(item) => item,
        Err(err) => {
            tracing::warn!(chat.id = %chat_id, error = %err, "could not read a chat's list entry to deliver it");
            return;
        }
    };
    if message.sender_type == SenderType::User {
        hub.publish(
            Topic::Admin,
            ServerFrame::NewUserMessage {
                chat_id,
                user_email: item.user_email.clone(),
                message,
            },
        );
    }
    hub.publish(Topic::Admin, ServerFrame::ChatUpdated { chat: item });
}

/// Staff dashboards (the admin channel, staff only) get the note; a chat channel, which the
/// chat's user may follow, never does.
async fn note_posted(db: &DatabaseConnection, hub: &Hub, chat_id: Uuid, note_id: Uuid) {
    if !hub.has_followers(Topic::Admin) {
        return;
    }
    match notes::note(db, note_id).await {
        Ok(Some(note)) => hub.publish(Topic::Admin, ServerFrame::NewNote { chat_id, note }),
        Ok(None) => {}
        Err(err) => {
            tracing::warn!(chat.id = %chat_id, error = %err, "could not read a posted note to deliver it");
        }
    }
}

/// Staff dashboards get the chat's list entry as it is now.
async fn list_entry_changed(db: &DatabaseConnection, hub: &Hub, chat_id: Uuid) {
    if !hub.has_followers(Topic::Admin) {
        return;
    }
    match list::list_item(db, chat_id).await {
        Ok(chat) => hub.publish(Topic::Admin, ServerFrame::ChatUpdated { chat }),
        Err(err) => {
            tracing::warn!(chat.id = %chat_id, error = %err, "could not read a chat's list entry to deliver it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_fit_a_notification_and_read_back() {
        let fact = Fact::MessagePosted {
            chat_id: Uuid::now_v7(),
            message_id: Uuid::now_v7(),
        };
        let payload = serde_json::to_string(&fact).expect("serialise");
        assert!(
            payload.len() < 8_000,
            "PostgreSQL payloads stay under 8,000 bytes"
        );
        assert_eq!(serde_json::from_str::<Fact>(&payload).expect("parse"), fact);
    }
}
