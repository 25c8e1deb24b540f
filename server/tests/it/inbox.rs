//! The team inbox over REST and in the domain, on whichever backend the run tests: assignment
//! (and its races), snooze (validation, wake-ups across a restart, a user message bringing a
//! chat back), resolve/reopen as the spec's archive, the inbox views, authors on messages,
//! activity lines that never reach a user, auto-assignment's balance, and deactivation.

use std::collections::HashMap;

use chrono::{TimeDelta, Utc};
use domain::{
    chats::{self, snooze},
    clock,
    effects::Effects,
    team::membership,
};
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use uuid::Uuid;
use wire::model::Role;

use crate::{
    socket::Client,
    support::{TestApp, visitor_at},
};

/// A visitor's message to their chat over REST.
async fn user_writes(app: &TestApp, token: &str, content: &str) {
    let res = app.post_as(token, content).await;
    assert_eq!(res.status(), StatusCode::CREATED, "user message");
}

/// A POST to a chat's action (`assign`, `snooze`, `resolve`, `reopen`) as the cookie's owner.
async fn act(
    app: &TestApp,
    cookie: &str,
    chat: &str,
    action: &str,
    body: Value,
) -> reqwest::Response {
    app.send_json(
        Method::POST,
        &format!("/api/admin/chats/{chat}/{action}"),
        cookie,
        &body,
    )
    .await
}

