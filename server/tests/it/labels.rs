//! Labels, on whichever backend the run tests: admins define them (names unique whatever
//! their case, colours from the palette, agents may not), staff put them on chats (activity
//! lines, the list item, the admin channel), the list filters by label along its own index
//! (with views, search and keyset pages, in the inbox's order as messages arrive), and
//! concurrent changes to one chat leave one consistent set.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use uuid::Uuid;
use wire::model::Role;

use crate::{
    socket::Client,
    support::{TestApp, visitor_at},
};

const BLUE: &str = "#1d4ed8";
const GREEN: &str = "#047857";

async fn create_label(app: &TestApp, cookie: &str, name: &str, color: &str) -> reqwest::Response {
    app.send_json(
        Method::POST,
        "/api/admin/labels",
        cookie,
        &json!({ "name": name, "color": color }),
    )
    .await
}

/// A new label's id.
async fn label_id(app: &TestApp, cookie: &str, name: &str) -> String {
    let res = create_label(app, cookie, name, BLUE).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create {name}");
    let label: Value = res.json().await.expect("label");
    label["id"].as_str().expect("id").to_owned()
}

async fn set_labels(app: &TestApp, cookie: &str, chat: &str, ids: &[&str]) -> reqwest::Response {
    app.send_json(
        Method::PUT,
        &format!("/api/admin/chats/{chat}/labels"),
        cookie,
        &json!({ "label_ids": ids }),
    )
    .await
}

/// The label names of a list item.
fn names(item: &Value) -> Vec<String> {
    item["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .map(|label| label["name"].as_str().expect("name").to_owned())
        .collect()
}

/// The ids a list URL answers, and its `Link` to the next page.
async fn page(app: &TestApp, cookie: &str, path: &str) -> (Vec<String>, Option<String>) {
    let res = app.get_with_cookie(path, cookie).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let link = res
        .headers()
        .get(header::LINK)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or_default()
                .to_owned()
        });
    let items: Vec<Value> = res.json().await.expect("list");
    let ids = items
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_owned())
        .collect();
    (ids, link)
}

