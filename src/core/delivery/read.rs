//! Telling the server where the reader stopped: `read {seq}` for a signed-in user on a synced
//! wschat.v1 connection, at most every [`READ_EVERY`] however fast the reader scrolls through
//! a busy room, never backwards, and what was not told yet goes once the next connection is
//! synced. The server's own `read` (on join, or from another tab) goes to the screen.

use super::Delivery;
use crate::core::boundary::Effect;
use crate::core::time::Moment;
use crate::core::view::update::ChatUpdate;
use std::collections::VecDeque;
use std::time::Duration;
use ws_chat_protocol::{ClientFrame, Seq};

/// The shortest time between two reports.
pub const READ_EVERY: Duration = Duration::from_millis(500);

/// What the server was and is to be told.
#[derive(Debug, Default)]
pub struct ReadReport {
    /// The highest position the server knows of (told, or its own).
    told: Option<Seq>,
    /// A higher one to tell.
    pending: Option<Seq>,
    /// When the next report may go.
    next_at: Option<Moment>,
}

impl Delivery {
    /// The reader has read up to `seq`.
    pub fn user_read(&mut self, seq: Seq, now: Moment, out: &mut VecDeque<Effect>) {
        let r = &mut self.read_report;
        if r.told.max(r.pending).is_some_and(|known| known >= seq) {
            return;
        }
        r.pending = Some(seq);
        self.flush_read(now, out);
    }

    /// When the pending report may go, if one is pending and there is someone to tell.
    pub fn read_timeout(&self) -> Option<Moment> {
        let r = &self.read_report;
        (r.pending.is_some() && self.tells_reads()).then(|| r.next_at.unwrap_or(Moment::ZERO))
    }

    /// Sends the pending report, if it is due and there is someone to tell.
    pub fn flush_read(&mut self, now: Moment, out: &mut VecDeque<Effect>) {
        if !self.tells_reads() {
            return;
        }
        let r = &mut self.read_report;
        let Some(seq) = r.pending else { return };
        if r.next_at.is_some_and(|at| now < at) {
            return;
        }
        r.pending = None;
        r.told = Some(seq);
        r.next_at = Some(now.saturating_add(READ_EVERY));
        out.push_back(Effect::Send(ClientFrame::Read { seq }.encode()));
    }

    /// The server's position for this user.
    pub(super) fn read_heard(&mut self, seq: Seq, out: &mut VecDeque<Effect>) {
        let r = &mut self.read_report;
        r.told = r.told.max(Some(seq));
        if r.pending.is_some_and(|p| p <= seq) {
            r.pending = None;
        }
        out.push_back(Effect::Ui(ChatUpdate::ReadUpTo(seq)));
    }

    /// Only a signed-in user has a position on the server, and only a synced wschat.v1
    /// connection carries it.
    fn tells_reads(&self) -> bool {
        self.negotiation == Some(super::Negotiation::Envelopes)
            && self.synced
            && self.own_user.is_some()
    }
}
