//! The browser's connection to `/ws` for one chat: connects (cookie, or an `auth` frame with
//! a widget token), subscribes with `after` = the newest `seq` it holds, reconnects with
//! exponential backoff and jitter, polls `after_seq` every 5 s while the socket is down, and
//! sends messages with a `client_id` that it re-sends after a reconnect until answered.
//!
//! Event-driven on the browser's WebSocket ([`browser::Socket`]: open, message and close
//! callbacks), with the connection's state in one shared cell. Only effects and event
//! handlers connect, so on the server (where the socket never opens) none of this runs.

use std::{cell::RefCell, rc::Rc};

use leptos::prelude::*;
use uuid::Uuid;

use super::{
    json,
    rules::{Backoff, ChatLog, ChatSignals, ConnectionState, Pending},
};
use crate::browser::{self, Socket};
use wire::{
    attachments::Attachment,
    protocol::{CLOSE_SIGNED_OUT, Channel, ClientFrame, ServerFrame},
};

/// How long "typing…" shows after the other side's last announcement.
const TYPING_LASTS_MS: u64 = 6_000;

/// How often the polling fallback asks for new messages while the socket is down.
const POLL_EVERY_MS: u32 = 5_000;

/// Where and as whom to connect.
#[derive(Clone, Debug)]
pub struct LiveChatOptions {
    /// `https://host` of the Confab server; empty for the page's own origin.
    pub server: String,
    /// A widget token; `None` when the session cookie authenticates (the hosted app).
    pub token: Option<String>,
    /// The chat to follow.
    pub chat_id: Uuid,
    /// Staff following a user's chat (the dashboard): the polling fallback reads the staff
    /// endpoint instead of the chat owner's.
    pub as_staff: bool,
}

/// A live chat: writes what arrives into the view's [`ChatSignals`], and sends.
#[derive(Clone, Copy)]
pub struct LiveChat {
    signals: ChatSignals,
    chat_id: Uuid,
    link: StoredValue<Link, LocalStorage>,
}

type Link = Rc<RefCell<Connection>>;

struct Connection {
    options: LiveChatOptions,
    signals: ChatSignals,
    socket: Option<Socket>,
    backoff: Backoff,
    /// `close()` was called: no reconnection, no polling.
    stopped: bool,
    /// A read receipt asked for while the socket was down; sent once it is open.
    mark_read_waiting: bool,
    /// When the other side last said it was typing (ms since the epoch).
    typing_at: f64,
}

impl LiveChat {
    /// Starts following the chat into `signals` (which hold what the page rendered already).
    pub fn connect(options: LiveChatOptions, signals: ChatSignals) -> Self {
        let chat_id = options.chat_id;
        let link = Rc::new(RefCell::new(Connection {
            options,
            signals,
            socket: None,
            backoff: Backoff::new(500, 30_000),
            stopped: false,
            mark_read_waiting: false,
            typing_at: 0.0,
        }));
        open_socket(&link);
        Self {
            signals,
            chat_id,
            link: StoredValue::new_local(link),
        }
    }

    /// Sends a message with the files uploaded for it; it shows as pending until the
    /// server confirms it, and goes again after a reconnect until then (the server keeps one
    /// copy per `client_id`).
    pub fn send(&self, content: String, attachments: Vec<Attachment>) -> Uuid {
        let client_id = Uuid::now_v7();
        let pending = Pending {
            client_id,
            content,
            attachments,
            failed: false,
        };
        self.push(&send_frame(self.chat_id, &pending));
        self.signals.pending.update(|p| p.push(pending));
        client_id
    }

    /// Sends a refused or unconfirmed message again, under the same `client_id`.
    pub fn retry(&self, client_id: Uuid) {
        let mut again = None;
        self.signals.pending.update(|p| {
            if let Some(m) = p.iter_mut().find(|m| m.client_id == client_id) {
                m.failed = false;
                again = Some(send_frame(self.chat_id, m));
            }
        });
        if let Some(frame) = again {
            self.push(&frame);
        }
    }

    /// Marks messages still unconfirmed as failed, so the view offers "retry" (they still
    /// go again by themselves after a reconnect).
    pub fn give_up_waiting(&self, client_ids: &[Uuid]) {
        self.signals.pending.update(|p| {
            for m in p.iter_mut().filter(|m| client_ids.contains(&m.client_id)) {
                m.failed = true;
            }
        });
    }

