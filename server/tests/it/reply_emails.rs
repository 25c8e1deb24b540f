//! Reply emails through a real SMTP server on 127.0.0.1: sent once after the delay when a staff
//! reply stays unread, skipped by every guard, coalesced, retried through an outage, kept
//! across a restart, claimed once by concurrent workers, and unsubscribed from without a
//! session. The worker runs with a moved clock instead of sleeping.

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use domain::mail::{MailSettings, Mailer, worker::run_due_jobs};
use domain::{
    clock,
    entities::{NotificationJob, notification_job},
};
use reqwest::{StatusCode, header};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::json;

use crate::{
    smtp::{SmtpServer, decoded, mailer_for},
    support::{ConfabProcess, TestApp, TestDb, free_port, session_cookie, wait_ready},
};

/// The configured delay in these tests (the default: five minutes).
const DELAY: TimeDelta = TimeDelta::minutes(5);

/// A user with a chat and an email, a staff member, and a mailer pointed at a test SMTP server.
struct Scene {
    app: TestApp,
    /// `None` while the test plays an outage.
    smtp: Option<SmtpServer>,
    mailer: Mailer,
    settings: MailSettings,
    user: String,
    staff: String,
    chat_id: String,
}

impl Scene {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        let smtp = SmtpServer::start().await;
        let mailer = mailer_for(&smtp.url());
        let settings = MailSettings {
            app_name: "Confab".into(),
            public_url: app.url.clone(),
            max_attempts: 3,
        };
        let user = app.sign_up("uma@example.com", "right password").await;
        let staff = app.admin_session("desk@example.com").await;
        let chat = app.get_with_cookie("/api/support_chat", &user).await;
        let chat: serde_json::Value = chat.json().await.expect("chat");
        let chat_id = chat["id"].as_str().expect("chat id").to_owned();
        let scene = Self {
            app,
            smtp: Some(smtp),
            mailer,
            settings,
            user,
            staff,
            chat_id,
        };
        scene.user_says("I cannot log in").await;
        scene
    }

    async fn user_says(&self, content: &str) {
        let res = self
            .app
            .http
            .post(self.app.at("/api/support_chat/messages"))
            .header(header::COOKIE, &self.user)
            .json(&json!({ "content": content }))
            .send()
            .await
            .expect("POST");
        assert_eq!(res.status(), StatusCode::CREATED);
    }

    async fn staff_replies(&self, content: &str) {
        self.staff_replies_in(&self.chat_id, content).await;
    }

    async fn staff_replies_in(&self, chat_id: &str, content: &str) {
        let res = self
            .app
            .http
            .post(self.app.at(&format!("/api/admin/chats/{chat_id}/messages")))
            .header(header::COOKIE, &self.staff)
            .json(&json!({ "content": content }))
            .send()
            .await
            .expect("POST");
        assert_eq!(res.status(), StatusCode::CREATED);
    }

    /// The unsubscribe URL of the first email received.
    fn unsubscribe_link(&self) -> String {
        let mail = self.received().remove(0);
        header_of(&mail.data, "List-Unsubscribe")
            .expect("List-Unsubscribe")
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_owned()
    }

    /// Runs the worker as if it were `after` past now.
    async fn run_worker(&self, after: TimeDelta) -> usize {
        run_due_jobs(
            &self.app.db,
            &self.mailer,
            &self.settings,
            clock::now() + after,
        )
        .await
        .expect("worker")
    }

    fn received(&self) -> Vec<crate::smtp::Received> {
        self.smtp
            .as_ref()
            .map(SmtpServer::received)
            .unwrap_or_default()
    }

    async fn jobs(&self) -> Vec<notification_job::Model> {
        NotificationJob::find()
            .order_by_asc(notification_job::Column::CreatedAt)
            .all(&self.app.db)
            .await
            .expect("jobs")
    }
}

