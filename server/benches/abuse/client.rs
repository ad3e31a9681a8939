//! wschat.v1 clients over real TCP: well-behaved ones that read, and stuck ones whose small
//! receive buffer fills after a few frames and is then never drained.

use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;
use ws_chat_protocol::{ClientFrame, ServerFrame, SUBPROTOCOL};

pub type AbuseSocket = WebSocketStream<TcpStream>;
pub type AbuseResult<T> = std::result::Result<T, String>;

/// Receive buffer asked for by clients that never read: the kernel's minimum is about this,
/// so the server's frames back up into its own buffers and queues after a few KiB.
pub const STUCK_RECV_BUFFER: u32 = 4096;

/// How long a handshake or a join may take before the case gives up on that client.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a wschat.v1 connection to `room`; returns it with its local port (the server's
/// remote port for it). `recv_buffer` sets `SO_RCVBUF` before connecting.
pub async fn connect(
    addr: SocketAddr,
    room: &str,
    recv_buffer: Option<u32>,
) -> AbuseResult<(AbuseSocket, u16)> {
    let attempt = async {
        let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
        if let Some(bytes) = recv_buffer {
            socket
                .set_recv_buffer_size(bytes)
                .map_err(|e| e.to_string())?;
        }
        let stream = socket.connect(addr).await.map_err(|e| e.to_string())?;
        // The client's own Nagle delays must not be charged to the server.
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let port = stream.local_addr().map_err(|e| e.to_string())?.port();
        let mut request = format!("ws://{addr}/ws?room={room}")
            .into_client_request()
            .map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static(SUBPROTOCOL),
        );
        let (ws, _) = tokio_tungstenite::client_async(request, stream)
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        Ok((ws, port))
    };
    tokio::time::timeout(CONNECT_TIMEOUT, attempt)
        .await
        .map_err(|_| "connect timed out".to_owned())?
}

/// Connects, says `hello {after: 0}` and reads up to `synced`: a member that reads.
pub async fn join(addr: SocketAddr, room: &str) -> AbuseResult<AbuseSocket> {
    let (mut ws, _) = connect(addr, room, None).await?;
    ws.send(hello()).await.map_err(|e| e.to_string())?;
    let synced = async {
        loop {
            match next_frame(&mut ws).await? {
                Some(ServerFrame::Synced { .. }) => return Ok(()),
                Some(_) => {}
                None => return Err("closed before synced".to_owned()),
            }
        }
    };
    tokio::time::timeout(CONNECT_TIMEOUT, synced)
        .await
        .map_err(|_| "no synced in time".to_owned())??;
    Ok(ws)
}

/// Connects with a tiny receive buffer, says `hello {after: 0}`, and hands back the socket
/// for the caller to hold without ever reading it. Also returns the port and the moment it
/// stopped reading (right away).
pub async fn stuck(addr: SocketAddr, room: &str) -> AbuseResult<(AbuseSocket, u16, Instant)> {
    let (mut ws, port) = connect(addr, room, Some(STUCK_RECV_BUFFER)).await?;
    ws.send(hello()).await.map_err(|e| e.to_string())?;
    Ok((ws, port, Instant::now()))
}

pub fn hello() -> Message {
    Message::text(
        ClientFrame::Hello {
            after: Some(0),
            name: None,
        }
        .encode(),
    )
}

pub fn message(id: String, text: String) -> Message {
    Message::text(ClientFrame::Send { id, text }.encode())
}

/// The next envelope; `None` when the server closed (or dropped) the connection.
pub async fn next_frame(ws: &mut AbuseSocket) -> AbuseResult<Option<ServerFrame>> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => {
                return ServerFrame::decode(text.as_str())
                    .map(Some)
                    .map_err(|e| format!("{e}: {text}"))
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(None),
            Some(Ok(_)) => {}
        }
    }
}

/// Whether a text frame is a room message, without decoding it: readers in a busy room see
/// millions of them, and the benchmark's own CPU is taken from the server's.
pub fn is_msg(text: &str) -> bool {
    text.starts_with(r#"{"type":"msg""#)
}

/// A text of `len` bytes that starts with `seed`, so no two are alike.
pub fn text_of(len: usize, seed: usize) -> String {
    let mut text = format!("{seed} ");
    text.extend(std::iter::repeat_n('x', len.saturating_sub(text.len())));
    text
}

/// Joins `n` readers concurrently, a few at a time; returns the ones that made it and the
/// first error.
pub async fn join_many(
    addr: SocketAddr,
    room: &str,
    n: usize,
) -> (Vec<AbuseSocket>, Option<String>) {
    let mut joined = Vec::with_capacity(n);
    let mut error = None;
    for batch in (0..n).collect::<Vec<_>>().chunks(25) {
        let tasks: Vec<_> = batch
            .iter()
            .map(|_| {
                let room = room.to_owned();
                tokio::spawn(async move { join(addr, &room).await })
            })
            .collect();
        for task in tasks {
            match task.await.map_err(|e| e.to_string()).and_then(|r| r) {
                Ok(ws) => joined.push(ws),
                Err(e) => error = error.or(Some(e)),
            }
        }
    }
    (joined, error)
}

/// Fills `room` with `n` messages of `len` bytes from one member, a window of them in
/// flight; returns how long it took.
pub async fn fill(addr: SocketAddr, room: &str, n: usize, len: usize) -> AbuseResult<Duration> {
    let started = Instant::now();
    let mut ws = join(addr, room).await?;
    let (mut sent, mut acked) = (0, 0);
    while acked < n {
        while sent < n && sent - acked < 32 {
            let text = text_of(len, sent);
            ws.feed(message(format!("f{sent}"), text))
                .await
                .map_err(|e| e.to_string())?;
            sent += 1;
        }
        ws.flush().await.map_err(|e| e.to_string())?;
        match tokio::time::timeout(Duration::from_secs(30), next_frame(&mut ws)).await {
            Ok(Ok(Some(ServerFrame::Ack { .. }))) => acked += 1,
            Ok(Ok(Some(other))) => return Err(format!("filling: unexpected {other:?}")),
            Ok(Ok(None)) => return Err("filling: connection closed".into()),
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err("filling: no ack in 30 s".into()),
        }
    }
    let _ = ws.close(None).await;
    Ok(started.elapsed())
}
