//! Joining the team: an admin invites a colleague from the team page's server functions, the
//! mail worker sends the invitation through a real SMTP server, and the link works once,
//! within 72 hours, for the address invited. Agents cannot invite; a withdrawn invitation is
//! never sent and its link never works.

use chrono::TimeDelta;
use domain::{
    clock,
    mail::{MailSettings, worker::run_due_jobs},
    team::invitations,
};
use reqwest::StatusCode;
use serde_json::Value;
use wire::model::Role;

use crate::{
    smtp::{SmtpServer, decoded},
    support::{TestApp, session_cookie},
};

/// The invitation link's token in a received email.
fn token_in(mail: &str) -> String {
    let text = decoded(mail);
    let start = text.find("/join/").expect("a /join/ link") + "/join/".len();
    text[start..start + 64].to_owned()
}

/// Invites `email` as `role` through the team page's server function, as the cookie's owner.
async fn invite(
    app: &TestApp,
    cookie: &str,
    email: &str,
    name: &str,
    role: &str,
) -> reqwest::Response {
    app.rpc(
        "team/invite",
        &[("email", email), ("name", name), ("role", role)],
        Some(cookie),
    )
    .await
}

#[tokio::test]
async fn an_invited_colleague_joins_once_through_the_link_and_never_after_it_expired() {
    let app = TestApp::spawn().await;
    let (_, maya) = app.staff_session("maya@team.test", Role::Admin).await;
    let smtp = SmtpServer::start().await;
    let mailer = smtp.mailer();
    let settings = MailSettings {
        app_name: "Confab".into(),
        public_url: app.url.clone(),
        max_attempts: 3,
    };

    let res = app
        .rpc(
            "team/invite",
            &[
                ("email", "Tom@Team.test"),
                ("name", "Tom"),
                ("role", "agent"),
            ],
            Some(&maya),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let team: Value = res.json().await.expect("team");
    assert_eq!(team["invitations"][0]["email"], "tom@team.test");
    assert_eq!(team["invitations"][0]["email_sent"], false);
    let sent = run_due_jobs(&app.db, &mailer, &settings, clock::now())
        .await
        .expect("worker");
    assert_eq!(sent, 1);
    let received = smtp.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, ["tom@team.test"]);
    assert!(
        !received[0].data.contains("List-Unsubscribe"),
        "nobody subscribed to an invitation"
    );
    let token = token_in(&received[0].data);
    assert_eq!(
        run_due_jobs(&app.db, &mailer, &settings, clock::now())
            .await
            .expect("worker"),
        0,
        "sent once"
    );

    // The link's page, then using it: Tom is staff (an agent) and signed in.
    let page = app
        .http
        .get(app.at(&format!("/join/{token}")))
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("html").contains("tom@team.test"));
    let join = [
        ("token", token.as_str()),
        ("name", "Tom T"),
        ("password", "tom's own password"),
    ];
    let res = app.rpc("team/join", &join, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let tom = session_cookie(&res).expect("signed in");
    let me: Value = res.json().await.expect("profile");
    assert_eq!(
        (me["role"].clone(), me["name"].clone()),
        ("agent".into(), "Tom T".into())
    );
    let inbox = app.get_with_cookie("/api/admin/chats", &tom).await;
    assert_eq!(inbox.status(), StatusCode::OK, "an agent is staff");

    // Used once: the same link again is refused, and its page says so.
    let res = app.rpc("team/join", &join, None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let page = app
        .http
        .get(app.at(&format!("/join/{token}")))
        .send()
        .await
        .expect("GET");
    assert!(page.text().await.expect("html").contains("no longer valid"));

    // Agents do not invite; an address with an account is not invited again.
    let res = invite(&app, &tom, "x@team.test", "", "agent").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = invite(&app, &maya, "tom@team.test", "", "admin").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // A link works for 72 hours: move the clock past them and it is refused.
    let res = invite(&app, &maya, "lee@team.test", "", "admin").await;
    assert_eq!(res.status(), StatusCode::OK);
    run_due_jobs(&app.db, &mailer, &settings, clock::now())
        .await
        .expect("worker");
    let lee = token_in(&smtp.received()[1].data);
    let later = clock::now() + TimeDelta::hours(71);
    assert!(invitations::find_open(&app.db, &lee, later).await.is_ok());
    let expired = clock::now() + TimeDelta::hours(73);
    let refused = invitations::accept(&app.db, &lee, None, "lee's own password", expired).await;
    assert!(
        matches!(refused, Err(wire::error::AppError::NotFound { .. })),
        "{refused:?}"
    );

    // A withdrawn invitation is never sent, and its link never works.
    let res = invite(&app, &maya, "kim@team.test", "", "agent").await;
    let team: Value = res.json().await.expect("team");
    let kim = team["invitations"]
        .as_array()
        .expect("invitations")
        .iter()
        .find(|i| i["email"] == "kim@team.test")
        .and_then(|i| i["id"].as_str())
        .expect("kim's invitation")
        .to_owned();
    let res = app
        .rpc("team/revoke", &[("invitation_id", &kim)], Some(&maya))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        run_due_jobs(&app.db, &mailer, &settings, clock::now())
            .await
            .expect("worker"),
        0
    );
    assert_eq!(
        smtp.received().len(),
        2,
        "no email for a withdrawn invitation"
    );

    // An invitation whose email never went out before it expired (the server was down for 72
    // hours) neither wakes the mail worker nor keeps its token.
    invite(&app, &maya, "zoe@team.test", "", "agent").await;
    let after = clock::now() + TimeDelta::hours(73);
    assert_eq!(
        invitations::next_email_due(&app.db, after)
            .await
            .expect("next"),
        None
    );
    assert_eq!(
        invitations::forget_expired_tokens(&app.db, after)
            .await
            .expect("forget"),
        1
    );
    assert_eq!(
        run_due_jobs(&app.db, &mailer, &settings, after)
            .await
            .expect("worker"),
        0
    );
}

/// Two tabs use one link at the same moment: one account, and the other is refused.
#[tokio::test]
async fn a_link_used_twice_at_once_makes_one_account() {
    let app = TestApp::spawn().await;
    let (maya_id, _) = app.staff_session("maya@team.test", Role::Admin).await;
    let maya = domain::team::directory::active_staff(&app.db, maya_id)
        .await
        .expect("maya");
    invitations::invite(
        &app.db,
        &app.state.effects,
        &maya,
        "ava@team.test",
        None,
        Role::Agent,
        clock::now(),
    )
    .await
    .expect("invite");
    let smtp = SmtpServer::start().await;
    let settings = MailSettings {
        app_name: "Confab".into(),
        public_url: app.url.clone(),
        max_attempts: 3,
    };
    run_due_jobs(&app.db, &smtp.mailer(), &settings, clock::now())
        .await
        .expect("worker");
    let token = token_in(&smtp.received()[0].data);
    let (first, second) = tokio::join!(
        invitations::accept(&app.db, &token, None, "ava's password one", clock::now()),
        invitations::accept(&app.db, &token, None, "ava's password two", clock::now()),
    );
    assert_eq!(
        [first.is_ok(), second.is_ok()]
            .iter()
            .filter(|ok| **ok)
            .count(),
        1,
        "{first:?} {second:?}"
    );
    let team = domain::team::directory::list_staff(&app.db)
        .await
        .expect("team");
    assert_eq!(team.len(), 2);
}
