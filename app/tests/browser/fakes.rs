//! Stand-ins for the server, inside the page: `WebSocket` and `fetch` replaced by fakes that
//! record what the code under test sends and answer what a test scripts. The code under test
//! reaches both through `app::browser` and web-sys, which look the globals up at each call, so
//! it runs unchanged. Each test uses its own server origin, so what one test leaves running
//! (a timer, a socket) never answers another's.

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wire::protocol::{ClientFrame, ServerFrame};

#[wasm_bindgen(inline_js = r#"
const fakes = (globalThis.__confabFakes ??= { installed: false, sockets: [], requests: [], replies: [] });

export function install() {
  if (fakes.installed) return;
  fakes.installed = true;
  class FakeWebSocket {
    constructor(url) {
      // As the browser's own: only ws: and wss: URLs open.
      if (!/^wss?:\/\//.test(url)) throw new DOMException(`invalid URL ${url}`, 'SyntaxError');
      this.url = url;
      this.readyState = FakeWebSocket.CONNECTING;
      this.sent = [];
      this.closedByClient = false;
      this.onopen = null;
      this.onmessage = null;
      this.onclose = null;
      fakes.sockets.push(this);
    }
    send(text) {
      if (this.readyState !== FakeWebSocket.OPEN) throw new DOMException('not open', 'InvalidStateError');
      this.sent.push(String(text));
    }
    close() {
      this.closedByClient = true;
      this.readyState = FakeWebSocket.CLOSED;
    }
  }
  Object.assign(FakeWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  globalThis.WebSocket = FakeWebSocket;
  globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    fakes.requests.push({
      method: request.method,
      url: request.url,
      authorization: request.headers.get('Authorization'),
      content_type: request.headers.get('Content-Type'),
      body: await request.text(),
    });
    const at = fakes.replies.findIndex((r) => r.method === request.method && r.url === request.url);
    // No scripted answer: as if the server could not be reached.
    if (at < 0) throw new TypeError(`no fake reply for ${request.method} ${request.url}`);
    const [reply] = fakes.replies.splice(at, 1);
    return new Response(reply.body, { status: reply.status, headers: { 'Content-Type': 'application/json' } });
  };
}

function socket(url, index) {
  const found = fakes.sockets.filter((s) => s.url === url)[index];
  if (!found) throw new Error(`no socket #${index} to ${url}`);
  return found;
}

export function socket_count(url) {
  return fakes.sockets.filter((s) => s.url === url).length;
}
export function socket_open(url, index) {
  const s = socket(url, index);
  s.readyState = 1;
  s.onopen?.(new Event('open'));
}
export function socket_receive(url, index, text) {
  socket(url, index).onmessage?.(new MessageEvent('message', { data: text }));
}
export function socket_drop(url, index, code) {
  const s = socket(url, index);
  s.readyState = 3;
  s.onclose?.(new CloseEvent('close', { code, wasClean: code !== 1006 }));
}
export function socket_sent(url, index) {
  return JSON.stringify(socket(url, index).sent);
}
export function socket_closed_by_client(url, index) {
  return socket(url, index).closedByClient;
}
export function requests(origin) {
  return JSON.stringify(fakes.requests.filter((r) => r.url.startsWith(origin + '/')));
}
export function reply(method, url, status, body) {
  fakes.replies.push({ method, url, status, body });
}
"#)]
extern "C" {
    fn install();
    fn socket_count(url: &str) -> u32;
    fn socket_open(url: &str, index: u32);
    fn socket_receive(url: &str, index: u32, text: &str);
    fn socket_drop(url: &str, index: u32, code: u16);
    fn socket_sent(url: &str, index: u32) -> String;
    fn socket_closed_by_client(url: &str, index: u32) -> bool;
    fn requests(origin: &str) -> String;
    fn reply(method: &str, url: &str, status: u16, body: &str);
}

/// Starts Leptos's task executor (as the bundles' mount functions do) and installs the fakes:
/// every test that runs effects, tasks or connections makes a [`FakeServer`] first.
fn start() {
    // Already set by an earlier test: fine.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    install();
}

/// A fake Confab server: its replies, the requests and sockets sent its way.
pub struct FakeServer {
    /// Its origin (`https://{name}.test`): what the code under test is configured with.
    pub origin: String,
    ws_url: String,
}

/// A request the code under test sent.
#[derive(Debug, Deserialize)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// The whole URL.
    pub url: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body's text (empty without one).
    pub body: String,
}

