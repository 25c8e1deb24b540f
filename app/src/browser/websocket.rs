//! A WebSocket whose open, text-message and close events call the functions it was opened
//! with. The `/ws` client (`realtime`) builds its protocol on it.

/// An open (or opening) socket with its callbacks; closing it detaches them first.
#[cfg(feature = "browser")]
pub struct Socket {
    socket: web_sys::WebSocket,
    _open: wasm_bindgen::closure::Closure<dyn FnMut()>,
    _message: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
    _close: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::CloseEvent)>,
}

/// A socket: the server never opens one, so there are none.
#[cfg(not(feature = "browser"))]
pub enum Socket {}

#[cfg(feature = "browser")]
impl Socket {
    /// Opens a socket to `url`; `on_close` is told the close code. `None` when the browser
    /// refuses the URL.
    pub fn open(
        url: &str,
        on_open: impl FnMut() + 'static,
        mut on_text: impl FnMut(String) + 'static,
        mut on_close: impl FnMut(u16) + 'static,
    ) -> Option<Self> {
        use wasm_bindgen::{JsCast, closure::Closure};
        use web_sys::{CloseEvent, MessageEvent};

        let socket = web_sys::WebSocket::new(url).ok()?;
        let on_open = Closure::<dyn FnMut()>::new(on_open);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(text) = event.data().as_string() {
                on_text(text);
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            on_close(event.code());
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Some(Self {
            socket,
            _open: on_open,
            _message: on_message,
            _close: on_close,
        })
    }

    /// Sends `text` if the socket is open; returns whether it went.
    pub fn send(&self, text: &str) -> bool {
        self.socket.ready_state() == web_sys::WebSocket::OPEN
            && self.socket.send_with_str(text).is_ok()
    }

    /// Closes the socket for good: its callbacks are detached first, so none runs after.
    pub fn close(self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}

#[cfg(not(feature = "browser"))]
impl Socket {
    /// Opens a socket: the server does not, and says so as a refused URL would.
    pub fn open(
        _url: &str,
        _on_open: impl FnMut() + 'static,
        _on_text: impl FnMut(String) + 'static,
        _on_close: impl FnMut(u16) + 'static,
    ) -> Option<Self> {
        None
    }

    /// Sends `text`: there is no socket to send on.
    pub fn send(&self, _text: &str) -> bool {
        match *self {}
    }

    /// Closes the socket: there is none.
    pub fn close(self) {
        match self {}
    }
}
