//! One WebSocket connection, from upgrade to the end of its TCP connection.
//!
//! A single task per connection does everything: reads frames, answers them, forwards the
//! room's messages from its outbox, and obeys shutdown and fault injection. With one task
//! there is nothing to leak: when the loop ends the socket and the room membership drop.

use crate::hub::{Fault, Hub, Membership, Mode};
use crate::log_safe::Escaped;
use crate::outbox::Overflow;
use crate::store::Appended;
use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use ws_chat_protocol::{ClientFrame, Seq, ServerFrame, MAX_TEXT_BYTES};

/// How long a closing handshake may take before the socket is simply dropped.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// Longest message id accepted; ids are client-made and end up in the database.
const MAX_ID_BYTES: usize = 256;

/// How the loop ended, and so how the connection ends.
enum End {
    /// The peer closed or vanished: nothing more to send.
    Gone,
    /// Send a close frame with this code and reason, then wait briefly for the reply.
    Close(u16, String),
    /// Drop the TCP connection without a close frame.
    Drop,
}

/// Serves one upgraded connection in `room` until it ends. `welcome`: the connection speaks
/// wschat.v1 in band (no sub-protocol selected), so the server speaks first with `welcome`.
pub async fn run(mut socket: WebSocket, hub: Arc<Hub>, room: String, mode: Mode, welcome: bool) {
    let mut member = hub.join(&room, mode);
    let shutdown = hub.shutdown_token().clone();
    let outbox = member.outbox();
    tracing::info!(conn = member.id(), room = %Escaped(member.room()), ?mode, welcome, "connected");
    // A wschat.v1 member is not live before its `hello`, so nothing of the room can come
    // before this frame: the client sends nothing until it has seen it.
    if welcome
        && socket
            .send(Message::text(ServerFrame::Welcome.encode()))
            .await
            .is_err()
    {
        return;
    }
    let end = loop {
        tokio::select! {
            () = shutdown.cancelled() => {
                break End::Close(close_code::AWAY, "server shutting down".into());
            }
            fault = member.faults.recv() => match fault {
                Ok(Fault::Drop) => break End::Drop,
                Ok(Fault::Close { code, reason }) => break End::Close(code, reason),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break End::Close(close_code::AWAY, "server shutting down".into()),
            },
            outgoing = outbox.pop() => match outgoing {
                Ok(text) => {
                    if socket.send(Message::Text(text)).await.is_err() {
                        break End::Gone;
                    }
                }
                // 1013, not 1008: the client is welcome back once it keeps up (and catches up).
                Err(Overflow) => break End::Close(close_code::AGAIN, "too slow: outgoing queue full".into()),
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) => {
                    // tungstenite queued the close reply; closing the sink flushes it.
                    let _ = tokio::time::timeout(CLOSE_TIMEOUT, futures_util::SinkExt::close(&mut socket)).await;
                    break End::Gone;
                }
                Some(Ok(message)) => {
                    let replies = match mode {
                        Mode::Plain => on_plain(&member, message).await,
                        Mode::WsChat => on_wschat(&member, message).await,
                    };
                    if send_all(&mut socket, replies).await.is_err() {
                        break End::Gone;
                    }
                }
                Some(Err(e)) => break on_read_error(e),
                None => break End::Gone,
            },
        }
    };
    let how = match end {
        End::Gone => "closed by peer",
        End::Drop => "dropped (fault injection)",
        End::Close(code, reason) => {
            close(socket, code, reason).await;
            "closed by server"
        }
    };
    tracing::info!(conn = member.id(), room = %Escaped(member.room()), how, "disconnected");
}

/// Plain mode: a text frame is a chat line for the rest of the room; nothing is answered.
async fn on_plain(member: &Membership, message: Message) -> Vec<ServerFrame> {
    match message {
        Message::Text(text) if storable(text.as_str()) => {
            if let Err(e) = member.publish(None, text.as_str()).await {
                tracing::error!(
                    conn = member.id(),
                    "{e}; relaying the plain message unstored"
                );
                member.relay_unstored(text.as_str());
            }
        }
        Message::Text(text) => member.relay_unstored(text.as_str()),
        Message::Binary(b) => {
            tracing::debug!(
                conn = member.id(),
                bytes = b.len(),
                "binary frame ignored in plain mode"
            );
        }
        // tungstenite answers pings itself.
        _ => {}
    }
    Vec::new()
}