/// The ids of the chats a list URL answers.
async fn listed(app: &TestApp, cookie: &str, query: &str) -> Vec<String> {
    let res = app
        .get_with_cookie(&format!("/api/admin/chats?{query}"), cookie)
        .await;
    assert_eq!(res.status(), StatusCode::OK, "list {query}");
    let items: Vec<Value> = res.json().await.expect("JSON list");
    items
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn staff_assign_snooze_resolve_and_reopen_chats_and_each_view_lists_its_own() {
    let app = TestApp::spawn().await;
    let (maya_id, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let (tom_id, tom) = app.staff_session("tom@confab.test", Role::Agent).await;
    let mut chats = Vec::new();
    for n in 0..4 {
        let (token, chat) = visitor_at(&app.http, &app.url).await;
        user_writes(&app, &token, &format!("question {n}")).await;
        chats.push((token, chat));
    }
    let [(_, mine), (_, toms), (snooze_token, snoozed), (_, resolved)] =
        <[(String, String); 4]>::try_from(chats).expect("four chats");

    let res = act(
        &app,
        &maya,
        &mine,
        "assign",
        json!({ "assignee_id": maya_id }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let item: Value = res.json().await.expect("list item");
    assert_eq!(item["assignee"], json!({ "id": maya_id, "name": "maya" }));
    assert_eq!(item["status"], "open");
    assert_eq!(item["archived"], false);
    assert_eq!(item["snoozed_until"], Value::Null);
    act(
        &app,
        &maya,
        &toms,
        "assign",
        json!({ "assignee_id": tom_id }),
    )
    .await;

    let until = (Utc::now() + TimeDelta::hours(3)).to_rfc3339();
    let res = act(&app, &tom, &snoozed, "snooze", json!({ "until": until })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let item: Value = res.json().await.expect("list item");
    assert_eq!(item["status"], "snoozed");
    assert_eq!(item["archived"], false, "snoozed is not archived");
    assert!(item["snoozed_until"].is_string());

    let res = act(&app, &tom, &resolved, "resolve", json!({})).await;
    let item: Value = res.json().await.expect("list item");
    assert_eq!(
        (item["status"].clone(), item["archived"].clone()),
        (json!("resolved"), json!(true))
    );

    assert_eq!(
        listed(&app, &maya, "view=mine").await,
        std::slice::from_ref(&mine)
    );
    assert_eq!(
        listed(&app, &tom, "view=mine").await,
        std::slice::from_ref(&toms)
    );
    assert!(listed(&app, &maya, "view=unassigned").await.is_empty());
    let open = listed(&app, &maya, "view=open").await;
    assert_eq!(open.len(), 2);
    assert!(open.contains(&mine) && open.contains(&toms));
    assert_eq!(
        listed(&app, &maya, "view=snoozed").await,
        std::slice::from_ref(&snoozed)
    );
    assert_eq!(
        listed(&app, &maya, "view=resolved").await,
        std::slice::from_ref(&resolved)
    );
    // The spec's tabs keep their meaning: archived = resolved, the rest (snoozed too) active.
    assert_eq!(
        listed(&app, &maya, "archived=true").await,
        std::slice::from_ref(&resolved)
    );
    assert_eq!(listed(&app, &maya, "archived=false").await.len(), 3);
    assert_eq!(listed(&app, &maya, "").await.len(), 3);
    // With both, the view decides.
    assert_eq!(
        listed(&app, &maya, "view=mine&archived=true").await,
        std::slice::from_ref(&mine)
    );
    let res = app
        .get_with_cookie("/api/admin/chats?view=everything", &maya)
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // A user message brings the snoozed chat back into "All open", as it does a resolved one.
    user_writes(&app, &snooze_token, "still there?").await;
    assert!(listed(&app, &maya, "view=open").await.contains(&snoozed));
    assert!(listed(&app, &maya, "view=snoozed").await.is_empty());

    // The spec's archive endpoints are resolve and reopen.
    let res = act(&app, &maya, &resolved, "unarchive", json!({})).await;
    let body: Value = res.json().await.expect("archive state");
    assert_eq!(body, json!({ "id": resolved, "archived": false }));
    assert!(
        listed(&app, &maya, "view=unassigned")
            .await
            .contains(&resolved)
    );
    let res = act(&app, &maya, &resolved, "archive", json!({})).await;
    assert_eq!(res.json::<Value>().await.expect("state")["archived"], true);
    let res = act(&app, &maya, &resolved, "reopen", json!({})).await;
    assert_eq!(res.json::<Value>().await.expect("item")["status"], "open");

    // Unassigning.
    let res = act(&app, &maya, &toms, "assign", json!({ "assignee_id": null })).await;
    assert_eq!(
        res.json::<Value>().await.expect("item")["assignee"],
        Value::Null
    );
    assert!(listed(&app, &tom, "view=mine").await.is_empty());

    // The chat's activity, oldest first, names who did what.
    let chat = app
        .get_with_cookie(&format!("/api/admin/chats/{snoozed}"), &maya)
        .await;
    let chat: Value = chat.json().await.expect("chat");
    let kinds: Vec<&str> = chat["activity"]
        .as_array()
        .expect("activity")
        .iter()
        .map(|line| line["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["snoozed", "reopened_by_user"]);
    assert_eq!(chat["activity"][0]["actor"]["id"], json!(tom_id));
    assert!(chat["activity"][0]["snoozed_until"].is_string());
    assert_eq!(chat["activity"][1]["actor"], Value::Null);
    assert_eq!(chat["status"], "open");
}

#[tokio::test]
async fn bad_assignments_and_snoozes_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (maya_id, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let (gone_id, _) = app.staff_session("gone@confab.test", Role::Agent).await;
    let maya_account = domain::entities::User::find_by_id(maya_id)
        .one(&app.db)
        .await
        .expect("read")
        .expect("maya");
    membership::change(
        &app.db,
        &app.state.effects,
        &maya_account,
        gone_id,
        None,
        Some(false),
    )
    .await
    .expect("deactivate");
    let (token, chat) = visitor_at(&app.http, &app.url).await;
    user_writes(&app, &token, "hello").await;
    let user_id = app.get_json("/api/me", Some(&token)).await["id"].clone();

    for (who, why) in [
        (json!(Uuid::now_v7()), "nobody"),
        (user_id, "a user"),
        (json!(gone_id), "deactivated staff"),
    ] {
        let res = act(&app, &maya, &chat, "assign", json!({ "assignee_id": who })).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "assigning to {why}"
        );
    }
    let now = Utc::now();
    for (until, why) in [
        ((now - TimeDelta::minutes(1)).to_rfc3339(), "the past"),
        (
            (now + TimeDelta::days(367)).to_rfc3339(),
            "over a year ahead",
        ),
    ] {
        let res = act(&app, &maya, &chat, "snooze", json!({ "until": until })).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "snoozing until {why}"
        );
    }
    let res = act(&app, &maya, &chat, "snooze", json!({ "until": "tomorrow" })).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "not a time");
    let res = act(
        &app,
        &maya,
        &Uuid::now_v7().to_string(),
        "resolve",
        json!({}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // A user may not act on their own chat.
    let res = app
        .http
        .post(app.at(&format!("/api/admin/chats/{chat}/resolve")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let item: Value = app
        .get_with_cookie(&format!("/api/admin/chats/{chat}"), &maya)
        .await
        .json()
        .await
        .expect("chat");
    assert_eq!(item["status"], "open");
    assert_eq!(item["assignee"], Value::Null);
    assert_eq!(item["activity"], json!([]), "refused changes leave no line");
}

#[tokio::test]
async fn staff_replies_name_their_author_and_users_never_see_activity() {
    let app = TestApp::spawn().await;
    let (maya_id, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let (token, chat) = visitor_at(&app.http, &app.url).await;
    user_writes(&app, &token, "hello").await;
    act(
        &app,
        &maya,
        &chat,
        "assign",
        json!({ "assignee_id": maya_id }),
    )
    .await;
    act(&app, &maya, &chat, "resolve", json!({})).await;
    let res = app
        .send_json(
            Method::POST,
            &format!("/api/admin/chats/{chat}/messages"),
            &maya,
            &json!({ "content": "Hi, Maya here" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let reply: Value = res.json().await.expect("message");
    assert_eq!(reply["author"]["id"], json!(maya_id));
    // No name given: users see "Support", never a part of the staff member's email.
    assert_eq!(reply["author"]["name"], "Support");
    assert_eq!(reply["author"]["avatar"]["initials"], "S");

    let seen = app.get_json("/api/support_chat", Some(&token)).await;
    let messages = seen["messages"].as_array().expect("messages");
    assert_eq!(messages[0]["author"], Value::Null, "the user's own message");
    assert_eq!(messages[1]["author"]["name"], "Support");
    let text = seen.to_string();
    for staff_only in ["activity", "assignee", "resolved", "status"] {
        assert!(
            !text.contains(staff_only),
            "{staff_only} in the user's chat: {text}"
        );
    }
    let polled = app
        .get_json(
            &format!(
                "/api/support_chat/messages?after={}",
                messages[0]["id"].as_str().expect("id")
            ),
            Some(&token),
        )
        .await
        .to_string();
    assert!(
        !polled.contains("activity") && polled.contains("\"name\":\"Support\""),
        "{polled}"
    );
}

/// Twenty "assign to me" at once from twenty colleagues: one owner at the end, and one line for
/// each assignment, chained (each names the owner the next one replaced).
#[tokio::test]
async fn concurrent_assignments_leave_one_owner_and_one_line_each() {
    let app = TestApp::spawn().await;
    let (token, chat) = visitor_at(&app.http, &app.url).await;
    user_writes(&app, &token, "who takes this?").await;
    let chat_id: Uuid = chat.parse().expect("uuid");
    let mut staff = Vec::new();
    for n in 0..20 {
        let member = domain::auth::accounts::create_staff(
            &app.db,
            &format!("agent{n}@confab.test"),
            None,
            "staff-password",
            Role::Agent,
        )
        .await
        .expect("staff");
        staff.push(member.id);
    }
    let mut tasks = Vec::new();
    for id in staff.iter().copied() {
        let (db, effects) = (app.db.clone(), app.state.effects.clone());
        tasks.push(tokio::spawn(async move {
            chats::assign(&db, &effects, chat_id, id, Some(id)).await
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("assigned");
    }
    // The same person twenty times: one change.
    let first = staff[0];
    let mut again = Vec::new();
    for _ in 0..20 {
        let (db, effects) = (app.db.clone(), app.state.effects.clone());
        again.push(tokio::spawn(async move {
            chats::assign(&db, &effects, chat_id, first, Some(first)).await
        }));
    }
    for task in again {
        task.await.expect("task").expect("assigned");
    }
    let lines = chats::activity::lines(&app.db, chat_id)
        .await
        .expect("lines");
    let owners: Vec<Uuid> = lines
        .iter()
        .map(|line| line.assignee.as_ref().expect("assignee").id)
        .collect();
    let item = chats::list_item(&app.db, chat_id).await.expect("item");
    assert_eq!(item.assignee.map(|a| a.id), owners.last().copied());
    let changes_to_others = owners.iter().filter(|id| **id != first).count();
    assert_eq!(
        changes_to_others, 19,
        "each colleague's assignment won once: {owners:?}"
    );
    let firsts = owners.iter().filter(|id| **id == first).count();
    assert!(
        (1..=2).contains(&firsts),
        "the first colleague won at most twice (once among the twenty, once after): {owners:?}"
    );
    for pair in owners.windows(2) {
        assert_ne!(pair[0], pair[1], "a line that changed nothing: {owners:?}");
    }
}

/// 100 chats over 3 online staff with room for 40 each: the counts differ by at most one;
/// offline colleagues get none, and a full team leaves chats unassigned.
#[tokio::test]
async fn auto_assignment_balances_online_staff_and_respects_capacity() {
    let app = TestApp::spawn_with(&[
        "--auto-assign-capacity",
        "40",
        "--widget-sessions-per-hour",
        "1000",
        "--messages-per-minute",
        "1000000",
        "--message-burst",
        "1000000",
    ])
    .await;
    let now = clock::now();
    let mut online = Vec::new();
    for n in 0..3 {
        let (id, _) = app
            .staff_session(&format!("online{n}@confab.test"), Role::Agent)
            .await;
        membership::mark_seen(&app.db, id, now).await.expect("seen");
        online.push(id);
    }
    let (offline, _) = app.staff_session("offline@confab.test", Role::Agent).await;
    membership::mark_seen(&app.db, offline, now - TimeDelta::minutes(10))
        .await
        .expect("seen long ago");
    let mut visitors = Vec::new();
    for _ in 0..100 {
        visitors.push(visitor_at(&app.http, &app.url).await);
    }
    let mut posts = Vec::new();
    for (token, _) in visitors.iter().cloned() {
        let app_url = app.url.clone();
        let http = app.http.clone();
        posts.push(tokio::spawn(async move {
            http.post(format!("{app_url}/api/support_chat/messages"))
                .bearer_auth(token)
                .json(&json!({ "content": "help" }))
                .send()
                .await
                .expect("POST")
                .status()
        }));
    }
    for post in posts {
        assert_eq!(post.await.expect("task"), StatusCode::CREATED);
    }
    let mut counts: HashMap<Uuid, usize> = HashMap::new();
    for (_, chat) in &visitors {
        let item = chats::list_item(&app.db, chat.parse().expect("uuid"))
            .await
            .expect("item");
        let owner = item.assignee.expect("every chat found an owner").id;
        *counts.entry(owner).or_default() += 1;
    }
    assert!(
        !counts.contains_key(&offline),
        "an offline colleague got chats"
    );
    let loads: Vec<usize> = online
        .iter()
        .map(|id| counts.get(id).copied().unwrap_or(0))
        .collect();
    assert_eq!(loads.iter().sum::<usize>(), 100);
    let (least, most) = (loads.iter().min(), loads.iter().max());
    assert!(
        most.zip(least)
            .is_some_and(|(most, least)| most - least <= 1),
        "unbalanced: {loads:?}"
    );
    // Twenty more: the team's room (3 × 40 = 120) is used up exactly, then chats wait.
    let mut more = Vec::new();
    for _ in 0..21 {
        let (token, chat) = visitor_at(&app.http, &app.url).await;
        user_writes(&app, &token, "help").await;
        more.push(chat);
    }
    let mut unassigned = 0;
    for chat in &more {
        let item = chats::list_item(&app.db, chat.parse().expect("uuid"))
            .await
            .expect("item");
        if item.assignee.is_none() {
            unassigned += 1;
        }
    }
    assert_eq!(
        unassigned, 1,
        "only the chat beyond the team's capacity waits"
    );
}

/// Snoozes live in the database: a new process wakes them when their time comes (the test
/// moves the clock it hands the worker), once, with a `snooze_ended` line.
#[tokio::test]
async fn snoozed_chats_wake_at_their_time_even_after_a_restart() {
    let app = TestApp::spawn().await;
    let (_, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let (token, chat) = visitor_at(&app.http, &app.url).await;
    user_writes(&app, &token, "call me back").await;
    let chat_id: Uuid = chat.parse().expect("uuid");
    let until = clock::now() + TimeDelta::hours(1);
    let res = act(
        &app,
        &maya,
        &chat,
        "snooze",
        json!({ "until": until.to_rfc3339() }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    // A fresh process's worth of app on the same database: nothing of the first is shared.
    let restarted = app.another_instance().await;
    let effects = Effects::default();
    assert_eq!(
        snooze::wake_due(&restarted.db, &effects, until - TimeDelta::seconds(1))
            .await
            .expect("wake"),
        0,
        "not yet"
    );
    assert_eq!(
        snooze::next_wake(&restarted.db).await.expect("next"),
        Some(until)
    );
    let later = until + TimeDelta::minutes(5);
    let (first, second) = tokio::join!(
        snooze::wake_due(&restarted.db, &effects, later),
        snooze::wake_due(&app.db, &effects, later),
    );
    assert_eq!(
        first.expect("wake") + second.expect("wake"),
        1,
        "woken once"
    );
    let item = chats::list_item(&restarted.db, chat_id)
        .await
        .expect("item");
    assert_eq!(
        (item.status, item.snoozed_until),
        (wire::team::ChatStatus::Open, None)
    );
    let kinds: Vec<_> = chats::activity::lines(&restarted.db, chat_id)
        .await
        .expect("lines")
        .into_iter()
        .map(|line| line.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            wire::team::ActivityKind::Snoozed,
            wire::team::ActivityKind::SnoozeEnded
        ]
    );
    assert_eq!(snooze::next_wake(&restarted.db).await.expect("next"), None);
}

#[tokio::test]
async fn a_deactivated_colleague_is_signed_out_everywhere_and_owns_nothing() {
    let app = TestApp::spawn().await;
    let (maya_id, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let (tom_id, tom) = app.staff_session("tom@confab.test", Role::Agent).await;
    let (token, chat) = visitor_at(&app.http, &app.url).await;
    user_writes(&app, &token, "hello").await;
    act(
        &app,
        &maya,
        &chat,
        "assign",
        json!({ "assignee_id": tom_id }),
    )
    .await;
    let mut toms_dashboard = Client::staff(&app, &tom).await;
    toms_dashboard
        .send(json!({"type": "subscribe", "channel": "admin"}))
        .await;
    toms_dashboard.expect("subscribed").await;
    let mut mayas_dashboard = Client::staff(&app, &maya).await;
    mayas_dashboard
        .send(json!({"type": "subscribe", "channel": "admin"}))
        .await;
    mayas_dashboard.expect("subscribed").await;

    // Agents do not manage the team; the last admin cannot leave it without one.
    let path = format!("/api/admin/staff/{maya_id}");
    let res = app
        .send_json(Method::PATCH, &path, &tom, &json!({ "active": false }))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .send_json(Method::PATCH, &path, &maya, &json!({ "role": "agent" }))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = app
        .send_json(Method::PATCH, &path, &maya, &json!({ "active": false }))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "not oneself");

    let res = app
        .send_json(
            Method::PATCH,
            &format!("/api/admin/staff/{tom_id}"),
            &maya,
            &json!({ "active": false }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let member: Value = res.json().await.expect("member");
    assert_eq!(
        (member["active"].clone(), member["role"].clone()),
        (json!(false), json!("agent"))
    );

    assert_eq!(
        toms_dashboard
            .closed(std::time::Duration::from_secs(10))
            .await,
        Some(4001)
    );
    let res = app.get_with_cookie("/api/admin/chats", &tom).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "the session ended");
    let res = app
        .rpc(
            "auth/sign_in",
            &[("email", "tom@confab.test"), ("password", "staff-password")],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "no signing in again");
    let updated = mayas_dashboard.until("chat_updated").await;
    assert_eq!(updated["chat"]["id"], json!(chat));
    assert_eq!(
        updated["chat"]["assignee"],
        Value::Null,
        "live on other dashboards"
    );
    let detail: Value = app
        .get_with_cookie(&format!("/api/admin/chats/{chat}"), &maya)
        .await
        .json()
        .await
        .expect("chat");
    let last = detail["activity"]
        .as_array()
        .and_then(|lines| lines.last())
        .cloned()
        .expect("a line");
    assert_eq!(
        (last["kind"].clone(), last["actor"]["id"].clone()),
        (json!("unassigned"), json!(maya_id))
    );

    let staff: Value = app
        .get_with_cookie("/api/admin/staff", &maya)
        .await
        .json()
        .await
        .expect("staff");
    let team: Vec<(Value, Value)> = staff
        .as_array()
        .expect("list")
        .iter()
        .map(|m| (m["email"].clone(), m["active"].clone()))
        .collect();
    assert_eq!(
        team,
        [
            (json!("maya@confab.test"), json!(true)),
            (json!("tom@confab.test"), json!(false))
        ]
    );
    // Reactivated, Tom signs in again and owns nothing until given something.
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/api/admin/staff/{tom_id}"),
            &maya,
            &json!({ "active": true }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let tom = app.sign_in("tom@confab.test", "staff-password").await;
    assert!(listed(&app, &tom, "view=mine").await.is_empty());
}

#[tokio::test]
async fn the_staff_channel_hears_every_change_of_owner_and_state() {
    let app = TestApp::spawn().await;
    let (maya_id, maya) = app.staff_session("maya@confab.test", Role::Admin).await;
    let (token, chat) = visitor_at(&app.http, &app.url).await;
    user_writes(&app, &token, "hello").await;
    let mut dashboard = Client::staff(&app, &maya).await;
    dashboard
        .send(json!({"type": "subscribe", "channel": "admin"}))
        .await;
    dashboard.expect("subscribed").await;
    act(
        &app,
        &maya,
        &chat,
        "assign",
        json!({ "assignee_id": maya_id }),
    )
    .await;
    let frame = dashboard.until("chat_updated").await;
    assert_eq!(frame["chat"]["assignee"]["id"], json!(maya_id));
    let until = (Utc::now() + TimeDelta::days(1)).to_rfc3339();
    act(&app, &maya, &chat, "snooze", json!({ "until": until })).await;
    let frame = dashboard.until("chat_updated").await;
    assert_eq!(frame["chat"]["status"], "snoozed");
    act(&app, &maya, &chat, "resolve", json!({})).await;
    let frame = dashboard.until("chat_updated").await;
    assert_eq!(
        (
            frame["chat"]["status"].clone(),
            frame["chat"]["archived"].clone()
        ),
        (json!("resolved"), json!(true))
    );
    assert_eq!(frame["chat"]["snoozed_until"], Value::Null);
}

/// Two admins deactivating each other at the same moment: one wins, the other is refused, and
/// the team keeps an active admin (the admins' rows are locked in one order before counting).
#[tokio::test]
async fn two_admins_deactivating_each_other_at_once_leave_one_admin() {
    let app = TestApp::spawn().await;
    let (ann_id, _) = app.staff_session("ann@confab.test", Role::Admin).await;
    let (bob_id, _) = app.staff_session("bob@confab.test", Role::Admin).await;
    let db = &app.db;
    let account = |id| async move {
        domain::entities::User::find_by_id(id)
            .one(db)
            .await
            .expect("read")
            .expect("account")
    };
    let (ann, bob) = (account(ann_id).await, account(bob_id).await);
    let effects = &app.state.effects;
    let (ann_acts, bob_acts) = tokio::join!(
        membership::change(&app.db, effects, &ann, bob_id, None, Some(false)),
        membership::change(&app.db, effects, &bob, ann_id, None, Some(false)),
    );
    assert_eq!(
        [ann_acts.is_ok(), bob_acts.is_ok()]
            .iter()
            .filter(|ok| **ok)
            .count(),
        1,
        "{ann_acts:?} {bob_acts:?}"
    );
    let team = domain::team::directory::list_staff(&app.db)
        .await
        .expect("team");
    assert_eq!(team.iter().filter(|member| member.active).count(), 1);
}
