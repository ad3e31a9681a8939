//! Signing in against the real server: tokens signed with the test secret, the closes a
//! client sees without a valid one, names taken from the token, and expiry on an open
//! connection.

mod common;

use common::tokens::{auth_server, closed, hello, now_secs, signed_in, token_for};
use common::{connect, recv, send};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::json;
use std::time::Duration;
use ws_chat_protocol::{close_code, ClientFrame, ServerFrame};

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
