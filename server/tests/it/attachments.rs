//! Attachments from outside: uploads over the public API, messages that carry them on REST
//! and `/ws`, and the signed links that serve them, on a local directory and on a real
//! S3-compatible server (moto, on loopback). Every boundary is tried as an attacker would:
//! another person's upload, a changed link, a file that lies about its type, a body over the
//! limit, a body cut off halfway.

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use domain::attachments::{Variant, links, sweep};
use reqwest::{
    StatusCode, header,
    multipart::{Form, Part},
};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::{
    s3::S3Server,
    samples,
    socket::Client,
    support::{TestApp, error_of},
};

/// Where a test app stores files.
enum Store {
    Local,
    S3,
}

/// An app, with the S3 server behind it when it stores there.
struct Setup {
    app: TestApp,
    s3: Option<S3Server>,
}

impl Setup {
    async fn new(store: Store, flags: &[&str]) -> Self {
        match store {
            Store::Local => Self {
                app: TestApp::spawn_with(flags).await,
                s3: None,
            },
            Store::S3 => {
                let s3 = S3Server::start().await;
                let url = s3.storage_url();
                let mut all = vec!["--storage-url", url.as_str()];
                all.extend_from_slice(flags);
                Self {
                    app: TestApp::spawn_with(&all).await,
                    s3: Some(s3),
                }
            }
        }
    }

    /// Everything storage holds: object keys, or files under the directory (scratch included).
    async fn stored(&self) -> Vec<String> {
        match &self.s3 {
            Some(s3) => s3.keys().await,
            None => files_under(self.app.files_dir.path()),
        }
    }

    async fn rows(&self) -> u64 {
        domain::entities::Attachment::find()
            .count(&self.app.db)
            .await
            .expect("count attachments")
    }
}

fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

