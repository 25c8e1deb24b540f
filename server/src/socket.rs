//! `GET /ws`: one WebSocket connection's life, as the protocol in `wire::protocol` defines it.
//!
//! The connection authenticates (session cookie at the upgrade, or an `auth` frame with a
//! widget token), subscribes to channels it may see, and sends actions that go through the
//! same services as REST. A subscription with `after` registers with the hub first, replays
//! from the database second, and drops live duplicates by `seq` last, so nothing is lost or
//! repeated while messages arrive during the replay; a live message that skips a `seq` (two
//! commits published out of order) makes the connection read the gap from the database first.
//!
//! Bounded by design: a connection must authenticate within [`AUTH_DEADLINE`], every frame
//! it is sent has [`SEND_DEADLINE`] to leave (a client that stops reading is dropped and its
//! memory freed), sockets are capped per person and per client address, and a socket closes
//! with [`CLOSE_SIGNED_OUT`] the moment its session ends, on whichever instance it ended.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use app::http::{
    current_user::{self, Client},
    state::AppState,
};
use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket, close_code},
    },
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use domain::{
    auth::sessions,
    chats, clock,
    entities::{
        session::{self, SessionKind},
        user,
    },
    fact::Fact,
    hub::{Inbox, Topic},
    limits::{SocketKey, SocketSlots},
    team::membership,
};
use uuid::Uuid;
use wire::{
    error::AppError,
    protocol::{
        CLOSE_SIGNED_OUT, CLOSE_UNAUTHENTICATED, Channel, ClientFrame, ErrorCode, ServerFrame,
    },
};

use crate::security;

/// Largest frame a client may send; larger ones close the connection with 1009. It fits the
/// largest valid message however a client escapes it: 5,000 characters, each at most twelve
/// bytes as JSON (an escaped surrogate pair, `\ud83d\ude00`), plus the frame around them.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// A connection that has not authenticated (cookie at the upgrade, or an `auth` frame) by
/// then is closed.
pub const AUTH_DEADLINE: Duration = Duration::from_secs(10);
/// Longest a frame may wait to be written to a client before the client counts as gone.
pub const SEND_DEADLINE: Duration = Duration::from_secs(10);
/// Frames a connection may send per second, sustained…
const FRAMES_PER_SECOND: f64 = 10.0;
/// …and in a burst.
const FRAME_BURST: f64 = 20.0;
/// How often the server pings an otherwise quiet connection.
const PING_EVERY: Duration = Duration::from_secs(25);
/// A connection that answers nothing (not even pings) for this long is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(70);
/// At most one typing event per sender and chat in this time.
const TYPING_EVERY: Duration = Duration::from_secs(2);
/// Messages read per query when replaying or filling a gap.
const REPLAY_PAGE: u64 = chats::MAX_PAGE;

/// The upgrade: checks the page's origin, takes the client address's socket slot, reads the
/// session cookie (only from Confab's own pages), and hands the socket to its connection loop.
/// Small buffers keep idle connections cheap.
pub(crate) async fn upgrade(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if let Some(origin) = origin
        && !security::origin_may_connect(origin, &headers, &state)
    {
        return AppError::forbidden(format!(
            "the origin {origin} may not open this socket; add it to CONFAB_WIDGET_ORIGINS"
        ))
        .into_response();
    }
    // A widget page on the same site as Confab gets the staff cookie from the browser: only
    // Confab's own pages may authenticate by cookie. Widget pages send an `auth` frame.
    let cookie_counts = origin.is_none_or(|origin| security::is_own_page(origin, &headers, &state));
    // A stale cookie is no reason to refuse: the client may still send an `auth` frame.
    let session = match current_user::session_cookie(&headers, state.auth.cookie_name()) {
        Some(token) if cookie_counts => {
            sessions::authenticate_session(&state.db, token, SessionKind::Browser)
                .await
                .ok()
        }
        _ => None,
    };
    let mut keys = vec![SocketKey::Address(client.limit_key())];
    if let Some((_, user)) = &session {
        keys.push(SocketKey::User(user.id));
    }
    let slots = match state.limits.open_socket(&keys).await {
        Ok(slots) => slots,
        Err(err) => {
            tracing::warn!(client.addr = %client, "socket refused: too many open");
            return err.into_response();
        }
    };
    ws.max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(1024 * 1024)
        .on_upgrade(move |socket| Connection::new(state, session, slots).run(socket))
}

