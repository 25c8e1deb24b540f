//! The browser's JSON codec for the wire types the widget reads and writes: decoding uses the
//! browser's own `JSON.parse` and reads fields by name; encoding builds plain objects for
//! `JSON.stringify`. The server and the tests use the serde derivations on the same types;
//! in the browser those (with serde_json's parser and formatter) weighed about 70 KB of the
//! embed bundle's compressed size, so this side reads and writes the documented JSON directly.
//! Field names are the public contract's (README: REST API, `/ws` protocol); the browser unit
//! tests (`app/tests/browser`) hold every decoder and encoder to serde's reading and writing of
//! the same values, and the Playwright tests exercise them against the running server.

use chrono::{DateTime, Utc};
use js_sys::{Array, JSON, Object, Reflect};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use wire::{
    attachments::Attachment,
    model::{Role, SenderType, SupportChat, SupportMessage, UserProfile},
    protocol::{Channel, ClientFrame, ErrorCode, ServerFrame},
    team::{Author, Avatar},
};

/// Parses JSON text into a browser value.
pub fn parse(text: &str) -> Option<JsValue> {
    JSON::parse(text).ok()
}

/// JSON text of a browser value.
pub fn stringify(value: &JsValue) -> String {
    JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn text(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).as_string()
}

fn number(object: &JsValue, key: &str) -> Option<f64> {
    get(object, key).as_f64()
}

fn id(object: &JsValue, key: &str) -> Option<Uuid> {
    Uuid::parse_str(&text(object, key)?).ok()
}

/// An RFC 3339 timestamp, to the millisecond (the browser's precision).
fn time(object: &JsValue, key: &str) -> Option<DateTime<Utc>> {
    let millis = js_sys::Date::parse(&text(object, key)?);
    // NaN (unparsable) fails the range check and gives None.
    if !(-8.64e15..=8.64e15).contains(&millis) {
        return None;
    }
    DateTime::from_timestamp_millis(millis as i64)
}

fn sender(name: &str) -> Option<SenderType> {
    match name {
        "user" => Some(SenderType::User),
        "admin" => Some(SenderType::Admin),
        _ => None,
    }
}

/// A message (`SupportMessage`).
pub fn message(value: &JsValue) -> Option<SupportMessage> {
    Some(SupportMessage {
        id: id(value, "id")?,
        content: text(value, "content")?,
        sender_type: sender(&text(value, "sender_type")?)?,
        read_at: time(value, "read_at"),
        created_at: time(value, "created_at")?,
        seq: number(value, "seq")? as i64,
        client_id: id(value, "client_id"),
        author: author(&get(value, "author")),
        attachments: attachments(&get(value, "attachments"))?,
    })
}

/// A file (`Attachment`).
pub fn attachment(value: &JsValue) -> Option<Attachment> {
    let pixels = |key| number(value, key).map(|n| n as u32);
    Some(Attachment {
        id: id(value, "id")?,
        name: text(value, "name")?,
        size: number(value, "size")? as u64,
        content_type: text(value, "content_type")?,
        width: pixels("width"),
        height: pixels("height"),
        url: text(value, "url")?,
        thumbnail_url: text(value, "thumbnail_url"),
    })
}

/// A message's files: none when the field is absent (a server before attachments), `None`
/// when any is malformed.
fn attachments(value: &JsValue) -> Option<Vec<Attachment>> {
    if value.is_undefined() || value.is_null() {
        return Some(Vec::new());
    }
    if !Array::is_array(value) {
        return None;
    }
    Array::from(value).iter().map(|a| attachment(&a)).collect()
}

/// A staff message's author (`Author`); `None` when absent or `null`.
fn author(value: &JsValue) -> Option<Author> {
    let avatar = get(value, "avatar");
    Some(Author {
        id: id(value, "id")?,
        name: text(value, "name")?,
        avatar: Avatar {
            initials: text(&avatar, "initials")?,
            color: text(&avatar, "color")?,
        },
    })
}

/// An array of messages; `None` if anything in it is not a message.
pub fn messages(value: &JsValue) -> Option<Vec<SupportMessage>> {
    if !Array::is_array(value) {
        return None;
    }
    Array::from(value).iter().map(|m| message(&m)).collect()
}

