//! Rate limits against the real server: past its burst a sender's message gets `reject` with
//! `retry_after` and is taken once that time is over; guests share their address's buckets,
//! each signed-in user has its own; too many hellos close with 1013, and so does a plain peer
//! sending too fast; pages of older messages count as hellos, and past the limit come empty.

mod common;

use common::tokens::{auth_server_with, closed, signed_in, token_for};
use common::{connect, join, recv, send, send_text, TestServer, TestSocket};
use std::time::Duration;
use ws_chat_protocol::{ClientFrame, ServerFrame};
use ws_chat_server::Config;

async fn server(flags: &[&str]) -> TestServer {
    let mut args = vec!["s", "--db", ":memory:"];
    args.extend(flags);
    TestServer::with(<Config as clap::Parser>::try_parse_from(args).expect("flags")).await
}

/// A hello that asks for no history: `synced` answers it at once.
const HELLO: ClientFrame = ClientFrame::Hello {
    after: None,
    name: None,
};

/// Sends a hello and returns the answer.
async fn say_hello(ws: &mut TestSocket) -> ServerFrame {
    send(ws, &HELLO).await;
    recv(ws).await
}

/// Sends `id` and returns the answer to it (room messages skipped).
async fn post(ws: &mut TestSocket, id: &str) -> ServerFrame {
    let frame = ClientFrame::Send {
        id: id.into(),
        text: format!("text of {id}"),
    };
    send(ws, &frame).await;
    loop {
        match recv(ws).await {
            ServerFrame::Msg { .. } => continue,
            answer => return answer,
        }
    }
}

/// `Ok(())` for an ack, `Err(retry_after)` for a reject that has one.
fn taken(answer: ServerFrame) -> Result<(), u64> {
    match answer {
        ServerFrame::Ack { .. } => Ok(()),
        ServerFrame::Reject {
            reason,
            retry_after: Some(wait),
            ..
        } => {
            assert!(
                reason.starts_with("sending too fast: try again in"),
                "{reason}"
            );
            Err(wait)
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn past_the_burst_a_message_waits_for_the_steady_rate() {
    let s = server(&["--message-rate", "2", "--message-burst", "3"]).await;
    let (mut ws, _) = join(&s.ws_url("r"), None).await;
    for id in ["a", "b", "c"] {
        assert_eq!(
            taken(post(&mut ws, id).await),
            Ok(()),
            "{id}: within the burst"
        );
    }
    let wait = taken(post(&mut ws, "d").await).expect_err("past the burst");
    assert!((1..=500).contains(&wait), "retry after {wait} ms");
    tokio::time::sleep(Duration::from_millis(wait)).await;
    assert_eq!(
        taken(post(&mut ws, "d").await),
        Ok(()),
        "taken after the wait"
    );
    // Nothing refused was stored: the room holds a, b, c, d once each.
    let (_, history) = join(&s.ws_url("r"), Some(0)).await;
    let stored = history
        .iter()
        .filter(|f| matches!(f, ServerFrame::Msg { .. }))
        .count();
    assert_eq!(stored, 4, "{history:?}");
}

#[tokio::test]
async fn guests_share_their_address_and_each_user_has_their_own() {
    let flags = ["--message-rate", "1", "--message-burst", "1"];
    let (s, _dir) = auth_server_with(Some("post"), &flags).await;
    let url = s.ws_url("r");
    let (mut guest_1, _) = join(&url, None).await;
    let (mut guest_2, _) = join(&url, None).await;
    assert_eq!(taken(post(&mut guest_1, "g1").await), Ok(()));
    assert!(
        taken(post(&mut guest_2, "g2").await).is_err(),
        "same address"
    );
    for user in ["ann", "bob"] {
        let (mut ws, _) = signed_in(&url, &token_for(user, user, 3600, None)).await;
        assert!(matches!(
            say_hello(&mut ws).await,
            ServerFrame::Synced { .. }
        ));
        assert_eq!(
            taken(post(&mut ws, "m1").await),
            Ok(()),
            "{user}'s own bucket"
        );
        assert!(
            taken(post(&mut ws, "m2").await).is_err(),
            "{user} past the burst"
        );
    }
}

#[tokio::test]
async fn too_many_hellos_close_with_1013() {
    let s = server(&["--hello-rate", "0.5", "--hello-burst", "2"]).await;
    let mut ws = connect(&s.ws_url("r"), true).await;
    for _ in 0..2 {
        assert!(matches!(
            say_hello(&mut ws).await,
            ServerFrame::Synced { .. }
        ));
    }
    send(&mut ws, &HELLO).await;
    let (code, reason, _) = closed(&mut ws).await;
    assert_eq!(code, 1013, "{reason}");
    assert!(
        reason.starts_with("too many hellos: try again in 2.0 s"),
        "{reason}"
    );
}

#[tokio::test]
async fn pages_of_older_messages_count_as_hellos_and_come_empty_past_the_limit() {
    let s = server(&[
        "--hello-rate",
        "0.5",
        "--hello-burst",
        "3",
        "--message-rate",
        "0",
    ])
    .await;
    let (mut ws, _) = join(&s.ws_url("r"), None).await;
    for i in 0..3 {
        assert!(matches!(
            post(&mut ws, &format!("m{i}")).await,
            ServerFrame::Ack { .. }
        ));
    }
    let page = ClientFrame::History {
        before: None,
        limit: 10,
    };
    // The join's hello took one token: two pages come full, the next one empty.
    let mut counts = Vec::new();
    for _ in 0..3 {
        send(&mut ws, &page).await;
        match recv(&mut ws).await {
            ServerFrame::History { count, more, .. } => {
                counts.push((count, more));
                for _ in 0..count {
                    assert!(matches!(recv(&mut ws).await, ServerFrame::Msg { .. }));
                }
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(counts, [(3, false), (3, false), (0, true)]);
    // The connection stays, and a page comes again once the bucket refilled.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    send(&mut ws, &page).await;
    assert!(matches!(
        recv(&mut ws).await,
        ServerFrame::History { count: 3, .. }
    ));
}

#[tokio::test]
async fn a_plain_peer_sending_too_fast_is_closed_with_1013() {
    let s = server(&["--message-rate", "1", "--message-burst", "2"]).await;
    let mut ws = connect(&s.ws_url("r"), false).await;
    for line in ["one", "two", "three"] {
        send_text(&mut ws, line).await;
    }
    let (code, reason, _) = closed(&mut ws).await;
    assert_eq!(code, 1013, "{reason}");
    assert!(reason.starts_with("sending too fast"), "{reason}");
}

#[tokio::test]
async fn the_limits_are_on_by_default_and_zero_turns_them_off() {
    let c = Config::default();
    assert_eq!((c.rates.message_rate, c.rates.message_burst), (10.0, 50));
    assert_eq!((c.rates.hello_rate, c.rates.hello_burst), (2.0, 20));
    let s = server(&["--message-rate", "0", "--message-burst", "1"]).await;
    let (mut ws, _) = join(&s.ws_url("r"), None).await;
    for i in 0..100 {
        assert_eq!(taken(post(&mut ws, &format!("m{i}")).await), Ok(()));
    }
    let bad = <Config as clap::Parser>::try_parse_from(["s", "--message-rate", "-1"]);
    assert!(bad.is_err());
}
