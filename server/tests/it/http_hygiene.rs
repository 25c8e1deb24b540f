//! What the HTTP layer does for every route: JSON bodies only as JSON objects, its own errors
//! in the API's error shape, keep-alive connections that survive a refusal, security headers.

use reqwest::{StatusCode, header};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::support::{TestApp, error_of};

#[tokio::test]
async fn json_endpoints_take_only_json_objects_sent_as_json() {
    let app = TestApp::spawn().await;
    let token = app.visitor_token().await;
    let post = |content_type: Option<&'static str>, body: &'static str| {
        let mut request = app
            .http
            .post(app.at("/api/support_chat/messages"))
            .bearer_auth(&token)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        request.send()
    };

    let (status, code, _) = error_of(
        post(Some("application/json"), r#"["hello"]"#)
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );

    for content_type in [Some("text/plain"), None] {
        let res = post(content_type, r#"{"content":"hello"}"#)
            .await
            .expect("send");
        let (status, code, message) = error_of(res).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert_eq!(code, "unsupported_media_type");
        assert!(message.contains("application/json"), "{message}");
    }

    let accepted = post(
        Some("application/json; charset=utf-8"),
        r#"{"content":"hello"}"#,
    )
    .await
    .expect("send");
    assert_eq!(accepted.status(), StatusCode::CREATED);
    let stored = app
        .get_json("/api/support_chat/messages", Some(&token))
        .await;
    assert_eq!(
        stored.as_array().map(Vec::len),
        Some(1),
        "only the JSON one was stored"
    );
}

#[tokio::test]
async fn the_http_stacks_own_errors_use_the_error_shape() {
    let app = TestApp::spawn().await;
    let token = app.visitor_token().await;

    let huge = format!(r#"{{"content":"{}"}}"#, "x".repeat(server::MAX_BODY_BYTES));
    let res = app
        .http
        .post(app.at("/api/support_chat/messages"))
        .bearer_auth(&token)
        .header(header::CONTENT_TYPE, "application/json")
        .body(huge)
        .send()
        .await
        .expect("send");
    assert_eq!(
        res.headers().get(header::CONNECTION).map(|v| v.as_bytes()),
        Some(&b"close"[..]),
        "the unread rest of the body ends the connection, and says so"
    );
    assert_error(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let res = app.http.get(app.at("/api/nothing/here")).send().await;
    assert_error(res.expect("send"), StatusCode::NOT_FOUND, "not_found").await;

    let res = app
        .http
        .delete(app.at("/api/support_chat/messages"))
        .bearer_auth(&token)
        .send()
        .await;
    assert_error(
        res.expect("send"),
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}

/// The response is the API's error shape with this status and code.
async fn assert_error(res: reqwest::Response, status: StatusCode, code: &str) {
    let (got_status, got_code, message) = error_of(res).await;
    assert_eq!((got_status, got_code.as_str()), (status, code), "{message}");
}

/// Sends raw HTTP/1.1 on one connection and reads one response head (and body by length).
async fn exchange(stream: &mut TcpStream, request: &str) -> String {
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("an answer within 5 s")
            .expect("read");
        if n == 0 {
            break;
        }
        received.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&received);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_owned())
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test]
async fn a_refused_post_leaves_the_keep_alive_connection_usable() {
    let app = TestApp::spawn().await;
    let addr = app.url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let body = r#"{"content":"nobody is signed in"}"#;
    let refused = exchange(
        &mut stream,
        &format!(
            "POST /api/support_chat/messages HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");

    let next = exchange(
        &mut stream,
        &format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
    )
    .await;
    assert!(
        next.starts_with("HTTP/1.1 200"),
        "the same connection answers again: {next:?}"
    );
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = TestApp::spawn().await;
    let api = app
        .http
        .get(app.at("/api/me"))
        .send()
        .await
        .expect("GET /api/me");
    assert_eq!(api.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(api.headers().contains_key(header::REFERRER_POLICY));

    let page = app.http.get(app.at("/")).send().await.expect("GET /");
    let headers = page.headers().clone();
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    let policy = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ASCII policy")
        .to_owned();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the page's policy names a script nonce");
    // README: exactly `'self' 'wasm-unsafe-eval'` and the page's nonce may run scripts; no
    // other source, no `'unsafe-inline'`, no `'unsafe-eval'`.
    let script_src: Vec<&str> = policy
        .split(';')
        .map(str::trim)
        .find_map(|directive| directive.strip_prefix("script-src "))
        .expect("a script-src directive")
        .split_whitespace()
        .collect();
    let own_nonce = format!("'nonce-{nonce}'");
    let mut sorted = script_src.clone();
    sorted.sort_unstable();
    let mut expected = vec!["'self'", "'wasm-unsafe-eval'", own_nonce.as_str()];
    expected.sort_unstable();
    assert_eq!(sorted, expected, "{policy}");
    let html = page.text().await.expect("HTML");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the policy's nonce"
    );
    // A fresh nonce for every response.
    let again = app.http.get(app.at("/")).send().await.expect("GET /");
    assert_ne!(
        again.headers()[header::CONTENT_SECURITY_POLICY],
        headers[header::CONTENT_SECURITY_POLICY]
    );
}
