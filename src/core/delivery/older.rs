//! Older messages from the server, for a reader scrolling back past what the chat keeps:
//! one `history` request at a time, and its answer gathered into one update.
//!
//! The answer is `history {count, more}` and then `count` messages, which the server writes
//! before any live message, so the next `count` message frames are the page. They bypass the
//! seen-seq check on purpose: the reader asked for messages the chat may have shown before
//! and let go of.

use super::{ui, Delivery, Negotiation};
use crate::core::boundary::Effect;
use crate::core::view::update::{ChatUpdate, OlderMessage};
use std::collections::VecDeque;
use ws_chat_protocol::{ClientFrame, Millis, Seq, ServerFrame};

/// Messages asked for per page: a screen or two, as "show earlier" renders.
pub const OLDER_PAGE: u32 = 50;

/// Where the one `history` request of a connection is.
#[derive(Debug, Default)]
pub(super) enum OlderPaging {
    #[default]
    Idle,
    /// Asked for the page before `before`; its `history` header has not come.
    Asked { before: Option<Seq> },
    /// Gathering the page: `left` messages still to come.
    Gathering {
        before: Option<Seq>,
        left: u32,
        more: bool,
        page: Vec<OlderMessage>,
    },
}

impl Delivery {
    /// The reader wants the messages before `before` (before the newest for `None`). Sent
    /// only on a synced wschat.v1 connection and when no page is on its way; otherwise
    /// nothing happens, and the reader can ask again.
    pub fn user_load_older(&mut self, before: Option<Seq>, out: &mut VecDeque<Effect>) {
        let ready = self.negotiation == Some(Negotiation::Envelopes) && self.synced;
        if !ready || !matches!(self.older, OlderPaging::Idle) {
            return;
        }
        let limit = OLDER_PAGE;
        out.push_back(Effect::Send(
            ClientFrame::History { before, limit }.encode(),
        ));
        self.older = OlderPaging::Asked { before };
    }

    /// Takes the frames of an answer to `history`; gives back any other frame.
    pub(super) fn older_frame(
        &mut self,
        frame: ServerFrame,
        wall_ms: Millis,
        out: &mut VecDeque<Effect>,
    ) -> Option<ServerFrame> {
        match (&mut self.older, frame) {
            (OlderPaging::Asked { before }, ServerFrame::History { count, more, .. }) => {
                self.older = OlderPaging::Gathering {
                    before: *before,
                    left: count,
                    more,
                    page: Vec::with_capacity(count.min(OLDER_PAGE) as usize),
                };
            }
            // A server that does not know `history` says so once; it is asked no more.
            (OlderPaging::Asked { before }, ServerFrame::Error { id: None, .. }) => {
                let before = *before;
                self.finish_older(before, Vec::new(), false, out);
            }
            (
                OlderPaging::Gathering { left, page, .. },
                ServerFrame::Msg {
                    seq,
                    text,
                    from,
                    ts,
                    user,
                    guest,
                    ..
                },
            ) => {
                page.push(OlderMessage {
                    seq,
                    text: text.into(),
                    from: super::envelopes::shown_sender(from, user, guest),
                    at: ts.unwrap_or(wall_ms),
                });
                *left = left.saturating_sub(1);
            }
            (_, other) => return Some(other),
        }
        if let OlderPaging::Gathering { left: 0, .. } = self.older {
            if let OlderPaging::Gathering {
                before, more, page, ..
            } = std::mem::take(&mut self.older)
            {
                self.finish_older(before, page, more, out);
            }
        }
        None
    }

    fn finish_older(
        &mut self,
        before: Option<Seq>,
        page: Vec<OlderMessage>,
        more: bool,
        out: &mut VecDeque<Effect>,
    ) {
        self.older = OlderPaging::Idle;
        ui(
            out,
            ChatUpdate::Older {
                before,
                messages: page,
                more,
            },
        );
    }
}
