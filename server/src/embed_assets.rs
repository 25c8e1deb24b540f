//! Headers for the files other sites load to embed the widget: `/embed.js`, `/widget.css`,
//! `pkg/embed.json` and the content-hashed `pkg/embed-*` bundle. Any origin may load them
//! (`Access-Control-Allow-Origin: *`, `Cross-Origin-Resource-Policy: cross-origin`); hashed
//! files are cached for a year, the others for five minutes, so a deploy reaches every
//! embedding page within minutes.

use axum::{
    extract::Request,
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// How long a browser may keep an embed file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lifetime {
    /// Named by its content: never changes.
    Immutable,
    /// Names the current bundle: changes with each deploy.
    Short,
}

fn lifetime_of(path: &str) -> Option<Lifetime> {
    match path {
        "/embed.js" | "/widget.css" | "/pkg/embed.json" => Some(Lifetime::Short),
        _ if path.starts_with("/pkg/embed-") => Some(Lifetime::Immutable),
        _ => None,
    }
}

/// Adds the cross-origin and cache headers to successful answers for embed files.
pub(crate) async fn cross_site_headers(request: Request, next: Next) -> Response {
    let lifetime = lifetime_of(request.uri().path());
    let mut response = next.run(request).await;
    let Some(lifetime) = lifetime else {
        return response;
    };
    if !(response.status().is_success() || response.status().as_u16() == 304) {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("cross-origin"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match lifetime {
            Lifetime::Immutable => "public, max-age=31536000, immutable",
            Lifetime::Short => "public, max-age=300",
        }),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_embed_files_get_cross_site_headers() {
        assert_eq!(lifetime_of("/embed.js"), Some(Lifetime::Short));
        assert_eq!(lifetime_of("/widget.css"), Some(Lifetime::Short));
        assert_eq!(lifetime_of("/pkg/embed.json"), Some(Lifetime::Short));
        assert_eq!(
            lifetime_of("/pkg/embed-0123456789abcdef.wasm"),
            Some(Lifetime::Immutable)
        );
        assert_eq!(lifetime_of("/pkg/confab.wasm"), None);
        assert_eq!(lifetime_of("/api/support_chat"), None);
    }
}
