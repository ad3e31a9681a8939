//! Signing in against the real server: tokens signed here with the test secret, the closes
//! and rejects a client sees, names taken from the token, and expiry on an open connection.

mod common;

use common::{
    connect, raw, recv, recv_stamped, send, send_text, upgrade_request, TestServer, TestSocket,
    TIMEOUT,
};
use futures_util::StreamExt;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::{close_code, ClientFrame, ServerFrame};
use ws_chat_server::Config;

const SECRET: &str = "a test secret of at least thirty-two bytes";

/// A server that checks HS256 tokens, gives a connection 500 ms to sign in and an expired
/// token 1 s of grace; `guests` is `--anonymous` (none: the default with a key).
async fn auth_server(guests: Option<&str>) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = dir.path().join("secret");
    std::fs::write(&secret, format!("{SECRET}\n")).expect("write secret");
    let secret = secret.to_str().expect("utf-8").to_owned();
    let mut args = vec![
        "ws-chat-server",
        "--db",
        ":memory:",
        "--jwt-secret-file",
        &secret,
        "--auth-timeout",
        "500ms",
        "--token-grace",
        "1s",
    ];
    if let Some(guests) = guests {
        args.extend(["--anonymous", guests]);
    }
    let config = <Config as clap::Parser>::try_parse_from(args).expect("flags");
    (TestServer::with(config).await, dir)
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn token(claims: Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()).expect("key"),
    )
    .expect("sign")
}

/// A token for `sub` named `name`, valid for `secs`, with `rooms` if given.
fn token_for(sub: &str, name: &str, secs: u64, rooms: Option<Value>) -> String {
    let mut claims = json!({"sub": sub, "name": name, "aud": "ws-chat", "exp": now_secs() + secs});
    if let Some(rooms) = rooms {
        claims["rooms"] = rooms;
    }
    token(claims)
}

/// Signs in on a fresh wschat.v1 connection; returns it with the `authed` answer.
async fn signed_in(url: &str, token: &str) -> (TestSocket, ServerFrame) {
    let mut ws = connect(url, true).await;
    send(
        &mut ws,
        &ClientFrame::Auth {
            token: token.into(),
        },
    )
    .await;
    let authed = recv(&mut ws).await;
    (ws, authed)
}

/// Says hello and reads up to `synced`.
async fn hello(ws: &mut TestSocket, name: Option<&str>) -> Vec<ServerFrame> {
    send(
        ws,
        &ClientFrame::Hello {
            after: Some(0),
            name: name.map(str::to_owned),
        },
    )
    .await;
    let mut got = Vec::new();
    loop {
        let frame = recv_stamped(ws).await;
        let done = matches!(frame, ServerFrame::Synced { .. });
        got.push(frame);
        if done {
            return got;
        }
    }
}

/// The close the server ends with, after any frames before it (which are returned).
async fn closed(ws: &mut TestSocket) -> (u16, String, Vec<Message>) {
    let mut before = Vec::new();
    loop {
        let message = tokio::time::timeout(TIMEOUT, ws.next())
            .await
            .expect("the server closes in time")
            .expect("a close frame before the end")
            .expect("a frame, not an error");
        match message {
            Message::Close(Some(frame)) => {
                return (
                    u16::from(frame.code),
                    frame.reason.as_str().to_owned(),
                    before,
                )
            }
            Message::Close(None) => panic!("a close without a code"),
            Message::Ping(_) | Message::Pong(_) => {}
            other => before.push(other),
        }
    }
}

#[tokio::test]
async fn a_signed_in_user_posts_under_the_tokens_name_whatever_hello_says() {
    let (s, _dir) = auth_server(None).await;
    let url = s.ws_url("r");
    let (mut ann, authed) = signed_in(&url, &token_for("u1", "Ann", 3600, None)).await;
    assert!(
        matches!(&authed, ServerFrame::Authed { sub, name: Some(name), .. } if sub == "u1" && name == "Ann"),
        "{authed:?}"
    );
    hello(&mut ann, Some("Mallory")).await;
    send(
        &mut ann,
        &ClientFrame::Send {
            id: "m1".into(),
            text: "hi".into(),
        },
    )
    .await;
    assert!(matches!(
        recv(&mut ann).await,
        ServerFrame::Ack { seq: 1, .. }
    ));
    let (mut bob, _) = signed_in(&url, &token_for("u2", "Bob", 3600, None)).await;
    let frames = hello(&mut bob, None).await;
    assert!(
        matches!(&frames[0], ServerFrame::Msg { from: Some(from), text, .. } if from == "Ann" && text == "hi"),
        "{frames:?}"
    );
    s.abandon();
}

#[tokio::test]
async fn without_a_valid_token_in_time_the_connection_is_closed_with_4401() {
    let (s, _dir) = auth_server(None).await;
    let url = s.ws_url("r");
    // Silence.
    let mut quiet = connect(&url, true).await;
    let (code, reason, _) = closed(&mut quiet).await;
    assert_eq!(
        (code, reason.as_str()),
        (close_code::UNAUTHORIZED, "no token within 500 ms")
    );
    // hello first.
    let mut eager = connect(&url, true).await;
    send(
        &mut eager,
        &ClientFrame::Hello {
            after: Some(0),
            name: None,
        },
    )
    .await;
    let (code, _, frames) = closed(&mut eager).await;
    assert_eq!((code, frames), (close_code::UNAUTHORIZED, vec![]));
    // A token signed with another secret: the reason says so and never echoes the token.
    let forged = encode(
        &Header::new(Algorithm::HS256),
        &json!({"sub": "u1", "aud": "ws-chat", "exp": now_secs() + 60}),
        &EncodingKey::from_secret(b"not the server's secret, but long enough").expect("key"),
    )
    .expect("sign");
    let mut forger = connect(&url, true).await;
    send(
        &mut forger,
        &ClientFrame::Auth {
            token: forged.clone(),
        },
    )
    .await;
    let (code, reason, _) = closed(&mut forger).await;
    assert_eq!(
        (code, reason.as_str()),
        (close_code::UNAUTHORIZED, "token signature does not match")
    );
    assert!(!reason.contains(&forged));
    s.abandon();
}