impl Request {
    /// The body, parsed as the server would (serde_json).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("the request body is JSON")
    }
}

impl FakeServer {
    /// A server only this test talks to, at `https://{name}.test`.
    pub fn new(name: &str) -> Self {
        Self::at(
            &format!("https://{name}.test"),
            &format!("wss://{name}.test/ws"),
        )
    }

    /// A server at `origin`, whose `/ws` URL the client must derive as `ws_url`.
    pub fn at(origin: &str, ws_url: &str) -> Self {
        start();
        Self {
            origin: origin.to_owned(),
            ws_url: ws_url.to_owned(),
        }
    }

    /// The page's own origin (`http://127.0.0.1:port`, the test runner's server): where the
    /// hosted app talks to. Only one test may use it.
    pub fn page() -> Self {
        let location = js_sys::Reflect::get(&js_sys::global(), &"location".into())
            .expect("the page has a location");
        let origin = js_sys::Reflect::get(&location, &"origin".into())
            .ok()
            .and_then(|o| o.as_string())
            .expect("the page has an origin");
        let ws_url = format!("{}/ws", origin.replacen("http://", "ws://", 1));
        Self::at(&origin, &ws_url)
    }

    /// Its `/ws` URL, as the client must derive it from the origin.
    pub fn ws_url(&self) -> String {
        self.ws_url.clone()
    }

    /// How many sockets were opened to it so far.
    pub fn socket_count(&self) -> u32 {
        socket_count(&self.ws_url())
    }

    /// The `index`th socket opened to it (0 = the first).
    pub fn socket(&self, index: u32) -> FakeSocket {
        FakeSocket {
            url: self.ws_url(),
            index,
        }
    }

    /// Answers the next `method path` request with `status` and `body` (once).
    pub fn reply(&self, method: &str, path: &str, status: u16, body: &serde_json::Value) {
        reply(
            method,
            &format!("{}{path}", self.origin),
            status,
            &body.to_string(),
        );
    }

    /// Every request sent to it so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        serde_json::from_str(&requests(&self.origin)).expect("the fake's request log")
    }
}

/// One socket the code under test opened.
pub struct FakeSocket {
    url: String,
    index: u32,
}

impl FakeSocket {
    /// The connection opens (its `open` event).
    pub fn open(&self) {
        socket_open(&self.url, self.index);
    }

    /// The server sends `frame`, serialised as the server does (serde_json).
    pub fn receive(&self, frame: &ServerFrame) {
        let text = serde_json::to_string(frame).expect("a server frame serialises");
        self.receive_text(&text);
    }

    /// The server sends a text frame.
    pub fn receive_text(&self, text: &str) {
        socket_receive(&self.url, self.index, text);
    }

    /// The connection closes from the server's side (or the network's) with `code`.
    pub fn drop_with(&self, code: u16) {
        socket_drop(&self.url, self.index, code);
    }

    /// Every frame the client sent on it, parsed as the server does (serde_json).
    pub fn sent(&self) -> Vec<ClientFrame> {
        let texts: Vec<String> =
            serde_json::from_str(&socket_sent(&self.url, self.index)).expect("the sent frames");
        texts
            .iter()
            .map(|text| {
                serde_json::from_str(text)
                    .unwrap_or_else(|e| panic!("the server cannot read {text}: {e}"))
            })
            .collect()
    }

    /// Whether the client closed it.
    pub fn closed_by_client(&self) -> bool {
        socket_closed_by_client(&self.url, self.index)
    }
}

/// Lets timers, tasks and effects run for `ms` milliseconds.
pub async fn wait_ms(ms: u32) {
    app::browser::sleep_ms(ms).await;
}

/// Waits until `done()` holds, checking every 10 ms; fails the test after `within_ms`.
pub async fn eventually(what: &str, within_ms: u32, done: impl Fn() -> bool) {
    for _ in 0..within_ms.div_ceil(10) {
        if done() {
            return;
        }
        wait_ms(10).await;
    }
    assert!(
        done(),
        "timed out after {within_ms} ms waiting until {what}"
    );
}
