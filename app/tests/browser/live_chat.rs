//! The `/ws` client (`LiveChat`) against a fake `WebSocket` and `fetch`: the frames it sends
//! (parsed as the server parses them), how server frames change the chat's signals, pending
//! messages reconciled by `client_id`, reconnection resuming after the newest `seq`, a signed-out
//! session staying closed, and the REST polling fallback while the socket is down.

use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen_test::wasm_bindgen_test;

use app::realtime::{ChatSignals, ConnectionState, LiveChat, LiveChatOptions, Pending};
use wire::{
    model::{AdminSupportChat, SenderType, SupportMessage},
    protocol::{CLOSE_SIGNED_OUT, Channel, ClientFrame, ErrorCode, ServerFrame},
};

use super::{
    at,
    fakes::{FakeServer, eventually, wait_ms},
    hello, message, subscribed,
};

/// A reconnection comes within the first backoff ceiling (500 ms) plus slack.
const RECONNECTS_WITHIN_MS: u32 = 1_500;

fn options(server: &FakeServer, token: Option<&str>, chat_id: Uuid) -> LiveChatOptions {
    LiveChatOptions {
        server: server.origin.clone(),
        token: token.map(str::to_owned),
        chat_id,
        as_staff: false,
    }
}

fn seqs(signals: ChatSignals) -> Vec<i64> {
    signals
        .log
        .with_untracked(|log| log.messages().iter().map(|m| m.seq).collect())
}

fn pending(content: &str) -> Pending {
    Pending {
        client_id: Uuid::now_v7(),
        content: content.to_owned(),
        attachments: Vec::new(),
        failed: false,
    }
}

#[wasm_bindgen_test]
async fn opening_authenticates_subscribes_after_the_newest_seq_and_resends_what_is_pending() {
    let server = FakeServer::new("live-opening");
    let chat_id = Uuid::now_v7();
    // What the page rendered, in any order.
    let signals = ChatSignals::new(vec![
        message(1, SenderType::User),
        message(3, SenderType::Admin),
        message(2, SenderType::User),
    ]);
    let waiting = Pending {
        failed: true,
        ..pending("still there?")
    };
    signals.pending.set(vec![waiting.clone()]);
    let live = LiveChat::connect(options(&server, Some("tok-1"), chat_id), signals);
    assert_eq!(server.socket_count(), 1);
    let socket = server.socket(0);
    assert!(
        socket.sent().is_empty(),
        "nothing goes before the socket opens"
    );
    assert_eq!(signals.state.get_untracked(), ConnectionState::Connecting);

    socket.open();
    let sent = socket.sent();
    assert_eq!(sent[..2], hello("tok-1", chat_id, 3));
    assert_eq!(
        sent[2..],
        [ClientFrame::SendMessage {
            chat_id,
            content: waiting.content.clone(),
            client_id: waiting.client_id,
            attachment_ids: Vec::new(),
        }]
    );
    assert_eq!(
        signals.state.get_untracked(),
        ConnectionState::Connecting,
        "open only once subscribed"
    );
    socket.receive(&subscribed(chat_id, 3));
    assert_eq!(signals.state.get_untracked(), ConnectionState::Open);
    live.close();
    assert!(socket.closed_by_client());
}

#[wasm_bindgen_test]
async fn socket_urls_follow_the_servers_scheme_and_a_refused_url_counts_as_down() {
    let plain = FakeServer::at("http://live-plain.test", "ws://live-plain.test/ws");
    let signals = ChatSignals::new(vec![]);
    let live = LiveChat::connect(options(&plain, None, Uuid::now_v7()), signals);
    assert_eq!(plain.socket_count(), 1);
    plain.socket(0).open();
    // The hosted app's cookie authenticates at the upgrade: no auth frame.
    assert!(matches!(
        plain.socket(0).sent()[..],
        [ClientFrame::Subscribe { after: Some(0), .. }]
    ));
    live.close();

    // The browser refuses a URL that is not http(s): down, as if the server were.
    let refused = FakeServer::at("ftp://live-refused.test", "ftp://live-refused.test/ws");
    let signals = ChatSignals::new(vec![]);
    let live = LiveChat::connect(options(&refused, None, Uuid::now_v7()), signals);
    assert_eq!(refused.socket_count(), 0);
    assert_eq!(signals.state.get_untracked(), ConnectionState::Closed);
    live.close();
}

