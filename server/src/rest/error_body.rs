//! The schema of the one error shape every failed request answers with, for the OpenAPI
//! document. `AppError` writes the JSON; these types only describe it.

use utoipa::ToSchema;

/// The one error shape of every failed request.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes the JSON AppError writes; never constructed"
)]
pub(crate) struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong.
#[derive(ToSchema)]
#[expect(
    dead_code,
    reason = "describes the JSON AppError writes; never constructed"
)]
pub(crate) struct ErrorDetail {
    /// Machine-readable: `bad_request`, `unauthorized`, `forbidden`, `not_found`,
    /// `method_not_allowed`, `request_timeout`, `conflict`, `payload_too_large`, `unsupported_media_type`,
    /// `validation_failed`, `rate_limited`, `busy`, `internal`.
    code: String,
    /// For people.
    message: String,
}
