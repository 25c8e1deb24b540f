//! The pages' Content Security Policy: scripts only from this server (the hydration script by a
//! per-response nonce), wasm compiled by the browser, no plugins, no framing by other sites.

use leptos::prelude::*;

/// The policy, allowing inline scripts that carry `nonce` when given, and the development
/// live-reload socket when `reload_port` is given (`make dev` only).
pub fn policy(nonce: Option<&str>, reload_port: Option<u32>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'wasm-unsafe-eval' 'nonce-{nonce}'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    let connect = match reload_port {
        Some(port) => format!("'self' ws://localhost:{port} ws://127.0.0.1:{port}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         connect-src {connect}; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Gives the page being rendered a fresh script nonce (Leptos puts it on the hydration
/// scripts) and sends the policy naming it with the response. Under `cargo leptos watch`
/// (`LEPTOS_WATCH` set) the policy also lets the page reach the live-reload socket.
pub fn protect_page(options: &LeptosOptions) {
    let reload_port = std::env::var_os("LEPTOS_WATCH")
        .map(|_| options.reload_external_port.unwrap_or(options.reload_port));
    leptos::nonce::provide_nonce();
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(value) = axum::http::HeaderValue::from_str(&policy(Some(&nonce), reload_port))
    {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::policy;

    #[test]
    fn the_nonce_is_named_only_when_given() {
        assert!(policy(Some("abc"), None).contains("'nonce-abc'"));
        assert!(!policy(None, None).contains("nonce"));
        assert!(policy(None, None).contains("frame-ancestors 'none'"));
        assert!(!policy(None, None).contains("ws://"));
        assert!(policy(None, Some(3001)).contains("connect-src 'self' ws://localhost:3001"));
    }
}
