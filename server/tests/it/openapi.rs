//! The OpenAPI document: version 3.1, every REST route described with its security and errors,
//! and every documented operation routed. (`make test` also runs the release server's document
//! through openapi-spec-validator and Schemathesis.)

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::TestApp;

#[tokio::test]
async fn the_document_is_openapi_3_1_and_covers_every_rest_route() {
    let app = TestApp::spawn().await;
    let doc = app.get_json("/api/openapi.json", None).await;
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );

    let mut operations = BTreeSet::new();
    let mut operation_ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            operations.insert(format!("{} {path}", method.to_uppercase()));
            let id = item[method]["operationId"]
                .as_str()
                .expect("operationId")
                .to_owned();
            assert!(
                operation_ids.insert(id.clone()),
                "operationId {id} is not unique"
            );
            let responses = item[method]["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|status| status.starts_with('4')),
                "{method} {path} documents no error response"
            );
        }
    }
    let expected: BTreeSet<String> = [
        "GET /api/me",
        "GET /api/admin/staff",
        "GET /api/support_chat",
        "GET /api/support_chat/messages",
        "POST /api/support_chat/messages",
        "PATCH /api/support_chat/mark_read",
        "GET /api/admin/chats",
        "GET /api/admin/chats/{id}",
        "POST /api/admin/chats/{id}/messages",
        "POST /api/admin/chats/{id}/notes",
        "POST /api/admin/chats/{id}/attachments",
        "POST /api/support_chat/attachments",
        "PUT /api/admin/chats/{id}/labels",
        "GET /api/admin/labels",
        "POST /api/admin/labels",
        "PATCH /api/admin/labels/{id}",
        "DELETE /api/admin/labels/{id}",
        "GET /api/admin/replies",
        "POST /api/admin/replies",
        "PATCH /api/admin/replies/{id}",
        "DELETE /api/admin/replies/{id}",
        "POST /api/admin/chats/{id}/archive",
        "POST /api/admin/chats/{id}/unarchive",
        "POST /api/admin/chats/{id}/assign",
        "POST /api/admin/chats/{id}/snooze",
        "POST /api/admin/chats/{id}/resolve",
        "POST /api/admin/chats/{id}/reopen",
        "PATCH /api/admin/staff/{id}",
        "GET /api/admin/reply_emails/failed",
        "POST /api/widget/session",
        "PATCH /api/widget/visitor",
        "DELETE /api/widget/session",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    // The public contract: a change to this list is a change embedding sites see.
    assert_eq!(operations, expected);

    // Routes and document are registered together, so no route is undocumented; and every
    // documented operation is routed (not the unknown-endpoint 404, not 405).
    for operation in &operations {
        let (method, path) = operation.split_once(' ').expect("METHOD path");
        let path = path.replace("{id}", &uuid::Uuid::now_v7().to_string());
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let res = app
            .http
            .request(method, app.at(&path))
            .send()
            .await
            .expect("request");
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        assert_ne!(
            status,
            reqwest::StatusCode::METHOD_NOT_ALLOWED,
            "{operation}"
        );
        assert!(
            !body.contains("no such API endpoint"),
            "{operation} is documented but not routed"
        );
    }

    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    assert!(schemes.contains_key("cookie") && schemes.contains_key("bearer"));
    assert_eq!(
        doc["paths"]["/api/admin/chats"]["get"]["security"][0]["cookie"],
        Value::Array(vec![])
    );
    assert!(doc["components"]["schemas"]["SupportChatListItem"].is_object());
}

/// Every limit the server enforces is in the document, so generated clients can validate
/// what the server will accept (Schemathesis checks the two agree in `make test`).
#[tokio::test]
async fn the_document_states_the_limits_the_server_enforces() {
    let app = TestApp::spawn().await;
    let doc = app.get_json("/api/openapi.json", None).await;
    let params = doc["paths"]["/api/support_chat/messages"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let param = |name: &str| {
        params
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("parameter {name}"))["schema"]
            .clone()
    };
    assert_eq!(param("limit")["minimum"], 1);
    assert_eq!(param("limit")["maximum"], 200);
    for cursor in ["before", "after"] {
        assert_eq!(param(cursor)["format"], "uuid", "{cursor}");
    }

    let schemas = &doc["components"]["schemas"];
    let note = &schemas["NewNote"]["properties"]["content"];
    assert_eq!(note["minLength"], 1);
    assert_eq!(note["maxLength"], 5000);
    assert!(note["pattern"].is_string());
    // A message's text may be blank when it carries files.
    let message = &schemas["NewMessage"]["properties"];
    assert_eq!(message["content"]["maxLength"], 5000);
    assert_eq!(message["content"]["minLength"], Value::Null);
    assert_eq!(message["attachment_ids"]["maxItems"], 20);
    let upload = &doc["paths"]["/api/support_chat/attachments"]["post"]["requestBody"];
    let form = &upload["content"]["multipart/form-data"]["schema"];
    assert!(form.is_object(), "{upload}");
    assert_eq!(
        schemas["VisitorUpdate"]["properties"]["email"]["format"],
        "email"
    );

    let session = &doc["paths"]["/api/widget/session"]["post"]["requestBody"];
    assert_eq!(session["required"], false, "the body may be left out");
    let body_schema = &session["content"]["application/json"]["schema"];
    assert_eq!(
        body_schema["$ref"], "#/components/schemas/SessionRequest",
        "an object, never null: {body_schema}"
    );
    assert_eq!(
        schemas["SessionRequest"]["dependentRequired"]["user_id"][0],
        "user_hash"
    );
}