/// A chat with its messages (`SupportChat`).
pub fn chat(value: &JsValue) -> Option<SupportChat> {
    Some(SupportChat {
        id: id(value, "id")?,
        messages: messages(&get(value, "messages"))?,
    })
}

/// A person (`UserProfile`).
pub fn profile(value: &JsValue) -> Option<UserProfile> {
    Some(UserProfile {
        id: id(value, "id")?,
        email: text(value, "email"),
        name: text(value, "name"),
        role: match text(value, "role")?.as_str() {
            "admin" => Role::Admin,
            "agent" => Role::Agent,
            _ => Role::User,
        },
        verified: get(value, "verified").as_bool().unwrap_or(false),
        email_verified: get(value, "email_verified").as_bool().unwrap_or(false),
    })
}

/// `{"error": {"message": …}}`'s message.
pub fn error_message(value: &JsValue) -> Option<String> {
    text(&get(value, "error"), "message")
}

/// The server frames a chat client acts on; `None` for the others (staff channel frames,
/// `pong`) and for anything malformed.
pub fn server_frame(text_frame: &str) -> Option<ServerFrame> {
    let value = parse(text_frame)?;
    let chat_id = || id(&value, "chat_id");
    Some(match text(&value, "type")?.as_str() {
        "subscribed" => ServerFrame::Subscribed {
            channel: channel(&text(&value, "channel")?)?,
            chat_id: chat_id(),
            seq: number(&value, "seq").map(|s| s as i64),
        },
        "new_message" => ServerFrame::NewMessage {
            chat_id: chat_id()?,
            message: message(&get(&value, "message"))?,
        },
        "sent" => ServerFrame::Sent {
            client_id: id(&value, "client_id")?,
            message: message(&get(&value, "message"))?,
        },
        "read" => ServerFrame::Read {
            chat_id: chat_id()?,
            // Absent in frames from servers before the field existed: the user read.
            reader: text(&value, "reader")
                .and_then(|r| sender(&r))
                .unwrap_or(SenderType::User),
            read_at: time(&value, "read_at")?,
            up_to_seq: number(&value, "up_to_seq")? as i64,
        },
        "typing" => ServerFrame::Typing {
            chat_id: chat_id()?,
            sender_type: sender(&text(&value, "sender_type")?)?,
        },
        "error" => ServerFrame::Error {
            // A code added after this client was built still reaches it (a refused send is
            // still offered "retry"), as the nearest meaning.
            code: text(&value, "code")
                .and_then(|c| error_code(&c))
                .unwrap_or(ErrorCode::Invalid),
            message: text(&value, "message").unwrap_or_default(),
            reference: text(&value, "ref"),
        },
        _ => return None,
    })
}

/// A plain object of string fields, skipping `None`s.
pub fn object(fields: &[(&str, Option<&str>)]) -> JsValue {
    let object = Object::new();
    for (key, value) in fields {
        if let Some(value) = value {
            let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
        }
    }
    object.into()
}

fn channel(name: &str) -> Option<Channel> {
    match name {
        "chat" => Some(Channel::Chat),
        "admin" => Some(Channel::Admin),
        _ => None,
    }
}

fn error_code(name: &str) -> Option<ErrorCode> {
    Some(match name {
        "unauthorized" => ErrorCode::Unauthorized,
        "not_found" => ErrorCode::NotFound,
        "forbidden" => ErrorCode::Forbidden,
        "invalid" => ErrorCode::Invalid,
        "rate_limited" => ErrorCode::RateLimited,
        "too_large" => ErrorCode::TooLarge,
        "internal" => ErrorCode::Internal,
        _ => return None,
    })
}

fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Chat => "chat",
        Channel::Admin => "admin",
    }
}

