//! Fan-out of committed events to the live connections of this process.
//!
//! Every WebSocket connection registers once and gets a bounded queue; subscriptions map a
//! topic (one chat, or the admin channel) to the connections that follow it. Services publish
//! after their transaction commits, never before. Publishing never waits: a connection whose
//! queue is full is a slow consumer, and it is told to close (it resumes from its last `seq`
//! on reconnect) rather than delay everyone else.
//!
//! A connection that authenticated is bound to its session, so ending the session (sign-out,
//! revocation, a visitor carried over to a verified identity) closes its sockets at once.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, Mutex, MutexGuard, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
};

use tokio::sync::{Notify, mpsc, watch};
use uuid::Uuid;

use crate::fact::Fact;
use wire::protocol::ServerFrame;

/// Frames one connection may have waiting before it counts as a slow consumer.
pub const QUEUE_PER_CONNECTION: usize = 256;

/// What a subscription follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    /// One chat: its messages, typing and read receipts.
    Chat(Uuid),
    /// Every chat's list entry and new user messages (staff).
    Admin,
}

/// One registered connection's receiving end.
pub struct Inbox {
    /// The connection's id in the hub.
    pub id: u64,
    /// Frames published to the connection's topics, in publishing order.
    pub frames: mpsc::Receiver<Arc<ServerFrame>>,
    /// Fires when the connection fell too far behind and must close.
    pub overflowed: Arc<Notify>,
    /// Fires when the connection's session ended and it must close as signed out.
    pub ended: Arc<Notify>,
}

struct Connection {
    queue: mpsc::Sender<Arc<ServerFrame>>,
    overflowed: Arc<Notify>,
    ended: Arc<Notify>,
    session: Option<Uuid>,
}

#[derive(Default)]
struct Registry {
    connections: HashMap<u64, Connection>,
    topics: HashMap<Topic, HashSet<u64>>,
    sessions: HashMap<Uuid, HashSet<u64>>,
}

/// The in-process hub; cheap to share behind an `Arc`.
pub struct Hub {
    registry: Mutex<Registry>,
    next_id: AtomicU64,
    closing: watch::Sender<bool>,
    /// Where announced facts go for the other processes (PostgreSQL only).
    relay: OnceLock<mpsc::Sender<Fact>>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            registry: Mutex::default(),
            next_id: AtomicU64::new(0),
            closing: watch::Sender::new(false),
            relay: OnceLock::new(),
        }
    }
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("connections", &self.registry().connections.len())
            .finish()
    }
}

impl Hub {
    fn registry(&self) -> MutexGuard<'_, Registry> {
        // A panic while holding the lock leaves the maps consistent (every change is one
        // insert or remove), so a poisoned lock is still usable.
        self.registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a connection; it receives nothing until it subscribes.
    pub fn connect(&self) -> Inbox {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (queue, frames) = mpsc::channel(QUEUE_PER_CONNECTION);
        let overflowed = Arc::new(Notify::new());
        let ended = Arc::new(Notify::new());
        self.registry().connections.insert(
            id,
            Connection {
                queue,
                overflowed: Arc::clone(&overflowed),
                ended: Arc::clone(&ended),
                session: None,
            },
        );
        Inbox {
            id,
            frames,
            overflowed,
            ended,
        }
    }

    /// Forgets a connection and all its subscriptions.
    pub fn disconnect(&self, id: u64) {
        let mut registry = self.registry();
        if let Some(session) = registry.connections.remove(&id).and_then(|c| c.session)
            && let Some(connections) = registry.sessions.get_mut(&session)
        {
            connections.remove(&id);
            if connections.is_empty() {
                registry.sessions.remove(&session);
            }
        }
        registry.topics.retain(|_, followers| {
            followers.remove(&id);
            !followers.is_empty()
        });
    }

    /// Records that the connection authenticated with `session`.
    pub fn bind_session(&self, id: u64, session: Uuid) {
        let mut registry = self.registry();
        if let Some(connection) = registry.connections.get_mut(&id) {
            connection.session = Some(session);
            registry.sessions.entry(session).or_default().insert(id);
        }
    }

    /// The sessions some connection of this process is bound to.
    pub fn bound_sessions(&self) -> Vec<Uuid> {
        self.registry().sessions.keys().copied().collect()
    }

    /// Tells every connection of this process bound to `session` to close as signed out;
    /// returns how many there were.
    pub fn end_session(&self, session: Uuid) -> usize {
        let registry = self.registry();
        let Some(connections) = registry.sessions.get(&session) else {
            return 0;
        };
        for id in connections {
            if let Some(connection) = registry.connections.get(id) {
                connection.ended.notify_one();
            }
        }
        connections.len()
    }

    /// Starts delivering `topic`'s frames to the connection.
    pub fn subscribe(&self, id: u64, topic: Topic) {
        self.registry().topics.entry(topic).or_default().insert(id);
    }

    /// Stops delivering `topic`'s frames to the connection.
    pub fn unsubscribe(&self, id: u64, topic: Topic) {
        let mut registry = self.registry();
        if let Some(followers) = registry.topics.get_mut(&topic) {
            followers.remove(&id);
            if followers.is_empty() {
                registry.topics.remove(&topic);
            }
        }
    }

