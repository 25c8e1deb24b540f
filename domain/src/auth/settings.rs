//! What identity and sessions need to know of the configuration.

use super::visitors::IdentitySecret;

/// The part of the configuration that identity and sessions depend on.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// `scheme://host[:port]` of the public URL: the only origin allowed to post with cookies.
    pub public_origin: String,
    /// Whether cookies carry `Secure` and the `__Host-` prefix (the public URL is https).
    pub secure_cookies: bool,
    /// Key for verifying embedding sites' `user-hash`; `None` disables verified identities.
    pub identity_secret: Option<IdentitySecret>,
    /// Origins allowed to embed the widget and call its endpoints (exact `scheme://host[:port]`).
    pub widget_origins: Vec<String>,
}

impl AuthSettings {
    /// The browser session cookie's name. `__Host-` makes the browser refuse it unless it is
    /// Secure, host-only and Path=/, which only works over https.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-confab_session"
        } else {
            "confab_session"
        }
    }
}
