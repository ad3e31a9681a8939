//! `--redis redis+cluster://…`: servers on a real Redis Cluster (three masters, three
//! replicas) hear each other's messages through sharded pub/sub, and a master SIGKILLed in
//! the middle of a run, its replica taking over, loses no acked message: an append is acked
//! only once a replica has it. The promoted replica, with no replica of its own, acks
//! nothing until the killed node is back as its replica, while the other shards go on.

mod common;

use common::*;
use std::time::Duration;
use ws_chat_protocol::ServerFrame;
use ws_chat_server::Config;

async fn cluster_server(cluster: &TestCluster) -> TestServer {
    TestServer::with(Config {
        redis: Some(cluster.url()),
        history: 100_000,
        ..common::flooding()
    })
    .await
}

/// Sends `text` as `id` on one server and expects it on the other.
async fn heard_across(ann: &mut TestSocket, bob: &mut TestSocket, id: &str, text: &str) {
    let answer = post(ann, id, text).await;
    assert!(matches!(answer, ServerFrame::Ack { .. }), "{answer:?}");
    match recv(bob).await {
        ServerFrame::Msg { text: got, .. } => assert_eq!(got, text),
        other => panic!("expected the message on the other server, got {other:?}"),
    }
}

/// Joins `url` once its server takes connections (it may be starting its subscription over)
/// and its catch-up is done; returns the socket.
async fn join_when_back_socket(url: &str) -> TestSocket {
    join_when_back(url).await;
    join(url, None).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_shares_rooms_and_a_killed_master_loses_no_acked_message() {
    let Some(mut cluster) = tokio::task::block_in_place(TestCluster::start) else {
        return;
    };
    let (a, b) = (
        cluster_server(&cluster).await,
        cluster_server(&cluster).await,
    );

    // Rooms on every shard, heard across the two servers through sharded pub/sub.
    let rooms: Vec<String> = (0..12).map(|i| format!("c{i}")).collect();
    let key = |room: &str| format!("wschat:{{{room}}}:seq");
    let mut shards: Vec<u16> = rooms.iter().map(|r| cluster.master_of(&key(r))).collect();
    shards.sort_unstable();
    shards.dedup();
    assert_eq!(shards.len(), 3, "the rooms cover every master");
    for room in &rooms {
        let (mut ann, _) = join(&a.ws_url(room), Some(0)).await;
        let (mut bob, _) = join(&b.ws_url(room), Some(0)).await;
        heard_across(&mut ann, &mut bob, &format!("{room}-hi"), "hi").await;
        heard_across(&mut bob, &mut ann, &format!("{room}-ho"), "ho").await;
        // Sharded: the room's channel has both servers on its own shard.
        let channel = format!("wschat:{{{room}}}:live:0");
        let listeners = cluster.shard_listeners(&channel);
        assert_eq!(listeners, 2, "{channel}");
    }
    let master = cluster.master_of(&key("c0"));
    let shards_of_rooms: Vec<u16> = rooms.iter().map(|r| cluster.master_of(&key(r))).collect();

    // Every room written at once, half through each server; the master of c0 dies mid-run.
    let mut runs = Vec::new();
    for (i, room) in rooms.iter().enumerate() {
        let server = if i % 2 == 0 { &a } else { &b };
        let (ws, _) = join(&server.ws_url(room), Some(0)).await;
        let writer = AckedStream::start(ws, &format!("{room}-"), Duration::from_millis(5));
        // Until the server closes it, once a master dies.
        runs.push(tokio::spawn(writer.until_closed(Duration::from_secs(30))));
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    cluster.kill(master);
    let mut acked = Vec::new();
    for run in runs {
        acked.push(run.await.expect("a run"));
    }
    let promoted = tokio::task::block_in_place(|| cluster.wait_promoted(&key("c0"), master));
    assert_ne!(promoted, master);

    let mut total = 0;
    for (i, room) in rooms.iter().enumerate() {
        let server = if i % 2 == 0 { &b } else { &a };
        assert_none_lost(&server.ws_url(room), &acked[i], room).await;
        assert!(acked[i].len() > 20, "{room}: only {} acked", acked[i].len());
        total += acked[i].len();
    }
    eprintln!("cluster: {total} acked messages over 12 rooms, none lost when master {master} died");

    // The promoted replica has no replica of its own: its rooms take no message (an ack
    // would not survive one more failure), while the other shards' rooms go on.
    let (elsewhere, _) = rooms
        .iter()
        .zip(&shards_of_rooms)
        .find(|(_, shard)| **shard != master)
        .expect("a room on another shard");
    let (mut ws, _) = join(&a.ws_url(elsewhere), None).await;
    let answer = post(&mut ws, &format!("{elsewhere}-after"), "after").await;
    assert!(matches!(answer, ServerFrame::Ack { .. }), "{answer:?}");
    let (mut ws, _) = join(&a.ws_url("c0"), None).await;
    match post(&mut ws, "c0-unreplicated", "kept by its sender").await {
        ServerFrame::Error {
            id: Some(id),
            reason,
        } => {
            assert_eq!(id, "c0-unreplicated");
            assert!(reason.contains("no replica"), "{reason}");
        }
        other => panic!("acked without a replica: {other:?}"),
    }
    // The killed node comes back as the new master's replica; the room posts again, and
    // the message the client kept is stored once.
    tokio::task::block_in_place(|| cluster.restart(master));
    let answer = post(&mut ws, "c0-unreplicated", "kept by its sender").await;
    assert!(matches!(answer, ServerFrame::Ack { .. }), "{answer:?}");

    // A manual failover gives c0's slot back to the restarted node: Redis unsubscribes the
    // servers from c0's channels on the old master, without closing anything. They notice,
    // start their subscriptions over (closing their connections, which catch up), and the
    // room is heard across servers again.
    tokio::task::block_in_place(|| cluster.fail_over_to(master));
    let mut ann = join_when_back_socket(&a.ws_url("c0")).await;
    let mut bob = join_when_back_socket(&b.ws_url("c0")).await;
    heard_across(&mut bob, &mut ann, "c0-moved", "after the failover").await;
    drop(ws);
    a.abandon();
    b.abandon();
}