#[wasm_bindgen_test]
async fn server_frames_change_the_chat() {
    let server = FakeServer::new("live-frames");
    let chat_id = Uuid::now_v7();
    let signals = ChatSignals::new(vec![
        message(1, SenderType::User),
        message(2, SenderType::Admin),
    ]);
    let (first, second) = (pending("first"), pending("second"));
    signals.pending.set(vec![first.clone(), second.clone()]);
    let live = LiveChat::connect(options(&server, None, chat_id), signals);
    let socket = server.socket(0);
    socket.open();
    socket.receive(&subscribed(chat_id, 2));
    let new_message = |message: &SupportMessage| {
        socket.receive(&ServerFrame::NewMessage {
            chat_id,
            message: message.clone(),
        });
    };

    // Live and replayed messages, out of order and twice: each once, in seq order; a newer
    // copy replaces the one held.
    let (m3, m4) = (message(3, SenderType::User), message(4, SenderType::Admin));
    new_message(&m4);
    new_message(&m3);
    let mut m3_again = m3.clone();
    m3_again.content = "the server's copy".into();
    new_message(&m3_again);
    assert_eq!(seqs(signals), [1, 2, 3, 4]);
    assert_eq!(
        signals
            .log
            .with_untracked(|l| l.messages()[2].content.clone()),
        "the server's copy"
    );

    // Typing shows until the typer's message comes; the other side's does not end it.
    socket.receive(&ServerFrame::Typing {
        chat_id,
        sender_type: SenderType::Admin,
    });
    assert_eq!(signals.typing.get_untracked(), Some(SenderType::Admin));
    new_message(&message(5, SenderType::User));
    assert_eq!(signals.typing.get_untracked(), Some(SenderType::Admin));
    new_message(&message(6, SenderType::Admin));
    assert_eq!(signals.typing.get_untracked(), None);

    // `sent` confirms a pending message by its client_id: it leaves the pending list and joins
    // the log; the same answer again (to a resend) keeps one copy.
    let confirmed = SupportMessage {
        client_id: Some(first.client_id),
        content: first.content.clone(),
        ..message(7, SenderType::User)
    };
    for _ in 0..2 {
        socket.receive(&ServerFrame::Sent {
            client_id: first.client_id,
            message: confirmed.clone(),
        });
        assert_eq!(signals.pending.get_untracked(), vec![second.clone()]);
        assert_eq!(seqs(signals), [1, 2, 3, 4, 5, 6, 7]);
    }

    // A refusal naming a pending message's client_id marks it for "retry"; errors naming
    // anything else leave the pending messages alone.
    for reference in [Some("send_message".to_owned()), None] {
        socket.receive(&ServerFrame::Error {
            code: ErrorCode::Invalid,
            message: "no".into(),
            reference,
        });
        assert_eq!(signals.pending.get_untracked(), vec![second.clone()]);
    }
    socket.receive(&ServerFrame::Error {
        code: ErrorCode::RateLimited,
        message: "slow down".into(),
        reference: Some(second.client_id.to_string()),
    });
    assert_eq!(
        signals.pending.get_untracked(),
        [Pending {
            failed: true,
            ..second.clone()
        }]
    );

    // Read receipts: the user read staff messages up to 4 (2 and 4; 6 stays unread); staff
    // read the user's up to 7 (all of them).
    assert_eq!(
        signals
            .log
            .with_untracked(|l| l.unread_from(SenderType::Admin)),
        3
    );
    socket.receive(&ServerFrame::Read {
        chat_id,
        reader: SenderType::User,
        read_at: at(1_714_000_500_000),
        up_to_seq: 4,
    });
    signals.log.with_untracked(|log| {
        assert_eq!(log.unread_from(SenderType::Admin), 1);
        assert_eq!(log.messages()[1].read_at, Some(at(1_714_000_500_000)));
        assert_eq!(log.messages()[5].read_at, None);
        assert_eq!(log.unread_from(SenderType::User), 4);
    });
    socket.receive(&ServerFrame::Read {
        chat_id,
        reader: SenderType::Admin,
        read_at: at(1_714_000_600_000),
        up_to_seq: 7,
    });
    assert_eq!(
        signals
            .log
            .with_untracked(|l| l.unread_from(SenderType::User)),
        0
    );

    // What a chat client does not act on, and what is not a frame at all, change nothing.
    let before = (
        signals.log.get_untracked(),
        signals.pending.get_untracked(),
        signals.typing.get_untracked(),
        signals.state.get_untracked(),
    );
    socket.receive(&ServerFrame::Pong);
    socket.receive(&ServerFrame::Unsubscribed {
        channel: Channel::Chat,
        chat_id: Some(chat_id),
    });
    for text in ["", "not json", "{}", "[1,2]", r#"{"type":"new_message"}"#] {
        socket.receive_text(text);
    }
    let after = (
        signals.log.get_untracked(),
        signals.pending.get_untracked(),
        signals.typing.get_untracked(),
        signals.state.get_untracked(),
    );
    assert_eq!(after, before);
    live.close();
}

