//! The real binaries: a SIGKILLed server loses no acked message, and the supervisor
//! kills and restarts it on request.

mod common;

use common::{connect, free_port, http, join, recv, send, spawn_until, Proc};
use std::net::SocketAddr;
use std::time::Duration;
use ws_chat_protocol::{ClientFrame, ServerFrame};

const SERVER: &str = env!("CARGO_BIN_EXE_ws-chat-server");
const SUPERVISOR: &str = env!("CARGO_BIN_EXE_ws-chat-supervisor");
const LISTENING: &str = "ws-chat-server listening on";

async fn start_server(db: &str) -> (Proc, String) {
    let (proc, addr) = spawn_until(
        SERVER,
        &[
            "--listen",
            "127.0.0.1:0",
            "--db",
            db,
            "--dist",
            "/nonexistent",
        ],
        LISTENING,
    )
    .await;
    (proc, format!("ws://{addr}/ws?room=durable"))
}

#[tokio::test]
async fn sigkill_loses_no_acked_message_and_resent_ids_keep_their_seq() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.sqlite3");
    let db = db.to_str().expect("utf-8 path");

    let (mut server, url) = start_server(db).await;
    let (mut ws, _) = join(&url, None).await;
    const N: u64 = 20;
    for i in 1..=N {
        send(
            &mut ws,
            &ClientFrame::Send {
                id: format!("m{i}"),
                text: format!("message {i}"),
            },
        )
        .await;
    }
    for i in 1..=N {
        assert_eq!(
            recv(&mut ws).await,
            ServerFrame::Ack {
                id: format!("m{i}"),
                seq: i,
                ts: None,
            }
        );
    }
    server.child.kill().await.expect("SIGKILL"); // no chance to flush anything
    drop(ws);

    let (_server, url) = start_server(db).await;
    let (mut watcher, frames) = join(&url, Some(0)).await;
    let expected: Vec<ServerFrame> = (1..=N)
        .map(|i| ServerFrame::Msg {
            seq: i,
            id: Some(format!("m{i}")),
            text: format!("message {i}"),
            from: None,
            ts: None,
            user: None,
            guest: false,
        })
        .chain([ServerFrame::Synced {
            head: N,
            gap: false,
        }])
        .collect();
    assert_eq!(frames, expected);

    // The ack of m7 "got lost": the client sends it again after the restart.
    let mut client = connect(&url, true).await;
    let again = ClientFrame::Send {
        id: "m7".into(),
        text: "message 7".into(),
    };
    send(&mut client, &again).await;
    assert_eq!(
        recv(&mut client).await,
        ServerFrame::Ack {
            id: "m7".into(),
            seq: 7,
            ts: None,
        }
    );
    // Not broadcast again: the next thing the watcher sees is the next new message.
    let new = ClientFrame::Send {
        id: "new".into(),
        text: "after restart".into(),
    };
    send(&mut client, &new).await;
    assert_eq!(
        recv(&mut client).await,
        ServerFrame::Ack {
            id: "new".into(),
            seq: N + 1,
            ts: None,
        }
    );
    assert_eq!(
        recv(&mut watcher).await,
        ServerFrame::Msg {
            seq: N + 1,
            id: Some("new".into()),
            text: "after restart".into(),
            from: None,
            ts: None,
            user: None,
            guest: false,
        }
    );
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let (mut server, url) = start_server(db.to_str().expect("utf-8")).await;
    let (mut ws, _) = join(&url, None).await;
    signal(&server.child, "-TERM");
    match common::next_message(&mut ws).await {
        tokio_tungstenite::tungstenite::Message::Close(Some(f)) => {
            assert_eq!(u16::from(f.code), 1012);
        }
        other => panic!("expected 1012, got {other:?}"),
    }
    drop(ws);
    let exit = tokio::time::timeout(Duration::from_secs(10), server.child.wait())
        .await
        .expect("exits in time")
        .expect("exit status");
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn supervisor_kills_and_restarts_the_server_on_the_same_port_and_db() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let port = free_port().to_string();
    let listen = format!("127.0.0.1:{port}");
    let (mut supervisor, control) = spawn_supervisor(&listen, &db).await;
    let url = format!("ws://{listen}/ws?room=s");
    assert_eq!(http(control, "GET", "/status").await.body, "up restarts=0");

    let (mut ws, _) = join(&url, None).await;
    let frame = ClientFrame::Send {
        id: "kept".into(),
        text: "survives".into(),
    };
    send(&mut ws, &frame).await;
    assert_eq!(
        recv(&mut ws).await,
        ServerFrame::Ack {
            id: "kept".into(),
            seq: 1,
            ts: None,
        }
    );

    let (status_during, killed) = tokio::join!(
        async {
            // Read the status until the kill has taken effect: it is down for 400 ms, and
            // reads 10 ms apart cannot miss that.
            let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
            loop {
                let body = http(control, "GET", "/status").await.body;
                if body != "up restarts=0" || tokio::time::Instant::now() > deadline {
                    break body;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        },
        http(control, "POST", "/kill?down_ms=400"),
    );
    assert_eq!(status_during, "down restarts=0");
    assert_eq!((killed.status, killed.body.as_str()), (200, "1"));
    assert_eq!(http(control, "GET", "/status").await.body, "up restarts=1");

    let (_ws, frames) = join(&url, Some(0)).await;
    assert_eq!(
        frames,
        [
            ServerFrame::Msg {
                seq: 1,
                id: Some("kept".into()),
                text: "survives".into(),
                from: None,
                ts: None,
                user: None,
                guest: false,
            },
            ServerFrame::Synced {
                head: 1,
                gap: false
            },
        ]
    );

    // SIGTERM to the supervisor takes its server down too.
    signal(&supervisor.child, "-TERM");
    let exit = tokio::time::timeout(Duration::from_secs(10), supervisor.child.wait())
        .await
        .expect("supervisor exits in time")
        .expect("exit status");
    assert!(exit.success(), "{exit:?}");
    assert_port_closes(&listen).await;
}

#[tokio::test]
async fn a_sigkilled_supervisor_does_not_leave_its_server_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.sqlite3");
    let listen = format!("127.0.0.1:{}", free_port());
    let (mut supervisor, _control) = spawn_supervisor(&listen, &db).await;
    supervisor.child.kill().await.expect("SIGKILL");
    assert_port_closes(&listen).await;
}

fn signal(child: &tokio::process::Child, which: &str) {
    let pid = child.id().expect("pid").to_string();
    let status = std::process::Command::new("kill")
        .args([which, &pid])
        .status()
        .expect("kill");
    assert!(status.success());
}

/// Waits until nothing accepts connections at `addr` any more.
async fn assert_port_closes(addr: &str) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("something still listens on {addr}");
}

/// Starts `ws-chat-supervisor` running a server on `listen` with history in `db`.
async fn spawn_supervisor(listen: &str, db: &std::path::Path) -> (Proc, SocketAddr) {
    let args = [
        "--control",
        "127.0.0.1:0",
        "--",
        "--listen",
        listen,
        "--db",
        db.to_str().expect("utf-8"),
        "--dist",
        "/nonexistent",
    ];
    spawn_until(SUPERVISOR, &args, "ws-chat-supervisor control on").await
}