#[tokio::test]
async fn a_room_the_token_does_not_allow_is_closed_with_4403_before_anything_of_it() {
    let (s, _dir) = auth_server(None).await;
    let (mut staff, _) = signed_in(&s.ws_url("staff"), &token_for("u1", "Ann", 3600, None)).await;
    hello(&mut staff, None).await;
    send(
        &mut staff,
        &ClientFrame::Send {
            id: "secret".into(),
            text: "staff only".into(),
        },
    )
    .await;
    recv(&mut staff).await;
    let mut outsider = connect(&s.ws_url("staff"), true).await;
    let only_teams = token_for("u2", "Eve", 3600, Some(json!({"team-*": ["read", "post"]})));
    send(&mut outsider, &ClientFrame::Auth { token: only_teams }).await;
    send(
        &mut outsider,
        &ClientFrame::Hello {
            after: Some(0),
            name: None,
        },
    )
    .await;
    let (code, reason, frames) = closed(&mut outsider).await;
    assert_eq!(
        (code, reason.as_str()),
        (close_code::FORBIDDEN, "not allowed in this room")
    );
    assert!(frames.is_empty(), "{frames:?}");
    s.abandon();
}

#[tokio::test]
async fn read_only_members_and_guests_read_and_get_a_reject_for_posting() {
    let (s, _dir) = auth_server(Some("read")).await;
    let url = s.ws_url("r");
    let (mut writer, _) = signed_in(&url, &token_for("u1", "Ann", 3600, None)).await;
    hello(&mut writer, None).await;
    send(
        &mut writer,
        &ClientFrame::Send {
            id: "a".into(),
            text: "hello all".into(),
        },
    )
    .await;
    recv(&mut writer).await;
    let reader_token = token_for("u2", "Rita", 3600, Some(json!({"*": ["read"]})));
    let (mut reader, _) = signed_in(&url, &reader_token).await;
    let mut guest = connect(&url, true).await;
    for (ws, reason) in [
        (&mut reader, "this token may not post in this room"),
        (&mut guest, "guests may not post here: sign in to post"),
    ] {
        let frames = hello(ws, None).await;
        assert!(matches!(&frames[0], ServerFrame::Msg { text, .. } if text == "hello all"));
        send(
            ws,
            &ClientFrame::Send {
                id: "x".into(),
                text: "me too".into(),
            },
        )
        .await;
        assert_eq!(
            recv(ws).await,
            ServerFrame::Reject {
                id: "x".into(),
                reason: reason.into()
            }
        );
    }
    // A plain client is a guest too; plain text cannot be rejected, so it is closed.
    let mut plain = connect(&url, false).await;
    send_text(&mut plain, "plain words").await;
    let (code, _, _) = closed(&mut plain).await;
    assert_eq!(code, close_code::FORBIDDEN);
    s.abandon();
}

#[tokio::test]
async fn where_everyone_must_sign_in_a_plain_client_is_refused_at_the_upgrade() {
    let (s, _dir) = auth_server(None).await;
    let response = raw(s.addr, &upgrade_request(s.addr, "/ws?room=r", &[])).await;
    assert_eq!(response.status, 401, "{response:?}");
    assert!(response.body.contains("needs a token"), "{}", response.body);
    s.abandon();
}

#[tokio::test]
async fn an_expired_token_closes_the_connection_unless_a_refresh_came() {
    let (s, _dir) = auth_server(None).await;
    let url = s.ws_url("r");
    // exp is whole seconds: 2 s from now is 1–2 s of life, then 1 s of grace.
    let (mut lapsing, _) = signed_in(&url, &token_for("u1", "Ann", 2, None)).await;
    hello(&mut lapsing, None).await;
    let (mut refreshed, _) = signed_in(&url, &token_for("u2", "Bob", 2, None)).await;
    hello(&mut refreshed, None).await;
    send(
        &mut refreshed,
        &ClientFrame::Auth {
            token: token_for("u2", "Bob", 3600, None),
        },
    )
    .await;
    assert!(matches!(
        recv(&mut refreshed).await,
        ServerFrame::Authed { .. }
    ));
    let started = std::time::Instant::now();
    let (code, reason, _) = closed(&mut lapsing).await;
    assert_eq!(
        (code, reason.as_str()),
        (
            close_code::UNAUTHORIZED,
            "token expired and no fresh one came"
        )
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    // The refreshed connection outlived the first token's grace and still posts.
    send(
        &mut refreshed,
        &ClientFrame::Send {
            id: "b".into(),
            text: "still here".into(),
        },
    )
    .await;
    assert!(matches!(
        recv(&mut refreshed).await,
        ServerFrame::Ack { .. }
    ));
    // A refresh for another user ends it.
    send(
        &mut refreshed,
        &ClientFrame::Auth {
            token: token_for("u3", "Cid", 3600, None),
        },
    )
    .await;
    let (code, _, _) = closed(&mut refreshed).await;
    assert_eq!(code, close_code::FORBIDDEN);
    s.abandon();
}
