//! The widget's state and what it does: one [`WidgetModel`] per widget, created by whoever
//! mounts it (the hosted app's layout, or the embed entry point) and handed to the view. The
//! state is signals, so the server can render the closed widget from the same model; the
//! actions (connecting, sending, identifying) are started by effects and event handlers, so
//! they run in the browser only.

use std::rc::Rc;

use leptos::prelude::*;
use uuid::Uuid;

use super::{
    remote::{self, Credentials, Identity},
    text::Locale,
};
use crate::{
    browser,
    realtime::{ChatSignals, ConnectionState, LiveChat, LiveChatOptions},
};
use wire::model::{HISTORY_PAGE, SenderType, SupportChat, SupportMessage, UserProfile};

/// How the widget reaches the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// The hosted app: same origin, the signed-in user's session cookie.
    Hosted,
    /// Another site: a visitor token kept in that site's storage, under a key naming the
    /// Confab server, created when the visitor first opens the widget.
    Embedded {
        /// `https://host` of the Confab server.
        server: String,
    },
}

/// How one widget starts.
#[derive(Clone, Debug)]
pub struct WidgetSetup {
    /// Where the server is and how to authenticate.
    pub access: Access,
    /// The language of its strings.
    pub locale: Locale,
    /// Open at start (`?support=open`, the `open` attribute).
    pub open: bool,
    /// The chat as the server rendered it (hosted app), if the user has one.
    pub initial: Option<SupportChat>,
}

/// Something the widget wants its host to know (the embed turns them into DOM events).
#[derive(Clone, Debug)]
pub enum Announcement {
    /// A message arrived or was confirmed.
    Message(SupportMessage),
    /// The unread count changed.
    Unread(usize),
}

/// A non-blocking notice over the message list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The chat could not be loaded; it is retried.
    LoadFailed,
    /// The identity the site sent was refused; the visitor stays anonymous.
    IdentityRefused,
}

/// Hears the widget's announcements.
type Listener = Rc<dyn Fn(Announcement)>;

/// The widget's state, shared by its components. Cheap to copy.
#[derive(Clone, Copy)]
pub struct WidgetModel {
    /// The strings' language.
    pub locale: Locale,
    /// Whether the panel is open.
    pub open: RwSignal<bool>,
    /// Messages, pending sends, typing and the connection's state.
    pub chat: ChatSignals,
    /// The chat followed, once known.
    pub chat_id: RwSignal<Option<Uuid>>,
    /// Who the visitor is (embedded widgets; the email prompt needs it).
    pub visitor: RwSignal<Option<UserProfile>>,
    /// A notice to show, if any.
    pub notice: RwSignal<Option<Notice>>,
    /// Whether older messages may exist before the first one held.
    pub has_older: RwSignal<bool>,
    /// Whether older messages are loading.
    pub loading_older: RwSignal<bool>,
    /// The notification sound is off.
    pub muted: RwSignal<bool>,
    access: StoredValue<Access>,
    /// The browser side's own state.
    inner: browser::Local<Inner>,
    /// Open once the browser takes over (the server always renders the widget closed, so
    /// its rendering never depends on the reader's time zone).
    open_at_start: bool,
}

/// What only the browser side keeps: not reactive, read and written by the actions.
#[derive(Default)]
struct Inner {
    /// Who hears about messages and unread counts (the embed's DOM events).
    announce: Option<Listener>,
    /// The connection, once the chat is known.
    live: Option<LiveChat>,
    /// Who the embedding site says the visitor is.
    identity: Identity,
    /// A connection attempt is running or done (so opening twice connects once).
    started: bool,
    /// The newest `seq` the host was told about: history loaded at start is not news.
    announced_seq: i64,
}

/// Local-storage key of the mute preference.
const MUTED_KEY: &str = "confab:widget:muted";

