//! The pages' Content Security Policy: scripts only from this server (the hydration script by a
//! per-response nonce), wasm compiled by the browser, no plugins, no framing by other sites.

use leptos::prelude::*;

/// The policy, allowing inline scripts that carry `nonce` when given.
pub fn policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'wasm-unsafe-eval' 'nonce-{nonce}'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Gives the page being rendered a fresh script nonce (Leptos puts it on the hydration
/// scripts) and sends the policy naming it with the response.
pub fn protect_page() {
    leptos::nonce::provide_nonce();
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(value) = axum::http::HeaderValue::from_str(&policy(Some(&nonce)))
    {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::policy;

    #[test]
    fn the_nonce_is_named_only_when_given() {
        assert!(policy(Some("abc")).contains("'nonce-abc'"));
        assert!(!policy(None).contains("nonce"));
        assert!(policy(None).contains("frame-ancestors 'none'"));
    }
}
