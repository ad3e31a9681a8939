//! What a wschat.v1 connection does with each frame it receives.

use super::catch_up::hello;
use super::gates::Gates;
use super::older::older_page;
use super::rate_limits::{spoken_ms, Action, ConnectionRates};
use super::timed_socket::{End, TimedSocket};
use crate::auth::{PostVerdict, Refusal, Session};
use crate::clock::now_millis;
use crate::drain::Leave;
use crate::history::{Appended, Author};
use crate::rooms::Membership;
use axum::extract::ws::Message;
use ws_chat_protocol::{clean_name, ClientFrame, Seq, ServerFrame, MAX_TEXT_BYTES};

/// Longest message id accepted; ids are client-made and end up in the database.
const MAX_ID_BYTES: usize = 256;

/// A frame received, the rate limits its sender counts against, and how often its typing
/// reaches the room and its read position the store.
pub struct Frame<'a> {
    pub message: Message,
    pub rates: &'a ConnectionRates,
    pub gates: &'a mut Gates,
}

/// Answers one frame: every text frame is a [`ClientFrame`] and gets its answer(s).
///
/// Past the rate limit, a `send` gets `reject` with `retry_after` (the client sends it again
/// then), and a `hello` closes the connection with 1013 (the client comes back after its
/// backoff, and its hello is then counted again).
pub async fn on_frame(
    socket: &mut TimedSocket,
    member: &mut Membership,
    session: &mut Session,
    frame: Frame<'_>,
    leave: &Leave,
) -> Result<(), End> {
    let Frame {
        message,
        rates,
        gates,
    } = frame;
    let sub = |session: &Session| session.identity().map(|i| i.sub.clone());
    let text = match message {
        Message::Text(text) => text,
        Message::Binary(_) => {
            return socket
                .send_frame(&ServerFrame::Error {
                    id: None,
                    reason: "binary frames are not part of wschat.v1".into(),
                })
                .await
        }
        _ => return Ok(()),
    };
    match ClientFrame::decode(text.as_str()) {
        Ok(ClientFrame::Hello { after, name }) => {
            session.may_read().map_err(close)?;
            if let Err(wait) = rates.take(sub(session).as_deref(), Action::Hello, now_millis()) {
                let reason = format!("too many hellos: try again in {}", spoken_ms(wait));
                return Err(End::Close(axum::extract::ws::close_code::AGAIN, reason));
            }
            // Every hello says the name anew: one without a name clears it. Once signed in,
            // the token's name is the only one.
            member.set_author(author(session, name.as_deref().and_then(clean_name)));
            member.enter_presence();
            // Where this user stopped reading, before the catch-up: the client marks the
            // first message after it as it arrives.
            if member.watching() {
                if let Some(seq) = member.read_position().await {
                    socket.send_frame(&ServerFrame::Read { seq }).await?;
                }
            }
            hello(socket, member, after, leave).await?;
            // After `synced`: the member is live, so every later change reaches it too.
            if member.watching() {
                send_all(socket, member.presence_snapshot()).await?;
            }
            Ok(())
        }
        Ok(ClientFrame::Send { id, text }) => match session.may_post() {
            PostVerdict::Allowed => {
                let now = now_millis();
                let answer = match rates.take(sub(session).as_deref(), Action::Message, now) {
                    Ok(()) => {
                        // Whoever sends has stopped typing, whether or not it said so.
                        if gates.typing.sent() {
                            member.relay_typing(false).await;
                        }
                        send(member, id, text).await
                    }
                    Err(wait) => ServerFrame::Reject {
                        id,
                        reason: format!("sending too fast: try again in {}", spoken_ms(wait)),
                        retry_after: Some(wait),
                    },
                };
                socket.send_frame(&answer).await
            }
            PostVerdict::Rejected(reason) => {
                socket
                    .send_frame(&ServerFrame::Reject {
                        id,
                        reason,
                        retry_after: None,
                    })
                    .await
            }
            PostVerdict::Closed(refusal) => Err(close(refusal)),
        },
        Ok(ClientFrame::Auth { token }) => {
            let answer = session.on_auth(&token, now_millis()).map_err(close)?;
            if session.identity().is_some() {
                member.set_author(author(session, None));
                member.refresh_presence();
            }
            socket.send_frame(&answer).await
        }
        Ok(ClientFrame::Delete { seq }) => match session.may_moderate() {
            // Nothing to answer on success: the tombstone reaches this connection too.
            Ok(()) => match delete(member, seq).await {
                Some(reason) => socket.send_frame(&error(reason)).await,
                None => Ok(()),
            },
            Err(reason) => socket.send_frame(&error(reason)).await,
        },
        Ok(ClientFrame::History { before, limit }) => {
            session.may_read().map_err(close)?;
            // A page reads the history as a catch-up page does: it counts as a hello. Past
            // the limit the page is empty, `more` still true: the reader scrolls back again
            // later, and the connection stays.
            if rates
                .take(sub(session).as_deref(), Action::Hello, now_millis())
                .is_err()
            {
                let (count, more) = (0, true);
                let empty = ServerFrame::History {
                    before,
                    count,
                    more,
                };
                return socket.send_frame(&empty).await;
            }
            older_page(socket, member, before, limit).await
        }
        // Never answered: a typer who may not post, or one over the gate, is not heard.
        Ok(ClientFrame::Typing { active }) => {
            match session.may_post() {
                PostVerdict::Allowed if gates.typing.admit(active, now_millis()) => {
                    member.relay_typing(active).await
                }
                PostVerdict::Closed(refusal) => return Err(close(refusal)),
                _ => {}
            }
            Ok(())
        }
        // Signed-in users only: a guest has no position to keep.
        Ok(ClientFrame::Read { seq }) => {
            if session.identity().is_some() && gates.read.admit(seq, now_millis()) {
                member.mark_read(seq).await;
            }
            Ok(())
        }
        Ok(ClientFrame::Watch) => {
            if member.watch() {
                send_all(socket, member.presence_snapshot()).await?;
            }
            Ok(())
        }
        Ok(ClientFrame::Ping) => socket.send_frame(&ServerFrame::Pong).await,
        Err(e) => {
            socket
                .send_frame(&ServerFrame::Error {
                    id: None,
                    reason: e.to_string(),
                })
                .await
        }
    }
}

