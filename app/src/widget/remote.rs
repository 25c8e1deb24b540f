//! The widget's REST calls: starting a visitor session, loading the chat and older pages, and
//! recording a visitor's email. The hosted app authenticates by its session cookie; embedding
//! sites by the visitor's bearer token. JSON goes through `realtime::json` (the browser's own
//! parser), HTTP through [`browser::http`] (which answers nothing on the server).

use wasm_bindgen::JsValue;

use crate::{browser::http, realtime::json};
use wire::model::{SupportChat, SupportMessage, UserProfile};

/// How a request proves who the visitor is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// The hosted app's session cookie (same origin).
    Cookie,
    /// A widget token.
    Bearer(String),
}

/// What an embedding site says about the visitor; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// The site's own id for the visitor (needs `user_hash`).
    pub user_id: Option<String>,
    /// Their email.
    pub email: Option<String>,
    /// Their name.
    pub name: Option<String>,
    /// HMAC of `user_id` computed by the site's server.
    pub user_hash: Option<String>,
    /// A signed identity token (JWT) from the site's server: id, email and name in one.
    pub identity_token: Option<String>,
}

impl Identity {
    /// Whether the site claims to know who the visitor is.
    pub fn claimed(&self) -> bool {
        self.user_id.is_some() || self.identity_token.is_some()
    }
}

/// `POST /api/widget/session`'s answer.
#[derive(Clone, Debug)]
pub struct WidgetSession {
    /// The bearer token.
    pub token: String,
    /// Who it is for.
    pub visitor: UserProfile,
}

/// Why a call failed: the status (0 when the network failed) and the server's message.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The HTTP status, 0 when no answer came.
    pub status: u16,
    /// The server's `error.message`, else a description.
    pub message: String,
}

/// Starts (or resumes, with `current`) a visitor session, claiming `identity`.
pub async fn start_session(
    server: &str,
    current: Option<&str>,
    identity: &Identity,
) -> Result<WidgetSession, Failure> {
    // An identity token carries id, email and name itself, and goes alone.
    let body = match &identity.identity_token {
        Some(token) => json::object(&[("identity_token", Some(token))]),
        None => json::object(&[
            ("user_id", identity.user_id.as_deref()),
            ("email", identity.email.as_deref()),
            ("name", identity.name.as_deref()),
            ("user_hash", identity.user_hash.as_deref()),
        ]),
    };
    let url = format!("{server}/api/widget/session");
    let answer = http::send("POST", &url, current, Some(&json::stringify(&body))).await;
    read(answer, |v| {
        Some(WidgetSession {
            token: js_sys::Reflect::get(v, &"token".into()).ok()?.as_string()?,
            visitor: json::profile(&js_sys::Reflect::get(v, &"visitor".into()).ok()?)?,
        })
    })
}

/// Ends the visitor session of `token` on the server: the token stops working and its sockets
/// close. Best effort: a visitor who signs out offline has already forgotten the token here.
pub async fn end_session(server: &str, token: &str) {
    let url = format!("{server}/api/widget/session");
    let _ = http::send("DELETE", &url, Some(token), None).await;
}

/// The visitor's chat (created on first use) with its newest messages.
pub async fn chat(server: &str, credentials: &Credentials) -> Result<SupportChat, Failure> {
    let url = format!("{server}/api/support_chat");
    read(
        http::send("GET", &url, credentials.token(), None).await,
        json::chat,
    )
}

/// Up to `limit` messages older than `before`, oldest first.
pub async fn older(
    server: &str,
    credentials: &Credentials,
    before: uuid::Uuid,
    limit: usize,
) -> Result<Vec<SupportMessage>, Failure> {
    let url = format!("{server}/api/support_chat/messages?before={before}&limit={limit}");
    read(
        http::send("GET", &url, credentials.token(), None).await,
        json::messages,
    )
}

/// Records the email an anonymous visitor gave.
pub async fn give_email(
    server: &str,
    credentials: &Credentials,
    email: &str,
) -> Result<UserProfile, Failure> {
    let url = format!("{server}/api/widget/visitor");
    let body = json::object(&[("email", Some(email))]);
    read(
        http::send(
            "PATCH",
            &url,
            credentials.token(),
            Some(&json::stringify(&body)),
        )
        .await,
        json::profile,
    )
}

impl Credentials {
    fn token(&self) -> Option<&str> {
        match self {
            Self::Cookie => None,
            Self::Bearer(token) => Some(token),
        }
    }
}

/// The answer decoded by `decode` when it succeeded, else the server's error message.
fn read<T>(
    sent: Result<http::Answer, String>,
    decode: impl Fn(&JsValue) -> Option<T>,
) -> Result<T, Failure> {
    let answer = sent.map_err(|message| Failure { status: 0, message })?;
    let body = answer.text.as_deref().and_then(json::parse);
    if answer.ok() {
        return body.as_ref().and_then(decode).ok_or_else(|| Failure {
            status: answer.status,
            message: "the server's answer could not be read".to_owned(),
        });
    }
    Err(Failure {
        status: answer.status,
        message: body
            .as_ref()
            .and_then(json::error_message)
            .unwrap_or_else(|| format!("HTTP {}", answer.status)),
    })
}