/// Who sends a request.
#[derive(Clone, Copy)]
enum As<'a> {
    Bearer(&'a str),
    Cookie(&'a str),
}

fn with(request: reqwest::RequestBuilder, who: As<'_>) -> reqwest::RequestBuilder {
    match who {
        As::Bearer(token) => request.bearer_auth(token),
        As::Cookie(cookie) => request.header(header::COOKIE, cookie),
    }
}

async fn upload(
    app: &TestApp,
    path: &str,
    who: As<'_>,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    with(app.http.post(app.at(path)), who)
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

/// Uploads for the caller's own chat; returns the attachment.
async fn user_upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> Value {
    let res = upload(
        app,
        "/api/support_chat/attachments",
        As::Bearer(token),
        name,
        bytes,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED, "upload of {name}");
    res.json().await.expect("JSON")
}

async fn send(app: &TestApp, path: &str, who: As<'_>, body: Value) -> reqwest::Response {
    with(app.http.post(app.at(path)), who)
        .json(&body)
        .send()
        .await
        .expect("send")
}

/// GETs a file's link with no credentials at all.
async fn fetch(app: &TestApp, url: &str) -> reqwest::Response {
    let url = if url.starts_with('/') {
        app.at(url)
    } else {
        url.to_owned()
    };
    app.http.get(url).send().await.expect("GET file")
}

fn header_of(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn files_go_both_ways(store: Store) {
    let setup = Setup::new(store, &[]).await;
    let app = &setup.app;
    let token = app.visitor_token().await;
    let chat: Value = app.get_json("/api/support_chat", Some(&token)).await;
    let chat_id = chat["id"].as_str().expect("chat id").to_owned();

    // The user's screenshot, named as if it were a PDF: a PNG it is.
    let shot = user_upload(app, &token, "screenshot.pdf", samples::png(640, 400)).await;
    assert_eq!(shot["content_type"], "image/png");
    assert_eq!(
        (shot["width"].as_u64(), shot["height"].as_u64()),
        (Some(640), Some(400))
    );
    assert!(shot["thumbnail_url"].is_string(), "{shot}");
    let sent = send(
        app,
        "/api/support_chat/messages",
        As::Bearer(&token),
        json!({ "attachment_ids": [shot["id"]] }),
    )
    .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let sent: Value = sent.json().await.expect("JSON");
    assert_eq!(sent["content"], "");
    assert_eq!(sent["attachments"][0]["id"], shot["id"]);

    // Staff read it, with a link that needs no cookie.
    let staff = app.admin_session("files@example.com").await;
    let seen = app
        .get_json_with_cookie(&format!("/api/admin/chats/{chat_id}"), &staff)
        .await;
    let file = &seen["messages"][0]["attachments"][0];
    assert_eq!(file["name"], "screenshot.pdf");
    assert_eq!(
        seen["files"][0]["id"], shot["id"],
        "the person panel's files"
    );
    let image = fetch(app, file["url"].as_str().expect("url")).await;
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(header_of(&image, "content-type"), "image/png");
    assert!(header_of(&image, "content-disposition").starts_with("inline;"));
    assert_eq!(header_of(&image, "x-content-type-options"), "nosniff");
    assert!(header_of(&image, "content-security-policy").contains("sandbox"));
    let decoded = image::load_from_memory(&image.bytes().await.expect("bytes")).expect("a PNG");
    assert_eq!((decoded.width(), decoded.height()), (640, 400));
    let thumbnail = fetch(app, file["thumbnail_url"].as_str().expect("thumbnail")).await;
    assert_eq!(header_of(&thumbnail, "content-type"), "image/jpeg");
    let small = image::load_from_memory(&thumbnail.bytes().await.expect("bytes")).expect("JPEG");
    assert_eq!((small.width(), small.height()), (320, 200));

    // Staff send an invoice; the user downloads it, whole and in part.
    let invoice = samples::pdf(300_000);
    let res = upload(
        app,
        &format!("/api/admin/chats/{chat_id}/attachments"),
        As::Cookie(&staff),
        "invoice 12.pdf",
        invoice.clone(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let pdf: Value = res.json().await.expect("JSON");
    assert_eq!(pdf["content_type"], "application/pdf");
    assert_eq!(pdf["thumbnail_url"], Value::Null);
    let reply = send(
        app,
        &format!("/api/admin/chats/{chat_id}/messages"),
        As::Cookie(&staff),
        json!({ "content": "Here is your invoice", "attachment_ids": [pdf["id"]] }),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::CREATED);
    let mine = app.get_json("/api/support_chat", Some(&token)).await;
    let file = &mine["messages"][1]["attachments"][0];
    assert_eq!(file["name"], "invoice 12.pdf");
    let url = file["url"].as_str().expect("url");
    let download = fetch(app, url).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(
        header_of(&download, "content-disposition"),
        "attachment; filename=\"invoice 12.pdf\"; filename*=UTF-8''invoice%2012.pdf"
    );
    assert_eq!(header_of(&download, "accept-ranges"), "bytes");
    assert_eq!(
        download.bytes().await.expect("bytes").as_ref(),
        invoice.as_slice()
    );
    let part = app
        .http
        .get(if url.starts_with('/') {
            app.at(url)
        } else {
            url.to_owned()
        })
        .header(header::RANGE, "bytes=100-199")
        .send()
        .await
        .expect("GET range");
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(header_of(&part, "content-range"), "bytes 100-199/300000");
    assert_eq!(
        part.bytes().await.expect("bytes").as_ref(),
        &invoice[100..200]
    );
    // The image, its thumbnail and the PDF; no scratch file is left.
    let stored = setup.stored().await;
    assert_eq!(stored.len(), 3, "{stored:?}");
}

#[tokio::test]
async fn files_go_both_ways_on_local_storage() {
    files_go_both_ways(Store::Local).await;
}

#[tokio::test]
async fn files_go_both_ways_on_s3() {
    files_go_both_ways(Store::S3).await;
}

#[tokio::test]
async fn messages_on_the_socket_carry_files() {
    let app = TestApp::spawn().await;
    let token = app.visitor_token().await;
    let chat: Value = app.get_json("/api/support_chat", Some(&token)).await;
    let shot = user_upload(&app, &token, "a.png", samples::png(20, 20)).await;
    let mut socket = Client::visitor(&app, &token).await;
    let client_id = Uuid::now_v7();
    socket
        .send(json!({
            "type": "send_message",
            "chat_id": chat["id"],
            "content": "see",
            "client_id": client_id,
            "attachment_ids": [shot["id"]],
        }))
        .await;
    let sent = socket.until("sent").await;
    assert_eq!(
        sent["message"]["attachments"][0]["id"], shot["id"],
        "{sent}"
    );
    // Sending it again under another id is refused: it went with the first message.
    socket
        .send(json!({
            "type": "send_message",
            "chat_id": chat["id"],
            "content": "again",
            "client_id": Uuid::now_v7(),
            "attachment_ids": [shot["id"]],
        }))
        .await;
    let refused = socket.until("error").await;
    assert_eq!(refused["code"], "invalid", "{refused}");
}

#[tokio::test]
async fn other_peoples_files_and_changed_links_are_refused_alike() {
    let app = TestApp::spawn().await;
    let ada = app.visitor_token().await;
    let bo = app.visitor_token().await;
    let adas = user_upload(&app, &ada, "ada.png", samples::png(30, 30)).await;
    let bos = user_upload(&app, &bo, "bo.png", samples::png(30, 30)).await;

    // Bo cannot send Ada's upload; nor can staff send it in Ada's chat as theirs.
    let stolen = send(
        &app,
        "/api/support_chat/messages",
        As::Bearer(&bo),
        json!({ "content": "mine now", "attachment_ids": [adas["id"]] }),
    )
    .await;
    let (status, _, _) = error_of(stolen).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let staff = app.admin_session("thief@example.com").await;
    let ada_chat = app.get_json("/api/support_chat", Some(&ada)).await;
    let chat_id = ada_chat["id"].as_str().expect("id");
    let by_staff = send(
        &app,
        &format!("/api/admin/chats/{chat_id}/messages"),
        As::Cookie(&staff),
        json!({ "content": "x", "attachment_ids": [adas["id"]] }),
    )
    .await;
    assert_eq!(by_staff.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A visitor may not upload into a chat through the staff endpoint.
    let res = upload(
        &app,
        &format!("/api/admin/chats/{chat_id}/attachments"),
        As::Bearer(&bo),
        "x.png",
        samples::png(4, 4),
    )
    .await;
    assert!(matches!(
        res.status(),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ));

    // Ada's link works; every changed form of it is the same 404.
    let url = adas["url"].as_str().expect("url");
    assert_eq!(fetch(&app, url).await.status(), StatusCode::OK);
    let ada_id = adas["id"].as_str().expect("id");
    let bo_id = bos["id"].as_str().expect("id");
    let (path, query) = url.split_once('?').expect("a query");
    let sig_at = query.find("sig=").expect("sig") + 4;
    let mut flipped = query.to_owned();
    let first = if &query[sig_at..=sig_at] == "0" {
        "1"
    } else {
        "0"
    };
    flipped.replace_range(sig_at..=sig_at, first);
    let thumbnail_query = adas["thumbnail_url"]
        .as_str()
        .and_then(|u| u.split_once('?'))
        .map(|(_, q)| q.to_owned())
        .expect("thumbnail query");
    let forged = [
        format!("{}?{query}", path.replace(ada_id, bo_id)),
        format!("{path}?{flipped}"),
        format!("{path}?{thumbnail_query}"),
        format!(
            "{}?{query}",
            path.replace(ada_id, &Uuid::now_v7().to_string())
        ),
        format!("{}?{query}", path.replace(ada_id, "not-an-id")),
        path.to_owned(),
        format!("{path}?exp=99999999999&sig=00"),
    ];
    let mut answers = Vec::new();
    for link in &forged {
        let res = fetch(&app, link).await;
        let status = res.status();
        answers.push((status, res.text().await.expect("body")));
    }
    for answer in &answers {
        assert_eq!(answer, &answers[0], "{forged:?}");
    }
    assert_eq!(answers[0].0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn types_come_from_the_bytes_and_markup_is_never_shown() {
    let app = TestApp::spawn().await;
    let token = app.visitor_token().await;
    for (name, bytes) in [
        ("cat.png", samples::HTML.to_vec()),
        ("logo.png", samples::SVG.to_vec()),
        ("tool.txt", vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0]),
    ] {
        let res = upload(
            &app,
            "/api/support_chat/attachments",
            As::Bearer(&token),
            name,
            bytes,
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{name}");
    }
    let empty = upload(
        &app,
        "/api/support_chat/attachments",
        As::Bearer(&token),
        "e.txt",
        Vec::new(),
    )
    .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = user_upload(&app, &token, "notes.txt", b"order 1234\nthanks".to_vec()).await;
    assert_eq!(text["content_type"], "text/plain");
    let served = fetch(&app, text["url"].as_str().expect("url")).await;
    assert!(header_of(&served, "content-disposition").starts_with("attachment;"));

    // An operator who accepts pages and SVGs still never has them shown.
    let lenient = TestApp::spawn_with(&["--attachment-types", "text/html,image/svg+xml"]).await;
    let token = lenient.visitor_token().await;
    for (name, bytes, mime) in [
        ("cat.png", samples::HTML, "text/html"),
        ("logo.png", samples::SVG, "image/svg+xml"),
    ] {
        let file = user_upload(&lenient, &token, name, bytes.to_vec()).await;
        assert_eq!(file["content_type"], mime);
        assert_eq!(file["thumbnail_url"], Value::Null);
        let served = fetch(&lenient, file["url"].as_str().expect("url")).await;
        assert_eq!(header_of(&served, "content-type"), mime);
        assert!(header_of(&served, "content-disposition").starts_with("attachment;"));
        assert_eq!(header_of(&served, "x-content-type-options"), "nosniff");
        assert!(header_of(&served, "content-security-policy").starts_with("sandbox"));
    }
    // PNGs are no longer accepted there.
    let png = upload(
        &lenient,
        "/api/support_chat/attachments",
        As::Bearer(&token),
        "a.png",
        samples::png(2, 2),
    )
    .await;
    assert_eq!(png.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn gps_positions_leave_with_the_exif_and_photos_stand_upright() {
    let app = TestApp::spawn().await;
    let token = app.visitor_token().await;
    let photo = user_upload(&app, &token, "IMG_0001.JPG", samples::jpeg_with_gps()).await;
    assert_eq!(photo["content_type"], "image/jpeg");
    assert_eq!(
        (photo["width"].as_u64(), photo["height"].as_u64()),
        (Some(48), Some(64))
    );
    let served = fetch(&app, photo["url"].as_str().expect("url")).await;
    let bytes = served.bytes().await.expect("bytes");
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "EXIF left in");
    assert!(
        !bytes
            .windows(samples::GPS_LATITUDE.len())
            .any(|w| w == samples::GPS_LATITUDE)
    );
    let upright = image::load_from_memory(&bytes).expect("a JPEG");
    assert_eq!((upright.width(), upright.height()), (48, 64));
}

async fn a_file_over_the_limit_stores_nothing(store: Store) {
    let setup = Setup::new(store, &[]).await;
    let app = &setup.app;
    let token = app.visitor_token().await;
    let limit = domain::attachments::DEFAULT_MAX_BYTES as usize;
    let res = upload(
        app,
        "/api/support_chat/attachments",
        As::Bearer(&token),
        "big.pdf",
        samples::pdf(limit + 1),
    )
    .await;
    let (status, code, message) = error_of(res).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code, "payload_too_large");
    assert!(message.contains("10 MB"), "{message}");
    assert_eq!(setup.rows().await, 0);
    assert!(setup.stored().await.is_empty());
    // One byte less is accepted.
    let fits = user_upload(app, &token, "fits.pdf", samples::pdf(limit)).await;
    assert_eq!(fits["size"].as_u64(), Some(limit as u64));
}

#[tokio::test]
async fn a_file_over_the_limit_stores_nothing_locally() {
    a_file_over_the_limit_stores_nothing(Store::Local).await;
}

#[tokio::test]
async fn a_file_over_the_limit_stores_nothing_on_s3() {
    a_file_over_the_limit_stores_nothing(Store::S3).await;
}

async fn an_upload_cut_halfway_leaves_nothing(store: Store) {
    let setup = Setup::new(store, &[]).await;
    let app = &setup.app;
    let token = app.visitor_token().await;
    let file = samples::pdf(4_000_000);
    let boundary = "confab-cut";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let length = head.len() + file.len() + tail.len();
    let address = app.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let request = format!(
        "POST /api/support_chat/attachments HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n{head}"
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send head");
    stream
        .write_all(&file[..file.len() / 2])
        .await
        .expect("send half");
    stream.flush().await.expect("flush");
    // Let the server take what was sent before the connection drops.
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(stream);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stored = setup.stored().await;
        if stored.is_empty() && setup.rows().await == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "left behind: {stored:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The server keeps serving.
    user_upload(app, &token, "after.pdf", samples::pdf(1000)).await;
}

#[tokio::test]
async fn an_upload_cut_halfway_leaves_nothing_locally() {
    an_upload_cut_halfway_leaves_nothing(Store::Local).await;
}

#[tokio::test]
async fn an_upload_cut_halfway_leaves_nothing_on_s3() {
    an_upload_cut_halfway_leaves_nothing(Store::S3).await;
}

async fn unsent_uploads_and_files_of_gone_chats_are_swept(store: Store) {
    let setup = Setup::new(store, &[]).await;
    let app = &setup.app;
    let files = &app.state.effects.files;
    let token = app.visitor_token().await;
    let kept = user_upload(app, &token, "kept.png", samples::png(10, 10)).await;
    let sent = send(
        app,
        "/api/support_chat/messages",
        As::Bearer(&token),
        json!({ "attachment_ids": [kept["id"]] }),
    )
    .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    user_upload(app, &token, "unsent.pdf", samples::pdf(5000)).await;
    assert_eq!(setup.stored().await.len(), 3);

    let now = domain::clock::now();
    assert_eq!(sweep::sweep(&app.db, files, now).await.expect("sweep"), 0);
    let later = now + sweep::UNSENT_KEPT + TimeDelta::hours(1);
    assert_eq!(sweep::sweep(&app.db, files, later).await.expect("sweep"), 1);
    assert_eq!(setup.rows().await, 1);
    assert_eq!(
        setup.stored().await.len(),
        2,
        "the sent image and its thumbnail stay"
    );

    // The visitor's account goes, and their chat with it: its files go at the next sweep.
    let me = app.get_json("/api/support_chat", Some(&token)).await;
    let chat = domain::entities::SupportChat::find_by_id(
        Uuid::parse_str(me["id"].as_str().expect("id")).expect("uuid"),
    )
    .one(&app.db)
    .await
    .expect("read")
    .expect("the chat");
    domain::entities::User::delete_by_id(chat.user_id)
        .exec(&app.db)
        .await
        .expect("delete the visitor");
    assert_eq!(sweep::sweep(&app.db, files, now).await.expect("sweep"), 1);
    assert_eq!(setup.rows().await, 0);
    assert!(setup.stored().await.is_empty());
}

#[tokio::test]
async fn unsent_uploads_and_files_of_gone_chats_are_swept_locally() {
    unsent_uploads_and_files_of_gone_chats_are_swept(Store::Local).await;
}

#[tokio::test]
async fn unsent_uploads_and_files_of_gone_chats_are_swept_on_s3() {
    unsent_uploads_and_files_of_gone_chats_are_swept(Store::S3).await;
}

#[tokio::test]
async fn links_expire_and_die_with_a_rotated_key() {
    let app = TestApp::spawn().await;
    let files = &app.state.effects.files;
    let token = app.visitor_token().await;
    let file = user_upload(&app, &token, "a.png", samples::png(8, 8)).await;
    let id = Uuid::parse_str(file["id"].as_str().expect("id")).expect("uuid");
    let url = file["url"].as_str().expect("url").to_owned();
    assert_eq!(fetch(&app, &url).await.status(), StatusCode::OK);

    let signer = files.links.signer(&app.db).await.expect("signer");
    let now = domain::clock::now();
    let expired = signer.url(id, Variant::Original, now - TimeDelta::seconds(1));
    assert_eq!(fetch(&app, &expired).await.status(), StatusCode::NOT_FOUND);
    let fresh = signer.url(id, Variant::Original, now + TimeDelta::minutes(5));
    assert_eq!(fetch(&app, &fresh).await.status(), StatusCode::OK);
    // Views hand out links good for at least an hour.
    let expires: i64 = url
        .split("exp=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .and_then(|exp| exp.parse().ok())
        .expect("exp");
    assert!(expires - now.timestamp() >= 3600);

    links::rotate_key(&app.db).await.expect("rotate");
    files.links.forget_key();
    assert_eq!(fetch(&app, &url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(fetch(&app, &fresh).await.status(), StatusCode::NOT_FOUND);
    let reissued = signer_url_after_rotation(&app, id).await;
    assert_eq!(fetch(&app, &reissued).await.status(), StatusCode::OK);
}

async fn signer_url_after_rotation(app: &TestApp, id: Uuid) -> String {
    let signer = app
        .state
        .effects
        .files
        .links
        .signer(&app.db)
        .await
        .expect("signer");
    signer.url(
        id,
        Variant::Original,
        links::view_expiry(domain::clock::now()),
    )
}

#[tokio::test]
async fn messages_carry_at_most_five_files_and_people_their_quota() {
    let app = TestApp::spawn_with(&["--storage-quota-per-person", "100000"]).await;
    let token = app.visitor_token().await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let file = user_upload(
            &app,
            &token,
            &format!("{i}.txt"),
            format!("note {i}").into_bytes(),
        )
        .await;
        ids.push(file["id"].clone());
    }
    let six = send(
        &app,
        "/api/support_chat/messages",
        As::Bearer(&token),
        json!({ "attachment_ids": ids }),
    )
    .await;
    let (status, _, message) = error_of(six).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.contains("at most 5"), "{message}");
    let five = send(
        &app,
        "/api/support_chat/messages",
        As::Bearer(&token),
        json!({ "attachment_ids": ids[..5] }),
    )
    .await;
    assert_eq!(five.status(), StatusCode::CREATED);
    let blank = send(
        &app,
        "/api/support_chat/messages",
        As::Bearer(&token),
        json!({ "content": " " }),
    )
    .await;
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);

    user_upload(&app, &token, "half.pdf", samples::pdf(60_000)).await;
    let over = upload(
        &app,
        "/api/support_chat/attachments",
        As::Bearer(&token),
        "more.pdf",
        samples::pdf(60_000),
    )
    .await;
    let (status, _, message) = error_of(over).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(message.contains("quota"), "{message}");
    // Someone else still has room.
    let other = app.visitor_token().await;
    user_upload(&app, &other, "theirs.pdf", samples::pdf(60_000)).await;
}

#[tokio::test]
async fn concurrent_posts_of_one_upload_send_it_once() {
    let app = TestApp::spawn().await;
    let token = app.visitor_token().await;
    let file = user_upload(&app, &token, "once.png", samples::png(16, 16)).await;
    let posts = (0..8).map(|i| {
        send(
            &app,
            "/api/support_chat/messages",
            As::Bearer(&token),
            json!({ "content": format!("try {i}"), "attachment_ids": [file["id"]] }),
        )
    });
    let statuses: Vec<StatusCode> = futures::future::join_all(posts)
        .await
        .iter()
        .map(reqwest::Response::status)
        .collect();
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((created, refused), (1, 7), "{statuses:?}");
    let chat = app.get_json("/api/support_chat", Some(&token)).await;
    let carrying: usize = chat["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["attachments"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(carrying, 1);
}

#[tokio::test]
async fn bodies_that_are_not_uploads_are_refused_clearly() {
    let app = TestApp::spawn().await;
    let token = app.visitor_token().await;
    let json_body = app
        .http
        .post(app.at("/api/support_chat/attachments"))
        .bearer_auth(&token)
        .json(&json!({ "file": "x" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(json_body.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let wrong_part = app
        .http
        .post(app.at("/api/support_chat/attachments"))
        .bearer_auth(&token)
        .multipart(Form::new().part("upload", Part::bytes(b"hi".to_vec()).file_name("a.txt")))
        .send()
        .await
        .expect("POST");
    let (status, _, message) = error_of(wrong_part).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message.contains("`file`"), "{message}");
    let signed_out = upload(
        &app,
        "/api/support_chat/attachments",
        As::Bearer("forged"),
        "a.txt",
        b"hi".to_vec(),
    )
    .await;
    assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn chats_are_found_by_the_names_of_files_sent() {
    let app = TestApp::spawn().await;
    let token = app.visitor_token().await;
    let chat = app.get_json("/api/support_chat", Some(&token)).await;
    let sent = user_upload(&app, &token, "quarterly-invoice.pdf", samples::pdf(2000)).await;
    let res = send(
        &app,
        "/api/support_chat/messages",
        As::Bearer(&token),
        json!({ "attachment_ids": [sent["id"]] }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    user_upload(&app, &token, "secretplan.pdf", samples::pdf(2000)).await;
    let staff = app.admin_session("finder@example.com").await;
    let found = app
        .get_json_with_cookie("/api/admin/chats?q=quarterly", &staff)
        .await;
    let found = found.as_array().expect("a list");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["id"], chat["id"]);
    assert_eq!(found[0]["last_message_preview"], "📎 quarterly-invoice.pdf");
    assert!(
        found[0]["match_snippet"]
            .as_str()
            .is_some_and(|s| s.contains("quarterly")),
        "{found:?}"
    );
    let unsent = app
        .get_json_with_cookie("/api/admin/chats?q=secretplan", &staff)
        .await;
    assert_eq!(unsent.as_array().map(Vec::len), Some(0), "{unsent}");
}

/// Starts an upload by hand and leaves it open: its body never ends.
async fn hold_upload_open(app: &TestApp, token: &str) -> tokio::net::TcpStream {
    let address = app.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/support_chat/attachments HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=held\r\nContent-Length: 100000\r\n\r\n--held\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("send head");
    stream
}

#[tokio::test]
async fn one_person_has_at_most_four_uploads_under_way() {
    let app = TestApp::spawn().await;
    let token = app.visitor_token().await;
    let mut held = Vec::new();
    for _ in 0..domain::attachments::UPLOADS_AT_ONCE_PER_PERSON {
        held.push(hold_upload_open(&app, &token).await);
    }
    // The held uploads take their slots as the server reads their heads.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let res = upload(
            &app,
            "/api/support_chat/attachments",
            As::Bearer(&token),
            "a.txt",
            b"hi".to_vec(),
        )
        .await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(res.status(), StatusCode::CREATED);
        assert!(
            Instant::now() < deadline,
            "a fifth upload was never refused"
        );
    }
    // Someone else is not held back; and once the held ones go, the slots free.
    let other = app.visitor_token().await;
    user_upload(&app, &other, "b.txt", b"hello".to_vec()).await;
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let res = upload(
            &app,
            "/api/support_chat/attachments",
            As::Bearer(&token),
            "c.txt",
            b"hi".to_vec(),
        )
        .await;
        if res.status() == StatusCode::CREATED {
            break;
        }
        assert!(Instant::now() < deadline, "the slots never freed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