    /// Tells the other side this side is typing (dropped while the socket is down).
    pub fn typing(&self) {
        self.push(&ClientFrame::Typing {
            chat_id: self.chat_id,
        });
    }

    /// Marks the other side's messages read (now, or as soon as the socket is open).
    pub fn mark_read(&self) {
        if !self.push(&ClientFrame::MarkRead {
            chat_id: self.chat_id,
        }) {
            self.link
                .with_value(|link| link.borrow_mut().mark_read_waiting = true);
        }
    }

    /// Stops for good: the socket closes and no reconnection follows.
    pub fn close(&self) {
        self.link.with_value(|link| {
            let mut connection = link.borrow_mut();
            connection.stopped = true;
            if let Some(socket) = connection.socket.take() {
                socket.close();
            }
        });
    }

    /// Sends `frame` if the socket is open; returns whether it went. Unsent messages go
    /// again on reconnect (they are pending).
    fn push(&self, frame: &ClientFrame) -> bool {
        self.link.with_value(|link| send(&link.borrow(), frame))
    }
}

fn send(connection: &Connection, frame: &ClientFrame) -> bool {
    connection
        .socket
        .as_ref()
        .is_some_and(|socket| socket.send(&json::client_frame(frame)))
}

/// Opens a socket with its callbacks; they drive everything after.
fn open_socket(link: &Link) {
    let url = socket_url(&link.borrow().options.server);
    let opened = {
        let (opened, received_from, closing) = (Rc::clone(link), Rc::clone(link), Rc::clone(link));
        Socket::open(
            &url,
            move || hello(&opened),
            move |text| {
                if let Some(frame) = json::server_frame(&text) {
                    received(&received_from, frame);
                }
            },
            move |code| closed(&closing, code == CLOSE_SIGNED_OUT),
        )
    };
    match opened {
        Some(socket) => link.borrow_mut().socket = Some(socket),
        None => closed(link, false),
    }
}

/// Open: authenticate, subscribe from the newest `seq` held, send what is still pending.
fn hello(link: &Link) {
    let connection = link.borrow();
    let signals = connection.signals;
    let chat_id = connection.options.chat_id;
    if let Some(token) = &connection.options.token {
        send(
            &connection,
            &ClientFrame::Auth {
                token: token.clone(),
            },
        );
    }
    send(
        &connection,
        &ClientFrame::Subscribe {
            channel: Channel::Chat,
            chat_id: Some(chat_id),
            after: Some(signals.log.with_untracked(ChatLog::last_seq)),
        },
    );
    // Unanswered sends go again: the server answers a known client_id with the original.
    for pending in signals.pending.get_untracked() {
        send(&connection, &send_frame(chat_id, &pending));
    }
}

fn received(link: &Link, frame: ServerFrame) {
    let signals = link.borrow().signals;
    if matches!(frame, ServerFrame::Subscribed { .. }) {
        {
            let mut connection = link.borrow_mut();
            connection.backoff.reset();
            if std::mem::take(&mut connection.mark_read_waiting) {
                let chat_id = connection.options.chat_id;
                send(&connection, &ClientFrame::MarkRead { chat_id });
            }
        }
        signals.state.set(ConnectionState::Open);
    }
    if matches!(frame, ServerFrame::Typing { .. }) {
        // "Typing…" lasts until a message comes, or 6 s after the last announcement.
        let at = browser::now_ms();
        link.borrow_mut().typing_at = at;
        let link = Rc::clone(link);
        set_timeout(
            move || {
                if link.borrow().typing_at == at {
                    signals.typing.set(None);
                }
            },
            std::time::Duration::from_millis(TYPING_LASTS_MS),
        );
    }
    apply(signals, frame);
}

