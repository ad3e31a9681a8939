//! The history file locked by another process: a write waits up to the busy timeout, and a
//! write that cannot get the lock in time is answered with `error {id}`, never acked.

mod common;

use common::{join, recv, send, TestServer};
use std::path::Path;
use std::time::Duration;
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
            seq: 1
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
            seq: 2
        }
    );
    s.abandon();
}

/// Fails if appends begin deferred: their read-then-write upgrade meets a snapshot that the
/// other writer made stale, and SQLite answers BUSY at once instead of waiting.
#[tokio::test]
async fn a_write_waits_for_a_lock_held_shorter_than_the_busy_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let s = server(&db, Duration::from_secs(5)).await;
    let (mut ws, _) = join(&s.ws_url("waits"), None).await;
    let other = lock_for_writing(&db);
    send(&mut ws, &send_frame("w1", "patient")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    other.execute_batch("COMMIT").expect("commit");
    assert_eq!(
        recv(&mut ws).await,
        ServerFrame::Ack {
            id: "w1".into(),
            seq: 1
        }
    );
    s.abandon();
}