#[tokio::test]
async fn admins_define_labels_with_unique_names_and_palette_colours() {
    let app = TestApp::spawn().await;
    let (_, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let (_, tom) = app.staff_session("tom@confab.test", Role::Agent).await;

    let res = create_label(&app, &maya, "  Billing ", BLUE).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let billing: Value = res.json().await.expect("label");
    assert_eq!(billing["name"], "Billing");
    assert_eq!(billing["color"], BLUE);
    let id = billing["id"].as_str().expect("id").to_owned();
    for (name, color, status) in [
        ("billing", GREEN, StatusCode::CONFLICT),
        ("BILLING", BLUE, StatusCode::CONFLICT),
        ("   ", BLUE, StatusCode::UNPROCESSABLE_ENTITY),
        (&"x".repeat(51)[..], BLUE, StatusCode::UNPROCESSABLE_ENTITY),
        ("bug", "#123456", StatusCode::UNPROCESSABLE_ENTITY),
        ("bug", "red", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let res = create_label(&app, &maya, name, color).await;
        assert_eq!(res.status(), status, "{name:?} {color}");
    }
    // Lower-casing lengthens some names (İ becomes two characters): the key still fits.
    let long = "İ".repeat(50);
    assert_eq!(
        create_label(&app, &maya, &long, GREEN).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        create_label(&app, &maya, &long.to_lowercase(), GREEN)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "longer than 50 as sent"
    );
    // Agents use labels; only admins define them.
    assert_eq!(
        create_label(&app, &tom, "bug", BLUE).await.status(),
        StatusCode::FORBIDDEN
    );
    let listed = app.get_json_with_cookie("/api/admin/labels", &tom).await;
    assert_eq!(listed[0], billing);
    assert_eq!(listed.as_array().map(Vec::len), Some(2));

    let vip = label_id(&app, &maya, "vip").await;
    let path = format!("/api/admin/labels/{id}");
    let res = app
        .send_json(Method::PATCH, &path, &maya, &json!({ "name": "VIP" }))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "vip exists");
    let res = app
        .send_json(
            Method::PATCH,
            &path,
            &maya,
            &json!({ "name": "Payments", "color": GREEN }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let renamed: Value = res.json().await.expect("label");
    assert_eq!(
        (renamed["name"].clone(), renamed["color"].clone()),
        (json!("Payments"), json!(GREEN))
    );
    let res = app
        .send_json(Method::PATCH, &path, &tom, &json!({ "color": BLUE }))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = app
        .http
        .delete(app.at(&format!("/api/admin/labels/{vip}")))
        .header(header::COOKIE, &maya)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .http
        .delete(app.at(&format!("/api/admin/labels/{vip}")))
        .header(header::COOKIE, &maya)
        .send()
        .await
        .expect("DELETE");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let listed = app.get_json_with_cookie("/api/admin/labels", &maya).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn labels_on_a_chat_are_activity_list_entries_and_live() {
    let app = TestApp::spawn().await;
    let (_, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let (token, chat) = visitor_at(&app.http, &app.url).await;
    assert_eq!(
        app.post_as(&token, "hello").await.status(),
        StatusCode::CREATED
    );
    let vip = label_id(&app, &maya, "vip").await;
    let billing = label_id(&app, &maya, "billing").await;
    let mut desk = Client::staff(&app, &maya).await;
    desk.send(json!({"type": "subscribe", "channel": "admin"}))
        .await;
    desk.expect("subscribed").await;

    let res = set_labels(&app, &maya, &chat, &[&vip, &billing, &vip]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let item: Value = res.json().await.expect("list item");
    assert_eq!(names(&item), ["billing", "vip"], "by name, each once");
    let heard = desk.until("chat_updated").await;
    assert_eq!(names(&heard["chat"]), ["billing", "vip"]);

    let res = set_labels(&app, &maya, &chat, &[&vip]).await;
    assert_eq!(names(&res.json::<Value>().await.expect("item")), ["vip"]);
    let staff_view = app
        .get_json_with_cookie(&format!("/api/admin/chats/{chat}"), &maya)
        .await;
    let lines: Vec<(String, String)> = staff_view["activity"]
        .as_array()
        .expect("activity")
        .iter()
        .map(|line| {
            (
                line["kind"].as_str().expect("kind").to_owned(),
                line["label"]["name"].as_str().expect("label").to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("labeled", "billing"),
        ("labeled", "vip"),
        ("unlabeled", "billing"),
    ]
    .iter()
    .map(|(kind, name)| ((*kind).to_owned(), (*name).to_owned()))
    .collect();
    let as_set = |v: &[(String, String)]| v.iter().cloned().collect::<BTreeSet<_>>();
    assert_eq!(lines.len(), 3);
    assert_eq!(as_set(&lines[..2]), as_set(&expected[..2]));
    assert_eq!(lines[2], expected[2]);

    // Bad requests change nothing.
    for (body, status) in [
        (
            json!({ "label_ids": [Uuid::now_v7()] }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({ "label_ids": "vip" }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!({}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let res = app
            .send_json(
                Method::PUT,
                &format!("/api/admin/chats/{chat}/labels"),
                &maya,
                &body,
            )
            .await;
        assert!(
            res.status() == status || res.status() == StatusCode::BAD_REQUEST,
            "{body}: {}",
            res.status()
        );
    }
    let res = set_labels(&app, &maya, &Uuid::now_v7().to_string(), &[&vip]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let user = app
        .get_json("/api/support_chat", Some(&token))
        .await
        .to_string();
    assert!(!user.contains("vip") && !user.contains("label"), "{user}");

    // Deleting a label takes it off the chat; its lines stay, nameless.
    app.http
        .delete(app.at(&format!("/api/admin/labels/{vip}")))
        .header(header::COOKIE, &maya)
        .send()
        .await
        .expect("DELETE");
    let staff_view = app
        .get_json_with_cookie(&format!("/api/admin/chats/{chat}"), &maya)
        .await;
    assert_eq!(staff_view["activity"].as_array().map(Vec::len), Some(3));
    let (listed, _) = page(&app, &maya, "/api/admin/chats").await;
    assert_eq!(listed, std::slice::from_ref(&chat));
    let item = app.get_json_with_cookie("/api/admin/chats", &maya).await;
    assert_eq!(item[0]["labels"], json!([]));
}

#[tokio::test]
async fn the_list_filters_by_label_in_inbox_order_page_by_page() {
    let app = TestApp::spawn().await;
    let (maya_id, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let vip = label_id(&app, &maya, "vip").await;
    let mut chats = Vec::new();
    for n in 0..7 {
        let (token, chat) = visitor_at(&app.http, &app.url).await;
        assert_eq!(
            app.post_as(&token, &format!("refund question {n}"))
                .await
                .status(),
            StatusCode::CREATED
        );
        chats.push((token, chat));
    }
    // Every other chat is a VIP: 0, 2, 4, 6.
    for (_, chat) in chats.iter().step_by(2) {
        assert_eq!(
            set_labels(&app, &maya, chat, &[&vip]).await.status(),
            StatusCode::OK
        );
    }
    let vips_newest_first: Vec<String> = chats
        .iter()
        .step_by(2)
        .rev()
        .map(|(_, chat)| chat.clone())
        .collect();
    let mut seen = Vec::new();
    let mut next = Some(format!("/api/admin/chats?label={vip}&limit=3"));
    while let Some(path) = next {
        let (ids, link) = page(&app, &maya, &path).await;
        seen.extend(ids);
        next = link;
    }
    assert_eq!(seen, vips_newest_first);

    // A message moves its chat to the top of the label's list too.
    let (oldest_token, oldest) = &chats[0];
    assert_eq!(
        app.post_as(oldest_token, "again").await.status(),
        StatusCode::CREATED
    );
    let (ids, _) = page(&app, &maya, &format!("/api/admin/chats?label={vip}")).await;
    assert_eq!(ids.first(), Some(oldest));
    // With a view and a search.
    let res = app
        .send_json(
            Method::POST,
            &format!("/api/admin/chats/{}/assign", chats[2].1),
            &maya,
            &json!({ "assignee_id": maya_id }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (mine, _) = page(
        &app,
        &maya,
        &format!("/api/admin/chats?view=mine&label={vip}"),
    )
    .await;
    assert_eq!(mine, [chats[2].1.clone()]);
    let (found, _) = page(
        &app,
        &maya,
        &format!("/api/admin/chats?q=question%204&label={vip}"),
    )
    .await;
    assert_eq!(found, [chats[4].1.clone()]);
    let res = app
        .get_with_cookie(&format!("/api/admin/chats?label={}", Uuid::now_v7()), &maya)
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .get_with_cookie("/api/admin/chats?label=vip", &maya)
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

/// Ten colleagues setting the labels of one chat at once: the chat ends with exactly one of
/// the sets asked for, and its activity lines, replayed, lead to that set.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_label_changes_leave_one_consistent_set() {
    const WRITERS: usize = 10;
    let app = TestApp::spawn().await;
    let (_, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let (_, chat) = visitor_at(&app.http, &app.url).await;
    let mut labels = Vec::new();
    for n in 0..4 {
        labels.push(label_id(&app, &maya, &format!("label {n}")).await);
    }
    let mut writers = Vec::new();
    for n in 0..WRITERS {
        let (_, cookie) = app
            .staff_session(&format!("agent{n}@confab.test"), Role::Agent)
            .await;
        // Writer n asks for the labels whose bits are set in n.
        let wanted: Vec<String> = (0..4)
            .filter(|bit| n & (1 << bit) != 0)
            .map(|bit| labels[bit].clone())
            .collect();
        writers.push((cookie, wanted));
    }
    let results = futures::future::join_all(writers.iter().map(|(cookie, wanted)| {
        let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
        let (app, chat) = (&app, &chat);
        async move { set_labels(app, cookie, chat, &wanted).await.status() }
    }))
    .await;
    assert!(
        results.iter().all(|status| *status == StatusCode::OK),
        "{results:?}"
    );

    let staff_view = app
        .get_json_with_cookie(&format!("/api/admin/chats/{chat}"), &maya)
        .await;
    let (listed, _) = page(&app, &maya, "/api/admin/chats").await;
    assert_eq!(listed, std::slice::from_ref(&chat));
    let item = app.get_json_with_cookie("/api/admin/chats", &maya).await;
    let final_set: BTreeSet<String> = item[0]["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .map(|label| label["id"].as_str().expect("id").to_owned())
        .collect();
    let asked: Vec<BTreeSet<String>> = writers
        .iter()
        .map(|(_, wanted)| wanted.iter().cloned().collect())
        .collect();
    assert!(asked.contains(&final_set), "{final_set:?} was nobody's set");
    let mut replayed = BTreeSet::new();
    for line in staff_view["activity"].as_array().expect("activity") {
        let id = line["label"]["id"].as_str().expect("label").to_owned();
        match line["kind"].as_str() {
            Some("labeled") => assert!(replayed.insert(id), "added twice"),
            Some("unlabeled") => assert!(replayed.remove(&id), "removed while absent"),
            other => panic!("unexpected line {other:?}"),
        }
    }
    assert_eq!(replayed, final_set);
}
