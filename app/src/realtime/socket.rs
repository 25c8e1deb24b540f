//! The browser's connection to `/ws` for one chat: connects (cookie, or an `auth` frame with
//! a widget token), subscribes with `after` = the newest `seq` it holds, reconnects with
//! exponential backoff and jitter, polls `after_seq` every 5 s while the socket is down, and
//! sends messages with a `client_id` that it re-sends after a reconnect until answered.

use futures::{SinkExt, StreamExt, channel::mpsc, future::Either};
use gloo_net::websocket::{Message, futures::WebSocket};
use leptos::{prelude::*, task::spawn_local};
use uuid::Uuid;

use super::{Backoff, ChatLog, ConnectionState};
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

/// A message sent but not yet confirmed by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// The client's id for it; the server's answer carries it back.
    pub client_id: Uuid,
    /// The text.
    pub content: String,
}

/// A live chat: reactive state for the view, and a way to send.
#[derive(Clone, Copy)]
pub struct LiveChat {
    /// The socket's state.
    pub state: ReadSignal<ConnectionState>,
    /// The chat's messages, each once, in order.
    pub log: ReadSignal<ChatLog>,
    /// Messages on their way (shown as "sending").
    pub pending: ReadSignal<Vec<Pending>>,
    /// Who is typing on the other side, as last announced.
    pub typing: ReadSignal<Option<SenderType>>,
    set_pending: WriteSignal<Vec<Pending>>,
    outbox: StoredValue<mpsc::UnboundedSender<ClientFrame>>,
}

impl LiveChat {
    /// Starts following the chat; `initial` is what the page rendered already.
    pub fn connect(options: LiveChatOptions, initial: Vec<SupportMessage>) -> Self {
        let mut first = ChatLog::default();
        first.merge(initial);
        let (state, set_state) = signal(ConnectionState::Connecting);
        let (log, set_log) = signal(first);
        let (pending, set_pending) = signal(Vec::<Pending>::new());
        let (typing, set_typing) = signal(None);
        let (outbox, frames) = mpsc::unbounded();
        let writers = Writers {
            state: set_state,
            log: set_log,
            pending: set_pending,
            typing: set_typing,
        };
        spawn_local(run(options, writers, log, pending, frames));
        Self {
            state,
            log,
            pending,
            typing,
            set_pending,
            outbox: StoredValue::new(outbox),
        }
    }

    /// Sends a message; it shows as pending until the server confirms it, and goes again
    /// after a reconnect until then (the server keeps one copy per `client_id`).
    pub fn send(&self, chat_id: Uuid, content: String) -> Uuid {
        let client_id = Uuid::now_v7();
        self.set_pending.update(|p| {
            p.push(Pending {
                client_id,
                content: content.clone(),
            });
        });
        self.push(ClientFrame::SendMessage {
            chat_id,
            content,
            client_id,
        });
        client_id
    }

    /// Tells the other side this side is typing.
    pub fn typing(&self, chat_id: Uuid) {
        self.push(ClientFrame::Typing { chat_id });
    }

    /// Marks the other side's messages read.
    pub fn mark_read(&self, chat_id: Uuid) {
        self.push(ClientFrame::MarkRead { chat_id });
    }

    fn push(&self, frame: ClientFrame) {
        self.outbox.with_value(|outbox| {
            if outbox.unbounded_send(frame).is_err() {
                leptos::logging::warn!("the live chat has stopped; the frame was dropped");
            }
        });
    }
}

struct Writers {
    state: WriteSignal<ConnectionState>,
    log: WriteSignal<ChatLog>,
    pending: WriteSignal<Vec<Pending>>,
    typing: WriteSignal<Option<SenderType>>,
}

/// Connects, serves until the socket drops, polls while waiting to reconnect; forever.
async fn run(
    options: LiveChatOptions,
    writers: Writers,
    log: ReadSignal<ChatLog>,
    pending: ReadSignal<Vec<Pending>>,
    mut frames: mpsc::UnboundedReceiver<ClientFrame>,
) {
    let mut backoff = Backoff::new(500, 30_000);
    loop {
        writers.state.set(ConnectionState::Connecting);
        if let Ok(socket) = WebSocket::open(&socket_url(&options.server)) {
            let served = serve(&options, &writers, log, pending, &mut frames, socket).await;
            if served {
                backoff.reset();
            }
        }
        writers.state.set(ConnectionState::Closed);
        let delay = backoff.next_delay_ms(js_sys::Math::random());
        poll_until(&options, &writers, log, delay).await;
    }
}

/// One socket's life; returns whether it got as far as subscribing.
async fn serve(
    options: &LiveChatOptions,
    writers: &Writers,
    log: ReadSignal<ChatLog>,
    pending: ReadSignal<Vec<Pending>>,
    frames: &mut mpsc::UnboundedReceiver<ClientFrame>,
    socket: WebSocket,
) -> bool {
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
        after: Some(log.get_untracked().last_seq()),
    });
    // Unanswered sends go again: the server answers a known client_id with the original.
    hello.extend(
        pending
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
                    writers.state.set(ConnectionState::Open);
                }
                apply(writers, frame);
            }
            Either::Left((Some(Ok(Message::Bytes(_))), _)) => {}
            Either::Left((Some(Err(_)) | None, _)) => return subscribed,
            Either::Right((Some(frame), _)) => {
                if tx.send(encode(&frame)).await.is_err() {
                    return subscribed;
                }
            }
            // The LiveChat is gone: nothing will send again.
            Either::Right((None, _)) => return subscribed,
        }
    }
}

/// Applies a server frame to the reactive state.
fn apply(writers: &Writers, frame: ServerFrame) {
    match frame {
        ServerFrame::NewMessage { message, .. } => {
            if message.sender_type != SenderType::User {
                writers.typing.set(None);
            }
            writers.log.update(|log| {
                log.merge([message]);
            });
        }
        ServerFrame::Sent { client_id, message } => {
            writers
                .pending
                .update(|p| p.retain(|m| m.client_id != client_id));
            writers.log.update(|log| {
                log.merge([message]);
            });
        }
        ServerFrame::Read {
            read_at, up_to_seq, ..
        } => writers.log.update(|log| {
            log.mark_read(SenderType::User, up_to_seq, read_at);
            log.mark_read(SenderType::Admin, up_to_seq, read_at);
        }),
        ServerFrame::Typing { sender_type, .. } => writers.typing.set(Some(sender_type)),
        _ => {}
    }
}

/// While the socket is down: asks REST for new messages every 5 s until `delay_ms` passed.
async fn poll_until(
    options: &LiveChatOptions,
    writers: &Writers,
    log: ReadSignal<ChatLog>,
    delay_ms: u32,
) {
    let mut waited = 0;
    while waited < delay_ms {
        let step = POLL_EVERY_MS.min(delay_ms - waited);
        sleep_ms(step).await;
        waited += step;
        if step == POLL_EVERY_MS {
            poll_once(options, writers, log).await;
        }
    }
}

async fn poll_once(options: &LiveChatOptions, writers: &Writers, log: ReadSignal<ChatLog>) {
    let url = format!(
        "{}/api/support_chat/messages?after_seq={}&limit=200",
        options.server,
        log.get_untracked().last_seq()
    );
    let mut request = gloo_net::http::Request::get(&url);
    if let Some(token) = &options.token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let Ok(response) = request.send().await else {
        return;
    };
    if let Ok(messages) = response.json::<Vec<SupportMessage>>().await {
        writers.log.update(|log| {
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
async fn sleep_ms(ms: u32) {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        std::time::Duration::from_millis(u64::from(ms)),
    );
    let _ = wait.await;
}
