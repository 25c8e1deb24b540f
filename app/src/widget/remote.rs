//! The widget's REST calls: starting a visitor session, loading the chat and older pages, and
//! recording a visitor's email. The hosted app authenticates by its session cookie; embedding
//! sites by the visitor's bearer token. Browser builds only.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::{Deserialize, Serialize};

use crate::model::{SupportChat, SupportMessage, UserProfile};

/// How a request proves who the visitor is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// The hosted app's session cookie (same origin).
    Cookie,
    /// A widget token.
    Bearer(String),
}

/// What an embedding site says about the visitor; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The site's own id for the visitor (needs `user_hash`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Their email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// HMAC of `user_id` computed by the site's server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_hash: Option<String>,
}

/// `POST /api/widget/session`'s answer.
#[derive(Clone, Debug, Deserialize)]
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

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: String,
}

/// Starts (or resumes, with `current`) a visitor session, claiming `identity`.
pub async fn start_session(
    server: &str,
    current: Option<&str>,
    identity: &Identity,
) -> Result<WidgetSession, Failure> {
    let mut request = Request::post(&format!("{server}/api/widget/session"));
    if let Some(token) = current {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let request = request.json(identity).map_err(local_failure)?;
    read(request.send().await).await
}

/// The visitor's chat (created on first use) with its newest messages.
pub async fn chat(server: &str, credentials: &Credentials) -> Result<SupportChat, Failure> {
    let request = authorised(
        Request::get(&format!("{server}/api/support_chat")),
        credentials,
    );
    read(request.send().await).await
}

/// Up to `limit` messages older than `before`, oldest first.
pub async fn older(
    server: &str,
    credentials: &Credentials,
    before: uuid::Uuid,
    limit: usize,
) -> Result<Vec<SupportMessage>, Failure> {
    let request = authorised(
        Request::get(&format!(
            "{server}/api/support_chat/messages?before={before}&limit={limit}"
        )),
        credentials,
    );
    read(request.send().await).await
}

/// Records the email an anonymous visitor gave.
pub async fn give_email(
    server: &str,
    credentials: &Credentials,
    email: &str,
) -> Result<UserProfile, Failure> {
    #[derive(Serialize)]
    struct Update<'a> {
        email: &'a str,
    }
    let request = authorised(
        Request::patch(&format!("{server}/api/widget/visitor")),
        credentials,
    )
    .json(&Update { email })
    .map_err(local_failure)?;
    read(request.send().await).await
}

fn authorised(request: RequestBuilder, credentials: &Credentials) -> RequestBuilder {
    match credentials {
        Credentials::Cookie => request,
        Credentials::Bearer(token) => request.header("Authorization", &format!("Bearer {token}")),
    }
}

async fn read<T: for<'de> Deserialize<'de>>(
    sent: Result<Response, gloo_net::Error>,
) -> Result<T, Failure> {
    let response = sent.map_err(|err| Failure {
        status: 0,
        message: err.to_string(),
    })?;
    let status = response.status();
    if response.ok() {
        return response.json::<T>().await.map_err(|err| Failure {
            status,
            message: err.to_string(),
        });
    }
    let message = match response.json::<ErrorBody>().await {
        Ok(body) => body.error.message,
        Err(_) => response.status_text(),
    };
    Err(Failure { status, message })
}

fn local_failure(err: gloo_net::Error) -> Failure {
    Failure {
        status: 0,
        message: err.to_string(),
    }
}
