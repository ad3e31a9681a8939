//! Older history, for a reader scrolling back: the page of stored messages just before a seq.
//!
//! Built on the catch-up read ([`Store::page`]), since a room's seqs are consecutive: the
//! messages before `before` are those after `before - limit - 1`. So both stores serve it as
//! they serve a catch-up, from one read, and it is a cursor on the seq, never an offset: a
//! page asked for again is the same page, however many messages came since.

use super::error::StoreError;
use super::message::HistoryMessage;
use super::store::Store;
use ws_chat_protocol::Seq;

/// The stored messages just before a seq, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OlderPage {
    /// At most `limit` messages, the newest just before `before`; tombstones left out (the
    /// message they deleted reads as deleted already).
    pub messages: Vec<HistoryMessage>,
    /// Older messages are stored.
    pub more: bool,
}

impl Store {
    /// The page of at most `limit` (at least 1) messages before `before`, or before the
    /// newest when `None`. One more is read just below the page, to tell whether anything
    /// older is stored (pruning takes the oldest first, so it is stored if that one is).
    pub async fn older(
        &self,
        room: &str,
        before: Option<Seq>,
        limit: usize,
    ) -> Result<OlderPage, StoreError> {
        let limit = limit.max(1);
        let before = match before {
            Some(seq) => seq,
            None => self.page(room, None, 0).await?.head.saturating_add(1),
        };
        // The page is the seqs `lowest..before`; `probe` is the one just below it (0: none).
        let lowest = before.saturating_sub(limit as Seq).max(1);
        let probe = lowest - 1;
        let read = self
            .page(room, Some(probe.saturating_sub(1)), limit + 1)
            .await?;
        let more = probe > 0 && read.messages.first().is_some_and(|m| m.seq == probe);
        let messages = read
            .messages
            .into_iter()
            .filter(|m| m.seq >= lowest && m.seq < before && m.deletes.is_none())
            .collect();
        Ok(OlderPage { messages, more })
    }
}