/// Why the loop ended: the socket failed, or the connection closed on purpose.
type Closed = ();

/// One connection's state.
struct Connection {
    state: AppState,
    user: Option<user::Model>,
    /// Socket slots held (the address's, then the person's); freed when the connection ends.
    slots: Vec<SocketSlots>,
    /// Counted in `confab_sockets_open` under its kind while it lives.
    gauge: OpenSocket,
    /// When the session it authenticated with expires: the connection closes then.
    session_ends: Option<tokio::time::Instant>,
    inbox: Inbox,
    /// Subscribed chats and the newest `seq` delivered on each.
    chats: HashMap<Uuid, i64>,
    frames: TokenBucket,
    typing_sent: HashMap<Uuid, Instant>,
    /// Whether it follows the staff channel: a dashboard, whose staff member counts as online
    /// while it lives (marked at subscription and at every ping).
    dashboard: bool,
    /// When the client last sent anything; on the runtime's clock, like the ping timer it is
    /// compared at (so a test can move both).
    last_heard: tokio::time::Instant,
}

impl Connection {
    fn new(
        state: AppState,
        session: Option<(session::Model, user::Model)>,
        slots: SocketSlots,
    ) -> Self {
        let inbox = state.effects.hub.connect();
        let mut session_ends = None;
        let user = session.map(|(session, user)| {
            state.effects.hub.bind_session(inbox.id, session.id);
            session_ends = Some(ends_at(&session));
            user
        });
        Self {
            gauge: OpenSocket::new(user.as_ref()),
            state,
            user,
            session_ends,
            slots: vec![slots],
            inbox,
            chats: HashMap::new(),
            frames: TokenBucket::new(FRAMES_PER_SECOND, FRAME_BURST),
            typing_sent: HashMap::new(),
            dashboard: false,
            last_heard: tokio::time::Instant::now(),
        }
    }

    async fn run(mut self, mut socket: WebSocket) {
        let _ = self.serve(&mut socket).await;
        self.state.effects.hub.disconnect(self.inbox.id);
    }

