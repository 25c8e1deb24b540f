//! The browser's connection to `/ws` for one chat: connects (cookie, or an `auth` frame with
//! a widget token), subscribes with `after` = the newest `seq` it holds, reconnects with
//! exponential backoff and jitter, polls `after_seq` every 5 s while the socket is down, and
//! sends messages with a `client_id` that it re-sends after a reconnect until answered.

use futures::{SinkExt, StreamExt, channel::mpsc, future::Either};
use gloo_net::websocket::{Message, State, futures::WebSocket};
use leptos::{prelude::*, task::spawn_local};
use uuid::Uuid;

use super::{Backoff, ChatLog, ChatSignals, ConnectionState, Pending};
use crate::{
    model::{SenderType, SupportMessage},
    protocol::{Channel, ClientFrame, ServerFrame},
};

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
}

/// A live chat: writes what arrives into the view's [`ChatSignals`], and sends.
#[derive(Clone, Copy)]
pub struct LiveChat {
    signals: ChatSignals,
    chat_id: Uuid,
    outbox: StoredValue<mpsc::UnboundedSender<ClientFrame>>,
}

impl LiveChat {
    /// Starts following the chat into `signals` (which hold what the page rendered already).
    pub fn connect(options: LiveChatOptions, signals: ChatSignals) -> Self {
        let (outbox, frames) = mpsc::unbounded();
        let chat_id = options.chat_id;
        spawn_local(run(options, signals, outbox.clone(), frames));
        Self {
            signals,
            chat_id,
            outbox: StoredValue::new(outbox),
        }
    }

    /// Sends a message; it shows as pending until the server confirms it, and goes again
    /// after a reconnect until then (the server keeps one copy per `client_id`).
    pub fn send(&self, content: String) -> Uuid {
        let client_id = Uuid::now_v7();
        self.signals.pending.update(|p| {
            p.push(Pending {
                client_id,
                content: content.clone(),
                failed: false,
            });
        });
        self.push(ClientFrame::SendMessage {
            chat_id: self.chat_id,
            content,
            client_id,
        });
        client_id
    }

