//! Reading ids and query strings with errors in the API's one shape.

use axum::{
    extract::{FromRequestParts, Path, Query},
    http::request::Parts,
};
use domain::chats::PageAt;
use serde::{Deserialize, de::DeserializeOwned};
use utoipa::IntoParams;
use uuid::Uuid;
use wire::error::AppError;

/// The `{id}` of a path, which must be a UUID (400 otherwise).
pub(crate) struct PathId(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|err| AppError::bad_request(err.body_text()))?;
        parse_id("id", &raw).map(Self)
    }
}

/// A query string parsed into `T` (400 naming the problem otherwise).
pub(crate) struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|err| AppError::bad_request(err.body_text()))
    }
}

/// `?before=ID`, `?after=ID`, `?after_seq=N` and `?limit=N` on message lists.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct PageQuery {
    /// Messages just before this message id (paging back); with `after`, the messages
    /// between the two.
    #[param(value_type = Option<Uuid>)]
    before: Option<String>,
    /// Messages just after this message id (polling), oldest first.
    #[param(value_type = Option<Uuid>)]
    after: Option<String>,
    /// Messages with a `seq` above this one (the resume cursor), oldest first.
    #[param(minimum = 0)]
    after_seq: Option<i64>,
    /// How many, 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u64>,
}

/// Messages per page when the client does not say.
pub(crate) const DEFAULT_PAGE: u64 = 50;

impl PageQuery {
    /// Where the page sits and how long it is.
    ///
    /// # Errors
    /// 400 for a cursor that is not a UUID; 422 for a negative `after_seq`.
    pub(crate) fn page(&self) -> Result<(PageAt, u64), AppError> {
        let cursor = |what: &str, raw: &Option<String>| {
            raw.as_deref().map(|id| parse_id(what, id)).transpose()
        };
        if self.after_seq.is_some_and(|seq| seq < 0) {
            return Err(AppError::validation("after_seq must be 0 or more"));
        }
        let at = PageAt {
            after: cursor("after", &self.after)?,
            after_seq: self.after_seq,
            before: cursor("before", &self.before)?,
        };
        Ok((at, self.limit.unwrap_or(DEFAULT_PAGE)))
    }
}

pub(crate) fn parse_id(what: &str, raw: &str) -> Result<Uuid, AppError> {
    raw.parse()
        .map_err(|_| AppError::bad_request(format!("{what} {raw:?} is not a valid id")))
}
