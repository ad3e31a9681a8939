//! Signing in, for the tests: a server that checks HS256 tokens signed here with a test
//! secret, tokens, and a connection's sign-in, hello and close.

use super::{connect, recv, recv_stamped, send, TestServer, TestSocket, TIMEOUT};
use futures_util::StreamExt;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::{ClientFrame, ServerFrame};
use ws_chat_server::Config;

pub const SECRET: &str = "a test secret of at least thirty-two bytes";

/// A server that checks HS256 tokens, gives a connection 500 ms to sign in and an expired
/// token 1 s of grace; `guests` is `--anonymous` (none: the default with a key).
pub async fn auth_server(guests: Option<&str>) -> (TestServer, tempfile::TempDir) {
    auth_server_with(guests, &[]).await
}

/// [`auth_server`] with more flags (`--redis URL`, say).
pub async fn auth_server_with(
    guests: Option<&str>,
    more: &[&str],
) -> (TestServer, tempfile::TempDir) {
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
    args.extend(more);
    let config = <Config as clap::Parser>::try_parse_from(args).expect("flags");
    (TestServer::with(config).await, dir)
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

pub fn token(claims: Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()).expect("key"),
    )
    .expect("sign")
}

/// A token for `sub` named `name`, valid for `secs`, with `rooms` if given.
pub fn token_for(sub: &str, name: &str, secs: u64, rooms: Option<Value>) -> String {
    let mut claims = json!({"sub": sub, "name": name, "aud": "ws-chat", "exp": now_secs() + secs});
    if let Some(rooms) = rooms {
        claims["rooms"] = rooms;
    }
    token(claims)
}

/// Signs in on a fresh wschat.v1 connection; returns it with the `authed` answer.
pub async fn signed_in(url: &str, token: &str) -> (TestSocket, ServerFrame) {
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
pub async fn hello(ws: &mut TestSocket, name: Option<&str>) -> Vec<ServerFrame> {
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
pub async fn closed(ws: &mut TestSocket) -> (u16, String, Vec<Message>) {
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