/// Deletes the room's message at `seq`; returns why not, if it could not.
async fn delete(member: &Membership, seq: Seq) -> Option<String> {
    match member.delete(seq).await {
        Ok(Appended::New(_)) => None,
        Ok(Appended::AlreadyDeleted) => Some(format!("message {seq} was deleted already")),
        Ok(_) => Some(format!("no message {seq} in this room to delete")),
        Err(e) => {
            tracing::error!(conn = member.id(), "{e}");
            Some(format!("message {seq} not deleted, try again later: {e}"))
        }
    }
}

async fn send_all(socket: &mut TimedSocket, frames: Vec<ServerFrame>) -> Result<(), End> {
    for frame in frames {
        socket.send_frame(&frame).await?;
    }
    Ok(())
}

fn error(reason: String) -> ServerFrame {
    ServerFrame::Error { id: None, reason }
}

/// Who a connection's messages are from: the token's name and user id once signed in, else
/// the name it offered, marked as a guest's where the server signs users in.
fn author(session: &Session, offered: Option<String>) -> Author {
    let user = session.identity().map(|identity| identity.sub.clone());
    Author {
        from: session.name(offered),
        guest: user.is_none() && session.checks_tokens(),
        user,
    }
}

/// A sign-in refusal ends the connection with its code.
fn close(refusal: Refusal) -> End {
    End::Close(refusal.code, refusal.reason)
}

async fn send(member: &Membership, id: String, text: String) -> ServerFrame {
    crate::metrics::received(text.len());
    let reject = |reason: String| ServerFrame::Reject {
        id: id.clone(),
        reason,
        retry_after: None,
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
        Ok((Appended::New(seq), ts)) => ServerFrame::Ack {
            id,
            seq,
            ts: Some(ts),
        },
        // A re-send gets the time of the first store, the one everybody else saw.
        Ok((Appended::Duplicate(seq, ts), _)) => ServerFrame::Ack { id, seq, ts },
        // Visible to the sender, never a silent ack for text that is not what was stored.
        Ok((Appended::IdTaken, _)) => reject("id already used for a different message".into()),
        // Only tombstones are refused these ways; a message never is.
        Ok((Appended::NoSuchMessage | Appended::AlreadyDeleted, _)) => reject("not stored".into()),
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
