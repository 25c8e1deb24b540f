//! What a write sets in motion besides its own rows: live events for connected clients (the
//! hub, after commit), reply emails (a job row, inside the transaction), the snooze worker's
//! wake-up, the team's auto-assignment rule, and files (messages carry their attachments). Every write service
//! takes it, so no adapter ever publishes or enqueues by itself.

use std::sync::Arc;

use chrono::TimeDelta;
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::{attachments::Files, events, fact::Fact, hub::Hub};
use wire::model::SupportMessage;

/// How long a staff reply may stay unread before its user is emailed, unless configured.
pub const DEFAULT_REPLY_EMAIL_DELAY: TimeDelta = TimeDelta::minutes(5);

/// The process's side-effect machinery, shared by every request.
#[derive(Debug)]
pub struct Effects {
    /// Live connections of this process (and, on PostgreSQL, the relay to the others).
    pub hub: Arc<Hub>,
    /// How long a staff reply waits, unread, before the reply email goes out.
    pub reply_email_delay: TimeDelta,
    /// Wakes the email worker when a new job was committed (it sleeps until the next is due).
    pub reply_jobs: Notify,
    /// Wakes the snooze worker when a snooze was set (it sleeps until the next one ends).
    pub snoozes: Notify,
    /// Auto-assignment: the most open chats it gives one staff member; `None` when off.
    pub auto_assign_capacity: Option<u32>,
    /// Attachments: their storage, links and settings (messages read carry their files).
    pub files: Arc<Files>,
}

impl Default for Effects {
    fn default() -> Self {
        Self {
            hub: Arc::new(Hub::default()),
            reply_email_delay: DEFAULT_REPLY_EMAIL_DELAY,
            reply_jobs: Notify::new(),
            snoozes: Notify::new(),
            auto_assign_capacity: None,
            files: Arc::new(Files::default()),
        }
    }
}

impl Effects {
    /// Tells live connections of a committed change: this process's (all but the connection
    /// `except`, for a typing echo) and, through the relay, every other instance's. The one way
    /// services publish.
    pub async fn publish(&self, db: &DatabaseConnection, fact: Fact, except: Option<u64>) {
        events::announce(db, &self.hub, &self.files, fact, except).await;
    }

    /// [`publish`](Self::publish) for a message just posted, delivered here from the view the
    /// poster already holds.
    pub async fn publish_posted(
        &self,
        db: &DatabaseConnection,
        chat_id: Uuid,
        message: SupportMessage,
    ) {
        events::announce_posted(db, &self.hub, chat_id, message).await;
    }
}
