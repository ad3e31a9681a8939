//! What a plain connection (no sub-protocol, as the seed page's) does with each frame it
//! receives: text goes to the room, stored when it could have come from a wschat.v1 client.

use super::rate_limits::{spoken_ms, Action, ConnectionRates};
use super::timed_socket::End;
use crate::auth::{PostVerdict, Session};
use crate::clock::now_millis;
use crate::rooms::Membership;
use axum::extract::ws::close_code::AGAIN;
use axum::extract::ws::Message;
use ws_chat_protocol::{close_code, MAX_TEXT_BYTES};

/// A text frame is a chat line for the rest of the room; nothing is answered. A guest that
/// may not post is closed (4403), and one sending faster than the rate limit is closed with
/// 1013 (Try Again Later): plain text has no way to say "rejected" or "wait".
pub async fn on_frame(
    member: &Membership,
    session: &Session,
    rates: &ConnectionRates,
    message: Message,
) -> Result<(), End> {
    if matches!(message, Message::Text(_)) {
        match session.may_post() {
            PostVerdict::Allowed => {}
            PostVerdict::Rejected(reason) => return Err(End::Close(close_code::FORBIDDEN, reason)),
            PostVerdict::Closed(refusal) => return Err(End::Close(refusal.code, refusal.reason)),
        }
        if let Err(wait) = rates.take(None, Action::Message, now_millis()) {
            let reason = format!("sending too fast: try again in {}", spoken_ms(wait));
            return Err(End::Close(AGAIN, reason));
        }
    }
    if let Message::Text(text) = &message {
        crate::metrics::received(text.len());
    }
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
    Ok(())
}

/// Text that fits the history: what plain peers send is stored only if a wschat.v1 client
/// could have sent it too.
fn storable(text: &str) -> bool {
    !text.is_empty() && text.len() <= MAX_TEXT_BYTES
}
