//! HTTP from the browser with `fetch`: the little the widget and the `/ws` client's polling
//! fallback need, straight on the web API (a general HTTP client would weigh more than the
//! widget's views).

/// An answer: its status and its body's text.
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body, when it could be read.
    pub text: Option<String>,
}

impl Answer {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Sends `method url` with an optional bearer token and JSON body; `Err` when no answer came
/// (the network failed, or the server is down).
#[cfg(feature = "browser")]
pub async fn send(
    method: &str,
    url: &str,
    token: Option<&str>,
    json_body: Option<&str>,
) -> Result<Answer, String> {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Request, RequestInit, Response};

    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = json_body {
        init.set_body(&JsValue::from_str(body));
    }
    let request =
        Request::new_with_str_and_init(url, &init).map_err(|_| "malformed request".to_owned())?;
    let headers = request.headers();
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    if json_body.is_some() {
        let _ = headers.set("Content-Type", "application/json");
    }
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
        text,
    })
}

/// Sends a request: the server does not call itself through a browser API.
#[cfg(not(feature = "browser"))]
pub async fn send(
    _method: &str,
    _url: &str,
    _token: Option<&str>,
    _json_body: Option<&str>,
) -> Result<Answer, String> {
    Err("no browser here".to_owned())
}