    async fn serve(&mut self, socket: &mut WebSocket) -> Result<(), Closed> {
        if let Some(user) = &self.user {
            let ready = ServerFrame::Ready {
                user: user.clone().into(),
            };
            send(socket, &ready).await?;
        }
        let mut closing = self.state.effects.hub.closing();
        let overflowed = Arc::clone(&self.inbox.overflowed);
        let ended = Arc::clone(&self.inbox.ended);
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        // One timer for the connection's life: the authentication deadline until it
        // authenticates, then its session's expiry (re-armed once, not made anew each turn).
        let deadline = tokio::time::sleep_until(
            self.session_ends
                .unwrap_or_else(|| tokio::time::Instant::now() + AUTH_DEADLINE),
        );
        tokio::pin!(deadline);
        let mut armed = self.session_ends;
        loop {
            if self.session_ends != armed {
                if let Some(at) = self.session_ends {
                    deadline.as_mut().reset(at);
                }
                armed = self.session_ends;
            }
            tokio::select! {
                incoming = socket.recv() => match incoming {
                    None | Some(Ok(Message::Close(_))) => return Ok(()),
                    Some(Ok(Message::Text(text))) => {
                        self.last_heard = tokio::time::Instant::now();
                        self.on_text(socket, text.as_str()).await?;
                    }
                    Some(Ok(Message::Binary(_))) => {
                        self.last_heard = tokio::time::Instant::now();
                        send(socket, &error(ErrorCode::Invalid, "frames are JSON text", None)).await?;
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => self.last_heard = tokio::time::Instant::now(),
                    Some(Err(err)) => {
                        let too_large = err.to_string().contains("too long")
                            || err.to_string().contains("Space limit");
                        if too_large {
                            metrics::counter!("confab_socket_frames_refused_total", "reason" => "too_large").increment(1);
                            close(socket, close_code::SIZE, "frame larger than 64 KiB").await;
                        }
                        return Err(());
                    }
                },
                Some(frame) = self.inbox.frames.recv() => self.deliver(socket, frame).await?,
                () = overflowed.notified() => {
                    metrics::counter!("confab_socket_frames_dropped_total").increment(1);
                    close(socket, close_code::AGAIN, "too far behind; reconnect and resume with `after`").await;
                    return Ok(());
                }
                () = ended.notified() => {
                    close(socket, CLOSE_SIGNED_OUT, "signed out").await;
                    return Ok(());
                }
                () = &mut deadline => {
                    if self.user.is_none() {
                        close(socket, CLOSE_UNAUTHENTICATED, "authenticate within 10 seconds").await;
                    } else {
                        close(socket, CLOSE_SIGNED_OUT, "session expired").await;
                    }
                    return Ok(());
                }
                _ = ping.tick() => {
                    if self.last_heard.elapsed() > IDLE_TIMEOUT {
                        close(socket, close_code::AWAY, "idle").await;
                        return Ok(());
                    }
                    send_within_deadline(socket, Message::Ping(Default::default())).await?;
                    self.mark_dashboard_seen().await;
                }
                () = closing.started() => {
                    close(socket, close_code::RESTART, "server restarting; reconnect and resume").await;
                    return Ok(());
                }
            }
        }
    }

    /// A text frame from the client: rate-limited, parsed, acted on.
    async fn on_text(&mut self, socket: &mut WebSocket, text: &str) -> Result<(), Closed> {
        if !self.frames.take(Instant::now()) {
            metrics::counter!("confab_socket_frames_refused_total", "reason" => "rate_limited")
                .increment(1);
            let limited = error(
                ErrorCode::RateLimited,
                "more than 10 frames per second; slow down",
                None,
            );
            return send(socket, &limited).await;
        }
        match serde_json::from_str::<ClientFrame>(text) {
            Ok(frame) => self.on_frame(socket, frame).await,
            Err(err) => {
                metrics::counter!("confab_socket_frames_refused_total", "reason" => "invalid")
                    .increment(1);
                let invalid = error(
                    ErrorCode::Invalid,
                    &format!("not a frame of this protocol: {err}"),
                    None,
                );
                send(socket, &invalid).await
            }
        }
    }

    async fn on_frame(&mut self, socket: &mut WebSocket, frame: ClientFrame) -> Result<(), Closed> {
        let reference = reference_of(&frame);
        let answer = match frame {
            ClientFrame::Ping => Ok(vec![ServerFrame::Pong]),
            ClientFrame::Auth { token } => self.authenticate(&token).await,
            ClientFrame::Subscribe {
                channel: Channel::Chat,
                chat_id,
                after,
            } => self.subscribe_chat(socket, chat_id, after).await,
            ClientFrame::Subscribe {
                channel: Channel::Admin,
                ..
            } => self.subscribe_admin().await,
            ClientFrame::Unsubscribe { channel, chat_id } => Ok(self.unsubscribe(channel, chat_id)),
            ClientFrame::SendMessage {
                chat_id,
                content,
                client_id,
                attachment_ids,
            } => {
                let draft = chats::Draft {
                    content,
                    client_id: Some(client_id),
                    attachment_ids,
                };
                self.send_message(chat_id, client_id, draft).await
            }
            ClientFrame::Typing { chat_id } => self.typing(chat_id).await,
            ClientFrame::MarkRead { chat_id } => self.mark_read(chat_id).await,
        };
        match answer {
            Ok(frames) => {
                for frame in &frames {
                    send(socket, frame).await?;
                }
                Ok(())
            }
            Err(err) => send(socket, &error_of(&err, reference)).await,
        }
    }

    fn signed_in(&self) -> Result<&user::Model, AppError> {
        self.user.as_ref().ok_or_else(|| {
            AppError::unauthorized("authenticate first: a session cookie, or an `auth` frame")
        })
    }

    async fn authenticate(&mut self, token: &str) -> Result<Vec<ServerFrame>, AppError> {
        if self.user.is_some() {
            return Err(AppError::bad_request(
                "this connection is authenticated already",
            ));
        }
        let (session, user) =
            sessions::authenticate_session(&self.state.db, token, SessionKind::Widget).await?;
        self.session_ends = Some(ends_at(&session));
        let slot = self
            .state
            .limits
            .open_socket(&[SocketKey::User(user.id)])
            .await?;
        self.slots.push(slot);
        self.state
            .effects
            .hub
            .bind_session(self.inbox.id, session.id);
        let ready = ServerFrame::Ready {
            user: user.clone().into(),
        };
        self.gauge = OpenSocket::new(Some(&user));
        self.user = Some(user);
        Ok(vec![ready])
    }

    /// Subscribes to a chat; with `after`, replays what the client missed first.
    async fn subscribe_chat(
        &mut self,
        socket: &mut WebSocket,
        chat_id: Option<Uuid>,
        after: Option<i64>,
    ) -> Result<Vec<ServerFrame>, AppError> {
        let user = self.signed_in()?;
        let chat_id =
            chat_id.ok_or_else(|| AppError::bad_request("the chat channel needs a chat_id"))?;
        if after.is_some_and(|seq| seq < 0) {
            return Err(AppError::validation("after must be 0 or more"));
        }
        let chat = chats::chat_for(&self.state.db, user, chat_id).await?;
        // Live first, so nothing committed from now on can be missed; the replay below and
        // the dedupe by seq take care of the overlap.
        self.state
            .effects
            .hub
            .subscribe(self.inbox.id, Topic::Chat(chat_id));
        let delivered = match after {
            Some(after) => {
                self.chats.insert(chat_id, after);
                self.catch_up(socket, chat_id, None).await?
            }
            None => chat.last_seq,
        };
        self.chats.insert(chat_id, delivered);
        Ok(vec![ServerFrame::Subscribed {
            channel: Channel::Chat,
            chat_id: Some(chat_id),
            seq: Some(delivered),
        }])
    }

    async fn subscribe_admin(&mut self) -> Result<Vec<ServerFrame>, AppError> {
        if !self.signed_in()?.is_staff() {
            return Err(AppError::forbidden(
                "the admin channel is for support staff",
            ));
        }
        self.state
            .effects
            .hub
            .subscribe(self.inbox.id, Topic::Admin);
        self.dashboard = true;
        self.mark_dashboard_seen().await;
        Ok(vec![ServerFrame::Subscribed {
            channel: Channel::Admin,
            chat_id: None,
            seq: None,
        }])
    }

    fn unsubscribe(&mut self, channel: Channel, chat_id: Option<Uuid>) -> Vec<ServerFrame> {
        match (channel, chat_id) {
            (Channel::Chat, Some(chat_id)) => {
                self.state
                    .effects
                    .hub
                    .unsubscribe(self.inbox.id, Topic::Chat(chat_id));
                self.chats.remove(&chat_id);
            }
            (Channel::Admin, _) => {
                self.state
                    .effects
                    .hub
                    .unsubscribe(self.inbox.id, Topic::Admin);
                self.dashboard = false;
            }
            (Channel::Chat, None) => {}
        }
        vec![ServerFrame::Unsubscribed { channel, chat_id }]
    }

    async fn send_message(
        &mut self,
        chat_id: Uuid,
        client_id: Uuid,
        draft: chats::Draft,
    ) -> Result<Vec<ServerFrame>, AppError> {
        let user = self.signed_in()?;
        self.check_chat(user, chat_id).await?;
        let posted = chats::post_message(
            &self.state.db,
            &self.state.effects,
            &self.state.limits,
            chat_id,
            chats::Poster::of(user),
            draft,
        )
        .await?;
        Ok(vec![ServerFrame::Sent {
            client_id,
            message: posted.view(),
        }])
    }

    /// Checks that `user`, this connection's person, may write to `chat_id`. A chat the
    /// connection follows passed [`chats::chat_for`] when it subscribed, and that answer
    /// stands (a connection's person never changes, and it closes when their session ends),
    /// so only other chats are read: one database round trip fewer for each message and
    /// typing sign, the common case. A chat deleted meanwhile is refused by the write itself.
    async fn check_chat(&self, user: &user::Model, chat_id: Uuid) -> Result<(), AppError> {
        if self.chats.contains_key(&chat_id) {
            return Ok(());
        }
        chats::chat_for(&self.state.db, user, chat_id).await?;
        Ok(())
    }

    /// A dashboard's sign of life: its staff member is online (auto-assignment). A failure only
    /// costs them a turn of auto-assignment, so it is logged, not fatal.
    async fn mark_dashboard_seen(&self) {
        let Some(staff) = self.user.as_ref().filter(|_| self.dashboard) else {
            return;
        };
        if let Err(err) = membership::mark_seen(&self.state.db, staff.id, clock::now()).await {
            tracing::warn!(user.id = %staff.id, error = %err, "could not record a dashboard's sign of life");
        }
    }

    async fn typing(&mut self, chat_id: Uuid) -> Result<Vec<ServerFrame>, AppError> {
        let user = self.signed_in()?;
        self.check_chat(user, chat_id).await?;
        let sender_type = user.side();
        let now = Instant::now();
        let recently = self
            .typing_sent
            .get(&chat_id)
            .is_some_and(|at| now.duration_since(*at) < TYPING_EVERY);
        if !recently {
            self.typing_sent.insert(chat_id, now);
            let fact = Fact::Typing {
                chat_id,
                sender_type,
            };
            self.state
                .effects
                .publish(&self.state.db, fact, Some(self.inbox.id))
                .await;
        }
        Ok(vec![])
    }

    async fn mark_read(&mut self, chat_id: Uuid) -> Result<Vec<ServerFrame>, AppError> {
        let user = self.signed_in()?;
        let chat = chats::chat_for(&self.state.db, user, chat_id).await?;
        if chat.user_id != user.id {
            return Err(AppError::forbidden(
                "only the chat's user marks staff messages read",
            ));
        }
        chats::mark_read_by_user(&self.state.db, &self.state.effects, chat.id).await?;
        Ok(vec![])
    }

    /// A frame from the hub. Messages of a chat go out once each, in `seq` order: a
    /// duplicate (already replayed) is dropped, a gap is filled from the database first.
    async fn deliver(
        &mut self,
        socket: &mut WebSocket,
        frame: Arc<ServerFrame>,
    ) -> Result<(), Closed> {
        if let ServerFrame::NewMessage { chat_id, message } = &*frame {
            let Some(&delivered) = self.chats.get(chat_id) else {
                return Ok(());
            };
            if message.seq <= delivered {
                return Ok(());
            }
            if message.seq > delivered + 1 {
                match self.catch_up(socket, *chat_id, Some(message.seq)).await {
                    Ok(_) => {}
                    Err(err) => return send(socket, &error_of(&err, None)).await,
                }
            }
            self.chats.insert(*chat_id, message.seq);
        }
        send(socket, &frame).await
    }

    /// Sends the chat's messages after the delivered `seq` (up to `until`, exclusive, when
    /// given) from the database; returns the newest `seq` delivered.
    async fn catch_up(
        &mut self,
        socket: &mut WebSocket,
        chat_id: Uuid,
        until: Option<i64>,
    ) -> Result<i64, AppError> {
        let mut delivered = self.chats.get(&chat_id).copied().unwrap_or_default();
        loop {
            let page = chats::message_page(
                &self.state.db,
                chat_id,
                chats::PageAt::after_seq(delivered),
                REPLAY_PAGE,
            )
            .await?;
            let full = page.len() as u64 == REPLAY_PAGE;
            for message in
                chats::views::messages(&self.state.db, &self.state.effects.files, page).await?
            {
                if until.is_some_and(|until| message.seq >= until) {
                    return Ok(delivered);
                }
                delivered = message.seq;
                let frame = ServerFrame::NewMessage { chat_id, message };
                if send(socket, &frame).await.is_err() {
                    return Err(AppError::Internal);
                }
                self.chats.insert(chat_id, delivered);
            }
            if !full {
                return Ok(delivered);
            }
        }
    }
}

/// The moment `session` expires, on the runtime's clock.
fn ends_at(session: &session::Model) -> tokio::time::Instant {
    let left = (session.expires_at - domain::clock::now())
        .to_std()
        .unwrap_or_default();
    tokio::time::Instant::now() + left
}

/// What an error frame's `ref` names: the client id of a send, else the frame's type.
fn reference_of(frame: &ClientFrame) -> Option<String> {
    let name = match frame {
        ClientFrame::SendMessage { client_id, .. } => return Some(client_id.to_string()),
        ClientFrame::Auth { .. } => "auth",
        ClientFrame::Subscribe { .. } => "subscribe",
        ClientFrame::Unsubscribe { .. } => "unsubscribe",
        ClientFrame::Typing { .. } => "typing",
        ClientFrame::MarkRead { .. } => "mark_read",
        ClientFrame::Ping => "ping",
    };
    Some(name.to_owned())
}

fn error(code: ErrorCode, message: &str, reference: Option<String>) -> ServerFrame {
    ServerFrame::Error {
        code,
        message: message.to_owned(),
        reference,
    }
}

/// The protocol's error frame for a service error.
fn error_of(err: &AppError, reference: Option<String>) -> ServerFrame {
    let code = match err {
        AppError::Unauthorized { .. } => ErrorCode::Unauthorized,
        AppError::NotFound { .. } => ErrorCode::NotFound,
        AppError::Forbidden { .. } => ErrorCode::Forbidden,
        AppError::BadRequest { .. }
        | AppError::Validation { .. }
        | AppError::Conflict { .. }
        | AppError::MethodNotAllowed
        | AppError::RequestTimeout { .. }
        | AppError::UnsupportedMediaType { .. } => ErrorCode::Invalid,
        AppError::RateLimited { .. } | AppError::Busy { .. } => ErrorCode::RateLimited,
        AppError::PayloadTooLarge { .. } => ErrorCode::TooLarge,
        AppError::Internal | AppError::Transport { .. } => ErrorCode::Internal,
    };
    error(code, &err.to_string(), reference)
}

async fn send(socket: &mut WebSocket, frame: &ServerFrame) -> Result<(), Closed> {
    let text = serde_json::to_string(frame).map_err(|err| {
        tracing::error!(error = %err, "could not serialise a frame");
    })?;
    send_within_deadline(socket, Message::Text(text.into())).await
}

/// Writes one message, or gives up on a client that has not taken it within [`SEND_DEADLINE`]
/// (it stopped reading: the connection ends and its buffers are freed).
async fn send_within_deadline(socket: &mut WebSocket, message: Message) -> Result<(), Closed> {
    match tokio::time::timeout(SEND_DEADLINE, socket.send(message)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(()),
        Err(_) => {
            metrics::counter!("confab_socket_frames_dropped_total").increment(1);
            tracing::info!("closing a socket whose client stopped reading");
            Err(())
        }
    }
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let _ = send_within_deadline(
        socket,
        Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })),
    )
    .await;
}

