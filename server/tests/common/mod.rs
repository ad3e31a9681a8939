//! Helpers shared by the integration tests: an in-process server, raw HTTP (in `raw.rs`), a
//! WebSocket client, the server's log (in `logs.rs`), and the server binary as a child
//! process (in `process.rs`).
#![allow(dead_code)] // each test file uses its own subset

use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use ws_chat_protocol::{ClientFrame, ServerFrame};
use ws_chat_server::Config;

mod acked;
mod logs;
mod process;
mod raw;
mod redis_cluster;
mod redis_server;
pub mod tokens;
pub mod watch;
#[allow(unused_imports)] // each test file uses its own subset
pub use acked::{assert_none_lost, join_when_back, AckedStream};
#[allow(unused_imports)]
pub use logs::Logs;
#[allow(unused_imports)]
pub use process::{address_in, free_port, spawn_until, Proc};
#[allow(unused_imports)]
pub use raw::*;
#[allow(unused_imports)]
pub use redis_cluster::TestCluster;
#[allow(unused_imports)]
pub use redis_server::TestRedis;

/// Generous: the machine may be busy compiling something else.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The sample key of RFC 6455 §1.3.
pub const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

/// A server running in this test process on a port of its own.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl TestServer {
    /// In-memory history and fault injection on, without rate limits.
    pub async fn start() -> TestServer {
        TestServer::with(Config {
            fault_injection: true,
            ..flooding()
        })
        .await
    }

    pub async fn with(config: Config) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let server = ws_chat_server::Server::open(config).await.expect("open");
        let task = tokio::spawn(server.serve(listener, async {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            stop: Some(stop),
            task,
        }
    }

    /// Shuts the server down (as SIGTERM would) and waits until `serve` has returned.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(TIMEOUT, &mut self.task)
            .await
            .expect("server stops in time")
            .expect("server task")
            .expect("server result");
    }

    /// Stops without waiting, for tests that end with clients still open: a clean stop
    /// would wait for their (never coming) close replies.
    pub fn abandon(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    pub fn ws_url(&self, room: &str) -> String {
        format!("ws://{}/ws?room={room}", self.addr)
    }
}

/// [`Config::in_memory`] without rate limits, for tests that send from one address (loopback)
/// faster than people would; `rate_limits.rs` tests the limits.
pub fn flooding() -> Config {
    let mut config = Config::in_memory();
    config.rates.message_rate = 0.0;
    config.rates.hello_rate = 0.0;
    config
}

pub type TestSocket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens a WebSocket; `wschat` offers the `wschat.v1` sub-protocol.
pub async fn connect(url: &str, wschat: bool) -> TestSocket {
    let mut request = url.into_client_request().expect("request");
    if wschat {
        request.headers_mut().insert(
            "sec-websocket-protocol",
            ws_chat_protocol::SUBPROTOCOL.parse().expect("header value"),
        );
    }
    let (ws, response) = tokio::time::timeout(TIMEOUT, tokio_tungstenite::connect_async(request))
        .await
        .expect("connect in time")
        .expect("connect");
    let selected = response.headers().get("sec-websocket-protocol");
    assert_eq!(selected.is_some(), wschat, "{selected:?}");
    ws
}

/// Opens a WebSocket (`wschat`: offering `wschat.v1`) over a TCP socket with a tiny receive
/// buffer, for a reader that stops reading: the server's sends then block sooner.
pub async fn connect_slow_reader(url: &str, wschat: bool) -> TestSocket {
    let addr: SocketAddr = url
        .trim_start_matches("ws://")
        .split('/')
        .next()
        .and_then(|a| a.parse().ok())
        .expect("ws://ADDR/ url");
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    let stream = socket.connect(addr).await.expect("connect");
    let mut request = url.into_client_request().expect("request");
    if wschat {
        request.headers_mut().insert(
            "sec-websocket-protocol",
            ws_chat_protocol::SUBPROTOCOL.parse().expect("header value"),
        );
    }
    let (ws, _) = tokio::time::timeout(
        TIMEOUT,
        tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream)),
    )
    .await
    .expect("handshake in time")
    .expect("handshake");
    ws
}