#[wasm_bindgen_test]
async fn what_is_sent_while_the_socket_is_down_waits_for_it() {
    let server = FakeServer::new("live-sends");
    let chat_id = Uuid::now_v7();
    let signals = ChatSignals::new(vec![]);
    let live = LiveChat::connect(options(&server, Some("tok"), chat_id), signals);
    let socket = server.socket(0);

    let client_id = live.send("hello".into(), Vec::new());
    assert_eq!(
        signals.pending.get_untracked(),
        [Pending {
            client_id,
            content: "hello".into(),
            attachments: Vec::new(),
            failed: false
        }]
    );
    live.mark_read();
    live.typing();
    // Unconfirmed in time: "retry" is offered; retrying clears it (and sends when it can).
    live.give_up_waiting(&[client_id]);
    assert!(signals.pending.with_untracked(|p| p[0].failed));
    live.retry(client_id);
    assert!(!signals.pending.with_untracked(|p| p[0].failed));

    socket.open();
    // Typing was dropped; the read receipt waits for the subscription.
    let sent = socket.sent();
    assert_eq!(sent[..2], hello("tok", chat_id, 0));
    assert_eq!(
        sent[2..],
        [ClientFrame::SendMessage {
            chat_id,
            content: "hello".into(),
            client_id,
            attachment_ids: Vec::new(),
        }]
    );
    socket.receive(&subscribed(chat_id, 0));
    assert_eq!(
        socket.sent().last(),
        Some(&ClientFrame::MarkRead { chat_id })
    );

    // Open: everything goes at once.
    let sent_before = socket.sent().len();
    let again = live.send("again".into(), Vec::new());
    live.typing();
    live.mark_read();
    live.retry(client_id);
    live.retry(Uuid::now_v7()); // not pending: nothing to send
    assert_eq!(
        socket.sent()[sent_before..],
        [
            ClientFrame::SendMessage {
                chat_id,
                content: "again".into(),
                client_id: again,
                attachment_ids: Vec::new(),
            },
            ClientFrame::Typing { chat_id },
            ClientFrame::MarkRead { chat_id },
            ClientFrame::SendMessage {
                chat_id,
                content: "hello".into(),
                client_id,
                attachment_ids: Vec::new(),
            },
        ]
    );
    live.close();
}

#[wasm_bindgen_test]
async fn a_dropped_connection_comes_back_and_resumes_after_the_newest_seq() {
    let server = FakeServer::new("live-reconnect");
    let chat_id = Uuid::now_v7();
    let signals = ChatSignals::new(vec![message(1, SenderType::User)]);
    let live = LiveChat::connect(options(&server, Some("tok"), chat_id), signals);
    let first = server.socket(0);
    first.open();
    first.receive(&subscribed(chat_id, 1));
    first.receive(&ServerFrame::NewMessage {
        chat_id,
        message: message(2, SenderType::Admin),
    });
    let client_id = live.send("did this arrive?".into(), Vec::new());

    first.drop_with(1006);
    assert_eq!(signals.state.get_untracked(), ConnectionState::Closed);
    eventually("a second socket opens", RECONNECTS_WITHIN_MS, || {
        server.socket_count() == 2
    })
    .await;
    assert_eq!(signals.state.get_untracked(), ConnectionState::Connecting);
    let second = server.socket(1);
    second.open();
    let sent = second.sent();
    assert_eq!(sent[..2], hello("tok", chat_id, 2));
    assert_eq!(
        sent[2..],
        [ClientFrame::SendMessage {
            chat_id,
            content: "did this arrive?".into(),
            client_id,
            attachment_ids: Vec::new(),
        }]
    );
    // The server stored it the first time: the replay brings it, and `sent` answers the
    // resend with the same message. One copy, nothing pending.
    let stored = SupportMessage {
        client_id: Some(client_id),
        ..message(3, SenderType::User)
    };
    second.receive(&ServerFrame::NewMessage {
        chat_id,
        message: stored.clone(),
    });
    second.receive(&subscribed(chat_id, 3));
    second.receive(&ServerFrame::Sent {
        client_id,
        message: stored,
    });
    assert_eq!(signals.state.get_untracked(), ConnectionState::Open);
    assert_eq!(seqs(signals), [1, 2, 3]);
    assert!(signals.pending.get_untracked().is_empty());

    // Closed by the client: no reconnection.
    live.close();
    assert!(second.closed_by_client());
    second.drop_with(1000);
    wait_ms(RECONNECTS_WITHIN_MS).await;
    assert_eq!(server.socket_count(), 2);
}