impl WidgetModel {
    /// A model in its first state: closed or open as set up, holding what the server rendered.
    pub fn new(setup: WidgetSetup) -> Self {
        let initial = setup.initial.clone();
        let messages = initial
            .as_ref()
            .map(|c| c.messages.clone())
            .unwrap_or_default();
        let has_older = messages.len() >= HISTORY_PAGE;
        Self {
            locale: setup.locale,
            open: RwSignal::new(false),
            chat: ChatSignals::new(messages),
            chat_id: RwSignal::new(initial.map(|c| c.id)),
            visitor: RwSignal::new(None),
            notice: RwSignal::new(None),
            has_older: RwSignal::new(has_older),
            loading_older: RwSignal::new(false),
            muted: RwSignal::new(false),
            access: StoredValue::new(setup.access),
            inner: browser::Local::new(),
            open_at_start: setup.open,
        }
    }

    /// Staff messages the user has not read: the badge.
    pub fn unread(&self) -> usize {
        self.chat.log.with(|log| log.unread_from(SenderType::Admin))
    }

    /// Whether the socket is subscribed right now: the connection dot.
    pub fn connected(&self) -> bool {
        self.chat.state.get() == ConnectionState::Open
    }

    /// Whether messages can be written: the chat is known.
    pub fn ready(&self) -> bool {
        self.chat_id.get().is_some()
    }

    /// The Confab server's origin when the widget lives on another site.
    pub fn server_origin(&self) -> Option<String> {
        self.access.with_value(|a| match a {
            Access::Hosted => None,
            Access::Embedded { server } => Some(server.clone()),
        })
    }

    /// Where uploads go and the bearer token they carry (none on the hosted app, whose
    /// session cookie goes along), as they stand when an upload starts.
    pub fn upload_target(&self) -> (String, Option<String>) {
        const UPLOADS: &str = "/api/support_chat/attachments";
        match self.server_origin() {
            None => (UPLOADS.to_owned(), None),
            Some(server) => (
                format!("{server}{UPLOADS}"),
                browser::stored(&token_key(&server)),
            ),
        }
    }

    /// Whether the widget lives on another site.
    pub fn embedded(&self) -> bool {
        self.access
            .with_value(|a| matches!(a, Access::Embedded { .. }))
    }

    /// Starts the browser side: the mute preference, host announcements, and the connection
    /// when there is a conversation to follow already. Call once, after mounting.
    pub fn start_in_browser(&self) {
        self.muted.set(browser::stored(MUTED_KEY).is_some());
        let model = *self;
        // Announce new messages (and play the chime for staff ones) as they arrive.
        let start = self.chat.log.with_untracked(|l| l.last_seq());
        self.inner.update(|i| i.announced_seq = start);
        let inner = self.inner;
        Effect::new(move |_| {
            let newest: Vec<SupportMessage> = model.chat.log.with(|log| {
                let since = inner.with(|i| i.announced_seq);
                log.messages()
                    .iter()
                    .filter(|m| m.seq > since)
                    .cloned()
                    .collect()
            });
            if let Some(last) = newest.last() {
                inner.update(|i| i.announced_seq = last.seq);
            }
            for message in newest {
                if message.sender_type == SenderType::Admin && !model.muted.get_untracked() {
                    browser::chime();
                }
                model.tell(Announcement::Message(message));
            }
        });
        Effect::new(move |previous: Option<usize>| {
            let unread = model.unread();
            if previous != Some(unread) {
                model.tell(Announcement::Unread(unread));
            }
            unread
        });
        // Opening the panel reads what staff wrote.
        Effect::new(move |_| {
            if model.open.get() {
                model.connect();
                if model.unread() > 0 {
                    model.with_live(LiveChat::mark_read);
                }
            }
        });
        let has_conversation = self.chat_id.get_untracked().is_some()
            || self.access.with_value(|a| match a {
                Access::Hosted => false,
                Access::Embedded { server } => browser::stored(&token_key(server)).is_some(),
            });
        if has_conversation {
            self.connect();
        }
        if self.open_at_start {
            self.open.set(true);
        }
    }

    /// Connects if not connected yet: the session (embedded), the chat, then the socket.
    pub fn connect(&self) {
        if self.inner.with(|i| i.started) {
            return;
        }
        self.inner.update(|i| i.started = true);
        let model = *self;
        leptos::task::spawn_local(async move {
            let mut wait_ms = 1_000;
            loop {
                match model.open_chat().await {
                    Ok(()) => return,
                    Err(failure) => {
                        leptos::logging::warn!(
                            "the support chat did not load: {}",
                            failure.message
                        );
                        model.notice.set(Some(Notice::LoadFailed));
                        browser::sleep_ms(wait_ms).await;
                        wait_ms = (wait_ms * 2).min(30_000);
                    }
                }
            }
        });
    }