/// One open socket in the `confab_sockets_open` gauge, under its kind; counted out on drop.
struct OpenSocket(&'static str);

impl OpenSocket {
    fn new(user: Option<&user::Model>) -> Self {
        let kind = match user.map(user::Model::is_staff) {
            None => "anonymous",
            Some(false) => "user",
            Some(true) => "staff",
        };
        metrics::gauge!("confab_sockets_open", "kind" => kind).increment(1.0);
        Self(kind)
    }
}

impl Drop for OpenSocket {
    fn drop(&mut self) {
        metrics::gauge!("confab_sockets_open", "kind" => self.0).decrement(1.0);
    }
}

/// A token bucket: `rate` tokens a second, at most `burst` saved up.
struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    fn new(rate: f64, burst: f64) -> Self {
        Self {
            rate,
            burst,
            tokens: burst,
            updated: Instant::now(),
        }
    }

    /// Takes a token if there is one at `now`.
    fn take(&mut self, now: Instant) -> bool {
        let earned = now.duration_since(self.updated).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + earned).min(self.burst);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TokenBucket;

    use std::time::{Duration, Instant};

    #[test]
    fn the_bucket_allows_a_burst_then_the_rate() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(10.0, 20.0);
        bucket.updated = start;
        let allowed = (0..30).filter(|_| bucket.take(start)).count();
        assert_eq!(allowed, 20, "a burst of 20, then nothing until time passes");
        let later = start + Duration::from_millis(300);
        let refilled = (0..30).filter(|_| bucket.take(later)).count();
        assert_eq!(refilled, 3, "10 a second");
        let much_later = later + Duration::from_secs(60);
        let saved = (0..30).filter(|_| bucket.take(much_later)).count();
        assert_eq!(saved, 20, "never more than the burst saved up");
    }
}
