//! A room's delivery from a shared store's fan-out: order, the sender, catch-ups, gaps.

use super::*;
use crate::rooms::send_queue::SendQueue;
use futures_util::FutureExt;
use std::sync::Arc;

/// A room of wschat.v1 members: `(id, live, after)`.
fn room_with(members: &[(u64, bool, Seq)]) -> Room {
    let room = Room::new("r");
    for &(id, live, after) in members {
        lock(&room.members).insert(
            id,
            Member {
                dialect: Dialect::WsChat,
                live,
                after,
                send_queue: Arc::new(SendQueue::new(1 << 20)),
                // Odd ids watch the room.
                watching: id % 2 == 1,
                user: None,
            },
        );
    }
    room
}

/// Message `seq` of room `r` from the fan-out, sent by connection `local_sender` of this
/// server (`None`: from another server).
fn live(seq: Seq, text: &str, local_sender: Option<u64>) -> LiveMessage {
    LiveMessage {
        seq,
        room: "r".into(),
        id: Some(text.into()),
        text: text.into(),
        author: Default::default(),
        ts: 1,
        local_sender,
        deletes: None,
    }
}

/// The seqs queued for `member`, taken out of its queue.
fn taken(room: &Room, member: u64) -> Vec<Seq> {
    let queue = lock(&room.members)[&member].send_queue.clone();
    let mut seqs = Vec::new();
    while let Some(Ok(frame)) = queue.pop().now_or_never() {
        match ServerFrame::decode(frame.as_str()) {
            Ok(ServerFrame::Msg { seq, .. }) => seqs.push(seq),
            other => panic!("{other:?}"),
        }
    }
    seqs
}

fn is_live(room: &Room, member: u64) -> bool {
    lock(&room.members)[&member].live
}

/// Whether `member`'s queue overflowed, which closes its connection with 1013.
fn sent_away(room: &Room, member: u64) -> bool {
    let queue = lock(&room.members)[&member].send_queue.clone();
    let popped = queue.pop().now_or_never();
    matches!(popped, Some(Err(Overflow)))
}

#[test]
fn fan_out_skips_the_sender_and_what_a_catch_up_brought() {
    let room = room_with(&[(1, true, 0), (2, true, 2), (3, false, 0)]);
    for seq in 1..=3 {
        room.offer(&live(seq, "x", Some(1)));
    }
    assert_eq!(
        taken(&room, 1),
        Vec::<Seq>::new(),
        "its own messages are acked instead"
    );
    assert_eq!(taken(&room, 2), [3], "1 and 2 came with its catch-up");
    assert_eq!(taken(&room, 3), Vec::<Seq>::new(), "not live yet");
}

#[test]
fn a_message_from_another_server_reaches_every_live_member() {
    let room = room_with(&[(1, true, 0), (2, true, 0)]);
    room.offer(&live(1, "x", None));
    assert_eq!((taken(&room, 1), taken(&room, 2)), (vec![1], vec![1]));
}

#[test]
fn a_catch_up_overtaken_by_the_fan_out_reads_on_before_going_live() {
    let room = room_with(&[(1, true, 0), (2, false, 0)]);
    assert_eq!(
        room.go_live(2, 0, true),
        GoLive::Live,
        "nothing handed out yet"
    );
    let room = room_with(&[(1, true, 0), (2, false, 0)]);
    room.offer(&live(4, "a", None));
    room.offer(&live(5, "b", None));
    assert_eq!(
        room.go_live(2, 4, true),
        GoLive::Behind,
        "5 went out before it was live"
    );
    assert_eq!(
        room.go_live(2, 6, true),
        GoLive::Live,
        "6 is stored, not yet fanned out"
    );
    room.offer(&live(6, "c", None));
    room.offer(&live(7, "d", None));
    assert_eq!(taken(&room, 2), [7]);
    assert_eq!(taken(&room, 1), [4, 5, 6, 7]);
    let room = room_with(&[(2, false, 0)]);
    room.offer(&live(4, "a", None));
    assert_eq!(room.go_live(2, 3, false), GoLive::Live, "no history wanted");
    room.offer(&live(5, "b", None));
    assert_eq!(taken(&room, 2), [5]);
}

#[test]
fn a_seq_already_passed_means_the_history_started_over() {
    let room = room_with(&[(1, true, 0)]);
    room.offer(&live(7, "a", None));
    room.offer(&live(1, "history lost", None));
    assert!(!is_live(&room, 1), "told to reconnect and catch up");
    assert!(sent_away(&room, 1));
    assert_eq!(
        *lock(&room.delivered),
        Some(1),
        "counting again from the new seq"
    );
}

#[test]
fn a_gap_in_the_fan_out_drops_the_live_members() {
    let room = room_with(&[(1, true, 0), (2, false, 0)]);
    room.offer(&live(1, "a", None));
    room.offer(&live(3, "c", None)); // 2 was lost
    assert!(!is_live(&room, 1), "told to reconnect and catch up");
    assert!(sent_away(&room, 1), "its connection closes with 1013");
    assert!(!is_live(&room, 2), "still catching up");

    // Counting goes on from 3: a catch-up that reached it goes live and hears 4.
    assert_eq!(room.go_live(2, 3, true), GoLive::Live);
    room.offer(&live(4, "d", None));
    assert_eq!(taken(&room, 2), [4]);

    // The fan-out stopped: what comes after it is a new count, not a gap, and a member live
    // again hears it.
    room.reset_delivered();
    assert_eq!(room.go_live(2, 8, true), GoLive::Live);
    room.offer(&live(9, "after a reset", None));
    assert!(is_live(&room, 2));
    assert_eq!(taken(&room, 2), [9], "the first message after the reset");
    assert_eq!(taken(&room, 1), Vec::<Seq>::new(), "gone since the gap");
}

#[test]
fn signals_reach_the_live_watching_members_but_their_sender() {
    // (id, live, after): 1 and 3 watch and are live, 5 watches but is catching up, 2 does not
    // watch.
    let room = room_with(&[(1, true, 0), (2, true, 0), (3, true, 0), (5, false, 0)]);
    let typing = ServerFrame::Typing {
        who: "u1".into(),
        from: None,
        guest: false,
        active: true,
    };
    room.deliver_signal(Some(1), typing.encode(), None);
    let queued = |member: u64| {
        let queue = lock(&room.members)[&member].send_queue.clone();
        let mut frames = Vec::new();
        while let Some(Ok(frame)) = queue.pop().now_or_never() {
            frames.push(ServerFrame::decode(frame.as_str()).expect("an envelope"));
        }
        frames
    };
    assert_eq!(queued(3), [typing]);
    for member in [1, 2, 5] {
        assert!(queued(member).is_empty(), "member {member}");
    }
}