/// The socket closed (or never opened): try again after a backoff, polling meanwhile; unless
/// the session ended (signed out, revoked), when the same credentials would only be refused.
fn closed(link: &Link, signed_out: bool) {
    // The closed socket stays in its slot until the next one replaces it: this may be its
    // own close callback running, which must not be dropped while it runs.
    let (signals, delay) = {
        let mut connection = link.borrow_mut();
        if connection.stopped {
            return;
        }
        if signed_out {
            connection.stopped = true;
            connection.signals.state.set(ConnectionState::Closed);
            return;
        }
        let delay = connection.backoff.next_delay_ms(browser::random());
        (connection.signals, delay)
    };
    signals.state.set(ConnectionState::Closed);
    let reconnect = Rc::clone(link);
    set_timeout(
        move || {
            if !reconnect.borrow().stopped {
                reconnect
                    .borrow()
                    .signals
                    .state
                    .set(ConnectionState::Connecting);
                open_socket(&reconnect);
            }
        },
        std::time::Duration::from_millis(u64::from(delay)),
    );
    poll_later(link);
}

/// While the socket is not subscribed: asks REST for new messages every 5 s.
fn poll_later(link: &Link) {
    let link = Rc::clone(link);
    set_timeout(
        move || {
            let down = {
                let connection = link.borrow();
                !connection.stopped
                    && connection.signals.state.get_untracked() != ConnectionState::Open
            };
            if down {
                leptos::task::spawn_local(poll_once(Rc::clone(&link)));
                poll_later(&link);
            }
        },
        std::time::Duration::from_millis(u64::from(POLL_EVERY_MS)),
    );
}

async fn poll_once(link: Link) {
    let (url, token, signals) = {
        let connection = link.borrow();
        let signals = connection.signals;
        let options = &connection.options;
        let path = if options.as_staff {
            format!("/api/admin/chats/{}", options.chat_id)
        } else {
            "/api/support_chat/messages".to_owned()
        };
        let url = format!(
            "{}{path}?after_seq={}&limit=200",
            options.server,
            signals.log.with_untracked(ChatLog::last_seq)
        );
        (url, connection.options.token.clone(), signals)
    };
    let Ok(answer) = browser::http::send("GET", &url, token.as_deref(), None).await else {
        return;
    };
    // The owner's endpoint answers with the messages, the staff one with the chat.
    let messages = answer
        .text
        .as_deref()
        .and_then(json::parse)
        .and_then(|body| json::messages(&body).or_else(|| json::chat(&body).map(|c| c.messages)));
    if let Some(messages) = messages {
        signals.receive(messages);
    }
}

/// Applies a server frame to the reactive state.
fn apply(signals: ChatSignals, frame: ServerFrame) {
    match frame {
        ServerFrame::NewMessage { message, .. } => {
            // The one who was typing sent their message.
            if signals.typing.get_untracked() == Some(message.sender_type) {
                signals.typing.set(None);
            }
            signals.receive(vec![message]);
        }
        ServerFrame::Sent { client_id, message } => {
            // The message carries its client id too; a copy without one still confirms it.
            signals
                .pending
                .update(|p| p.retain(|m| m.client_id != client_id));
            signals.receive(vec![message]);
        }
        ServerFrame::Read {
            reader,
            read_at,
            up_to_seq,
            ..
        } => signals.log.update(|log| {
            log.mark_read(reader.other(), up_to_seq, read_at);
        }),
        ServerFrame::Typing { sender_type, .. } => signals.typing.set(Some(sender_type)),
        // A refused send names its client_id: it stays, marked for "retry".
        ServerFrame::Error {
            reference: Some(reference),
            ..
        } => {
            if let Ok(client_id) = Uuid::parse_str(&reference) {
                signals.pending.update(|p| {
                    for m in p.iter_mut().filter(|m| m.client_id == client_id) {
                        m.failed = true;
                    }
                });
            }
        }
        _ => {}
    }
}

/// `ws(s)://host/ws` for `server` (`""`: the page's own origin).
pub(super) fn socket_url(server: &str) -> String {
    let base = if server.is_empty() {
        browser::origin()
    } else {
        server.to_owned()
    };
    let base = base
        .replacen("https://", "wss://", 1)
        .replacen("http://", "ws://", 1);
    format!("{base}/ws")
}

/// The frame that sends `pending` to `chat_id`.
fn send_frame(chat_id: Uuid, pending: &Pending) -> ClientFrame {
    ClientFrame::SendMessage {
        chat_id,
        content: pending.content.clone(),
        client_id: pending.client_id,
        attachment_ids: pending.attachments.iter().map(|a| a.id).collect(),
    }
}
