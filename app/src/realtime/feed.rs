//! The staff dashboard's connection to `/ws`: the admin channel (`new_user_message`,
//! `chat_updated`), authenticated by the session cookie, reconnecting with backoff and jitter.
//! Each (re)subscription is announced, so the page re-reads what it may have missed while the
//! socket was down.
//!
//! Frames are decoded with serde: the dashboard's bundle carries serde_json for its server
//! functions anyway (the embed's hand-written codec in `wire` exists for its size budget).

use std::{cell::RefCell, rc::Rc};

use leptos::prelude::*;

use super::{json, rules::Backoff, socket::socket_url};
use crate::browser::{self, Socket};
use wire::protocol::{CLOSE_SIGNED_OUT, Channel, ClientFrame, ServerFrame};

/// What the feed tells the page.
#[derive(Clone, Debug)]
pub enum FeedEvent {
    /// Subscribed (again): from now on every change arrives; what changed before may not have.
    Live,
    /// The socket went down; reconnecting.
    Down,
    /// A frame of the admin channel (boxed: list entries make it the enum's bulk).
    Frame(Box<ServerFrame>),
}

type Handler = Rc<dyn Fn(FeedEvent)>;

struct Feed {
    handler: Handler,
    socket: Option<Socket>,
    backoff: Backoff,
    stopped: bool,
}

/// A live admin channel; stops when [`AdminFeed::close`] is called (on the page's cleanup).
#[derive(Clone, Copy)]
pub struct AdminFeed {
    link: StoredValue<Rc<RefCell<Feed>>, LocalStorage>,
}

impl AdminFeed {
    /// Connects and calls `handler` with every event, in order.
    pub fn connect(handler: impl Fn(FeedEvent) + 'static) -> Self {
        let link = Rc::new(RefCell::new(Feed {
            handler: Rc::new(handler),
            socket: None,
            backoff: Backoff::new(500, 30_000),
            stopped: false,
        }));
        open(&link);
        Self {
            link: StoredValue::new_local(link),
        }
    }

    /// Stops for good.
    pub fn close(&self) {
        self.link.with_value(|link| {
            let mut feed = link.borrow_mut();
            feed.stopped = true;
            if let Some(socket) = feed.socket.take() {
                socket.close();
            }
        });
    }
}

fn open(link: &Rc<RefCell<Feed>>) {
    let (on_open, on_text, on_close) = (Rc::clone(link), Rc::clone(link), Rc::clone(link));
    let opened = Socket::open(
        &socket_url(""),
        move || {
            if let Some(socket) = &on_open.borrow().socket {
                let subscribe = ClientFrame::Subscribe {
                    channel: Channel::Admin,
                    chat_id: None,
                    after: None,
                };
                socket.send(&json::client_frame(&subscribe));
            }
        },
        move |text| {
            let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) else {
                return;
            };
            let handler = {
                let mut feed = on_text.borrow_mut();
                if matches!(frame, ServerFrame::Subscribed { .. }) {
                    feed.backoff.reset();
                }
                Rc::clone(&feed.handler)
            };
            if matches!(frame, ServerFrame::Subscribed { .. }) {
                handler(FeedEvent::Live);
            } else {
                handler(FeedEvent::Frame(Box::new(frame)));
            }
        },
        move |code| down(&on_close, code == CLOSE_SIGNED_OUT),
    );
    match opened {
        Some(socket) => link.borrow_mut().socket = Some(socket),
        None => down(link, false),
    }
}

/// The socket closed (or never opened): tell the page, try again after a backoff; unless the
/// session ended, when reconnecting would only be refused.
fn down(link: &Rc<RefCell<Feed>>, signed_out: bool) {
    let (handler, delay) = {
        let mut feed = link.borrow_mut();
        if feed.stopped {
            return;
        }
        feed.stopped = signed_out;
        let delay = feed.backoff.next_delay_ms(browser::random());
        (Rc::clone(&feed.handler), delay)
    };
    handler(FeedEvent::Down);
    if signed_out {
        return;
    }
    let link = Rc::clone(link);
    set_timeout(
        move || {
            if !link.borrow().stopped {
                open(&link);
            }
        },
        std::time::Duration::from_millis(u64::from(delay)),
    );
}
