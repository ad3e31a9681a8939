//! Who is typing, against the real server: relayed to the rest of the room's watching members
//! and never back to the typer, one `who` per signed-in user, a stop when the typer sends or
//! leaves, held back past the gate, refused without the right to post, not sent to members
//! that do not watch, and across a Redis pair.

mod common;

use common::tokens::{auth_server_with, signed_in, token_for};
use common::watch::{next_other, only_presence_for, watch_and_hello, Roster};
use common::{
    assert_silent, connect, join, join_as, recv, send, TestCluster, TestRedis, TestServer,
    TestSocket,
};
use serde_json::json;
use std::time::Duration;
use ws_chat_protocol::{ClientFrame, ServerFrame};
use ws_chat_server::Config;

async fn typing(ws: &mut TestSocket, active: bool) {
    send(ws, &ClientFrame::Typing { active }).await;
}

/// A member that watches the room.
struct Watcher {
    ws: TestSocket,
    roster: Roster,
}

impl Watcher {
    async fn join(url: &str) -> Watcher {
        let mut ws = connect(url, true).await;
        let roster = watch_and_hello(&mut ws, None).await;
        Watcher { ws, roster }
    }

    async fn signed_in(url: &str, token: &str) -> Watcher {
        let (mut ws, _) = signed_in(url, token).await;
        let roster = watch_and_hello(&mut ws, None).await;
        Watcher { ws, roster }
    }

    /// The next frame that is not about presence.
    async fn next(&mut self) -> ServerFrame {
        next_other(&mut self.ws, &mut self.roster).await
    }

    /// The next frame but presence, which must be a `typing`: `(who, from, guest, active)`.
    async fn heard(&mut self) -> (String, Option<String>, bool, bool) {
        match self.next().await {
            ServerFrame::Typing {
                who,
                from,
                guest,
                active,
            } => (who, from, guest, active),
            other => panic!("expected typing, got {other:?}"),
        }
    }

    /// Nothing but presence for `ms`.
    async fn quiet(&mut self, ms: u64) {
        only_presence_for(&mut self.ws, &mut self.roster, ms).await;
    }
}

#[tokio::test]
async fn typing_reaches_the_others_and_stops_on_send_and_on_leaving() {
    let server = TestServer::start().await;
    let url = server.ws_url("typing");
    let (mut ann, _) = join_as(&url, Some(0), Some("Ann")).await;
    let mut bob = Watcher::join(&url).await;
    // A member that does not watch hears none of it.
    let (mut old, _) = join(&url, Some(0)).await;
    typing(&mut ann, true).await;
    let (who, from, guest, active) = bob.heard().await;
    assert!(who.starts_with("guest:"), "{who}");
    assert_eq!((from.as_deref(), guest, active), (Some("Ann"), false, true));
    // Sending a message is a stop, before the message itself.
    let frame = ClientFrame::Send {
        id: "a1".into(),
        text: "hi".into(),
    };
    send(&mut ann, &frame).await;
    assert!(!bob.heard().await.3);
    assert!(matches!(bob.next().await, ServerFrame::Msg { .. }));
    assert!(matches!(recv(&mut ann).await, ServerFrame::Ack { .. }));
    // The typer never hears itself.
    assert_silent(&mut ann, 200).await;
    assert!(matches!(recv(&mut old).await, ServerFrame::Msg { .. }));
    assert_silent(&mut old, 200).await;

    // A start past the gate's second, then the tab closes: a stop comes at once.
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    typing(&mut ann, true).await;
    assert_eq!(bob.heard().await, (who.clone(), from.clone(), false, true));
    drop(ann);
    assert_eq!(bob.heard().await, (who, from, false, false));
    server.stop().await;
}

#[tokio::test]
async fn a_flood_of_typing_is_held_back_and_never_answered() {
    let server = TestServer::start().await;
    let url = server.ws_url("flood");
    let (mut ann, _) = join(&url, Some(0)).await;
    let mut bob = Watcher::join(&url).await;
    for i in 0..500 {
        typing(&mut ann, i % 2 == 0).await;
    }
    // Within a second of the flood: one start and one stop got through.
    assert!(bob.heard().await.3);
    assert!(!bob.heard().await.3);
    bob.quiet(300).await;
    assert_silent(&mut ann, 100).await;
    // The connection is fine: it still chats.
    send(&mut ann, &ClientFrame::Ping).await;
    assert_eq!(recv(&mut ann).await, ServerFrame::Pong);
    server.stop().await;
}

#[tokio::test]
async fn one_user_in_two_tabs_is_one_typer_and_readers_cannot_type() {
    let (server, _dir) = auth_server_with(None, &[]).await;
    let url = server.ws_url("lobby");
    let ann = token_for("u-ann", "Ann", 300, None);
    let reader = token_for("u-rex", "Rex", 300, Some(json!({"lobby": ["read"]})));
    let mut tab1 = Watcher::signed_in(&url, &ann).await;
    let mut tab2 = Watcher::signed_in(&url, &ann).await;
    let mut rex = Watcher::signed_in(&url, &reader).await;
    typing(&mut tab1.ws, true).await;
    let first = rex.heard().await;
    assert_eq!(first, ("u-ann".into(), Some("Ann".into()), false, true));
    // The other tab hears its own user: a client leaves itself out by that `who`.
    assert_eq!(tab2.heard().await, first);
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    typing(&mut tab2.ws, true).await;
    assert_eq!(rex.heard().await, first);
    assert_eq!(tab1.heard().await, first);
    // A reader's typing is not relayed, and the connection stays.
    typing(&mut rex.ws, true).await;
    tab1.quiet(300).await;
    send(&mut rex.ws, &ClientFrame::Ping).await;
    assert_eq!(rex.next().await, ServerFrame::Pong);
    server.stop().await;
}

#[tokio::test]
async fn a_redis_pair_relays_typing_between_servers() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    relays_typing_between(&redis.url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_cluster_relays_typing_between_servers() {
    let Some(cluster) = tokio::task::block_in_place(TestCluster::start) else {
        return;
    };
    relays_typing_between(&cluster.url()).await;
}

/// Typing on one server of `url`'s Redis, and its stop when the typer leaves, reach the
/// watching members of both.
async fn relays_typing_between(url: &str) {
    let on_redis = || Config {
        redis: Some(url.to_owned()),
        ..common::flooding()
    };
    let (a, b) = (
        TestServer::with(on_redis()).await,
        TestServer::with(on_redis()).await,
    );
    let (mut ann, _) = join_as(&a.ws_url("pair"), Some(0), Some("Ann")).await;
    let mut bob = Watcher::join(&b.ws_url("pair")).await;
    let mut cy = Watcher::join(&a.ws_url("pair")).await;
    typing(&mut ann, true).await;
    let (who, from, _, active) = bob.heard().await;
    assert_eq!((from.as_deref(), active), (Some("Ann"), true));
    assert_eq!(cy.heard().await.0, who);
    assert_silent(&mut ann, 300).await;
    // Ann's connection closes: the stop reaches both servers' members.
    drop(ann);
    assert_eq!(bob.heard().await, (who.clone(), from.clone(), false, false));
    assert_eq!(cy.heard().await, (who, from, false, false));
    a.stop().await;
    b.stop().await;
}