/// A header of a received message (unfolded).
fn header_of(data: &str, name: &str) -> Option<String> {
    let head = data.split("\r\n\r\n").next().unwrap_or_default();
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

#[tokio::test]
async fn an_unread_reply_is_emailed_once_after_the_delay() {
    let scene = Scene::new().await;
    scene
        .staff_replies("Have you tried resetting your password?")
        .await;

    assert_eq!(
        scene.run_worker(DELAY - TimeDelta::seconds(5)).await,
        0,
        "not yet"
    );
    assert!(scene.received().is_empty());
    assert_eq!(scene.run_worker(DELAY + TimeDelta::seconds(1)).await, 1);
    assert_eq!(
        scene.run_worker(DELAY + TimeDelta::minutes(10)).await,
        0,
        "only once"
    );

    let received = scene.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.to, ["uma@example.com"]);
    assert_eq!(
        header_of(&mail.data, "Subject").as_deref(),
        Some("New reply from Confab Support")
    );
    let unsubscribe = header_of(&mail.data, "List-Unsubscribe").expect("List-Unsubscribe");
    assert!(unsubscribe.starts_with(&format!("<{}/unsubscribe?user=", scene.app.url)));
    assert_eq!(
        header_of(&mail.data, "List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let job = &scene.jobs().await[0];
    assert_eq!(
        header_of(&mail.data, "Message-ID"),
        Some(format!("<reply-{}@127.0.0.1>", job.id))
    );
    assert_eq!(job.status, notification_job::JobStatus::Sent);
    let body = decoded(&mail.data);
    assert!(body.contains("Have you tried resetting your password?"));
    assert!(body.contains(&format!("{}/?support=open", scene.app.url)));
}

#[tokio::test]
async fn what_staff_did_to_a_chat_never_reaches_its_reply_email() {
    let scene = Scene::new().await;
    // A colleague takes the chat, snoozes it and reopens it (three activity lines), then replies.
    let (maya, cookie) = scene
        .app
        .staff_session("maya@example.com", wire::model::Role::Agent)
        .await;
    let chat = format!("/api/admin/chats/{}", scene.chat_id);
    let until = (clock::now() + TimeDelta::hours(1)).to_rfc3339();
    for (action, body) in [
        ("assign", json!({ "assignee_id": maya })),
        ("snooze", json!({ "until": until })),
        ("reopen", json!({})),
    ] {
        let res = scene
            .app
            .send_json(
                reqwest::Method::POST,
                &format!("{chat}/{action}"),
                &cookie,
                &body,
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{action}");
    }
    let staff_view: serde_json::Value = scene
        .app
        .get_with_cookie(&chat, &cookie)
        .await
        .json()
        .await
        .expect("chat");
    let kinds: Vec<&str> = staff_view["activity"]
        .as_array()
        .expect("activity")
        .iter()
        .filter_map(|line| line["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["assigned", "snoozed", "reopened"]);
    let res = scene
        .app
        .send_json(
            reqwest::Method::POST,
            &format!("{chat}/messages"),
            &cookie,
            &json!({ "content": "Found it: the reset link had expired." }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    assert_eq!(scene.run_worker(DELAY + TimeDelta::seconds(1)).await, 1);
    let received = scene.received();
    assert_eq!(received.len(), 1);
    let body = decoded(&received[0].data).to_lowercase();
    assert!(body.contains("found it: the reset link had expired."));
    for said_of_activity in ["assigned", "snoozed", "reopened", "activity"] {
        assert!(
            !body.contains(said_of_activity),
            "the email tells the user {said_of_activity:?}: {body}"
        );
    }
}

#[tokio::test]
async fn no_email_when_a_guard_says_so() {
    // Read first.
    let scene = Scene::new().await;
    scene.staff_replies("Fixed!").await;
    let res = scene
        .app
        .http
        .patch(scene.app.at("/api/support_chat/mark_read"))
        .header(header::COOKIE, &scene.user)
        .send()
        .await
        .expect("mark read");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(scene.run_worker(DELAY * 2).await, 0);
    assert_eq!(
        scene.jobs().await[0].skipped_reason.as_deref(),
        Some("read")
    );

    // Archived.
    let scene = Scene::new().await;
    scene.staff_replies("Closing this.").await;
    let res = scene
        .app
        .http
        .post(
            scene
                .app
                .at(&format!("/api/admin/chats/{}/archive", scene.chat_id)),
        )
        .header(header::COOKIE, &scene.staff)
        .send()
        .await
        .expect("archive");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(scene.run_worker(DELAY * 2).await, 0);
    assert_eq!(
        scene.jobs().await[0].skipped_reason.as_deref(),
        Some("archived")
    );

    // A visitor who never gave an email.
    let scene = Scene::new().await;
    let (token, chat_id) = crate::support::visitor_at(&scene.app.http, &scene.app.url).await;
    let res = scene
        .app
        .http
        .post(scene.app.at("/api/support_chat/messages"))
        .bearer_auth(&token)
        .json(&json!({"content": "hello?"}))
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::CREATED);
    scene.staff_replies_in(&chat_id, "hi").await;
    assert_eq!(scene.run_worker(DELAY * 2).await, 0);
    assert_eq!(
        scene.jobs().await[0].skipped_reason.as_deref(),
        Some("no_email")
    );
    assert!(scene.received().is_empty());
}

#[tokio::test]
async fn unsubscribing_needs_no_session_and_a_bare_get_changes_nothing() {
    let scene = Scene::new().await;
    scene.staff_replies("First answer").await;
    assert_eq!(scene.run_worker(DELAY * 2).await, 1);
    let link = scene.unsubscribe_link();
    let http = crate::support::http_client();

    // A mail scanner following the link: a page, nothing more.
    let page = http.get(&link).send().await.expect("GET");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("page");
    assert!(html.contains("<form method=\"post\""), "{html}");
    scene.staff_replies("Second answer").await;
    assert_eq!(
        scene.run_worker(DELAY * 2).await,
        1,
        "still subscribed after a GET"
    );

    // A forged token, or a mangled link, changes nothing.
    for bad in [
        link.replace("token=", "token=0"),
        link.replace("user=", "user=x"),
        format!("{}/unsubscribe", scene.app.url),
    ] {
        let res = http.post(&bad).send().await.expect("POST");
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{bad}");
        assert!(res.text().await.expect("page").contains("not valid"));
    }

    // The one-click POST a mail provider sends (RFC 8058), without any session.
    let res = http
        .post(&link)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::OK);
    scene.staff_replies("Third answer").await;
    assert_eq!(scene.run_worker(DELAY * 2).await, 0);
    let last = scene.jobs().await.pop().expect("a job");
    assert_eq!(last.skipped_reason.as_deref(), Some("unsubscribed"));
    assert_eq!(scene.received().len(), 2);
}

#[tokio::test]
async fn the_page_form_unsubscribes_too() {
    let scene = Scene::new().await;
    scene.staff_replies("An answer").await;
    assert_eq!(scene.run_worker(DELAY * 2).await, 1);
    let link = scene.unsubscribe_link();
    // The form posts to the page's own URL, as a browser on our page does.
    let res = crate::support::http_client()
        .post(&link)
        .header(header::ORIGIN, &scene.app.url)
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.text()
            .await
            .expect("page")
            .contains("You are unsubscribed")
    );
    scene.staff_replies("Another").await;
    assert_eq!(scene.run_worker(DELAY * 2).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_staff_replies_at_once_make_one_job() {
    let scene = Scene::new().await;
    let replies = (0..20).map(|i| {
        let scene = &scene;
        async move { scene.staff_replies(&format!("reply {i}")).await }
    });
    futures::future::join_all(replies).await;
    let jobs = scene.jobs().await;
    assert_eq!(jobs.len(), 1, "one pending job for the chat");
    assert_eq!(scene.run_worker(DELAY * 2).await, 1);
    let mail = decoded(&scene.received().remove(0).data);
    for i in 0..20 {
        assert!(mail.contains(&format!("reply {i}\r\n")), "reply {i} listed");
    }
}

#[tokio::test]
async fn quick_replies_make_one_email_listing_them_oldest_first() {
    let scene = Scene::new().await;
    for reply in [
        "one: check the cable",
        "two: restart it",
        "three: still stuck?",
    ] {
        scene.staff_replies(reply).await;
    }
    assert_eq!(scene.jobs().await.len(), 1, "one job for the three replies");
    assert_eq!(scene.run_worker(DELAY * 2).await, 1);
    let mail = decoded(&scene.received().remove(0).data);
    let (one, two, three) = (
        mail.find("one: check the cable").expect("one"),
        mail.find("two: restart it").expect("two"),
        mail.find("three: still stuck?").expect("three"),
    );
    assert!(one < two && two < three, "oldest first");
}

#[tokio::test]
async fn an_smtp_outage_delays_the_email_which_then_arrives_once() {
    let mut scene = Scene::new().await;
    scene.staff_replies("During the outage").await;
    let stopped = scene.smtp.take().expect("running").stop();
    assert_eq!(scene.run_worker(DELAY + TimeDelta::seconds(1)).await, 0);
    let job = scene.jobs().await.remove(0);
    assert_eq!(job.status, notification_job::JobStatus::Pending);
    assert_eq!(job.attempts, 1);
    assert!(job.last_error.is_some());

    scene.smtp = Some(stopped.restart().await);
    assert_eq!(
        scene.run_worker(DELAY + TimeDelta::seconds(10)).await,
        0,
        "backing off"
    );
    assert_eq!(scene.run_worker(DELAY + TimeDelta::minutes(2)).await, 1);
    assert_eq!(scene.run_worker(DELAY + TimeDelta::minutes(60)).await, 0);
    assert_eq!(scene.received().len(), 1);
}

#[tokio::test]
async fn after_every_attempt_fails_the_email_is_marked_failed_and_counted_for_staff() {
    let mut scene = Scene::new().await;
    scene.staff_replies("Nobody will get this").await;
    let _stopped = scene.smtp.take().expect("running").stop();
    // max_attempts is 3 here: attempts at the due time and after each backoff.
    for after in [
        DELAY,
        DELAY + TimeDelta::minutes(1),
        DELAY + TimeDelta::minutes(3),
    ] {
        assert_eq!(scene.run_worker(after + TimeDelta::seconds(1)).await, 0);
    }
    let job = scene.jobs().await.remove(0);
    assert_eq!(job.status, notification_job::JobStatus::Failed);
    assert_eq!(job.attempts, 3);
    let count = scene
        .app
        .get_with_cookie("/api/admin/reply_emails/failed", &scene.staff)
        .await;
    assert_eq!(count.status(), StatusCode::OK);
    let count: serde_json::Value = count.json().await.expect("JSON");
    assert_eq!(count["failed"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_workers_send_each_email_once() {
    let scene = Scene::new().await;
    // Ten chats with an unread reply each.
    let mut chats = vec![scene.chat_id.clone()];
    for i in 0..9 {
        let cookie = scene
            .app
            .sign_up(&format!("user{i}@example.com"), "right password")
            .await;
        let chat = scene
            .app
            .get_with_cookie("/api/support_chat", &cookie)
            .await;
        let chat: serde_json::Value = chat.json().await.expect("chat");
        chats.push(chat["id"].as_str().expect("id").to_owned());
    }
    for chat_id in &chats {
        scene.staff_replies_in(chat_id, "an answer").await;
    }
    // Two workers, each with its own pool, as two instances would run them.
    let other_pool = server::database::connect(&scene.app.database_url())
        .await
        .expect("second pool");
    let at = clock::now() + DELAY * 2;
    let (a, b) = tokio::join!(
        run_due_jobs(&scene.app.db, &scene.mailer, &scene.settings, at),
        run_due_jobs(&other_pool, &scene.mailer, &scene.settings, at),
    );
    assert_eq!(a.expect("worker a") + b.expect("worker b"), 10);
    let received = scene.received();
    assert_eq!(received.len(), 10, "each email once");
    let mut recipients: Vec<String> = received.iter().flat_map(|m| m.to.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 10);
}

#[tokio::test]
async fn a_restart_between_the_reply_and_the_send_time_still_sends_once() {
    let test_db = TestDb::new().await;
    let db = test_db.migrated().await;
    domain::auth::accounts::create_admin(&db, "desk@example.com", None, "staff-password")
        .await
        .expect("staff");
    let smtp = SmtpServer::start().await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = crate::support::http_client();
    let patience = Duration::from_secs(30);
    let env = [
        ("CONFAB_SMTP_URL", smtp.url()),
        ("CONFAB_REPLY_EMAIL_DELAY", "2".to_owned()),
    ];
    let mut server = ConfabProcess::start_with_env(&test_db.url, port, &env);
    wait_ready(&http, &base, patience).await;
    let user = http
        .post(format!("{base}/rpc/auth/sign_up"))
        .form(&[("email", "uma@example.com"), ("password", "right password")])
        .send()
        .await
        .expect("sign up");
    let user = session_cookie(&user).expect("user session");
    let chat: serde_json::Value = http
        .get(format!("{base}/api/support_chat"))
        .header(header::COOKIE, &user)
        .send()
        .await
        .expect("chat")
        .json()
        .await
        .expect("JSON");
    let chat_id = chat["id"].as_str().expect("chat id").to_owned();
    let staff = http
        .post(format!("{base}/rpc/auth/sign_in"))
        .form(&[
            ("email", "desk@example.com"),
            ("password", "staff-password"),
        ])
        .send()
        .await
        .expect("sign in");
    let staff = session_cookie(&staff).expect("staff session");
    let res = http
        .post(format!("{base}/api/admin/chats/{chat_id}/messages"))
        .header(header::COOKIE, &staff)
        .json(&json!({"content": "across a restart"}))
        .send()
        .await
        .expect("reply");
    assert_eq!(res.status(), StatusCode::CREATED);

    server.kill();
    let _server = ConfabProcess::start_with_env(&test_db.url, port, &env);
    wait_ready(&http, &base, patience).await;
    let deadline = Instant::now() + patience;
    while smtp.received().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A second email could only come from a job still pending (a sent one is final): wait
    // until none is, instead of sleeping for "long enough".
    loop {
        let jobs = NotificationJob::find().all(&db).await.expect("jobs");
        if !jobs.is_empty()
            && jobs
                .iter()
                .all(|job| job.status != notification_job::JobStatus::Pending)
        {
            break;
        }
        assert!(Instant::now() < deadline, "a job stayed pending: {jobs:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let received = smtp.received();
    assert_eq!(received.len(), 1, "exactly one email");
    assert!(decoded(&received[0].data).contains("across a restart"));
}
