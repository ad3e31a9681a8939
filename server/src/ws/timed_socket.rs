//! One connection's socket, and the one way frames are sent on it: with a deadline.
//!
//! A peer that stops reading fills its TCP window and then every send waits on it. Without a
//! deadline its task would wait forever, holding its socket and its queue. With one, the
//! connection ends as "too slow" with 1013 (Try Again Later): the client is welcome back and
//! catches up from the history.

use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket};
use std::time::Duration;
use ws_chat_protocol::ServerFrame;

/// Longest wait for a closing handshake before the socket is simply dropped.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// How a connection ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The peer closed or vanished: nothing more to send.
    Gone,
    /// Send a close frame with this code and reason, then wait briefly for the reply.
    Close(u16, String),
    /// Drop the TCP connection without a close frame.
    Drop,
}

impl End {
    /// The server cannot do what the connection needs right now: 1011, which the client
    /// retries. The details go to the log; `why` is short and says nothing of the internals.
    pub fn server_error(why: &str) -> End {
        End::Close(close_code::ERROR, why.to_owned())
    }

    /// A peer that cannot keep up: 1013, never 1008, which would stop the client for good.
    pub fn too_slow(why: &str) -> End {
        End::Close(close_code::AGAIN, format!("too slow: {why}"))
    }
}

/// The socket of one connection, every send on it bounded by the send timeout.
pub struct TimedSocket {
    socket: WebSocket,
    send_timeout: Duration,
}

impl TimedSocket {
    pub fn new(socket: WebSocket, send_timeout: Duration) -> TimedSocket {
        TimedSocket {
            socket,
            send_timeout,
        }
    }

    /// Sends a frame, waiting at most the send timeout for the peer to take it.
    pub async fn send(&mut self, message: Message) -> Result<(), End> {
        match tokio::time::timeout(self.send_timeout, self.socket.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Gone),
            Err(_) => Err(End::too_slow("send timed out")),
        }
    }

    /// Sends a wschat.v1 envelope (see [`TimedSocket::send`]).
    pub async fn send_frame(&mut self, frame: &ServerFrame) -> Result<(), End> {
        self.send(Message::text(frame.encode())).await
    }

    /// The next frame from the peer; `None` once the connection is over.
    pub async fn recv(&mut self) -> Option<Result<Message, axum::Error>> {
        self.socket.recv().await
    }

    /// After the peer's close frame: flushes the close reply tungstenite queued.
    pub async fn finish_close(&mut self) {
        let _ = tokio::time::timeout(
            self.close_timeout(),
            futures_util::SinkExt::close(&mut self.socket),
        )
        .await;
    }

    /// Sends a close frame and waits (briefly) for the peer's answer before dropping the
    /// socket. A peer that does not read gets no more than the close timeout.
    pub async fn close(mut self, code: u16, reason: String) {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let timeout = self.close_timeout();
        let _ = tokio::time::timeout(timeout, async {
            if self.socket.send(Message::Close(Some(frame))).await.is_err() {
                return;
            }
            while let Some(Ok(message)) = self.socket.recv().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }

    fn close_timeout(&self) -> Duration {
        self.send_timeout.min(CLOSE_TIMEOUT)
    }
}
