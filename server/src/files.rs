//! `GET /files/{id}` and `GET /files/{id}/thumbnail`: attachments served by their signed
//! links (`?exp=…&sig=…`), which work without cookies and from other origins. Any refusal is
//! the same 404, whatever its reason. Responses can never run as a page: only re-encoded
//! raster images are `inline`, everything else is `Content-Disposition: attachment`, and every
//! file gets `nosniff` and a sandboxing `Content-Security-Policy`. Single byte ranges are
//! honoured (`206`), so large files resume and media seek. `confab files rotate-key` is here
//! too: it revokes every link.

use std::ops::Range;

use anyhow::Context;
use app::http::state::AppState;
use axum::{
    body::Body,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use domain::{
    attachments::{Variant, kinds, links, names, serving},
    clock,
};
use uuid::Uuid;
use wire::error::AppError;

use crate::{
    config::{FilesAction, GlobalArgs},
    database,
};

/// The policy on every file: no scripts, no plugins, no same-origin access, even if a
/// browser were persuaded to render one.
pub(crate) const FILE_POLICY: &str = "sandbox; default-src 'none'; img-src 'self'";

/// `GET /files/{id}`.
pub(crate) async fn original(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    serve(&state, &id, Variant::Original, query.as_deref(), &headers).await
}

/// `GET /files/{id}/thumbnail`.
pub(crate) async fn thumbnail(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    serve(&state, &id, Variant::Thumbnail, query.as_deref(), &headers).await
}

fn not_found() -> Response {
    AppError::not_found("no such file, or the link expired").into_response()
}

async fn serve(
    state: &AppState,
    raw_id: &str,
    variant: Variant,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Response {
    let Some((id, expires, sig)) = link_parts(raw_id, query) else {
        return not_found();
    };
    let files = &state.effects.files;
    let row = match serving::linked(&state.db, files, id, variant, expires, &sig).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(),
        Err(err) => return err.into_response(),
    };
    let (content_type, inline) = match variant {
        Variant::Original => (
            row.content_type.clone(),
            kinds::shown_inline(&row.content_type),
        ),
        Variant::Thumbnail => ("image/jpeg".to_owned(), true),
    };
    // The size is known for the original; a thumbnail's is read from storage.
    let range = headers
        .get(header::RANGE)
        .and_then(|value| value.to_str().ok())
        .and_then(parse_range);
    let size = u64::try_from(row.size).unwrap_or_default();
    let wanted = match (variant, range) {
        (Variant::Original, Some(range)) => match satisfiable(range, size) {
            Some(bytes) => Some(bytes),
            None => return unsatisfiable(size),
        },
        _ => None,
    };
    let found = files.storage.get(&variant.key(id), wanted.clone()).await;
    let result = match found {
        Ok(Some(result)) => result,
        Ok(None) => return not_found(),
        Err(err) => return AppError::from(err).into_response(),
    };
    let total = result.meta.size;
    let served = result.range.clone();
    let mut response = Response::new(Body::from_stream(result.into_stream()));
    if wanted.is_some() {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        let headers = response.headers_mut();
        insert(
            headers,
            header::CONTENT_RANGE,
            &format!(
                "bytes {}-{}/{total}",
                served.start,
                served.end.saturating_sub(1)
            ),
        );
    }
    let headers = response.headers_mut();
    insert(headers, header::CONTENT_TYPE, &content_type);
    insert(
        headers,
        header::CONTENT_LENGTH,
        &(served.end - served.start).to_string(),
    );
    insert(
        headers,
        header::CONTENT_DISPOSITION,
        &names::content_disposition(&row.name, inline),
    );
    insert(headers, header::ACCEPT_RANGES, "bytes");
    insert(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    insert(headers, header::CONTENT_SECURITY_POLICY, FILE_POLICY);
    // Embedding sites show images from here in their own pages.
    insert(headers, "cross-origin-resource-policy", "cross-origin");
    // The link's expiry is the file's lifetime in a browser's cache.
    let lifetime = (expires - clock::now().timestamp()).max(0);
    insert(
        headers,
        header::CACHE_CONTROL,
        &format!("private, max-age={lifetime}, immutable"),
    );
    response
}

fn insert(headers: &mut HeaderMap, name: impl header::IntoHeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// The id, expiry and signature of a link; `None` when any is missing or malformed.
fn link_parts(raw_id: &str, query: Option<&str>) -> Option<(Uuid, i64, String)> {
    let id = Uuid::parse_str(raw_id).ok()?;
    let (mut expires, mut sig) = (None, None);
    for pair in query?.split('&') {
        match pair.split_once('=') {
            Some(("exp", value)) => expires = value.parse().ok(),
            Some(("sig", value)) => sig = Some(value.to_owned()),
            _ => {}
        }
    }
    Some((id, expires?, sig?))
}

/// A `Range` header of one byte range: `bytes=a-b`, `bytes=a-` or `bytes=-n`. Anything else
/// (several ranges, other units, garbage) is ignored and the whole file served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wanted {
    From(u64, Option<u64>),
    Last(u64),
}

fn parse_range(value: &str) -> Option<Wanted> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = (start.trim(), end.trim());
    if start.is_empty() {
        return end.parse().ok().map(Wanted::Last);
    }
    let start = start.parse().ok()?;
    let end = if end.is_empty() {
        None
    } else {
        let end: u64 = end.parse().ok()?;
        if end < start {
            return None;
        }
        Some(end)
    };
    Some(Wanted::From(start, end))
}

/// The bytes `wanted` selects of a file of `size`; `None` when none of them exist (416).
fn satisfiable(wanted: Wanted, size: u64) -> Option<Range<u64>> {
    match wanted {
        Wanted::From(start, _) if start >= size => None,
        Wanted::From(start, end) => {
            Some(start..end.map_or(size, |end| end.saturating_add(1).min(size)))
        }
        Wanted::Last(0) => None,
        Wanted::Last(count) => Some(size.saturating_sub(count)..size),
    }
}

fn unsatisfiable(size: u64) -> Response {
    let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
    insert(
        response.headers_mut(),
        header::CONTENT_RANGE,
        &format!("bytes */{size}"),
    );
    response
}

/// `confab files rotate-key`.
pub(crate) async fn command(action: FilesAction, global: &GlobalArgs) -> anyhow::Result<()> {
    let db = database::connect(&global.database_url).await?;
    database::migrate(&db).await?;
    match action {
        FilesAction::RotateKey => {
            links::rotate_key(&db)
                .await
                .context("could not replace the file link key")?;
            println!(
                "The file link key is replaced: links handed out before no longer work (running instances pick the new key up within a minute)."
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_byte_ranges_are_read_and_others_ignored() {
        assert_eq!(parse_range("bytes=0-99"), Some(Wanted::From(0, Some(99))));
        assert_eq!(parse_range("bytes=100-"), Some(Wanted::From(100, None)));
        assert_eq!(parse_range("bytes=-20"), Some(Wanted::Last(20)));
        assert_eq!(parse_range("bytes=0-1,5-6"), None);
        assert_eq!(parse_range("bytes=9-3"), None);
        assert_eq!(parse_range("items=0-1"), None);
        assert_eq!(parse_range("bytes=x-"), None);
    }

    #[test]
    fn ranges_are_cut_to_the_file() {
        assert_eq!(satisfiable(Wanted::From(0, Some(99)), 50), Some(0..50));
        assert_eq!(satisfiable(Wanted::From(10, None), 50), Some(10..50));
        assert_eq!(satisfiable(Wanted::Last(20), 50), Some(30..50));
        assert_eq!(satisfiable(Wanted::Last(80), 50), Some(0..50));
        assert_eq!(satisfiable(Wanted::From(50, None), 50), None);
        assert_eq!(satisfiable(Wanted::Last(0), 50), None);
        assert_eq!(
            satisfiable(Wanted::From(0, Some(u64::MAX)), 50),
            Some(0..50)
        );
    }

    #[test]
    fn links_need_an_id_an_expiry_and_a_signature() {
        let id = Uuid::now_v7();
        let raw = id.to_string();
        assert_eq!(
            link_parts(&raw, Some("exp=10&sig=ab")),
            Some((id, 10, "ab".to_owned()))
        );
        assert_eq!(link_parts(&raw, Some("exp=10")), None);
        assert_eq!(link_parts(&raw, Some("sig=ab")), None);
        assert_eq!(link_parts(&raw, None), None);
        assert_eq!(link_parts("nope", Some("exp=10&sig=ab")), None);
    }
}
