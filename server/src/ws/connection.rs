//! One WebSocket connection, from upgrade to the end of its TCP connection.
//!
//! A single task per connection does everything: reads frames, answers them, forwards the
//! room's messages from its send queue, and obeys shutdown and fault injection. With one task
//! there is nothing to leak: when the loop ends the socket and the room membership drop.
//! Every send goes through [`TimedSocket`], so a peer that stops reading costs a bounded wait.

use super::gates::Gates;
use super::keepalive::{Due, Keepalive};
use super::rate_limits::ConnectionRates;
use super::timed_socket::{End, TimedSocket};
use super::{plain, wschat};
use crate::auth::Session;
use crate::clock::now_millis;
use crate::drain::Leave;
use crate::log_safe::Escaped;
use crate::metrics;
use crate::rooms::{Dialect, Fault, Membership, Overflow};
use axum::body::Bytes;
use axum::extract::ws::{close_code, Message, Utf8Bytes, WebSocket};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;
use ws_chat_protocol::{ClientFrame, Millis, ServerFrame};

/// The clocks of a connection (flags; short in tests).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Longest wait for the peer to take one frame before it counts as stuck (1013).
    pub send_timeout: Duration,
    /// Quiet time after which the server pings the peer (see [`Keepalive`]).
    pub ping_interval: Duration,
    /// Further quiet time after the ping before the peer counts as gone (1013).
    pub pong_timeout: Duration,
}

/// Serves one upgraded connection of `member` until it ends, or until it is told to `leave`
/// (a drain's batch, or shutdown).
/// `welcome`: the connection speaks wschat.v1 in band (no sub-protocol selected), so the
/// server speaks first with `welcome`.
pub async fn run(
    socket: WebSocket,
    mut member: Membership,
    mut session: Session,
    rates: ConnectionRates,
    welcome: Option<ServerFrame>,
    timing: Timing,
    leave: Leave,
) {
    let dialect = member.dialect();
    let mut socket = TimedSocket::new(socket, timing.send_timeout);
    tracing::info!(conn = member.id(), room = %Escaped(member.room()), ?dialect, welcome = welcome.is_some(), "connected");
    let end = match serve(
        &mut socket,
        &mut member,
        &mut session,
        &rates,
        welcome,
        timing,
        &leave,
    )
    .await
    {
        Ok(()) => End::Gone,
        Err(end) => end,
    };
    let how = match end {
        End::Gone => "closed by peer",
        End::Drop => "dropped (fault injection)",
        End::Close(code, reason) => {
            tracing::debug!(conn = member.id(), code, reason, "closing");
            metrics::closed(code);
            socket.close(code, reason).await;
            "closed by server"
        }
    };
    tracing::info!(conn = member.id(), room = %Escaped(member.room()), how, "disconnected");
}

/// What woke the connection's task up.
enum Wakeup {
    /// A drain's batch, or shutdown.
    Leave,
    Fault(Result<Fault, RecvError>),
    Outgoing(Result<Utf8Bytes, Overflow>),
    Incoming(Option<Result<Message, axum::Error>>),
    KeepaliveDue,
    /// The sign-in deadline, or the end of the token's grace.
    SessionDue,
    /// A kick or revocation was added: is this connection still allowed?
    BansChanged,
}

