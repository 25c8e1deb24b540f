//! The browser's JSON codec against serde: the server writes every wire type with serde_json,
//! the browser reads it with `app::realtime::json`, and the reverse for client frames; each
//! value must come out as it went in. Malformed or mistyped JSON gives `None`, never a panic.

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use app::realtime::json;
use wire::{
    error::AppError,
    model::{Role, SenderType, SupportChat, SupportChatListItem, SupportMessage, UserProfile},
    protocol::{Channel, ClientFrame, ErrorCode, ServerFrame},
};

use super::{at, message};

/// Text full of what JSON escapes or encodes in more than one byte.
const AWKWARD: &str = "héllo — 日本語 👋🏽 👨‍👩‍👧 \"quoted\" back\\slash\nline\ttab \u{2028}\u{2029} \u{0} \u{1f} </script> <!-- &amp;";

/// `value` as the server writes it (serde_json), read back by `decode` in the browser.
fn server_to_browser<T: Serialize, U>(
    value: &T,
    decode: impl Fn(&JsValue) -> Option<U>,
) -> Option<U> {
    let text = serde_json::to_string(value).expect("serde writes it");
    json::parse(&text).and_then(|parsed| decode(&parsed))
}

/// `text` read by the browser's `decode` and by serde: both must give `expected`.
fn both_read<T: DeserializeOwned + PartialEq + std::fmt::Debug>(
    text: &str,
    decode: impl Fn(&JsValue) -> Option<T>,
    expected: Option<&T>,
) {
    let browser = json::parse(text).and_then(|parsed| decode(&parsed));
    assert_eq!(browser.as_ref(), expected, "the browser reads {text}");
    let serde = serde_json::from_str::<T>(text).ok();
    assert_eq!(serde.as_ref(), expected, "serde reads {text}");
}

fn messages_of_every_shape() -> Vec<SupportMessage> {
    let mut read = message(2, SenderType::Admin);
    read.read_at = Some(at(1_714_000_100_123));
    read.client_id = Some(Uuid::now_v7());
    let mut awkward = message(3, SenderType::User);
    awkward.content = AWKWARD.to_owned();
    let mut empty = message(4, SenderType::User);
    empty.content = String::new();
    // The largest seq a JavaScript number holds exactly.
    let mut far = message(6, SenderType::Admin);
    far.seq = 9_007_199_254_740_991;
    far.created_at = at(0);
    let mut future = message(5, SenderType::User);
    future.created_at = at(32_503_680_000_999); // 3000-01-01T00:00:00.999Z
    let mut signed = message(7, SenderType::Admin);
    signed.author = Some(wire::team::Author::new(Uuid::now_v7(), AWKWARD.to_owned()));
    vec![
        message(1, SenderType::User),
        read,
        signed,
        awkward,
        empty,
        far,
        future,
    ]
}

#[wasm_bindgen_test]
fn messages_chats_and_profiles_read_as_serde_wrote_them() {
    let messages = messages_of_every_shape();
    for message in &messages {
        assert_eq!(
            server_to_browser(message, json::message).as_ref(),
            Some(message)
        );
    }
    assert_eq!(
        server_to_browser(&messages, json::messages),
        Some(messages.clone())
    );
    assert_eq!(
        server_to_browser(&Vec::<SupportMessage>::new(), json::messages),
        Some(vec![])
    );
    for chat in [
        SupportChat {
            id: Uuid::now_v7(),
            messages: messages.clone(),
        },
        SupportChat {
            id: Uuid::now_v7(),
            messages: vec![],
        },
    ] {
        assert_eq!(server_to_browser(&chat, json::chat), Some(chat));
    }
    for (email, name, role, verified, email_verified) in [
        (None, None, Role::User, false, false),
        (Some("a@example.com"), None, Role::User, true, false),
        (
            Some("staff@example.com"),
            Some(AWKWARD),
            Role::Admin,
            false,
            true,
        ),
        (None, Some("Ada"), Role::User, true, true),
    ] {
        let profile = UserProfile {
            id: Uuid::now_v7(),
            email: email.map(str::to_owned),
            name: name.map(str::to_owned),
            role,
            verified,
            email_verified,
        };
        assert_eq!(server_to_browser(&profile, json::profile), Some(profile));
    }
}

