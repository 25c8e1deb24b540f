//! The OpenAPI 3.1 description of the REST API. Its paths come from the router itself: every
//! route is registered together with its handler's annotation (`utoipa_axum::routes!` in
//! `rest::routes`), so a route cannot exist undocumented. This module adds what is common to
//! all of them (info, security schemes, shared schemas, tags) and what the annotations cannot
//! state. Schemathesis checks the result against the running server in `make test`.

use utoipa::{
    Modify, OpenApi,
    openapi::{
        RefOr, Required, Schema,
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use super::error_body::{ErrorBody, ErrorDetail};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Confab",
        description = "Self-hosted live support chat. Errors are `{\"error\": {\"code\", \"message\"}}`; timestamps are ISO-8601 UTC.",
    ),
    // Query parameters' own types are not collected from the routes like bodies are.
    components(schemas(ErrorBody, ErrorDetail, wire::team::InboxView)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "user", description = "The signed-in user's or widget visitor's own chat"),
        (name = "staff", description = "Support staff only"),
        (name = "widget", description = "Sessions for visitors of embedding sites"),
    )
)]
pub(crate) struct ApiDoc;

/// Cookie sessions (the hosted app) and bearer tokens (the widget on other sites).
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "confab_session",
                "Browser session from signing in (named __Host-confab_session over https)",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("Widget token from POST /api/widget/session"))
                    .build(),
            ),
        );
    }
}

/// What the derive cannot state about `POST /api/widget/session`: its body is optional (but
/// never `null`), `user_id` and `user_hash` go together (JSON Schema's `dependentRequired`),
/// and `identity_token` comes alone (`dependentSchemas`).
struct WidgetSessionRules;

impl Modify for WidgetSessionRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(body) = openapi
            .paths
            .paths
            .get_mut("/api/widget/session")
            .and_then(|item| item.post.as_mut())
            .and_then(|op| op.request_body.as_mut())
        {
            body.required = Some(Required::False);
        }
        if let Some(RefOr::T(Schema::Object(request))) = openapi
            .components
            .as_mut()
            .and_then(|c| c.schemas.get_mut("SessionRequest"))
        {
            let extensions = request.extensions.get_or_insert_with(Default::default);
            extensions.insert(
                "dependentRequired".to_owned(),
                serde_json::json!({ "user_id": ["user_hash"], "user_hash": ["user_id"] }),
            );
            let alone = ["user_id", "user_hash", "email", "name"]
                .map(|field| serde_json::json!({ "required": [field] }));
            extensions.insert(
                "dependentSchemas".to_owned(),
                serde_json::json!({ "identity_token": { "not": { "anyOf": alone } } }),
            );
        }
    }
}

/// The finished document: `paths` as the router registered them, plus the rules above.
pub(crate) fn finish(mut document: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    WidgetSessionRules.modify(&mut document);
    document
}
