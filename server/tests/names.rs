//! Who and when: the display name from `hello` travels as `from`, the server's clock as `ts`,
//! live and in catch-up; plain members get neither; an older database still opens.

mod common;

use common::{connect, join_as, recv_stamped, recv_text, send, TestServer};
use futures_util::SinkExt;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::{ClientFrame, Millis, ServerFrame, MAX_NAME_CHARS};
use ws_chat_server::Config;

fn now() -> Millis {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock");
    Millis::try_from(since.as_millis()).expect("ms fit")
}

fn send_frame(id: &str, text: &str) -> ClientFrame {
    ClientFrame::Send {
        id: id.into(),
        text: text.into(),
    }
}

/// The `from` and `ts` of a `msg`, or a panic naming what came instead.
fn from_and_ts(frame: &ServerFrame) -> (Option<&str>, Option<Millis>) {
    match frame {
        ServerFrame::Msg { from, ts, .. } => (from.as_deref(), *ts),
        other => panic!("expected msg, got {other:?}"),
    }
}

fn ack_ts(frame: &ServerFrame) -> Millis {
    match frame {
        ServerFrame::Ack { ts: Some(ts), .. } => *ts,
        other => panic!("expected a stamped ack, got {other:?}"),
    }
}

#[tokio::test]
async fn names_and_server_times_reach_others_live_and_in_catch_up() {
    let s = TestServer::start().await;
    let url = s.ws_url("names");
    let (mut ann, _) = join_as(&url, None, Some("  Ann\n")).await;
    let (mut bob, _) = join_as(&url, None, Some("Bob")).await;
    let mut plain = connect(&url, false).await;

    let before = now();
    send(&mut ann, &send_frame("a-1", "hi")).await;
    let stamped = ack_ts(&recv_stamped(&mut ann).await);
    assert!((before..=now()).contains(&stamped), "{before} ≤ {stamped}");
    let live = recv_stamped(&mut bob).await;
    assert_eq!(from_and_ts(&live), (Some("Ann"), Some(stamped)));
    // Plain members get the text only, as before.
    assert_eq!(recv_text(&mut plain).await, "hi");

    // A plain member has no name; its line is stamped all the same.
    plain.send(Message::text("from plain")).await.expect("send");
    let from_plain = recv_stamped(&mut bob).await;
    let (from, ts) = from_and_ts(&from_plain);
    assert_eq!(from, None);
    assert!(ts.is_some_and(|ts| ts >= stamped));
    recv_stamped(&mut ann).await;

    // A re-send is acked with the time of the first store.
    send(&mut ann, &send_frame("a-1", "hi")).await;
    assert_eq!(ack_ts(&recv_stamped(&mut ann).await), stamped);

    let (_late, catch_up) = join_as(&url, Some(0), None).await;
    assert_eq!(from_and_ts(&catch_up[0]), (Some("Ann"), Some(stamped)));
    assert_eq!(from_and_ts(&catch_up[1]), (None, ts));
    s.abandon();
}

#[tokio::test]
async fn names_are_cleaned_capped_and_changed_by_a_later_hello() {
    let s = TestServer::start().await;
    let url = s.ws_url("clean");
    let (mut reader, _) = join_as(&url, None, None).await;
    let long = "n".repeat(MAX_NAME_CHARS * 3);
    let cases: [(Option<&str>, Option<String>); 5] = [
        (Some("\u{1b}[31mEve\u{7}"), Some("[31mEve".into())),
        (Some(&long), Some("n".repeat(MAX_NAME_CHARS))),
        (Some(" \t "), None),
        (None, None),
        (Some("Zoë 🎉"), Some("Zoë 🎉".into())),
    ];
    for (i, (name, kept)) in cases.into_iter().enumerate() {
        let (mut sender, _) = join_as(&url, None, name).await;
        send(&mut sender, &send_frame(&format!("c-{i}"), "x")).await;
        recv_stamped(&mut sender).await;
        let got = recv_stamped(&mut reader).await;
        assert_eq!(from_and_ts(&got).0, kept.as_deref(), "{name:?}");
    }

    // A second hello on the same connection renames its later messages only.
    let (mut ann, _) = join_as(&url, None, Some("Ann")).await;
    send(&mut ann, &send_frame("r-1", "one")).await;
    recv_stamped(&mut ann).await;
    let hello = ClientFrame::Hello {
        after: None,
        name: Some("Annie".into()),
    };
    send(&mut ann, &hello).await;
    assert!(matches!(
        recv_stamped(&mut ann).await,
        ServerFrame::Synced { .. }
    ));
    send(&mut ann, &send_frame("r-2", "two")).await;
    recv_stamped(&mut ann).await;
    let one = recv_stamped(&mut reader).await;
    let two = recv_stamped(&mut reader).await;
    assert_eq!(from_and_ts(&one).0, Some("Ann"));
    assert_eq!(from_and_ts(&two).0, Some("Annie"));
    s.abandon();
}

#[tokio::test]
async fn a_history_file_from_before_names_and_times_opens_and_keeps_its_messages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("old.sqlite3");
    {
        let old = rusqlite::Connection::open(&db).expect("create");
        old.execute_batch(
            "CREATE TABLE messages (
                 room TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT, text TEXT NOT NULL,
                 PRIMARY KEY (room, seq)
             );
             CREATE UNIQUE INDEX messages_room_id ON messages (room, id);
             INSERT INTO messages VALUES ('old', 1, 'o-1', 'kept');",
        )
        .expect("old schema");
    }
    let s = TestServer::with(Config {
        db: db.clone(),
        ..Config::default()
    })
    .await;
    let url = s.ws_url("old");
    let (mut ann, catch_up) = join_as(&url, Some(0), Some("Ann")).await;
    assert_eq!(
        catch_up[0],
        ServerFrame::Msg {
            seq: 1,
            id: Some("o-1".into()),
            text: "kept".into(),
            from: None,
            ts: None,
            user: None,
            guest: false,
        }
    );
    // The old row has no time: its re-send is acked without one.
    send(&mut ann, &send_frame("o-1", "kept")).await;
    assert_eq!(
        recv_stamped(&mut ann).await,
        ServerFrame::Ack {
            id: "o-1".into(),
            seq: 1,
            ts: None
        }
    );
    send(&mut ann, &send_frame("n-1", "new")).await;
    let stamped = ack_ts(&recv_stamped(&mut ann).await);
    let (_late, catch_up) = join_as(&url, Some(1), None).await;
    assert_eq!(from_and_ts(&catch_up[0]), (Some("Ann"), Some(stamped)));
    s.stop().await;
}