#[wasm_bindgen_test]
async fn a_signed_out_session_stays_closed() {
    let server = FakeServer::new("live-signed-out");
    let chat_id = Uuid::now_v7();
    let signals = ChatSignals::new(vec![]);
    let live = LiveChat::connect(options(&server, Some("tok"), chat_id), signals);
    let socket = server.socket(0);
    socket.open();
    socket.receive(&subscribed(chat_id, 0));
    socket.drop_with(CLOSE_SIGNED_OUT);
    assert_eq!(signals.state.get_untracked(), ConnectionState::Closed);
    wait_ms(RECONNECTS_WITHIN_MS).await;
    assert_eq!(
        server.socket_count(),
        1,
        "the same token would only be refused"
    );
    assert_eq!(signals.state.get_untracked(), ConnectionState::Closed);
    live.close();
}

#[wasm_bindgen_test]
async fn while_down_it_polls_rest_for_messages_after_the_newest_seq() {
    let user = FakeServer::new("live-poll-user");
    let staff = FakeServer::new("live-poll-staff");
    let chat_id = Uuid::now_v7();
    let user_signals = ChatSignals::new(vec![
        message(1, SenderType::User),
        message(2, SenderType::Admin),
    ]);
    let staff_signals = ChatSignals::new((1..=5).map(|s| message(s, SenderType::User)).collect());
    let user_live = LiveChat::connect(options(&user, Some("tok"), chat_id), user_signals);
    let staff_live = LiveChat::connect(
        LiveChatOptions {
            as_staff: true,
            ..options(&staff, None, chat_id)
        },
        staff_signals,
    );
    // The chat owner's endpoint answers with messages, the staff one with the whole chat.
    user.reply(
        "GET",
        "/api/support_chat/messages?after_seq=2&limit=200",
        200,
        &serde_json::to_value([message(3, SenderType::Admin)]).expect("serialises"),
    );
    let chat = AdminSupportChat {
        id: chat_id,
        user_id: Uuid::now_v7(),
        user_email: None,
        archived: false,
        messages: vec![message(6, SenderType::User)],
        status: wire::team::ChatStatus::Open,
        snoozed_until: None,
        assignee: None,
        activity: Vec::new(),
        notes: Vec::new(),
        labels: Vec::new(),
        files: Vec::new(),
    };
    staff.reply(
        "GET",
        &format!("/api/admin/chats/{chat_id}?after_seq=5&limit=200"),
        200,
        &serde_json::to_value(&chat).expect("serialises"),
    );
    // Down: the sockets close, and the ones reconnection opens never answer.
    user.socket(0).drop_with(1006);
    staff.socket(0).drop_with(1006);
    wait_ms(4_500).await;
    assert!(user.requests().is_empty(), "the first poll comes after 5 s");
    eventually("both polls are answered", 2_000, || {
        seqs(user_signals) == [1, 2, 3] && seqs(staff_signals) == [1, 2, 3, 4, 5, 6]
    })
    .await;
    let (user_poll, staff_poll) = (&user.requests()[0], &staff.requests()[0]);
    assert_eq!(user_poll.method, "GET");
    assert_eq!(user_poll.authorization.as_deref(), Some("Bearer tok"));
    assert_eq!(
        staff_poll.authorization, None,
        "staff pages use their cookie"
    );
    assert_ne!(user_signals.state.get_untracked(), ConnectionState::Open);
    user_live.close();
    staff_live.close();
}

#[wasm_bindgen_test]
async fn typing_shows_until_six_seconds_after_the_last_announcement() {
    let server = FakeServer::new("live-typing");
    let chat_id = Uuid::now_v7();
    let signals = ChatSignals::new(vec![]);
    let live = LiveChat::connect(options(&server, None, chat_id), signals);
    let socket = server.socket(0);
    socket.open();
    socket.receive(&subscribed(chat_id, 0));
    let typing = ServerFrame::Typing {
        chat_id,
        sender_type: SenderType::User,
    };
    socket.receive(&typing);
    wait_ms(1_000).await;
    socket.receive(&typing);
    // 6.5 s after the first announcement, 5.5 s after the second: still typing.
    wait_ms(5_500).await;
    assert_eq!(signals.typing.get_untracked(), Some(SenderType::User));
    // 6.5 s after the second: gone.
    wait_ms(1_000).await;
    assert_eq!(signals.typing.get_untracked(), None);
    live.close();
}
