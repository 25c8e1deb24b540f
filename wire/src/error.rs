//! The one error type of Confab's HTTP boundary, shared by REST handlers and server functions
//! (and so by the browser, which can match on it), and returned by the domain's services.

use serde::{Deserialize, Serialize};

/// Everything a request can fail with, each variant mapped to one status code. Internal details
/// are logged where they happen and never travel in a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    /// 400: the request itself is malformed.
    #[error("{message}")]
    BadRequest {
        /// What is wrong, in words.
        message: String,
    },
    /// 401: no valid credentials (signed out, expired, forged, wrong password).
    #[error("{message}")]
    Unauthorized {
        /// What to do about it.
        message: String,
    },
    /// 403: signed in, but not allowed.
    #[error("{message}")]
    Forbidden {
        /// Why not.
        message: String,
    },
    /// 404: nothing there, or nothing the caller may see.
    #[error("{message}")]
    NotFound {
        /// What was not found.
        message: String,
    },
    /// 405: the path exists, but not with this method.
    #[error("this endpoint does not accept that method")]
    MethodNotAllowed,
    /// 413: the request body is larger than the server accepts.
    #[error("{message}")]
    PayloadTooLarge {
        /// The limit.
        message: String,
    },
    /// 415: the request body is not in a format the endpoint reads (JSON endpoints take
    /// `Content-Type: application/json`).
    #[error("{message}")]
    UnsupportedMediaType {
        /// What the endpoint takes.
        message: String,
    },
    /// 408: the request body did not arrive in time.
    #[error("{message}")]
    RequestTimeout {
        /// How long the server waited.
        message: String,
    },
    /// 409: the request conflicts with existing data.
    #[error("{message}")]
    Conflict {
        /// What conflicts.
        message: String,
    },
    /// 422: well-formed, but a value is not acceptable.
    #[error("{message}")]
    #[serde(rename = "validation_failed")]
    Validation {
        /// Which value and why.
        message: String,
    },
    /// 429: too many attempts; try again after `retry_after_secs`.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: u64,
    },
    /// 503: the server is at capacity for this kind of work (password hashing); try again
    /// after `retry_after_secs`.
    #[error("the server is busy; try again in {retry_after_secs} s")]
    Busy {
        /// Seconds to wait before trying again.
        retry_after_secs: u64,
    },
    /// 500: something failed on the server; details are in its log.
    #[error("something went wrong on the server; please try again")]
    Internal,
    /// The request did not reach the server function or its answer could not be read.
    #[error("request failed: {message}")]
    Transport {
        /// What went wrong in transit.
        message: String,
    },
}

impl AppError {
    /// 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest {
            message: message.into(),
        }
    }
    /// 401 with a message.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::Unauthorized {
            message: message.into(),
        }
    }
    /// 403 with a message.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden {
            message: message.into(),
        }
    }
    /// 404 with a message.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound {
            message: message.into(),
        }
    }
    /// 409 with a message.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
        }
    }
    /// 422 with a message.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::Validation {
            message: message.into(),
        }
    }

    /// The HTTP status code this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest { .. } => 400,
            Self::Unauthorized { .. } => 401,
            Self::Forbidden { .. } => 403,
            Self::NotFound { .. } => 404,
            Self::MethodNotAllowed => 405,
            Self::RequestTimeout { .. } => 408,
            Self::Conflict { .. } => 409,
            Self::PayloadTooLarge { .. } => 413,
            Self::UnsupportedMediaType { .. } => 415,
            Self::Validation { .. } => 422,
            Self::RateLimited { .. } => 429,
            Self::Busy { .. } => 503,
            Self::Internal | Self::Transport { .. } => 500,
        }
    }

    /// The machine-readable code, as in the JSON body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "bad_request",
            Self::Unauthorized { .. } => "unauthorized",
            Self::Forbidden { .. } => "forbidden",
            Self::NotFound { .. } => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::RequestTimeout { .. } => "request_timeout",
            Self::Conflict { .. } => "conflict",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::Validation { .. } => "validation_failed",
            Self::RateLimited { .. } => "rate_limited",
            Self::Busy { .. } => "busy",
            Self::Internal => "internal",
            Self::Transport { .. } => "transport",
        }
    }
}

impl server_fn::error::FromServerFnError for AppError {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        Self::Transport {
            message: value.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AppError;

    #[test]
    fn serialised_codes_match_the_rest_codes() {
        for err in [
            AppError::validation("x"),
            AppError::RateLimited {
                retry_after_secs: 3,
            },
            AppError::Busy {
                retry_after_secs: 1,
            },
            AppError::Internal,
            AppError::MethodNotAllowed,
            AppError::bad_request("x"),
        ] {
            let json = serde_json::to_value(&err).expect("serialise");
            assert_eq!(json["code"], err.code(), "{err:?}");
        }
    }
}

#[cfg(feature = "database")]
mod database {
    use super::AppError;

    impl AppError {
        /// Logs an unexpected failure once, with context, and hides it from the client.
        pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
            tracing::error!(error = %err, "{context}");
            Self::Internal
        }
    }

    impl From<sea_orm::DbErr> for AppError {
        fn from(err: sea_orm::DbErr) -> Self {
            Self::internal("database error", cause_chain(&err))
        }
    }

    /// An error and every error that caused it, outermost first: `a: b: c`.
    fn cause_chain(err: &(dyn std::error::Error + 'static)) -> String {
        std::iter::successors(Some(err), |e| e.source())
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": ")
    }
}

#[cfg(feature = "http")]
mod http {
    use axum::{
        Json,
        http::{HeaderValue, StatusCode, header::RETRY_AFTER},
        response::{IntoResponse, Response},
    };

    use super::AppError;

    impl AppError {
        /// The `Retry-After` header value, for rate-limited and busy answers.
        pub fn retry_after(&self) -> Option<HeaderValue> {
            match self {
                Self::RateLimited { retry_after_secs } | Self::Busy { retry_after_secs } => {
                    Some(HeaderValue::from(*retry_after_secs))
                }
                _ => None,
            }
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status =
                StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = Json(serde_json::json!({
                "error": { "code": self.code(), "message": self.to_string() }
            }));
            let mut response = (status, body).into_response();
            if let Some(value) = self.retry_after() {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
            response
        }
    }
}
