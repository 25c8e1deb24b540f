//! HTTP from the browser with `fetch`, and a timer to await: the little the widget needs,
//! straight on web APIs (a general HTTP client would weigh more than the widget's views).

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use super::json;

/// An answer: its status and its JSON body (when it had one).
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The parsed body, if it was JSON.
    pub body: Option<JsValue>,
}

impl Answer {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Sends `method url` with an optional bearer token and JSON body; `Err` when no answer came
/// (the network failed, or the server is down).
pub async fn send(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&JsValue>,
) -> Result<Answer, String> {
    let init = RequestInit::new();
    init.set_method(method);
    let request =
        Request::new_with_str_and_init(url, &init).map_err(|_| "malformed request".to_owned())?;
    let headers = request.headers();
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => {
            let _ = headers.set("Content-Type", "application/json");
            init.set_body(&JsValue::from_str(&json::stringify(body)));
            Request::new_with_request_and_init(&request, &init)
                .map_err(|_| "malformed request".to_owned())?
        }
        None => request,
    };
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| "the server could not be reached".to_owned())?
        .unchecked_into();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        Err(_) => None,
    };
    Ok(Answer {
        status: response.status(),
        body: text.as_deref().and_then(json::parse),
    })
}

/// Resolves after `ms` milliseconds.
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = JsFuture::from(promise).await;
}
