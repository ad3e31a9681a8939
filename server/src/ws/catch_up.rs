//! A `hello`'s catch-up: the room's messages after the client's `after`, page by page, then
//! `synced`, handing over to live delivery without a gap or a repeat.

use super::timed_socket::{End, TimedSocket};
use crate::drain::Leave;
use crate::rooms::Membership;
use ws_chat_protocol::{Seq, ServerFrame};

/// Messages per store read of a catch-up: what one connection holds of the history at a
/// time (at most 50 × 16 KiB of text, encoded one frame at a time).
const CATCH_UP_PAGE: usize = 50;

/// Empty catch-up pages in a row that did not reach the live stream before the connection is
/// closed with 1013; see [`hello`].
const MAX_STALLED_PAGES: u32 = 100;

/// Answers `hello {after}`: the messages after `after` in pages, then `synced`, then live
/// delivery (the connection loop's send queue).
///
/// A page is read only once the one before it has been written to the socket (each send
/// awaited, with the send timeout), so a long history costs a connection one page of memory
/// and a reader that does not keep up slows down only its own catch-up. Messages stored
/// meanwhile are picked up by the later pages; the last page goes live (see
/// [`Membership::catch_up_page`]), so each message arrives once and in seq order. A page
/// that cannot be read ends the connection with 1011 (see below).
pub async fn hello(
    socket: &mut TimedSocket,
    member: &Membership,
    after: Option<Seq>,
    leave: &Leave,
) -> Result<(), End> {
    member.start_catch_up();
    let mut cursor = after;
    let mut gap = false;
    let mut stalled = 0;
    loop {
        let page = match member.catch_up_page(cursor, CATCH_UP_PAGE).await {
            Ok(page) => page,
            // The member is out of live delivery until a catch-up ends, so an `error` frame
            // would leave a connection that looks fine and never hears the room again. Ending
            // it makes the client reconnect and say `hello` again, once the store reads again.
            Err(e) => {
                tracing::error!(conn = member.id(), "catch-up failed, closing: {e}");
                return Err(End::server_error("cannot read the room history"));
            }
        };
        // Later pages can find the history pruned past them: that is a gap too.
        gap |= page.gap;
        let brought = page.messages.len();
        for m in page.messages {
            cursor = Some(m.seq);
            socket.send_frame(&m.into_frame()).await?;
        }
        if page.last {
            return socket
                .send_frame(&ServerFrame::Synced {
                    head: page.head,
                    gap,
                })
                .await;
        }
        // A page that brought nothing and did not reach the live stream: with Redis, the
        // fan-out got ahead of the read and the next read catches up, in a try or two. A room
        // whose fan-out stays ahead of its history (the history was lost under it) would never
        // let go, so after a bound the client is told to come back.
        if brought == 0 {
            stalled += 1;
            if stalled > MAX_STALLED_PAGES {
                tracing::warn!(conn = member.id(), "catch-up cannot reach the live stream");
                return Err(End::Close(
                    axum::extract::ws::close_code::AGAIN,
                    "the room's history is behind its live messages; try again".into(),
                ));
            }
            tokio::task::yield_now().await;
        } else {
            stalled = 0;
        }
        if leave.is_told() {
            let (code, reason) = leave.farewell();
            return Err(End::Close(code, reason));
        }
    }
}
