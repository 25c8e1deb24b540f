//! Saved replies over REST, on whichever backend the run tests: admins write, change and
//! delete them (shortcuts unique whatever their case), agents read and search them, and bad
//! input is refused with nothing stored.

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use wire::model::Role;

use crate::support::TestApp;

async fn create(app: &TestApp, cookie: &str, body: Value) -> reqwest::Response {
    app.send_json(Method::POST, "/api/admin/replies", cookie, &body)
        .await
}

fn shortcuts(listed: &Value) -> Vec<&str> {
    listed
        .as_array()
        .expect("list")
        .iter()
        .map(|reply| reply["shortcut"].as_str().expect("shortcut"))
        .collect()
}

#[tokio::test]
async fn admins_write_the_library_and_everyone_searches_it() {
    let app = TestApp::spawn().await;
    let (_, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let (_, tom) = app.staff_session("tom@confab.test", Role::Agent).await;

    let res = create(
        &app,
        &maya,
        json!({ "title": " Refund issued ", "shortcut": "refund", "body": "Hi {{user.name}}, the refund is on its way. {{agent.name}}" }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let refund: Value = res.json().await.expect("reply");
    assert_eq!(refund["title"], "Refund issued");
    let res = create(
        &app,
        &maya,
        json!({ "title": "Password reset", "shortcut": "Reset", "body": "Use the link on the sign-in page." }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    for (body, status) in [
        (
            json!({ "title": "Again", "shortcut": "REFUND", "body": "x" }),
            StatusCode::CONFLICT,
        ),
        (
            json!({ "title": " ", "shortcut": "a", "body": "x" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "title": "A", "shortcut": "two words", "body": "x" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "title": "A", "shortcut": "/a", "body": "x" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "title": "A", "shortcut": "a", "body": "x".repeat(5_001) }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "title": "A", "shortcut": "a" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let res = create(&app, &maya, body.clone()).await;
        assert!(
            res.status() == status
                || (status == StatusCode::UNPROCESSABLE_ENTITY
                    && res.status() == StatusCode::BAD_REQUEST),
            "{body}: {}",
            res.status()
        );
    }
    // Agents use the library; only admins write it.
    let res = create(
        &app,
        &tom,
        json!({ "title": "T", "shortcut": "t", "body": "b" }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let all = app.get_json_with_cookie("/api/admin/replies", &tom).await;
    assert_eq!(
        shortcuts(&all),
        ["refund", "Reset"],
        "by shortcut, whatever its case"
    );
    for (q, found) in [
        ("REFUND", vec!["refund"]),
        ("sign-in", vec!["Reset"]),
        ("password", vec!["Reset"]),
        ("100%", vec![]),
    ] {
        let listed = app
            .get_json_with_cookie(&format!("/api/admin/replies?q={}", urlencode(q)), &tom)
            .await;
        assert_eq!(shortcuts(&listed), found, "q={q}");
    }

    let id = refund["id"].as_str().expect("id");
    let path = format!("/api/admin/replies/{id}");
    let res = app
        .send_json(Method::PATCH, &path, &maya, &json!({ "shortcut": "reset" }))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = app
        .send_json(Method::PATCH, &path, &maya, &json!({ "body": "Refunded." }))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed: Value = res.json().await.expect("reply");
    assert_eq!(
        (changed["shortcut"].clone(), changed["body"].clone()),
        (json!("refund"), json!("Refunded."))
    );
    let res = app
        .send_json(Method::PATCH, &path, &tom, &json!({ "body": "Mine now." }))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let delete = |cookie: String| {
        let request = app
            .http
            .delete(app.at(&path))
            .header(header::COOKIE, cookie);
        async move { request.send().await.expect("DELETE").status() }
    };
    assert_eq!(delete(tom.clone()).await, StatusCode::FORBIDDEN);
    assert_eq!(delete(maya.clone()).await, StatusCode::NO_CONTENT);
    assert_eq!(delete(maya.clone()).await, StatusCode::NOT_FOUND);
    let all = app.get_json_with_cookie("/api/admin/replies", &tom).await;
    assert_eq!(shortcuts(&all), ["Reset"]);
    // Users never reach the library.
    let user = app.sign_up("uma@example.com", "right password").await;
    let res = app.get_with_cookie("/api/admin/replies", &user).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
