//! Accounts and sessions over HTTP: sign-up, sign-in, sign-out, expiry, forgery, cross-site
//! requests, staff-only routes and the sign-in rate limits.

use std::net::{IpAddr, Ipv4Addr};

use chrono::{Duration, Utc};
use domain::{
    auth::accounts,
    entities::{Session, session},
};
use reqwest::{StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};
use serde_json::Value;

use crate::support::{TestApp, error_of, session_cookie};

#[tokio::test]
async fn sign_up_starts_a_session_with_a_safe_cookie() {
    let app = TestApp::spawn().await;
    let res = app
        .rpc(
            "auth/sign_up",
            &[
                ("email", " Ada@Example.com "),
                ("name", "Ada"),
                ("password", "correct horse"),
            ],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let set_cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} missing: {set_cookie}"
        );
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain http must not set Secure"
    );
    let cookie = session_cookie(&res).expect("cookie");
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["email"], "ada@example.com");
    assert!(body.get("password_hash").is_none());

    let me: Value = app
        .get_with_cookie("/api/me", &cookie)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["name"], "Ada");
    assert_eq!(me["role"], "user");
}

#[tokio::test]
async fn sign_up_refuses_bad_input_and_taken_emails() {
    let app = TestApp::spawn().await;
    for (email, password, expected) in [
        ("not-an-email", "long enough", "is not an email address"),
        ("bo@example.com", "short", "at least 8 characters"),
    ] {
        let res = app
            .rpc(
                "auth/sign_up",
                &[("email", email), ("password", password)],
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["code"], "validation_failed");
        assert!(
            body["message"]
                .as_str()
                .expect("message")
                .contains(expected),
            "{body}"
        );
    }
    app.sign_up("bo@example.com", "long enough").await;
    let res = app
        .rpc(
            "auth/sign_up",
            &[("email", "BO@example.com"), ("password", "other password")],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn sign_in_accepts_the_right_password_only_and_says_the_same_for_unknown_emails() {
    let app = TestApp::spawn().await;
    app.sign_up("cy@example.com", "right password").await;

    let cookie = app.sign_in("cy@example.com", "right password").await;
    let me = app.get_with_cookie("/api/me", &cookie).await;
    assert_eq!(me.status(), StatusCode::OK);

    let wrong = app
        .rpc(
            "auth/sign_in",
            &[("email", "cy@example.com"), ("password", "wrong password")],
            None,
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&wrong).is_none());
    let wrong: Value = wrong.json().await.expect("json");
    let unknown: Value = app
        .rpc(
            "auth/sign_in",
            &[("email", "nobody@example.com"), ("password", "x")],
            None,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(wrong["message"], accounts::WRONG_CREDENTIALS);
    assert_eq!(
        wrong, unknown,
        "unknown email and wrong password must look alike"
    );
}

#[tokio::test]
async fn signing_out_revokes_the_session_at_once() {
    let app = TestApp::spawn().await;
    let cookie = app.sign_up("di@example.com", "right password").await;
    assert_eq!(
        app.get_with_cookie("/api/me", &cookie).await.status(),
        StatusCode::OK
    );

    let res = app.rpc("auth/sign_out", &[], Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cleared = res.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        cleared.starts_with("confab_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );

    let (status, code, _) = error_of(app.get_with_cookie("/api/me", &cookie).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
}

#[tokio::test]
async fn expired_sessions_are_refused_and_removed() {
    let app = TestApp::spawn().await;
    let cookie = app.sign_up("ed@example.com", "right password").await;
    Session::update_many()
        .col_expr(
            session::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::minutes(1)),
        )
        .exec(&app.db)
        .await
        .expect("expire sessions");

    let (status, _, message) = error_of(app.get_with_cookie("/api/me", &cookie).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(message.contains("expired"), "{message}");
    assert_eq!(Session::find().count(&app.db).await.expect("count"), 0);
}

#[tokio::test]
async fn forged_or_malformed_credentials_are_refused() {
    let app = TestApp::spawn().await;
    app.sign_up("fy@example.com", "right password").await;
    let forged = format!("confab_session={}", "ab".repeat(32));
    let (status, ..) = error_of(app.get_with_cookie("/api/me", &forged).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    for authorization in ["Bearer not-a-token", "Basic Zm9vOmJhcg==", "Bearer "] {
        let res = app
            .http
            .get(app.at("/api/me"))
            .header(header::AUTHORIZATION, authorization)
            .send()
            .await
            .expect("GET");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{authorization}");
    }
    let (status, ..) = error_of(app.http.get(app.at("/api/me")).send().await.expect("GET")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no credentials at all");
}

/// README: with an `https://` public URL the session cookie is `Secure` and named
/// `__Host-confab_session` (so a browser keeps it only from this exact host over TLS, with
/// `Path=/` and no `Domain`); it authenticates, signing out clears it under the same name, and
/// the plain name is not accepted in its place.
#[tokio::test]
async fn over_https_the_session_cookie_is_secure_and_host_only() {
    let app = TestApp::spawn_with(&["--public-url", "https://support.example.com"]).await;
    let res = app
        .rpc(
            "auth/sign_up",
            &[("email", "tls@example.com"), ("password", "correct horse")],
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let set_cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    let (pair, attributes) = set_cookie.split_once(';').expect("attributes");
    let (name, token) = pair.split_once('=').expect("name=value");
    assert_eq!(name, "__Host-confab_session");
    let attributes: Vec<&str> = attributes.split(';').map(str::trim).collect();
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(
            attributes.contains(&attribute),
            "{attribute} missing: {set_cookie}"
        );
    }
    assert!(
        !attributes
            .iter()
            .any(|a| a.to_ascii_lowercase().starts_with("domain")),
        "a __Host- cookie has no Domain: {set_cookie}"
    );

    let cookie = format!("__Host-confab_session={token}");
    assert_eq!(
        app.get_with_cookie("/api/me", &cookie).await.status(),
        StatusCode::OK
    );
    let plain = format!("confab_session={token}");
    assert_eq!(
        app.get_with_cookie("/api/me", &plain).await.status(),
        StatusCode::UNAUTHORIZED,
        "only the __Host- name is read"
    );
    let signed_out = app.rpc("auth/sign_out", &[("", "")], Some(&cookie)).await;
    let cleared = signed_out.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii");
    assert!(
        cleared.starts_with("__Host-confab_session=;")
            && cleared.contains("Secure")
            && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_same_origin_ones_pass() {
    let app = TestApp::spawn().await;
    let cookie = app.sign_up("gu@example.com", "right password").await;
    let post = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut request = app
            .http
            .post(app.at("/rpc/auth/sign_out"))
            .header(header::COOKIE, &cookie)
            .form(&[("", "")]);
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        request.send()
    };

    let res = post(Some("https://evil.example"), None)
        .await
        .expect("POST");
    let (status, code, _) = error_of(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let res = post(Some("https://evil.example"), Some("cross-site"))
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A sibling subdomain is same-site but not same-origin: refused too (README: writes only
    // from Confab's own origin).
    let res = post(Some("https://other.example.com"), Some("same-site"))
        .await
        .expect("POST");
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "same-site is not same-origin"
    );
    // The session survived every refused attempt.
    assert_eq!(
        app.get_with_cookie("/api/me", &cookie).await.status(),
        StatusCode::OK
    );

    let res = post(Some(&app.url), Some("same-origin"))
        .await
        .expect("POST");
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "same-origin sign-out must work"
    );
    assert_eq!(
        app.get_with_cookie("/api/me", &cookie).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn staff_routes_need_a_staff_session() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("hu@example.com", "right password").await;
    let admin = app.admin_session("staff@example.com").await;
    let no_redirects = crate::support::http_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    let (status, ..) = error_of(
        app.http
            .get(app.at("/api/admin/staff"))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, code, _) = error_of(app.get_with_cookie("/api/admin/staff", &user).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let staff: Value = app
        .get_with_cookie("/api/admin/staff", &admin)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(staff[0]["email"], "staff@example.com");
    assert_eq!(staff.as_array().map(Vec::len), Some(1));

    let page = no_redirects
        .get(app.at("/admin"))
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(page.headers()[header::LOCATION], "/signin?next=/admin");
    let page = no_redirects
        .get(app.at("/admin"))
        .header(header::COOKIE, &user)
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let page = app.get_with_cookie("/admin", &admin).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("staff@example.com")
    );

    // The server function behind the page checks too.
    let res = app.rpc("team/load", &[], Some(&user)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sign_in_failures_lock_out_the_guesser_not_the_owner() {
    let app = TestApp::spawn_with(&["--sign-in-failures-per-address", "8"]).await;
    accounts::create_admin(&app.db, "target@example.com", None, "owner password")
        .await
        .expect("owner");
    let from = |last: u8| {
        crate::support::http_builder()
            .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
            .build()
            .expect("client")
    };
    let attempt = |client: reqwest::Client, email: &'static str, password: &'static str| {
        let url = app.at("/rpc/auth/sign_in");
        async move {
            client
                .post(url)
                .form(&[("email", email), ("password", password)])
                .send()
                .await
                .expect("POST")
        }
    };

    // Successful sign-ins never count.
    for _ in 0..10 {
        let res = attempt(from(3), "target@example.com", "owner password").await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    // A guesser at 127.0.0.1 uses up the five failures allowed for this email from there.
    for _ in 0..5 {
        let res = attempt(from(1), "target@example.com", "wrong password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = attempt(from(1), "target@example.com", "owner password").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = limited.headers()[header::RETRY_AFTER]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=300).contains(&retry), "Retry-After {retry}");
    // The owner, elsewhere, is not locked out.
    let owner = attempt(from(2), "target@example.com", "owner password").await;
    assert_eq!(owner.status(), StatusCode::OK);
    // The guesser's address has three failures left over all emails, then none.
    for email in ["a@example.com", "b@example.com", "c@example.com"] {
        let res = attempt(from(1), email, "wrong password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{email}");
    }
    let sprayed = attempt(from(1), "d@example.com", "wrong password").await;
    assert_eq!(sprayed.status(), StatusCode::TOO_MANY_REQUESTS);
    // Still nothing counted against the owner's own address.
    let owner = attempt(from(2), "target@example.com", "owner password").await;
    assert_eq!(owner.status(), StatusCode::OK);
}

#[tokio::test]
async fn sign_ups_are_limited_per_address() {
    let app = TestApp::spawn_with(&["--sign-ups-per-hour", "3"]).await;
    let app = &app;
    let sign_up = |email: String| async move {
        app.rpc(
            "auth/sign_up",
            &[("email", &email), ("password", "long enough")],
            None,
        )
        .await
    };
    // A refused sign-up (bad input) does not use up the allowance.
    let invalid = sign_up("not-an-email".into()).await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for i in 0..3 {
        let res = sign_up(format!("new{i}@example.com")).await;
        assert_eq!(res.status(), StatusCode::OK, "sign-up {i}");
    }
    let refused = sign_up("one-more@example.com".into()).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key(header::RETRY_AFTER));
    let users = domain::entities::User::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(users, 3, "nothing stored for the refused sign-up");
}

#[tokio::test]
async fn seeded_admins_are_created_once() {
    let app = TestApp::spawn().await;
    let password = accounts::ensure_dev_admin(&app.db)
        .await
        .expect("seed")
        .expect("created");
    assert_eq!(
        accounts::ensure_dev_admin(&app.db).await.expect("seed"),
        None
    );
    app.sign_in(accounts::DEV_ADMIN_EMAIL, &password).await;

    let created = accounts::ensure_admin(&app.db, "ops@example.com", "ops password").await;
    assert!(created.expect("seed").is_some());
    let again = accounts::ensure_admin(&app.db, "ops@example.com", "changed password").await;
    assert!(
        again.expect("seed").is_none(),
        "an existing account is left alone"
    );
    app.sign_in("ops@example.com", "ops password").await;
}

/// The worker's chore: sessions that expired are deleted even if their token is never
/// presented again; live ones stay.
#[tokio::test]
async fn the_sweep_deletes_only_expired_sessions() {
    let app = TestApp::spawn().await;
    app.sign_up("old@example.com", "right password").await;
    app.sign_up("new@example.com", "right password").await;
    let now = Utc::now();
    // One of the two sessions expired yesterday.
    let oldest = Session::find()
        .all(&app.db)
        .await
        .expect("sessions")
        .into_iter()
        .min_by_key(|s| s.created_at)
        .expect("a session");
    Session::update_many()
        .col_expr(
            session::Column::ExpiresAt,
            Expr::value(now - Duration::days(1)),
        )
        .filter(session::Column::Id.eq(oldest.id))
        .exec(&app.db)
        .await
        .expect("expire one");
    let deleted = domain::auth::sessions::delete_expired(&app.db, now)
        .await
        .expect("sweep");
    assert_eq!(deleted, 1);
    assert_eq!(Session::find().count(&app.db).await.expect("count"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_get_no_more_tries_than_sequential_ones() {
    let app = TestApp::spawn().await;
    accounts::create_admin(&app.db, "target@example.com", None, "owner password")
        .await
        .expect("owner");
    let app = &app;
    let guesses = futures::future::join_all((0..20).map(|i| async move {
        let password = format!("guess {i}");
        app.rpc(
            "auth/sign_in",
            &[("email", "target@example.com"), ("password", &password)],
            None,
        )
        .await
    }))
    .await;
    let checked = guesses
        .iter()
        .filter(|r| r.status() == StatusCode::UNAUTHORIZED)
        .count();
    let refused = guesses
        .iter()
        .filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        (checked, refused),
        (5, 15),
        "five passwords checked, no more"
    );
}