    /// Delivers `frame` to every follower of `topic` but `except`, without waiting.
    pub fn publish_except(&self, topic: Topic, frame: ServerFrame, except: Option<u64>) {
        let frame = Arc::new(frame);
        let registry = self.registry();
        let Some(followers) = registry.topics.get(&topic) else {
            return;
        };
        for id in followers {
            if Some(*id) == except {
                continue;
            }
            let Some(connection) = registry.connections.get(id) else {
                continue;
            };
            if let Err(mpsc::error::TrySendError::Full(_)) =
                connection.queue.try_send(Arc::clone(&frame))
            {
                connection.overflowed.notify_one();
            }
        }
    }

    /// Delivers `frame` to every follower of `topic`, without waiting.
    pub fn publish(&self, topic: Topic, frame: ServerFrame) {
        self.publish_except(topic, frame, None);
    }

    /// Whether any connection follows `topic` (so building its frames is worth it).
    pub fn has_followers(&self, topic: Topic) -> bool {
        self.registry().topics.contains_key(&topic)
    }

    /// Sends announced facts to `relay` from now on (see `server::relay`).
    pub fn set_relay(&self, relay: mpsc::Sender<Fact>) {
        if self.relay.set(relay).is_err() {
            tracing::warn!("the hub already relays; a second relay was ignored");
        }
    }

    /// Hands a fact to the relay, if there is one, without waiting.
    pub fn relay(&self, fact: Fact) {
        if let Some(relay) = self.relay.get()
            && relay.try_send(fact).is_err()
        {
            tracing::warn!("the relay queue is full; other instances will resynchronise");
        }
    }

    /// The chats some connection of this process follows.
    pub fn followed_chats(&self) -> Vec<Uuid> {
        self.registry()
            .topics
            .keys()
            .filter_map(|topic| match topic {
                Topic::Chat(id) => Some(*id),
                Topic::Admin => None,
            })
            .collect()
    }

    /// Asks every connection to close (the server is shutting down; clients resume elsewhere
    /// or after the restart).
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// Tells a connection when it must close, even if the shutdown began before it asked.
    pub fn closing(&self) -> Closing {
        Closing(self.closing.subscribe())
    }

    /// How many connections are registered.
    pub fn connections(&self) -> usize {
        self.registry().connections.len()
    }
}

/// A connection's view of the server's shutdown.
pub struct Closing(watch::Receiver<bool>);

impl Closing {
    /// Resolves once the server is shutting down: at once when it already was. (A watch's
    /// `changed` would wait for a later change, which never comes for a connection that
    /// registered just after the shutdown began.)
    pub async fn started(&mut self) {
        // An error means the hub is gone, which also means closing.
        let _ = self.0.wait_for(|closing| *closing).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_reach_followers_of_the_topic_only() {
        let hub = Hub::default();
        let mut follower = hub.connect();
        let mut bystander = hub.connect();
        let chat = Uuid::now_v7();
        hub.subscribe(follower.id, Topic::Chat(chat));
        hub.subscribe(bystander.id, Topic::Admin);
        hub.publish(Topic::Chat(chat), ServerFrame::Pong);
        assert_eq!(
            follower.frames.recv().await.as_deref(),
            Some(&ServerFrame::Pong)
        );
        assert!(bystander.frames.try_recv().is_err());

        hub.unsubscribe(follower.id, Topic::Chat(chat));
        hub.publish(Topic::Chat(chat), ServerFrame::Pong);
        assert!(follower.frames.try_recv().is_err());
        hub.disconnect(bystander.id);
        assert_eq!(hub.connections(), 1);
    }

    #[tokio::test]
    async fn ending_a_session_signals_its_connections_only() {
        let hub = Hub::default();
        let signed_in = hub.connect();
        let other = hub.connect();
        let session = Uuid::now_v7();
        hub.bind_session(signed_in.id, session);
        hub.bind_session(other.id, Uuid::now_v7());
        assert_eq!(hub.end_session(session), 1);
        tokio::time::timeout(
            std::time::Duration::from_secs(1),
            signed_in.ended.notified(),
        )
        .await
        .expect("the session's connection was told");
        hub.disconnect(signed_in.id);
        assert_eq!(hub.end_session(session), 0, "forgotten on disconnect");
    }

    #[tokio::test]
    async fn a_full_queue_flags_the_slow_consumer_and_spares_the_others() {
        let hub = Hub::default();
        let slow = hub.connect();
        let mut quick = hub.connect();
        hub.subscribe(slow.id, Topic::Admin);
        hub.subscribe(quick.id, Topic::Admin);
        for _ in 0..=QUEUE_PER_CONNECTION {
            hub.publish(Topic::Admin, ServerFrame::Pong);
            assert!(quick.frames.recv().await.is_some());
        }
        // notify_one stored a permit: this resolves at once.
        tokio::time::timeout(
            std::time::Duration::from_secs(1),
            slow.overflowed.notified(),
        )
        .await
        .expect("the slow consumer was told to close");
    }

    #[tokio::test]
    async fn a_connection_that_looks_after_the_shutdown_began_still_closes() {
        let hub = Hub::default();
        let mut early = hub.closing();
        let before = tokio::select! {
            biased;
            () = early.started() => true,
            () = std::future::ready(()) => false,
        };
        assert!(!before, "nothing closes before the shutdown");
        hub.close_all();
        let mut late = hub.closing();
        for closing in [&mut early, &mut late] {
            tokio::time::timeout(std::time::Duration::from_secs(1), closing.started())
                .await
                .expect("told to close");
        }
    }
}