#[wasm_bindgen_test]
fn timestamps_keep_the_millisecond_like_the_browser_clock() {
    // The server stores microseconds; the browser keeps what its clock holds.
    let mut precise = message(1, SenderType::User);
    precise.created_at = "2024-05-06T07:08:09.123456Z".parse().expect("a time");
    precise.read_at = Some("2024-05-06T07:08:10.999999Z".parse().expect("a time"));
    let decoded = server_to_browser(&precise, json::message).expect("decodes");
    assert_eq!(decoded.created_at, at(1_714_979_289_123));
    assert_eq!(decoded.read_at, Some(at(1_714_979_290_999)));
    // Any offset, and whole seconds, mean the same instant on both sides.
    let id = Uuid::now_v7();
    for created_at in [
        "2024-05-06T09:08:09.123+02:00",
        "2024-05-06T07:08:09.123Z",
        "2024-05-06T07:08:09.123+00:00",
    ] {
        let text = format!(
            r#"{{"id":"{id}","content":"x","sender_type":"user","read_at":null,"created_at":"{created_at}","seq":1}}"#
        );
        let expected = SupportMessage {
            id,
            content: "x".into(),
            sender_type: SenderType::User,
            read_at: None,
            created_at: at(1_714_979_289_123),
            seq: 1,
            client_id: None,
            author: None,
            attachments: Vec::new(),
        };
        both_read(&text, json::message, Some(&expected));
    }
}