/// The connection's loop; returns (as `Err`) how it ends.
async fn serve(
    socket: &mut TimedSocket,
    member: &mut Membership,
    session: &mut Session,
    rates: &ConnectionRates,
    welcome: Option<ServerFrame>,
    timing: Timing,
    leave: &Leave,
) -> Result<(), End> {
    if let Err(e) = member.ready_for_live().await {
        tracing::warn!(conn = member.id(), "room not followed: {e}");
        // 1013: the client comes back, as it does while Redis is away.
        return Err(End::Close(
            close_code::AGAIN,
            "the room's live delivery is not ready; try again later".into(),
        ));
    }
    // A wschat.v1 member is not live before its `hello`, so nothing of the room can come
    // before this frame: the client sends nothing until it has seen it.
    let mut first_in_band = welcome.is_some();
    if let Some(welcome) = welcome {
        socket.send_frame(&welcome).await?;
    }
    // In band, the client's first frame still decides: plain text there means it never heard
    // the welcome (it waits only so long) and speaks plain text, which must reach the room as
    // text rather than be answered with `error` envelopes it would show as chat lines.
    let queue = member.send_queue();
    let mut keepalive = Keepalive::new(Instant::now(), timing.ping_interval, timing.pong_timeout);
    let timer = tokio::time::sleep_until(keepalive.deadline());
    tokio::pin!(timer);
    let mut session_due = session.poll_timeout();
    let session_timer = tokio::time::sleep_until(monotonic(session_due.unwrap_or(0)));
    tokio::pin!(session_timer);
    let mut bans = session.ban_changes();
    let mut gates = Gates::default();
    loop {
        // A token (or its refresh) moves the session's deadline.
        let due = session.poll_timeout();
        if due != session_due {
            session_due = due;
            if let Some(due) = due {
                session_timer.as_mut().reset(monotonic(due));
            }
        }
        // The keepalive timer only counts when nothing else is ready: a frame that arrived
        // while the task was busy sending is read (and counts as alive) first.
        let wakeup = tokio::select! {
            biased;
            wakeup = async {
                tokio::select! {
                    () = leave.told() => Wakeup::Leave,
                    fault = member.faults.recv() => Wakeup::Fault(fault),
                    outgoing = queue.pop() => Wakeup::Outgoing(outgoing),
                    incoming = socket.recv() => Wakeup::Incoming(incoming),
                    () = &mut session_timer, if session_due.is_some() => Wakeup::SessionDue,
                    Ok(()) = bans.changed() => Wakeup::BansChanged,
                }
            } => wakeup,
            () = &mut timer => Wakeup::KeepaliveDue,
        };
        match wakeup {
            Wakeup::Leave | Wakeup::Fault(Err(RecvError::Closed)) => {
                let (code, reason) = leave.farewell();
                return Err(End::Close(code, reason));
            }
            Wakeup::Fault(Ok(Fault::Drop)) => return Err(End::Drop),
            Wakeup::Fault(Ok(Fault::Close { code, reason })) => {
                return Err(End::Close(code, reason))
            }
            Wakeup::Fault(Err(RecvError::Lagged(_))) => {}
            Wakeup::Outgoing(Ok(text)) => {
                metrics::sent(text.len());
                socket.send(Message::Text(text)).await?
            }
            // The client is welcome back once it keeps up (and catches up).
            Wakeup::Outgoing(Err(Overflow)) => return Err(End::too_slow("outgoing queue full")),
            Wakeup::SessionDue => {
                if let Some(refusal) = session.handle_timeout(now_millis()) {
                    return Err(End::Close(refusal.code, refusal.reason));
                }
                // Not due by the wall clock yet (a capped wait, or the clock moved).
                if let Some(due) = session_due {
                    session_timer.as_mut().reset(monotonic(due));
                }
            }
            Wakeup::BansChanged => {
                if let Some(refusal) = session.banned(now_millis()) {
                    tracing::info!(
                        conn = member.id(),
                        code = refusal.code,
                        "closed: {}",
                        refusal.reason
                    );
                    return Err(End::Close(refusal.code, refusal.reason));
                }
            }
            Wakeup::KeepaliveDue => {
                match keepalive.due(Instant::now()) {
                    Due::Nothing => {}
                    Due::Ping => socket.send(Message::Ping(Bytes::new())).await?,
                    // Most likely nobody is there to read it; if someone is, it retries.
                    Due::Dead => return Err(End::too_slow("no answer to ping")),
                }
                timer.as_mut().reset(keepalive.deadline());
            }
            Wakeup::Incoming(incoming) => {
                if let Some(rtt) = keepalive.heard(Instant::now()) {
                    metrics::ping_answered(rtt);
                }
                match incoming {
                    Some(Ok(Message::Close(_))) => {
                        socket.finish_close().await;
                        return Ok(());
                    }
                    Some(Ok(message)) => {
                        if first_in_band && matches!(message, Message::Text(_) | Message::Binary(_))
                        {
                            first_in_band = false;
                            if !is_envelope(&message) {
                                if !session.admits_plain_peers() {
                                    return Err(End::Close(
                                        ws_chat_protocol::close_code::UNAUTHORIZED,
                                        "this server needs a token, which plain text cannot send"
                                            .into(),
                                    ));
                                }
                                member.become_plain();
                            }
                        }
                        match member.dialect() {
                            Dialect::Plain => {
                                plain::on_frame(member, session, rates, message).await?
                            }
                            Dialect::WsChat => {
                                let frame = wschat::Frame {
                                    message,
                                    rates,
                                    gates: &mut gates,
                                };
                                wschat::on_frame(socket, member, session, frame, leave).await?;
                            }
                        }
                    }
                    Some(Err(e)) => return Err(on_read_error(e)),
                    None => return Ok(()),
                }
            }
        }
    }
}

/// A wall-clock time (as token times are) on the monotonic clock the timers run on.
fn monotonic(due: Millis) -> Instant {
    let wait = due.saturating_sub(now_millis());
    Instant::now() + Duration::from_millis(wait.min(MAX_SESSION_WAIT_MS))
}

/// A deadline further off than this (a token valid for years) is looked at again then:
/// `Instant + Duration` must not overflow.
const MAX_SESSION_WAIT_MS: u64 = 24 * 60 * 60 * 1000;

/// Whether a data frame is a wschat.v1 envelope.
fn is_envelope(message: &Message) -> bool {
    matches!(message, Message::Text(text) if ClientFrame::decode(text.as_str()).is_ok())
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