/// Opens a wschat.v1 connection and says `hello {after}`; returns it with the answers
/// up to and including `synced`.
pub async fn join(url: &str, after: Option<u64>) -> (TestSocket, Vec<ServerFrame>) {
    let (ws, got) = join_as(url, after, None).await;
    (ws, got.into_iter().map(without_ts).collect())
}

/// [`join`] with a display name in the `hello`; the frames keep their `ts`.
pub async fn join_as(
    url: &str,
    after: Option<u64>,
    name: Option<&str>,
) -> (TestSocket, Vec<ServerFrame>) {
    let mut ws = connect(url, true).await;
    let name = name.map(str::to_owned);
    send(&mut ws, &ClientFrame::Hello { after, name }).await;
    let mut got = Vec::new();
    loop {
        let frame = recv_stamped(&mut ws).await;
        let done = matches!(frame, ServerFrame::Synced { .. });
        got.push(frame);
        if done {
            return (ws, got);
        }
    }
}

/// Sends `text` as message `id` and returns the server's answer to it (an ack, a reject, an
/// error), past the room's live messages that may come first.
pub async fn post(ws: &mut TestSocket, id: &str, text: &str) -> ServerFrame {
    send(
        ws,
        &ClientFrame::Send {
            id: id.into(),
            text: text.into(),
        },
    )
    .await;
    // The room's live messages may come first.
    loop {
        match recv(ws).await {
            ServerFrame::Msg { .. } => continue,
            answer => return answer,
        }
    }
}

pub async fn send(ws: &mut TestSocket, frame: &ClientFrame) {
    ws.send(Message::text(frame.encode())).await.expect("send");
}

/// The next message of any kind (pings and pongs skipped).
pub async fn next_message(ws: &mut TestSocket) -> Message {
    loop {
        let message = tokio::time::timeout(TIMEOUT, ws.next())
            .await
            .expect("a frame in time")
            .expect("stream still open")
            .expect("a frame, not an error");
        if !matches!(message, Message::Ping(_) | Message::Pong(_)) {
            return message;
        }
    }
}

/// The next text frame, which must be there.
pub async fn recv_text(ws: &mut TestSocket) -> String {
    match next_message(ws).await {
        Message::Text(t) => t.as_str().to_owned(),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

/// The next text frame as a wschat.v1 envelope, with the server's time (`ts`) blanked out:
/// tests compare whole frames, and the clock differs per run. `names.rs` checks the times.
pub async fn recv(ws: &mut TestSocket) -> ServerFrame {
    without_ts(recv_stamped(ws).await)
}

/// The frame with its `ts` (if any) blanked out.
pub fn without_ts(frame: ServerFrame) -> ServerFrame {
    match frame {
        ServerFrame::Ack { id, seq, .. } => ServerFrame::Ack { id, seq, ts: None },
        ServerFrame::Msg {
            seq,
            id,
            text,
            from,
            user,
            guest,
            ..
        } => ServerFrame::Msg {
            seq,
            id,
            text,
            from,
            ts: None,
            user,
            guest,
        },
        other => other,
    }
}

/// The next text frame as a wschat.v1 envelope, exactly as sent.
pub async fn recv_stamped(ws: &mut TestSocket) -> ServerFrame {
    let text = recv_text(ws).await;
    ServerFrame::decode(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Sends a plain text frame.
pub async fn send_text(ws: &mut TestSocket, text: &str) {
    ws.send(Message::text(text)).await.expect("send");
}

/// Asserts that nothing arrives within `ms`.
pub async fn assert_silent(ws: &mut TestSocket, ms: u64) {
    if let Ok(Some(m)) = tokio::time::timeout(Duration::from_millis(ms), ws.next()).await {
        panic!("expected silence, got {m:?}");
    }
}
