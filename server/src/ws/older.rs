//! A wschat.v1 connection's answer to `history {before, limit}`: a page of older messages for
//! a reader scrolling back.

use super::timed_socket::{End, TimedSocket};
use crate::rooms::Membership;
use ws_chat_protocol::{Seq, ServerFrame, MAX_HISTORY_PAGE};

/// Answers `history {before, limit}`: `history {count, more}`, then the page's messages, all
/// written before the connection loop writes any live message again. A store that cannot be
/// read gets `error`: the reader can scroll back again later, and the connection is fine.
pub(super) async fn older_page(
    socket: &mut TimedSocket,
    member: &Membership,
    before: Option<Seq>,
    limit: u32,
) -> Result<(), End> {
    let limit = limit.clamp(1, MAX_HISTORY_PAGE) as usize;
    let page = match member.older(before, limit).await {
        Ok(page) => page,
        Err(e) => {
            tracing::error!(conn = member.id(), "history read failed: {e}");
            return socket
                .send_frame(&ServerFrame::Error {
                    id: None,
                    reason: format!("older messages cannot be read now: {e}"),
                })
                .await;
        }
    };
    socket
        .send_frame(&ServerFrame::History {
            before,
            count: page.messages.len() as u32,
            more: page.more,
        })
        .await?;
    for m in page.messages {
        socket.send_frame(&m.into_frame()).await?;
    }
    Ok(())
}