    /// Sends a refused or unconfirmed message again, under the same `client_id`.
    pub fn retry(&self, client_id: Uuid) {
        let mut content = None;
        self.signals.pending.update(|p| {
            if let Some(m) = p.iter_mut().find(|m| m.client_id == client_id) {
                m.failed = false;
                content = Some(m.content.clone());
            }
        });
        if let Some(content) = content {
            self.push(ClientFrame::SendMessage {
                chat_id: self.chat_id,
                content,
                client_id,
            });
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

    /// Tells the other side this side is typing.
    pub fn typing(&self) {
        self.push(ClientFrame::Typing {
            chat_id: self.chat_id,
        });
    }

    /// Marks the other side's messages read.
    pub fn mark_read(&self) {
        self.push(ClientFrame::MarkRead {
            chat_id: self.chat_id,
        });
    }

    /// Stops for good: the socket closes and no reconnection follows.
    pub fn close(&self) {
        self.outbox.with_value(|outbox| outbox.close_channel());
    }

    fn push(&self, frame: ClientFrame) {
        self.outbox.with_value(|outbox| {
            if outbox.unbounded_send(frame).is_err() {
                leptos::logging::warn!("the live chat has stopped; the frame was dropped");
            }
        });
    }
}

/// Connects, serves until the socket drops, polls while waiting to reconnect; until closed.
async fn run(
    options: LiveChatOptions,
    signals: ChatSignals,
    outbox: mpsc::UnboundedSender<ClientFrame>,
    mut frames: mpsc::UnboundedReceiver<ClientFrame>,
) {
    let mut backoff = Backoff::new(500, 30_000);
    while !outbox.is_closed() {
        signals.state.set(ConnectionState::Connecting);
        if let Ok(socket) = WebSocket::open(&socket_url(&options.server))
            && serve(&options, signals, &mut frames, socket).await
        {
            backoff.reset();
        }
        if outbox.is_closed() {
            break;
        }
        signals.state.set(ConnectionState::Closed);
        let delay = backoff.next_delay_ms(js_sys::Math::random());
        poll_until(&options, signals, delay).await;
    }
}

/// One socket's life; returns whether it got as far as subscribing.
async fn serve(
    options: &LiveChatOptions,
    signals: ChatSignals,
    frames: &mut mpsc::UnboundedReceiver<ClientFrame>,
    socket: WebSocket,
) -> bool {
    if !opened(&socket).await {
        return false;
    }
    let (mut tx, mut rx) = socket.split();
    let mut hello = Vec::new();
    if let Some(token) = &options.token {
        hello.push(ClientFrame::Auth {
            token: token.clone(),
        });
    }
    hello.push(ClientFrame::Subscribe {
        channel: Channel::Chat,
        chat_id: Some(options.chat_id),
        after: Some(signals.log.with_untracked(ChatLog::last_seq)),
    });
    // Unanswered sends go again: the server answers a known client_id with the original.
    hello.extend(
        signals
            .pending
            .get_untracked()
            .into_iter()
            .map(|p| ClientFrame::SendMessage {
                chat_id: options.chat_id,
                content: p.content,
                client_id: p.client_id,
            }),
    );
    for frame in hello {
        if tx.send(encode(&frame)).await.is_err() {
            return false;
        }
    }
    let mut subscribed = false;
    loop {
        match futures::future::select(rx.next(), frames.next()).await {
            Either::Left((Some(Ok(Message::Text(text))), _)) => {
                let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) else {
                    continue;
                };
                if matches!(frame, ServerFrame::Subscribed { .. }) {
                    subscribed = true;
                    signals.state.set(ConnectionState::Open);
                }
                apply(signals, frame);
            }
            Either::Left((Some(Ok(Message::Bytes(_))), _)) => {}
            Either::Left((Some(Err(_)) | None, _)) => return subscribed,
            Either::Right((Some(frame), _)) => {
                if tx.send(encode(&frame)).await.is_err() {
                    return subscribed;
                }
            }
            // Closed: dropping the socket's halves closes it.
            Either::Right((None, _)) => return subscribed,
        }
    }
}

/// Waits until the socket is open; `false` when it failed instead (the server is down), so
/// nothing is ever sent into a closed socket.
async fn opened(socket: &WebSocket) -> bool {
    // Chromium gives up on an unreachable server within seconds; 20 s bounds the rest.
    for _ in 0..400 {
        match socket.state() {
            State::Open => return true,
            State::Connecting => sleep_ms(50).await,
            State::Closing | State::Closed => return false,
        }
    }
    false
}

/// Applies a server frame to the reactive state.
fn apply(signals: ChatSignals, frame: ServerFrame) {
    match frame {
        ServerFrame::NewMessage { message, .. } => {
            if message.sender_type != SenderType::User {
                signals.typing.set(None);
            }
            signals.log.update(|log| {
                log.merge([message]);
            });
        }
        ServerFrame::Sent { client_id, message } => {
            signals
                .pending
                .update(|p| p.retain(|m| m.client_id != client_id));
            signals.log.update(|log| {
                log.merge([message]);
            });
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

/// While the socket is down: asks REST for new messages every 5 s until `delay_ms` passed.
async fn poll_until(options: &LiveChatOptions, signals: ChatSignals, delay_ms: u32) {
    let mut waited = 0;
    while waited < delay_ms {
        let step = POLL_EVERY_MS.min(delay_ms - waited);
        sleep_ms(step).await;
        waited += step;
        if step == POLL_EVERY_MS {
            poll_once(options, signals).await;
        }
    }
}

async fn poll_once(options: &LiveChatOptions, signals: ChatSignals) {
    let url = format!(
        "{}/api/support_chat/messages?after_seq={}&limit=200",
        options.server,
        signals.log.with_untracked(ChatLog::last_seq)
    );
    let mut request = gloo_net::http::Request::get(&url);
    if let Some(token) = &options.token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let Ok(response) = request.send().await else {
        return;
    };
    if let Ok(messages) = response.json::<Vec<SupportMessage>>().await {
        signals.log.update(|log| {
            log.merge(messages);
        });
    }
}

/// `ws(s)://host/ws` for `server` (`""`: the page's own origin).
fn socket_url(server: &str) -> String {
    let base = if server.is_empty() {
        window().location().origin().unwrap_or_default()
    } else {
        server.to_owned()
    };
    let base = base
        .replacen("https://", "wss://", 1)
        .replacen("http://", "ws://", 1);
    format!("{base}/ws")
}

fn encode(frame: &ClientFrame) -> Message {
    Message::Text(serde_json::to_string(frame).unwrap_or_default())
}

/// Resolves after `ms` milliseconds (a browser timer).
pub(crate) async fn sleep_ms(ms: u32) {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        std::time::Duration::from_millis(u64::from(ms)),
    );
    let _ = wait.await;
}