    async fn open_chat(&self) -> Result<(), remote::Failure> {
        let (server, credentials) = self.credentials().await?;
        let chat = match remote::chat(&server, &credentials).await {
            // An expired or revoked token: start again as a new visitor.
            Err(failure) if failure.status == 401 && credentials != Credentials::Cookie => {
                browser::store(&token_key(&server), None);
                let (_, fresh) = self.credentials().await?;
                remote::chat(&server, &fresh).await?
            }
            other => other?,
        };
        if self.notice.get_untracked() == Some(Notice::LoadFailed) {
            self.notice.set(None);
        }
        self.chat.log.update(|log| {
            log.merge(chat.messages.iter().cloned());
        });
        let history_end = self.chat.log.with_untracked(|l| l.last_seq());
        self.inner
            .update(|i| i.announced_seq = i.announced_seq.max(history_end));
        if self.chat_id.get_untracked().is_none() {
            self.has_older.set(chat.messages.len() >= HISTORY_PAGE);
        }
        self.chat_id.set(Some(chat.id));
        let token = match self.current_credentials(&server) {
            Credentials::Cookie => None,
            Credentials::Bearer(token) => Some(token),
        };
        let live = LiveChat::connect(
            LiveChatOptions {
                server,
                token,
                chat_id: chat.id,
                as_staff: false,
            },
            self.chat,
        );
        self.inner.update(|i| i.live = Some(live));
        if self.open.get_untracked() && self.unread() > 0 {
            live.mark_read();
        }
        Ok(())
    }

    /// The server's base URL and how to authenticate, starting a visitor session if needed.
    async fn credentials(&self) -> Result<(String, Credentials), remote::Failure> {
        let server = match self.access.get_value() {
            Access::Hosted => return Ok((String::new(), Credentials::Cookie)),
            Access::Embedded { server } => server,
        };
        let key = token_key(&server);
        let identity = self.inner.with(|i| i.identity.clone());
        let current = browser::stored(&key);
        let session = remote::start_session(&server, current.as_deref(), &identity).await;
        let session = match session {
            Ok(session) => session,
            // A refused identity (or a dead token) leaves the visitor anonymous, and says so:
            // a fresh anonymous session, never the stored token, which may be someone else's
            // conversation on a shared device.
            Err(failure) if failure.status == 401 || failure.status == 403 => {
                // The stored token may only be stale (ended in another tab): the identity is
                // tried once more on its own before the visitor is made anonymous.
                let fresh = match (identity.claimed(), &current) {
                    (true, Some(_)) => remote::start_session(&server, None, &identity).await.ok(),
                    _ => None,
                };
                match fresh {
                    Some(session) => session,
                    None => {
                        if identity.claimed() {
                            self.notice.set(Some(Notice::IdentityRefused));
                        }
                        remote::start_session(&server, None, &Identity::default()).await?
                    }
                }
            }
            Err(failure) => return Err(failure),
        };
        browser::store(&key, Some(&session.token));
        self.visitor.set(Some(session.visitor));
        Ok((server, Credentials::Bearer(session.token)))
    }

    fn current_credentials(&self, server: &str) -> Credentials {
        match self.access.get_value() {
            Access::Hosted => Credentials::Cookie,
            Access::Embedded { .. } => {
                browser::stored(&token_key(server)).map_or(Credentials::Cookie, Credentials::Bearer)
            }
        }
    }

    fn server(&self) -> String {
        match self.access.get_value() {
            Access::Hosted => String::new(),
            Access::Embedded { server } => server,
        }
    }

    /// Tells `listener` about every new message and unread count from now on.
    pub fn on_announcement(&self, listener: impl Fn(Announcement) + 'static) {
        self.inner.update(|i| i.announce = Some(Rc::new(listener)));
    }

