//! `--redis`: several servers on one real Redis serve the same rooms, with one seq per message,
//! one message per seq, dedupe across servers, and fan-out to every member on every server.

mod common;

use common::*;
use futures_util::future::join_all;
use std::collections::BTreeMap;
use ws_chat_protocol::{ClientFrame, ServerFrame};
use ws_chat_server::Config;

async fn redis_server(redis: &TestRedis, history: u32) -> TestServer {
    TestServer::with(Config {
        redis: Some(redis.url()),
        history,
        fault_injection: true,
        ..common::flooding()
    })
    .await
}

fn send_frame(id: &str, text: &str) -> ClientFrame {
    ClientFrame::Send {
        id: id.into(),
        text: text.into(),
    }
}

/// Reads frames until `want` (seq, id) pairs are known, from acks of its own and `msg`s of
/// others'; panics on a seq seen twice, on `msg`s out of seq order, or on anything unexpected.
async fn collect(ws: &mut TestSocket, want: usize) -> BTreeMap<u64, String> {
    let mut seen = BTreeMap::new();
    let mut last_msg = 0;
    while seen.len() < want {
        let (seq, id) = match recv(ws).await {
            ServerFrame::Ack { id, seq, .. } => (seq, id),
            ServerFrame::Msg { seq, id, .. } => {
                assert!(seq > last_msg, "msg {seq} after msg {last_msg}");
                last_msg = seq;
                (seq, id.expect("wschat.v1 ids"))
            }
            other => panic!("unexpected {other:?}"),
        };
        assert!(seen.insert(seq, id).is_none(), "seq {seq} twice");
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_give_both_members_every_message_once_in_one_order() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let (a, b) = (
        redis_server(&redis, 1000).await,
        redis_server(&redis, 1000).await,
    );
    let (mut ann, _) = join(&a.ws_url("r"), Some(0)).await;
    let (mut bob, _) = join(&b.ws_url("r"), Some(0)).await;
    const EACH: usize = 100;
    for i in 0..EACH {
        send(
            &mut ann,
            &send_frame(&format!("ann-{i}"), &format!("from ann {i}")),
        )
        .await;
        send(
            &mut bob,
            &send_frame(&format!("bob-{i}"), &format!("from bob {i}")),
        )
        .await;
    }
    let (seen_by_ann, seen_by_bob) =
        tokio::join!(collect(&mut ann, 2 * EACH), collect(&mut bob, 2 * EACH));
    assert_eq!(seen_by_ann, seen_by_bob, "one room order on both servers");
    let seqs: Vec<u64> = seen_by_ann.keys().copied().collect();
    assert_eq!(
        seqs,
        (1..=2 * EACH as u64).collect::<Vec<_>>(),
        "no seq skipped"
    );
    assert_silent(&mut ann, 300).await;
    assert_silent(&mut bob, 300).await;
    // Each one's own messages keep their order within the room order.
    let anns: Vec<&String> = seen_by_ann
        .values()
        .filter(|id| id.starts_with("ann"))
        .collect();
    let expected: Vec<String> = (0..EACH).map(|i| format!("ann-{i}")).collect();
    assert_eq!(anns, expected.iter().collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_senders_on_two_servers_never_share_a_seq() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let servers = [
        redis_server(&redis, 10_000).await,
        redis_server(&redis, 10_000).await,
    ];
    const SENDERS: usize = 8;
    const EACH: usize = 50;
    let tasks = (0..SENDERS).map(|s| {
        let url = servers[s % 2].ws_url("busy");
        tokio::spawn(async move {
            let (mut ws, _) = join(&url, None).await;
            for i in 0..EACH {
                send(
                    &mut ws,
                    &send_frame(&format!("{s}-{i}"), &format!("{s} says {i}")),
                )
                .await;
            }
            let mut acks = Vec::new();
            while acks.len() < EACH {
                if let ServerFrame::Ack { seq, .. } = recv(&mut ws).await {
                    acks.push(seq);
                }
            }
            acks
        })
    });
    let mut seqs: Vec<u64> = join_all(tasks)
        .await
        .into_iter()
        .flat_map(|acks| acks.expect("sender"))
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=(SENDERS * EACH) as u64).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_resend_to_the_other_server_is_recognised() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let (a, b) = (
        redis_server(&redis, 1000).await,
        redis_server(&redis, 1000).await,
    );
    let (mut on_a, _) = join(&a.ws_url("r"), None).await;
    send(&mut on_a, &send_frame("m1", "hello")).await;
    let first = recv_stamped(&mut on_a).await;
    let ServerFrame::Ack {
        seq: 1,
        ts: Some(_),
        ..
    } = first
    else {
        panic!("{first:?}")
    };
    let (mut on_b, _) = join(&b.ws_url("r"), None).await;
    send(&mut on_b, &send_frame("m1", "hello")).await;
    assert_eq!(
        recv_stamped(&mut on_b).await,
        first,
        "same seq and time: not stored twice"
    );
    send(&mut on_b, &send_frame("m1", "forged")).await;
    assert!(matches!(recv(&mut on_b).await, ServerFrame::Reject { .. }));
    assert_silent(&mut on_a, 300).await;
}

#[tokio::test]
async fn catch_up_on_the_other_server_is_bounded_by_history() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let (a, b) = (redis_server(&redis, 3).await, redis_server(&redis, 3).await);
    let (mut on_a, _) = join_as(&a.ws_url("r"), None, Some("Ann")).await;
    for i in 1..=5 {
        send(
            &mut on_a,
            &send_frame(&format!("m{i}"), &format!("text {i}")),
        )
        .await;
        assert!(matches!(recv(&mut on_a).await, ServerFrame::Ack { .. }));
    }
    let (_on_b, got) = join(&b.ws_url("r"), Some(0)).await;
    let texts: Vec<(u64, String)> = got
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Msg {
                seq, text, from, ..
            } => {
                assert_eq!(from.as_deref(), Some("Ann"));
                Some((*seq, text.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        texts,
        [
            (3, "text 3".into()),
            (4, "text 4".into()),
            (5, "text 5".into())
        ]
    );
    assert_eq!(
        got.last(),
        Some(&ServerFrame::Synced { head: 5, gap: true })
    );
    // An id pruned out of the history is no longer recognised: the same window as SQLite.
    send(&mut on_a, &send_frame("m1", "text 1")).await;
    assert!(matches!(
        recv(&mut on_a).await,
        ServerFrame::Ack { seq: 6, .. }
    ));
}

#[tokio::test]
async fn plain_peers_on_two_servers_hear_each_other() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let (a, b) = (
        redis_server(&redis, 1000).await,
        redis_server(&redis, 1000).await,
    );
    let mut plain_a = connect(&a.ws_url("p"), false).await;
    let mut plain_b = connect(&b.ws_url("p"), false).await;
    let (mut chat_b, _) = join(&b.ws_url("p"), None).await;
    send_text(&mut plain_a, "plain hello").await;
    assert_eq!(recv_text(&mut plain_b).await, "plain hello");
    let ServerFrame::Msg {
        seq: 1,
        id: None,
        text,
        ..
    } = recv(&mut chat_b).await
    else {
        panic!("a stored plain message")
    };
    assert_eq!(text, "plain hello");
    assert_silent(&mut plain_a, 300).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_mid_stream_on_the_other_server_misses_nothing_and_repeats_nothing() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let (a, b) = (
        redis_server(&redis, 10_000).await,
        redis_server(&redis, 10_000).await,
    );
    const TOTAL: u64 = 400;
    let url = a.ws_url("flow");
    let sender = tokio::spawn(async move {
        let (mut ws, _) = join(&url, None).await;
        for i in 0..TOTAL {
            send(&mut ws, &send_frame(&format!("m{i}"), &format!("text {i}"))).await;
            if i % 20 == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        }
        let mut acks = 0;
        while acks < TOTAL {
            if matches!(recv(&mut ws).await, ServerFrame::Ack { .. }) {
                acks += 1;
            }
        }
    });
    // Join while messages are being stored, several times, so some catch-ups end mid-stream.
    let mut joiners = Vec::new();
    for _ in 0..4 {
        tokio::time::sleep(std::time::Duration::from_millis(15)).await;
        let url = b.ws_url("flow");
        joiners.push(tokio::spawn(async move {
            let (mut ws, got) = join(&url, Some(0)).await;
            let mut seqs: Vec<u64> = got
                .iter()
                .filter_map(|f| match f {
                    ServerFrame::Msg { seq, .. } => Some(*seq),
                    _ => None,
                })
                .collect();
            while seqs.last() != Some(&TOTAL) {
                match recv(&mut ws).await {
                    ServerFrame::Msg { seq, .. } => seqs.push(seq),
                    other => panic!("unexpected {other:?}"),
                }
            }
            seqs
        }));
    }
    sender.await.expect("sender");
    for joiner in joiners {
        assert_eq!(
            joiner.await.expect("joiner"),
            (1..=TOTAL).collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn two_databases_of_one_redis_are_two_deployments() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let on_db = |db: u32| Config {
        redis: Some(format!("redis://127.0.0.1:{}/{db}", redis.port)),
        ..common::flooding()
    };
    let (zero, one) = (
        TestServer::with(on_db(0)).await,
        TestServer::with(on_db(1)).await,
    );
    let (mut a, _) = join(&zero.ws_url("same"), None).await;
    let (mut b, _) = join(&one.ws_url("same"), None).await;
    send(&mut a, &send_frame("x", "in database 0")).await;
    assert!(matches!(
        recv(&mut a).await,
        ServerFrame::Ack { seq: 1, .. }
    ));
    send(&mut b, &send_frame("y", "in database 1")).await;
    assert!(
        matches!(recv(&mut b).await, ServerFrame::Ack { seq: 1, .. }),
        "its own seqs"
    );
    assert_silent(&mut a, 300).await;
    assert_silent(&mut b, 300).await;
}

#[tokio::test]
async fn any_room_name_and_a_second_hello() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    let (a, b) = (
        redis_server(&redis, 1000).await,
        redis_server(&redis, 1000).await,
    );
    let room = "%7Bodd%7D%20room%3A%7B";
    let (mut ann, _) = join(&a.ws_url(room), None).await;
    let (mut bob, _) = join(&b.ws_url(room), Some(0)).await;
    send(&mut ann, &send_frame("m1", "one")).await;
    assert!(matches!(
        recv(&mut ann).await,
        ServerFrame::Ack { seq: 1, .. }
    ));
    assert!(matches!(
        recv(&mut bob).await,
        ServerFrame::Msg { seq: 1, .. }
    ));
    // A second hello starts over from `after`: the catch-up brings 1 again, live goes on.
    send(
        &mut bob,
        &ClientFrame::Hello {
            after: Some(0),
            name: None,
        },
    )
    .await;
    assert!(matches!(
        recv(&mut bob).await,
        ServerFrame::Msg { seq: 1, .. }
    ));
    assert_eq!(
        recv(&mut bob).await,
        ServerFrame::Synced {
            head: 1,
            gap: false
        }
    );
    send(&mut ann, &send_frame("m2", "two")).await;
    assert!(matches!(
        recv(&mut bob).await,
        ServerFrame::Msg { seq: 2, .. }
    ));
    // A hello without `after` wants no history: nothing, then live.
    let (mut cara, got) = join(&b.ws_url(room), None).await;
    assert_eq!(
        got,
        [ServerFrame::Synced {
            head: 2,
            gap: false
        }]
    );
    send(&mut ann, &send_frame("m3", "three")).await;
    assert!(matches!(
        recv(&mut cara).await,
        ServerFrame::Msg { seq: 3, .. }
    ));
}
