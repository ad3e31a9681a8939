//! The history file locked by another process: a write waits up to the busy timeout, and a
//! write that cannot get the lock in time is answered with `error {id}`, never acked. A
//! catch-up whose history cannot be read ends the connection with 1011.

mod common;

use common::{connect, join, next_message, recv, send, Logs, TestServer};
use std::path::Path;
use std::time::Duration;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::{ClientFrame, ServerFrame};
use ws_chat_server::Config;

fn send_frame(id: &str, text: &str) -> ClientFrame {
    ClientFrame::Send {
        id: id.into(),
        text: text.into(),
    }
}

async fn server(db: &Path, busy: Duration) -> TestServer {
    TestServer::with(Config {
        db: db.to_path_buf(),
        db_busy_timeout: busy,
        ..Config::in_memory()
    })
    .await
}

/// Another process (an `sqlite3` shell, a backup) holding the write lock on the file.
fn lock_for_writing(db: &Path) -> rusqlite::Connection {
    let other = rusqlite::Connection::open(db).expect("open the db");
    other
        .execute_batch(
            "BEGIN IMMEDIATE;
             INSERT INTO messages (room, seq, id, text) VALUES ('elsewhere', 1, NULL, 'x');",
        )
        .expect("lock");
    other
}

#[tokio::test]
async fn a_write_that_cannot_get_the_lock_is_answered_with_an_error_naming_its_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let s = server(&db, Duration::from_millis(100)).await;
    let (mut ws, _) = join(&s.ws_url("locked"), None).await;
    send(&mut ws, &send_frame("m1", "one")).await;
    assert_eq!(
        recv(&mut ws).await,
        ServerFrame::Ack {
            id: "m1".into(),
            seq: 1,
            ts: None,
        }
    );

    let other = lock_for_writing(&db);
    send(&mut ws, &send_frame("m2", "two")).await;
    match recv(&mut ws).await {
        ServerFrame::Error { id, reason } => {
            assert_eq!(id.as_deref(), Some("m2"));
            assert!(reason.contains("not stored"), "{reason}");
        }
        other => panic!("expected an error for m2, got {other:?}"),
    }
    other.execute_batch("ROLLBACK").expect("unlock");

    // The client keeps the message and sends it again: now it is stored, once.
    send(&mut ws, &send_frame("m2", "two")).await;
    assert_eq!(
        recv(&mut ws).await,
        ServerFrame::Ack {
            id: "m2".into(),
            seq: 2,
            ts: None,
        }
    );
    s.abandon();
}

/// Fails if appends begin deferred: their read-then-write upgrade meets a snapshot that the
/// other writer made stale, and SQLite answers BUSY at once instead of waiting.
#[tokio::test]
async fn a_write_waits_for_a_lock_held_shorter_than_the_busy_timeout() {
    let mut logs = Logs::watch();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let s = server(&db, Duration::from_secs(5)).await;
    let (mut ws, _) = join(&s.ws_url("waits"), None).await;
    let other = lock_for_writing(&db);
    send(&mut ws, &send_frame("w1", "patient")).await;
    // The lock goes only once the append is waiting for it: committed any earlier, the append
    // would never meet it, and the test would pass however appends begin.
    logs.wait_for(&["locked by another connection", "room=waits"])
        .await;
    other.execute_batch("COMMIT").expect("commit");
    assert_eq!(
        recv(&mut ws).await,
        ServerFrame::Ack {
            id: "w1".into(),
            seq: 1,
            ts: None,
        }
    );
    s.abandon();
}

/// A failed catch-up must not leave a connection that looks alive but is out of live delivery
/// for good: it closes with 1011, which the client retries, and the retry catches up.
#[tokio::test]
async fn a_catch_up_that_cannot_read_the_history_closes_with_1011() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let s = server(&db, Duration::from_millis(100)).await;
    let (mut ws, _) = join(&s.ws_url("unreadable"), None).await;
    send(&mut ws, &send_frame("k1", "kept")).await;
    assert!(matches!(recv(&mut ws).await, ServerFrame::Ack { .. }));

    // Another process (an sqlite3 shell, a botched migration) moves the table away: every
    // read of the history fails until it is back.
    let other = rusqlite::Connection::open(&db).expect("open the db");
    other
        .execute_batch("ALTER TABLE messages RENAME TO moved_away")
        .expect("rename");
    let mut late = connect(&s.ws_url("unreadable"), true).await;
    send(
        &mut late,
        &ClientFrame::Hello {
            after: Some(0),
            name: None,
        },
    )
    .await;
    match next_message(&mut late).await {
        Message::Close(Some(frame)) => {
            assert_eq!(frame.code, CloseCode::Error);
            assert_eq!(frame.reason.as_str(), "cannot read the room history");
        }
        other => panic!("expected a 1011 close, got {other:?}"),
    }

    // The client's retry, once the history is readable again, gets all of it.
    other
        .execute_batch("ALTER TABLE moved_away RENAME TO messages")
        .expect("rename back");
    let (_retry, got) = join(&s.ws_url("unreadable"), Some(0)).await;
    assert_eq!(
        got,
        [
            ServerFrame::Msg {
                seq: 1,
                id: Some("k1".into()),
                text: "kept".into(),
                from: None,
                ts: None,
                user: None,
                guest: false,
            },
            ServerFrame::Synced {
                head: 1,
                gap: false
            }
        ]
    );
    s.abandon();
}
