//! What every response gets whatever route produced it: request bodies read in full (so a
//! refused request never leaves a keep-alive connection with unread bytes), one limit on their
//! size, and the standard security headers.

use app::http::content_security;
use axum::{
    body::{Body, HttpBody},
    extract::Request,
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use wire::error::AppError;

/// Largest request body accepted, in bytes. A message is at most 5,000 characters; even with
/// every character JSON-escaped as a surrogate pair (12 bytes) it fits.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How long a client may take to send a request's body: 64 KiB in 10 s is 52 kbit/s, slower
/// than any connection a person chats over; a client slower than that is holding a slot.
pub const BODY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads the whole request body before routing, up to [`MAX_BODY_BYTES`] and within
/// [`BODY_DEADLINE`] (408 with `Connection: close` after it).
///
/// A handler that refuses a request (401, 403) without reading its body would otherwise leave
/// those bytes on the connection; hyper then closes it after the response, and a keep-alive
/// client's next request on it gets no answer. Read in full, the connection stays usable. A
/// body over the limit is answered 413 with `Connection: close`, since its rest is never read.
pub(crate) async fn read_whole_body(request: Request, next: Next) -> Response {
    if request.body().size_hint().exact() == Some(0) || is_upload(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(read) =
        tokio::time::timeout(BODY_DEADLINE, axum::body::to_bytes(body, MAX_BODY_BYTES)).await
    else {
        let mut response = AppError::RequestTimeout {
            message: format!(
                "the request body did not arrive within {} s",
                BODY_DEADLINE.as_secs()
            ),
        }
        .into_response();
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    };
    match read {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(err) => {
            let too_large =
                std::iter::successors(Some(&err as &(dyn std::error::Error + 'static)), |e| {
                    e.source()
                })
                .any(|e| e.is::<http_body_util::LengthLimitError>());
            let error = if too_large {
                AppError::PayloadTooLarge {
                    message: format!("the request body is over {MAX_BODY_BYTES} bytes"),
                }
            } else {
                AppError::bad_request("the request body could not be read")
            };
            let mut response = error.into_response();
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// Whether `request` is an upload, whose body its handler streams to storage as it arrives
/// (with its own size limit and deadline) instead of this layer buffering it.
fn is_upload(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == axum::http::Method::POST
        && (path == "/api/support_chat/attachments"
            || path
                .strip_prefix("/api/admin/chats/")
                .and_then(|rest| rest.strip_suffix("/attachments"))
                .is_some_and(|id| !id.is_empty() && !id.contains('/')))
}

/// Security headers on every response: no MIME sniffing and a conservative referrer policy
/// everywhere; on HTML, no framing by other sites and a content security policy (pages that
/// render their own, with a script nonce, keep it).
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
            && let Ok(policy) = HeaderValue::from_str(&content_security::policy(None, None))
        {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    response
}