    fn tell(&self, announcement: Announcement) {
        if let Some(listener) = self.inner.with(|i| i.announce.clone()) {
            listener(announcement);
        }
    }

    fn with_live(&self, action: impl FnOnce(&LiveChat)) {
        if let Some(live) = self.inner.with(|i| i.live) {
            action(&live);
        }
    }

    /// Sends a message with the files uploaded for it (shown at once as "sending").
    pub fn send(&self, content: String, attachments: Vec<wire::attachments::Attachment>) {
        let model = *self;
        self.with_live(|live| model.await_confirmation(live.send(content, attachments)));
    }

    /// Sends a failed message again; like a first send, it waits 10 s for its confirmation.
    pub fn retry(&self, client_id: Uuid) {
        let model = *self;
        self.with_live(|live| {
            live.retry(client_id);
            model.await_confirmation(client_id);
        });
    }

    /// Unconfirmed after 10 s: the message offers "retry" (it still goes by itself on
    /// reconnect).
    fn await_confirmation(self, client_id: Uuid) {
        set_timeout(
            move || self.with_live(|live| live.give_up_waiting(&[client_id])),
            std::time::Duration::from_secs(10),
        );
    }

    /// Tells staff the visitor is typing (at most every 2 s; the server throttles too).
    pub fn typing(&self) {
        self.with_live(LiveChat::typing);
    }

    /// Loads the page of messages before the oldest one held.
    pub fn load_older(&self) {
        let Some(before) = self
            .chat
            .log
            .with_untracked(|l| l.messages().first().map(|m| m.id))
        else {
            return;
        };
        if self.loading_older.get_untracked() || !self.has_older.get_untracked() {
            return;
        }
        self.loading_older.set(true);
        let model = *self;
        leptos::task::spawn_local(async move {
            let server = model.server();
            let credentials = model.current_credentials(&server);
            if let Ok(older) = remote::older(&server, &credentials, before, HISTORY_PAGE).await {
                model.has_older.set(older.len() >= HISTORY_PAGE);
                model.chat.log.update(|log| {
                    log.merge(older);
                });
            }
            model.loading_older.set(false);
        });
    }

    /// Records the email an anonymous visitor offered; returns whether it was accepted.
    pub async fn give_email(&self, email: String) -> Result<(), String> {
        let server = self.server();
        let credentials = self.current_credentials(&server);
        match remote::give_email(&server, &credentials, &email).await {
            Ok(user) => {
                self.visitor.set(Some(user));
                Ok(())
            }
            Err(failure) => Err(failure.message),
        }
    }

    /// Turns the chime off or on, remembered on this site.
    pub fn toggle_muted(&self) {
        let muted = !self.muted.get_untracked();
        self.muted.set(muted);
        browser::store(MUTED_KEY, muted.then_some("1"));
    }

    /// The site says who the visitor is: reconnects as them (a verified identity adopts the
    /// anonymous conversation on the server).
    pub fn identify(&self, identity: Identity) {
        self.inner.update(|i| i.identity = identity);
        if self.inner.with(|i| i.started) {
            self.restart();
        }
    }

    /// The visitor signed out of the site: end the token on the server (its sockets close on
    /// every tab) and forget it and the conversation here.
    pub fn logout(&self) {
        if let Access::Embedded { server } = self.access.get_value() {
            let key = token_key(&server);
            if let Some(token) = browser::stored(&key) {
                leptos::task::spawn_local(async move {
                    remote::end_session(&server, &token).await;
                });
            }
            browser::store(&key, None);
        }
        self.inner.update(|i| i.identity = Identity::default());
        self.visitor.set(None);
        self.open.set(false);
        self.stop();
    }

    fn restart(&self) {
        self.stop();
        self.connect();
    }

    fn stop(&self) {
        self.with_live(LiveChat::close);
        self.inner.update(|i| {
            i.live = None;
            i.started = false;
            i.announced_seq = 0;
        });
        self.chat_id.set(None);
        self.has_older.set(false);
        self.chat.clear();
    }
}

/// The storage key of a visitor token for `server`: namespaced, since the host page's
/// storage is shared with everything else on it.
fn token_key(server: &str) -> String {
    format!("confab:widget:token:{server}")
}