/// JSON text of a client frame, as the `/ws` protocol names it.
pub fn client_frame(frame: &ClientFrame) -> String {
    let chat = |kind: &str, chat_id: &Uuid| {
        object(&[
            ("type", Some(kind)),
            ("chat_id", Some(&chat_id.to_string())),
        ])
    };
    let value = match frame {
        ClientFrame::Auth { token } => object(&[("type", Some("auth")), ("token", Some(token))]),
        ClientFrame::Subscribe {
            channel,
            chat_id,
            after,
        } => {
            let value = object(&[
                ("type", Some("subscribe")),
                ("channel", Some(channel_name(*channel))),
                ("chat_id", chat_id.map(|c| c.to_string()).as_deref()),
            ]);
            if let Some(after) = after {
                let _ = Reflect::set(&value, &"after".into(), &JsValue::from_f64(*after as f64));
            }
            value
        }
        ClientFrame::SendMessage {
            chat_id,
            content,
            client_id,
            attachment_ids,
        } => {
            let value = object(&[
                ("type", Some("send_message")),
                ("chat_id", Some(&chat_id.to_string())),
                ("content", Some(content)),
                ("client_id", Some(&client_id.to_string())),
            ]);
            if !attachment_ids.is_empty() {
                let ids: Array = attachment_ids
                    .iter()
                    .map(|id| JsValue::from_str(&id.to_string()))
                    .collect();
                let _ = Reflect::set(&value, &"attachment_ids".into(), &ids);
            }
            value
        }
        ClientFrame::Typing { chat_id } => chat("typing", chat_id),
        ClientFrame::MarkRead { chat_id } => chat("mark_read", chat_id),
        ClientFrame::Unsubscribe { channel, chat_id } => object(&[
            ("type", Some("unsubscribe")),
            ("channel", Some(channel_name(*channel))),
            ("chat_id", chat_id.map(|c| c.to_string()).as_deref()),
        ]),
        ClientFrame::Ping => object(&[("type", Some("ping"))]),
    };
    stringify(&value)
}

/// A message as a plain object, shaped as the REST API's (for the embed's DOM events).
pub fn message_object(message: &SupportMessage) -> JsValue {
    let iso = |t: &DateTime<Utc>| Some(crate::browser::iso_time(*t));
    let value = object(&[
        ("id", Some(&message.id.to_string())),
        ("content", Some(&message.content)),
        (
            "sender_type",
            Some(match message.sender_type {
                SenderType::User => "user",
                SenderType::Admin => "admin",
            }),
        ),
        ("created_at", iso(&message.created_at).as_deref()),
        (
            "client_id",
            message.client_id.map(|c| c.to_string()).as_deref(),
        ),
    ]);
    let read_at = message
        .read_at
        .as_ref()
        .and_then(iso)
        .map_or(JsValue::NULL, |t| JsValue::from_str(&t));
    let _ = Reflect::set(&value, &"read_at".into(), &read_at);
    let _ = Reflect::set(
        &value,
        &"seq".into(),
        &JsValue::from_f64(message.seq as f64),
    );
    // `author` as the REST API writes it: the staff member, or null for the user's messages.
    let author = message.author.as_ref().map_or(JsValue::NULL, |author| {
        let written = object(&[
            ("id", Some(&author.id.to_string())),
            ("name", Some(&author.name)),
        ]);
        let avatar = object(&[
            ("initials", Some(&author.avatar.initials)),
            ("color", Some(&author.avatar.color)),
        ]);
        let _ = Reflect::set(&written, &"avatar".into(), &avatar);
        written
    });
    let _ = Reflect::set(&value, &"author".into(), &author);
    let files: Array = message.attachments.iter().map(attachment_object).collect();
    let _ = Reflect::set(&value, &"attachments".into(), &files);
    value
}

/// A file as a plain object, shaped as the REST API's.
pub fn attachment_object(file: &Attachment) -> JsValue {
    let value = object(&[
        ("id", Some(&file.id.to_string())),
        ("name", Some(&file.name)),
        ("content_type", Some(&file.content_type)),
        ("url", Some(&file.url)),
    ]);
    let number = |n: Option<u32>| n.map_or(JsValue::NULL, |n| JsValue::from_f64(f64::from(n)));
    let _ = Reflect::set(&value, &"size".into(), &JsValue::from_f64(file.size as f64));
    let _ = Reflect::set(&value, &"width".into(), &number(file.width));
    let _ = Reflect::set(&value, &"height".into(), &number(file.height));
    let thumbnail = file
        .thumbnail_url
        .as_deref()
        .map_or(JsValue::NULL, JsValue::from_str);
    let _ = Reflect::set(&value, &"thumbnail_url".into(), &thumbnail);
    value
}
