//! Reading JSON request bodies: only `Content-Type: application/json`, only a JSON object,
//! and errors in words (what was wrong and where).

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{HeaderMap, header},
};
use serde::de::DeserializeOwned;
use wire::error::AppError;

/// A JSON object body parsed into `T`.
pub(crate) struct JsonBody<T>(pub T);

/// A JSON object body parsed into `T`, or nothing when the body is empty.
pub(crate) struct OptionalJsonBody<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        match OptionalJsonBody::<T>::from_request(request, state).await? {
            OptionalJsonBody(Some(value)) => Ok(Self(value)),
            OptionalJsonBody(None) => Err(AppError::bad_request(
                "the request needs a JSON object body",
            )),
        }
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let json_declared = declares_json(request.headers());
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|err| AppError::bad_request(err.body_text()))?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        if !json_declared {
            return Err(AppError::UnsupportedMediaType {
                message: "send the body as JSON with `Content-Type: application/json`".into(),
            });
        }
        parse_object(&body).map(|value| Self(Some(value)))
    }
}

/// For `#[serde(default, deserialize_with = "present")]` on an optional field that, when
/// sent, must hold a value: `null` is refused rather than read as "left out", so the document
/// can describe the field without `null`.
pub(crate) fn present<'de, D, T>(value: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(value).map(Some)
}

/// Whether the `Content-Type` is `application/json` (parameters such as `charset` allowed).
fn declares_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// Parses a body that must be a JSON object. Serde would also read a struct from an array
/// (`["hello"]` as `{"content": "hello"}`), which no documented request is.
fn parse_object<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(AppError::bad_request(
            "the request body must be a JSON object",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|err| AppError::bad_request(format!("the request body is not valid JSON: {err}")))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Message {
        #[expect(dead_code, reason = "only parsed")]
        content: String,
    }

    #[test]
    fn only_objects_parse() {
        assert!(parse_object::<Message>(br#" {"content": "hi"}"#).is_ok());
        assert!(parse_object::<Message>(br#"["hi"]"#).is_err());
        assert!(parse_object::<Message>(b"\"hi\"").is_err());
        assert!(parse_object::<Message>(br#"{"content": 1}"#).is_err());
    }

    #[test]
    fn json_content_types_are_recognised() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            declares_json(&headers)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(!with("text/plain"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!declares_json(&HeaderMap::new()));
    }
}
