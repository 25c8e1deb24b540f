//! Reading JSON request bodies with errors in words: what was wrong and where.

use app::error::AppError;
use axum::body::Bytes;
use serde::de::DeserializeOwned;

/// Parses a JSON body; an empty body is `None`.
///
/// # Errors
/// 400 naming the parse error (line, column, field).
pub(crate) fn optional_json<T: DeserializeOwned>(body: &Bytes) -> Result<Option<T>, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|err| AppError::bad_request(format!("the request body is not valid JSON: {err}")))
}

/// Parses a JSON body that must be there.
///
/// # Errors
/// 400 when it is missing or does not parse.
pub(crate) fn json<T: DeserializeOwned>(body: &Bytes) -> Result<T, AppError> {
    optional_json(body)?.ok_or_else(|| AppError::bad_request("the request needs a JSON body"))
}