#[wasm_bindgen_test]
fn absent_and_null_optional_fields_read_as_none_on_both_sides() {
    let id = Uuid::now_v7();
    let expected = SupportMessage {
        id,
        content: "hi".into(),
        sender_type: SenderType::Admin,
        read_at: None,
        created_at: at(1_714_979_289_000),
        seq: 7,
        client_id: None,
        author: None,
        attachments: Vec::new(),
    };
    let fields = format!(
        r#""id":"{id}","content":"hi","sender_type":"admin","created_at":"2024-05-06T07:08:09Z","seq":7"#
    );
    for text in [
        format!("{{{fields}}}"),
        format!(r#"{{{fields},"read_at":null}}"#),
        format!(r#"{{{fields},"read_at":null,"client_id":null}}"#),
        format!(r#"{{{fields},"client_id":null}}"#),
        format!(r#"{{{fields},"author":null}}"#),
    ] {
        both_read(&text, json::message, Some(&expected));
    }
    // `email_verified` came after the first release: absent means false.
    let profile = UserProfile {
        id,
        email: None,
        name: None,
        role: Role::User,
        verified: true,
        email_verified: false,
    };
    for text in [
        format!(r#"{{"id":"{id}","role":"user","verified":true}}"#),
        format!(r#"{{"id":"{id}","email":null,"name":null,"role":"user","verified":true}}"#),
        format!(
            r#"{{"id":"{id}","email":null,"name":null,"role":"user","verified":true,"email_verified":false}}"#
        ),
    ] {
        both_read(&text, json::profile, Some(&profile));
    }
}

#[wasm_bindgen_test]
fn unknown_fields_are_ignored_on_both_sides() {
    let message = message(3, SenderType::User);
    let mut value = serde_json::to_value(&message).expect("serialises");
    value["edited_at"] = json!("2030-01-01T00:00:00Z");
    value["pinned_by"] = json!([{"id": 1, "name": "a.png"}]);
    value["seq_hint"] = json!({"nested": [null, true, 1.5]});
    both_read(&value.to_string(), json::message, Some(&message));

    let chat = SupportChat {
        id: Uuid::now_v7(),
        messages: vec![message.clone()],
    };
    let mut value = serde_json::to_value(&chat).expect("serialises");
    value["archived"] = json!(true);
    value["messages"][0]["reactions"] = json!(["👍"]);
    both_read(&value.to_string(), json::chat, Some(&chat));

    let frame = ServerFrame::NewMessage {
        chat_id: chat.id,
        message,
    };
    let mut value = serde_json::to_value(&frame).expect("serialises");
    value["trace"] = json!("abc");
    value["message"]["preview"] = json!("…");
    assert_eq!(json::server_frame(&value.to_string()), Some(frame.clone()));
    assert_eq!(
        serde_json::from_value::<ServerFrame>(value).ok(),
        Some(frame)
    );
}

#[wasm_bindgen_test]
fn malformed_json_and_wrong_types_give_none_on_both_sides() {
    for text in [
        "",
        " ",
        "{",
        "nul",
        "{'type':'pong'}",
        r#"{"type":"typing",}"#,
        "\u{feff}{}",
    ] {
        assert!(json::parse(text).is_none(), "JSON.parse refuses {text:?}");
        assert!(json::server_frame(text).is_none(), "{text:?}");
        assert!(serde_json::from_str::<ServerFrame>(text).is_err());
    }
    let chat_id = Uuid::now_v7();
    let message = serde_json::to_value(super::message(1, SenderType::Admin)).expect("serialises");
    let with = |field: &str, value: Value| {
        let mut changed = message.clone();
        changed[field] = value;
        changed
    };
    let without = |field: &str| {
        let mut changed = message.clone();
        changed.as_object_mut().expect("an object").remove(field);
        changed
    };
    let broken_messages = [
        with("id", json!("not-a-uuid")),
        with("id", json!(42)),
        with("content", json!(5)),
        with("content", Value::Null),
        with("sender_type", json!("robot")),
        with("sender_type", json!(["admin"])),
        with("created_at", json!("yesterday")),
        with("created_at", json!(1_714_979_289_000_i64)),
        with("seq", json!("1")),
        with("seq", Value::Null),
        with("read_at", json!("soon")),
        with("client_id", json!("not-a-uuid")),
        without("id"),
        without("content"),
        without("sender_type"),
        without("created_at"),
        without("seq"),
    ];
    for broken in &broken_messages {
        // read_at and client_id are optional: the browser drops a value it cannot read
        // (serde refuses the message); both never take it for something else.
        let lenient =
            broken["read_at"] == json!("soon") || broken["client_id"] == json!("not-a-uuid");
        let text = broken.to_string();
        let browser = json::parse(&text).and_then(|v| json::message(&v));
        if lenient {
            let read = browser.expect("the rest of the message reads");
            assert!(read.read_at.is_none() && read.client_id.is_none(), "{text}");
        } else {
            assert!(browser.is_none(), "the browser refuses {text}");
        }
        assert!(
            serde_json::from_str::<SupportMessage>(&text).is_err(),
            "serde refuses {text}"
        );
        let frame = json!({"type": "new_message", "chat_id": chat_id, "message": broken});
        if !lenient {
            assert!(json::server_frame(&frame.to_string()).is_none(), "{frame}");
        }
    }
    for value in [
        json!(null),
        json!(42),
        json!("text"),
        json!([]),
        json!({}),
        json!([message]),
    ] {
        let text = value.to_string();
        let parsed = json::parse(&text).expect("valid JSON");
        assert!(json::message(&parsed).is_none(), "{text}");
        assert!(json::chat(&parsed).is_none(), "{text}");
        assert!(json::profile(&parsed).is_none(), "{text}");
        assert!(json::error_message(&parsed).is_none(), "{text}");
        assert!(json::server_frame(&text).is_none(), "{text}");
    }
    for value in [json!({}), json!(null), json!("[]"), json!([message, 5])] {
        let parsed = json::parse(&value.to_string()).expect("valid JSON");
        assert!(json::messages(&parsed).is_none(), "{value}");
        assert!(serde_json::from_value::<Vec<SupportMessage>>(value).is_err());
    }
    for value in [
        json!({"id": chat_id}),
        json!({"id": chat_id, "messages": null}),
        json!({"id": chat_id, "messages": {}}),
        json!({"id": "chat", "messages": []}),
        json!({"messages": []}),
    ] {
        let parsed = json::parse(&value.to_string()).expect("valid JSON");
        assert!(json::chat(&parsed).is_none(), "{value}");
        assert!(serde_json::from_value::<SupportChat>(value).is_err());
    }
    for value in [
        json!({"role": "user", "verified": false}),
        json!({"id": 5, "role": "user", "verified": false}),
        json!({"id": chat_id, "verified": false}),
        json!({"id": chat_id, "role": 1, "verified": false}),
        json!({"id": chat_id, "email": 5, "role": "user", "verified": false}),
    ] {
        let parsed = json::parse(&value.to_string()).expect("valid JSON");
        let browser = json::profile(&parsed);
        // An email that is not a string is dropped rather than refusing the person.
        if value["email"] == json!(5) {
            assert!(browser.expect("the rest reads").email.is_none());
        } else {
            assert!(browser.is_none(), "{value}");
        }
        assert!(serde_json::from_value::<UserProfile>(value).is_err());
    }
    for frame in [
        json!({}),
        json!({"type": 42}),
        json!({"type": null}),
        json!({"type": "NEW_MESSAGE", "chat_id": chat_id, "message": message}),
        json!({"type": "new_message", "chat_id": chat_id}),
        json!({"type": "new_message", "message": message}),
        json!({"type": "new_message", "chat_id": "x", "message": message}),
        json!({"type": "sent", "client_id": "x", "message": message}),
        json!({"type": "sent", "message": message}),
        json!({"type": "read", "chat_id": chat_id, "read_at": "2024-05-06T07:08:09Z"}),
        json!({"type": "read", "chat_id": chat_id, "read_at": "never", "up_to_seq": 3}),
        json!({"type": "read", "chat_id": chat_id, "read_at": "2024-05-06T07:08:09Z", "up_to_seq": "3"}),
        json!({"type": "typing", "chat_id": chat_id, "sender_type": "nobody"}),
        json!({"type": "typing", "chat_id": chat_id}),
        json!({"type": "subscribed", "chat_id": chat_id, "seq": 3}),
        json!({"type": "subscribed", "channel": "everything", "chat_id": chat_id}),
        json!({"type": "subscribed", "channel": 1, "chat_id": chat_id}),
    ] {
        let text = frame.to_string();
        assert!(
            json::server_frame(&text).is_none(),
            "the browser refuses {text}"
        );
        assert!(
            serde_json::from_str::<ServerFrame>(&text).is_err(),
            "serde refuses {text}"
        );
    }
    for body in [
        json!({}),
        json!({"error": "boom"}),
        json!({"error": {"message": 5}}),
    ] {
        let parsed = json::parse(&body.to_string()).expect("valid JSON");
        assert!(json::error_message(&parsed).is_none(), "{body}");
    }
    // A lone surrogate: serde refuses it, the browser reads it as U+FFFD; neither panics.
    let text = format!(
        r#"{{"type":"typing","chat_id":"{chat_id}","sender_type":"user","note":"\ud800"}}"#
    );
    assert!(json::server_frame(&text).is_some());
    let content = r#"{"id":"018f4c8e-0000-7000-8000-000000000000","content":"\ud800!","sender_type":"user","created_at":"2024-05-06T07:08:09Z","seq":1}"#;
    let read = json::parse(content)
        .and_then(|v| json::message(&v))
        .expect("reads");
    assert_eq!(read.content, "\u{fffd}!");
    assert!(serde_json::from_str::<SupportMessage>(content).is_err());
}

/// Every code the server may send. The match has no wildcard: a code added to the protocol
/// does not compile here until it is listed, so the codec's test covers it.
fn every_error_code() -> [ErrorCode; 7] {
    let listed = |code: ErrorCode| match code {
        ErrorCode::Unauthorized
        | ErrorCode::NotFound
        | ErrorCode::Forbidden
        | ErrorCode::Invalid
        | ErrorCode::RateLimited
        | ErrorCode::TooLarge
        | ErrorCode::Internal => code,
    };
    [
        ErrorCode::Unauthorized,
        ErrorCode::NotFound,
        ErrorCode::Forbidden,
        ErrorCode::Invalid,
        ErrorCode::RateLimited,
        ErrorCode::TooLarge,
        ErrorCode::Internal,
    ]
    .map(listed)
}

#[wasm_bindgen_test]
fn server_frames_a_chat_client_acts_on_read_as_serde_wrote_them() {
    let chat_id = Uuid::now_v7();
    let mut awkward = message(9, SenderType::Admin);
    awkward.content = AWKWARD.to_owned();
    let mut frames = vec![
        ServerFrame::Subscribed {
            channel: Channel::Chat,
            chat_id: Some(chat_id),
            seq: Some(12),
        },
        ServerFrame::Subscribed {
            channel: Channel::Chat,
            chat_id: Some(chat_id),
            seq: None,
        },
        ServerFrame::Subscribed {
            channel: Channel::Chat,
            chat_id: Some(chat_id),
            seq: Some(0),
        },
        ServerFrame::Subscribed {
            channel: Channel::Admin,
            chat_id: None,
            seq: None,
        },
        ServerFrame::NewMessage {
            chat_id,
            message: awkward,
        },
        ServerFrame::Sent {
            client_id: Uuid::now_v7(),
            message: {
                let mut sent = message(10, SenderType::User);
                sent.client_id = Some(Uuid::now_v7());
                sent
            },
        },
        ServerFrame::Typing {
            chat_id,
            sender_type: SenderType::User,
        },
        ServerFrame::Typing {
            chat_id,
            sender_type: SenderType::Admin,
        },
    ];
    for reader in [SenderType::User, SenderType::Admin] {
        frames.push(ServerFrame::Read {
            chat_id,
            reader,
            read_at: at(1_714_979_289_456),
            up_to_seq: 41,
        });
    }
    for code in every_error_code() {
        frames.push(ServerFrame::Error {
            code,
            message: format!("{code:?}: {AWKWARD}"),
            reference: Some(Uuid::now_v7().to_string()),
        });
        frames.push(ServerFrame::Error {
            code,
            message: String::new(),
            reference: None,
        });
    }
    for frame in frames {
        let text = serde_json::to_string(&frame).expect("serialises");
        assert_eq!(json::server_frame(&text), Some(frame), "{text}");
    }
    // `reader` came after the first release: without it, the user read (serde's default too).
    let text = format!(
        r#"{{"type":"read","chat_id":"{chat_id}","read_at":"2024-05-06T07:08:09.456Z","up_to_seq":41}}"#
    );
    let expected = ServerFrame::Read {
        chat_id,
        reader: SenderType::User,
        read_at: at(1_714_979_289_456),
        up_to_seq: 41,
    };
    assert_eq!(json::server_frame(&text).as_ref(), Some(&expected));
    assert_eq!(
        serde_json::from_str::<ServerFrame>(&text).ok(),
        Some(expected)
    );
    // An error code added later (serde here would refuse the frame) still names what it
    // answers, so a refused send is still offered "retry".
    let text = r#"{"type":"error","code":"a_code_added_later","message":"no","ref":"abc"}"#;
    assert_eq!(
        json::server_frame(text),
        Some(ServerFrame::Error {
            code: ErrorCode::Invalid,
            message: "no".into(),
            reference: Some("abc".into()),
        })
    );
}

#[wasm_bindgen_test]
fn server_frames_for_others_are_passed_over() {
    let chat_id = Uuid::now_v7();
    let user = super::visitor();
    let item = SupportChatListItem {
        id: chat_id,
        user_id: user.id,
        user_email: None,
        last_message_at: None,
        last_message_preview: None,
        last_message_sender: None,
        message_count: 0,
        unread: false,
        archived: false,
        status: wire::team::ChatStatus::Open,
        snoozed_until: None,
        assignee: None,
        labels: Vec::new(),
        match_in_note: false,
        match_snippet: None,
    };
    // The chat client does not act on these (the staff dashboard's feed reads them with serde).
    for frame in [
        ServerFrame::Ready { user },
        ServerFrame::Unsubscribed {
            channel: Channel::Chat,
            chat_id: Some(chat_id),
        },
        ServerFrame::NewUserMessage {
            chat_id,
            user_email: Some("a@example.com".into()),
            message: message(1, SenderType::User),
        },
        ServerFrame::ChatUpdated { chat: item },
        ServerFrame::Pong,
    ] {
        let text = serde_json::to_string(&frame).expect("serialises");
        assert_eq!(json::server_frame(&text), None, "{text}");
    }
    assert_eq!(
        json::server_frame(r#"{"type":"a_frame_added_later","chat_id":null}"#),
        None
    );
}

#[wasm_bindgen_test]
fn client_frames_are_written_as_serde_writes_them() {
    let chat_id = Uuid::now_v7();
    let frames = [
        ClientFrame::Auth {
            token: "cfw_abc.DEF-123_~+/=".into(),
        },
        ClientFrame::Subscribe {
            channel: Channel::Chat,
            chat_id: Some(chat_id),
            after: Some(0),
        },
        ClientFrame::Subscribe {
            channel: Channel::Chat,
            chat_id: Some(chat_id),
            after: Some(9_007_199_254_740_991),
        },
        ClientFrame::Subscribe {
            channel: Channel::Chat,
            chat_id: Some(chat_id),
            after: None,
        },
        ClientFrame::Subscribe {
            channel: Channel::Admin,
            chat_id: None,
            after: None,
        },
        ClientFrame::Unsubscribe {
            channel: Channel::Chat,
            chat_id: Some(chat_id),
        },
        ClientFrame::Unsubscribe {
            channel: Channel::Admin,
            chat_id: None,
        },
        ClientFrame::SendMessage {
            chat_id,
            content: AWKWARD.into(),
            client_id: Uuid::now_v7(),
            attachment_ids: Vec::new(),
        },
        ClientFrame::SendMessage {
            chat_id,
            content: "x".repeat(5_000),
            client_id: Uuid::now_v7(),
            attachment_ids: Vec::new(),
        },
        ClientFrame::SendMessage {
            chat_id,
            content: String::new(),
            client_id: Uuid::now_v7(),
            attachment_ids: vec![Uuid::now_v7(), Uuid::now_v7()],
        },
        ClientFrame::Typing { chat_id },
        ClientFrame::MarkRead { chat_id },
        ClientFrame::Ping,
    ];
    for frame in frames {
        let text = json::client_frame(&frame);
        // The same JSON as serde's: the same fields, absent where serde leaves them out.
        let written: Value = serde_json::from_str(&text).expect("the browser writes JSON");
        assert_eq!(
            written,
            serde_json::to_value(&frame).expect("serialises"),
            "{text}"
        );
        assert_eq!(
            serde_json::from_str::<ClientFrame>(&text).ok(),
            Some(frame),
            "{text}"
        );
    }
}

#[wasm_bindgen_test]
fn message_objects_for_the_host_page_read_as_the_rest_api_writes_them() {
    for message in messages_of_every_shape() {
        let text = json::stringify(&json::message_object(&message));
        assert_eq!(
            serde_json::from_str::<SupportMessage>(&text).ok().as_ref(),
            Some(&message),
            "{text}"
        );
        // The same fields as the REST API's: `read_at` null when unread, `client_id` only when
        // given.
        let written: Value = serde_json::from_str(&text).expect("JSON");
        let rest = serde_json::to_value(&message).expect("serialises");
        let keys = |v: &Value| {
            let mut keys: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(keys(&written), keys(&rest), "{text}");
    }
}

#[wasm_bindgen_test]
fn error_bodies_give_their_message_and_request_bodies_skip_absent_fields() {
    for error in [
        AppError::BadRequest {
            message: AWKWARD.into(),
        },
        AppError::Unauthorized {
            message: "sign in again".into(),
        },
        AppError::MethodNotAllowed,
    ] {
        // The body the server's `IntoResponse` writes (wire::error, feature `http`).
        let body = json!({"error": {"code": error.code(), "message": error.to_string()}});
        let parsed = json::parse(&body.to_string()).expect("JSON");
        assert_eq!(json::error_message(&parsed), Some(error.to_string()));
    }
    let body = json::object(&[
        ("user_id", Some("42")),
        ("email", None),
        ("name", Some(AWKWARD)),
        ("user_hash", None),
    ]);
    let written: Value = serde_json::from_str(&json::stringify(&body)).expect("JSON");
    assert_eq!(written, json!({"user_id": "42", "name": AWKWARD}));
    assert_eq!(json::stringify(&json::object(&[("email", None)])), "{}");
}

#[wasm_bindgen_test]
fn a_staff_message_names_its_author_on_both_sides() {
    let (id, maya) = (Uuid::now_v7(), Uuid::now_v7());
    let text = format!(
        r##"{{"id":"{id}","content":"hi","sender_type":"admin","created_at":"2024-05-06T07:08:09Z","seq":2,"author":{{"id":"{maya}","name":"Maya","avatar":{{"initials":"M","color":"#1d4ed8"}}}}}}"##
    );
    let expected = SupportMessage {
        id,
        content: "hi".into(),
        sender_type: SenderType::Admin,
        read_at: None,
        created_at: at(1_714_979_289_000),
        seq: 2,
        client_id: None,
        author: Some(wire::team::Author {
            id: maya,
            name: "Maya".into(),
            avatar: wire::team::Avatar {
                initials: "M".into(),
                color: "#1d4ed8".into(),
            },
        }),
        attachments: Vec::new(),
    };
    both_read(&text, json::message, Some(&expected));
}

#[wasm_bindgen_test]
fn files_on_messages_read_alike_on_both_sides() {
    let mut with_files = message(4, SenderType::Admin);
    with_files.attachments = vec![
        wire::attachments::Attachment {
            id: Uuid::now_v7(),
            name: "screen shot.png".into(),
            size: 123_456,
            content_type: "image/png".into(),
            width: Some(1280),
            height: Some(800),
            url: "/files/a?exp=1&sig=ab".into(),
            thumbnail_url: Some("/files/a/thumbnail?exp=1&sig=cd".into()),
        },
        wire::attachments::Attachment {
            id: Uuid::now_v7(),
            name: "invoice.pdf".into(),
            size: 9,
            content_type: "application/pdf".into(),
            width: None,
            height: None,
            url: "https://chat.example/files/b?exp=1&sig=ef".into(),
            thumbnail_url: None,
        },
    ];
    let text = serde_json::to_string(&with_files).expect("serialises");
    both_read(&text, json::message, Some(&with_files));
    // The embed's DOM events carry them as the REST API writes them.
    let object = json::stringify(&json::message_object(&with_files));
    let read: serde_json::Value = serde_json::from_str(&object).expect("JSON");
    assert_eq!(
        read["attachments"],
        serde_json::to_value(&with_files.attachments).expect("JSON")
    );
    // A file without its link is malformed: neither side reads the message.
    let mut broken = serde_json::to_value(&with_files).expect("serialises");
    broken["attachments"][0]["url"] = json!(null);
    both_read(&broken.to_string(), json::message, None);
}
