//! Who is in a room, against the real server: a snapshot after `synced`, then changes; one
//! entry per user however many tabs; a leave after the grace, so a signed-in reload is none;
//! counts only past `--presence-list-max`; nothing for members that do not watch; and across a
//! Redis pair, where the users of a SIGKILLed server go within the entries' time to live.

mod common;

use common::tokens::{auth_server_with, signed_in, token_for};
use common::watch::{only_presence_for, roster_until, watch_and_hello, Roster};
use common::{
    assert_silent, connect, join, join_as, spawn_until, TestRedis, TestServer, TestSocket,
};
use std::time::{Duration, Instant};
use ws_chat_server::Config;

const SERVER: &str = env!("CARGO_BIN_EXE_ws-chat-server");

/// Opens a connection that watches `url`'s room, as `name`; returns it with its snapshot.
async fn watcher(url: &str, name: Option<&str>) -> (TestSocket, Roster) {
    let mut ws = connect(url, true).await;
    let roster = watch_and_hello(&mut ws, name).await;
    (ws, roster)
}

#[tokio::test]
async fn a_snapshot_then_joins_and_leaves_one_entry_per_user() {
    let (server, _dir) = auth_server_with(Some("post"), &[]).await;
    let url = server.ws_url("lobby");
    let ann = token_for("u-ann", "Ann", 300, None);
    let (mut tab1, _) = signed_in(&url, &ann).await;
    let mut roster = watch_and_hello(&mut tab1, None).await;
    roster_until(&mut tab1, &mut roster, "Ann herself", |r| {
        r.count == Some(1)
    })
    .await;
    assert_eq!(roster.names(), ["Ann"]);
    assert_eq!((roster.count, roster.listed), (Some(1), true));
    // A second tab of Ann's is still one Ann; its snapshot says so at once.
    let (mut tab2, _) = signed_in(&url, &ann).await;
    let second = watch_and_hello(&mut tab2, None).await;
    assert_eq!(second.names(), ["Ann"]);
    only_presence_for(&mut tab1, &mut roster, 1_500).await;
    assert_eq!(
        (roster.names(), roster.count),
        (vec!["Ann".to_owned()], Some(1))
    );
    // A guest joins, named as it says.
    let (guest, _) = watcher(&url, Some("Bob")).await;
    roster_until(&mut tab1, &mut roster, "Bob", |r| r.count == Some(2)).await;
    assert_eq!(roster.names(), ["Ann", "Bob"]);
    // Ann's second tab reloads within the grace: nobody sees a leave.
    drop(tab2);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (mut tab2, _) = signed_in(&url, &ann).await;
    let _ = watch_and_hello(&mut tab2, None).await;
    only_presence_for(&mut tab1, &mut roster, 4_000).await;
    assert_eq!(roster.count, Some(2));
    // Bob leaves: gone after the grace, not before.
    drop(guest);
    let left = Instant::now();
    roster_until(&mut tab1, &mut roster, "Bob gone", |r| r.count == Some(1)).await;
    let took = left.elapsed();
    assert!(took >= Duration::from_millis(2_500), "left after {took:?}");
    assert!(took <= Duration::from_millis(5_500), "left after {took:?}");
    assert_eq!(roster.names(), ["Ann"]);
    server.stop().await;
}

#[tokio::test]
async fn members_that_do_not_watch_hear_nothing_of_it_but_are_counted() {
    let server = TestServer::start().await;
    let url = server.ws_url("quiet");
    let (mut old, _) = join_as(&url, Some(0), Some("Old")).await;
    let (mut ann, mut roster) = watcher(&url, Some("Ann")).await;
    roster_until(&mut ann, &mut roster, "both", |r| r.count == Some(2)).await;
    assert_eq!(roster.names(), ["Ann", "Old"]);
    assert_silent(&mut old, 1_500).await;
    server.stop().await;
}

#[tokio::test]
async fn past_the_list_limit_only_the_count() {
    let server = TestServer::with(Config {
        presence_list_max: 2,
        ..common::flooding()
    })
    .await;
    let url = server.ws_url("big");
    let (mut ann, mut roster) = watcher(&url, Some("Ann")).await;
    let (_b, _) = join(&url, Some(0)).await;
    roster_until(&mut ann, &mut roster, "two, listed", |r| r.count == Some(2)).await;
    assert!(roster.listed);
    let (_c, _) = join(&url, Some(0)).await;
    roster_until(&mut ann, &mut roster, "three, unlisted", |r| {
        r.count == Some(3)
    })
    .await;
    assert!(!roster.listed && roster.people.is_empty());
    // A member joining now gets the count alone.
    let (_d, late) = watcher(&url, None).await;
    assert!(!late.listed && late.people.is_empty() && late.count >= Some(3));
    server.stop().await;
}

#[tokio::test]
async fn a_redis_pair_shares_presence_and_a_killed_servers_users_go() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let a = TestServer::with(Config {
        redis: Some(redis.url()),
        ..common::flooding()
    })
    .await;
    let redis_url = redis.url();
    let (mut b, b_addr) = spawn_until(
        SERVER,
        &[
            "--listen",
            "127.0.0.1:0",
            "--redis",
            &redis_url,
            "--dist",
            "/nonexistent",
        ],
        "ws-chat-server listening on",
    )
    .await;
    let b_url = format!("ws://{b_addr}/ws?room=pair");
    let (mut ann, mut roster) = watcher(&a.ws_url("pair"), Some("Ann")).await;
    let (_bob, _) = watcher(&b_url, Some("Bob")).await;
    let (_cy, _) = join_as(&b_url, Some(0), Some("Cy")).await;
    roster_until(&mut ann, &mut roster, "everyone on both", |r| {
        r.count == Some(3)
    })
    .await;
    assert_eq!(roster.names(), ["Ann", "Bob", "Cy"]);
    // Server b dies without a word: its users go when its entries run out.
    b.child.start_kill().expect("SIGKILL");
    let killed = Instant::now();
    roster_until(&mut ann, &mut roster, "b's users gone", |r| {
        r.count == Some(1)
    })
    .await;
    let took = killed.elapsed();
    assert!(took < Duration::from_secs(20), "gone after {took:?}");
    assert_eq!(roster.names(), ["Ann"]);
    println!("presence: a SIGKILLed server's users gone after {took:?}");
    a.stop().await;
}