/// wschat.v1 mode: every text frame is a [`ClientFrame`] and gets its answer(s).
async fn on_wschat(member: &Membership, message: Message) -> Vec<ServerFrame> {
    let text = match message {
        Message::Text(text) => text,
        Message::Binary(_) => {
            return vec![ServerFrame::Error {
                id: None,
                reason: "binary frames are not part of wschat.v1".into(),
            }]
        }
        _ => return Vec::new(),
    };
    match ClientFrame::decode(text.as_str()) {
        Ok(ClientFrame::Hello { after }) => hello(member, after).await,
        Ok(ClientFrame::Send { id, text }) => vec![send(member, id, text).await],
        Ok(ClientFrame::Ping) => vec![ServerFrame::Pong],
        Err(e) => vec![ServerFrame::Error {
            id: None,
            reason: e.to_string(),
        }],
    }
}

async fn hello(member: &Membership, after: Option<Seq>) -> Vec<ServerFrame> {
    match member.catch_up(after).await {
        Ok(c) => c
            .messages
            .into_iter()
            .map(|m| ServerFrame::Msg {
                seq: m.seq,
                id: m.id,
                text: m.text,
            })
            .chain([ServerFrame::Synced {
                head: c.head,
                gap: c.gap,
            }])
            .collect(),
        Err(e) => {
            tracing::error!(conn = member.id(), "{e}");
            vec![ServerFrame::Error {
                id: None,
                reason: format!("cannot read the room history now: {e}"),
            }]
        }
    }
}

async fn send(member: &Membership, id: String, text: String) -> ServerFrame {
    let reject = |reason: String| ServerFrame::Reject {
        id: id.clone(),
        reason,
    };
    if id.is_empty() {
        return reject("missing id".into());
    }
    if id.len() > MAX_ID_BYTES {
        return reject(format!(
            "id too long: {} bytes, limit {MAX_ID_BYTES}",
            id.len()
        ));
    }
    if text.is_empty() {
        return reject("empty message".into());
    }
    if text.len() > MAX_TEXT_BYTES {
        return reject(format!(
            "too large: {} bytes, limit {MAX_TEXT_BYTES}",
            text.len()
        ));
    }
    match member.publish(Some(&id), &text).await {
        Ok(Appended::New(seq) | Appended::Duplicate(seq)) => ServerFrame::Ack { id, seq },
        // Visible to the sender, never a silent ack for text that is not what was stored.
        Ok(Appended::IdTaken) => reject("id already used for a different message".into()),
        // Not a reject: the message is fine, the store is not. Without an ack the client
        // keeps it and sends it again later.
        Err(e) => {
            tracing::error!(conn = member.id(), "{e}");
            ServerFrame::Error {
                reason: format!("message {id} not stored, send it again later: {e}"),
                id: Some(id),
            }
        }
    }
}

/// Text that fits the history: what plain peers send is stored only if a wschat.v1 client
/// could have sent it too.
fn storable(text: &str) -> bool {
    !text.is_empty() && text.len() <= MAX_TEXT_BYTES
}

async fn send_all(socket: &mut WebSocket, frames: Vec<ServerFrame>) -> Result<(), axum::Error> {
    for frame in frames {
        socket.send(Message::text(frame.encode())).await?;
    }
    Ok(())
}

/// A read error and how the connection ends because of it. RFC 6455 §7.4.1: a message too
/// big gets 1009, a text frame that is not UTF-8 gets 1007, any other broken framing (an
/// unmasked client frame, a reserved opcode or bit, a fragmented control frame …) gets 1002.
/// The client stops for good on these codes, which is right: its peer is broken, not busy.
/// A vanished peer gets nothing: there is nobody to tell.
fn on_read_error(e: axum::Error) -> End {
    use tungstenite::error::ProtocolError;
    let inner = e.into_inner();
    let end = match inner.downcast_ref::<tungstenite::Error>() {
        Some(tungstenite::Error::Capacity(_)) => {
            End::Close(close_code::SIZE, "message too big".into())
        }
        Some(tungstenite::Error::Utf8(_)) => {
            End::Close(close_code::INVALID, "text frame is not UTF-8".into())
        }
        Some(tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake)) => {
            End::Gone
        }
        Some(tungstenite::Error::Protocol(p)) => End::Close(close_code::PROTOCOL, close_reason(p)),
        _ => End::Gone,
    };
    match end {
        End::Gone => tracing::debug!("read error: {inner}"),
        _ => tracing::info!("closing: {inner}"),
    }
    end
}

/// A close reason fits in a control frame: 123 bytes after the code.
fn close_reason(error: &impl std::fmt::Display) -> String {
    let mut reason = error.to_string();
    if reason.len() > 123 {
        let mut end = 123;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
    }
    reason
}

/// Sends a close frame and waits (briefly) for the peer's answer before dropping the socket.
async fn close(mut socket: WebSocket, code: u16, reason: String) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}
