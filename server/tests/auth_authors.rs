//! Who a message is from, against the real server with sign-in: a signed-in sender's messages
//! carry its user id, a guest's are marked, and message ids are unique per user, so nobody
//! can claim another user's id while each user's re-sends still dedupe.

mod common;

use common::tokens::{auth_server, auth_server_with, hello, signed_in, token_for};
use common::TestRedis;
use common::{connect, post, TestServer};
use ws_chat_protocol::ServerFrame;

fn acked_at(frame: &ServerFrame) -> Option<u64> {
    match frame {
        ServerFrame::Ack { seq, .. } => Some(*seq),
        _ => None,
    }
}

#[tokio::test]
async fn messages_say_who_sent_them_and_ids_are_per_user() {
    let (s, _dir) = auth_server(Some("post")).await;
    who_sent(s).await;
}

#[tokio::test]
async fn on_redis_too() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let (s, _dir) = auth_server_with(Some("post"), &["--redis", &redis.url()]).await;
    who_sent(s).await;
}

async fn who_sent(s: TestServer) {
    let url = s.ws_url("r");
    let (mut ann, _) = signed_in(&url, &token_for("u1", "Ann", 3600, None)).await;
    hello(&mut ann, None).await;
    assert_eq!(acked_at(&post(&mut ann, "m1", "from ann").await), Some(1));

    // Bob's message under Ann's id is his own, stored anew.
    let (mut bob, _) = signed_in(&url, &token_for("u2", "Bob", 3600, None)).await;
    hello(&mut bob, None).await;
    assert_eq!(acked_at(&post(&mut bob, "m1", "from bob").await), Some(2));

    // A guest calling itself Ann, under Ann's id too.
    let mut guest = connect(&url, true).await;
    hello(&mut guest, Some("Ann")).await;
    assert_eq!(
        acked_at(&post(&mut guest, "m1", "from a guest").await),
        Some(3)
    );

    // Ann's re-send still dedupes to her first message.
    assert_eq!(acked_at(&post(&mut ann, "m1", "from ann").await), Some(1));

    let mut reader = connect(&url, true).await;
    let frames = hello(&mut reader, None).await;
    let shown: Vec<_> = frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Msg {
                text,
                from,
                user,
                guest,
                ..
            } => Some((text.as_str(), from.as_deref(), user.as_deref(), *guest)),
            _ => None,
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("from ann", Some("Ann"), Some("u1"), false),
            ("from bob", Some("Bob"), Some("u2"), false),
            ("from a guest", Some("Ann"), None, true),
        ]
    );
    s.abandon();
}

#[tokio::test]
async fn without_sign_in_nobody_is_marked() {
    let s = common::TestServer::start().await;
    let url = s.ws_url("r");
    let mut ann = connect(&url, true).await;
    hello(&mut ann, Some("Ann")).await;
    assert_eq!(acked_at(&post(&mut ann, "m1", "hi").await), Some(1));
    let mut reader = connect(&url, true).await;
    let frames = hello(&mut reader, None).await;
    assert!(
        matches!(&frames[0], ServerFrame::Msg { from: Some(from), user: None, guest: false, .. } if from == "Ann"),
        "{frames:?}"
    );
    s.abandon();
}
