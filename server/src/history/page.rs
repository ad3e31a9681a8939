//! A catch-up page, and the rule both stores follow to make one.

use super::message::HistoryMessage;
use ws_chat_protocol::Seq;

/// One page of the catch-up for `hello {after}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CatchUpPage {
    /// The first (at most `limit`) retained messages with `seq > after`, in seq order.
    pub messages: Vec<HistoryMessage>,
    /// The room's newest seq (0 for an empty room).
    pub head: Seq,
    /// History no longer holds everything after `after`: some of it was pruned.
    pub gap: bool,
    /// Nothing retained comes after this page: it reaches `head`.
    pub last: bool,
}

impl CatchUpPage {
    /// The page one read of a store makes for `after`, from one snapshot of the room: its
    /// oldest retained seq (`None` if it holds nothing), its `head`, and the first retained
    /// `messages` past `after`, in seq order. Both stores read these three and leave the rule
    /// to this one place.
    ///
    /// Without `after` (a `hello` that wants no history) the page is just the head. There is a
    /// gap when the oldest retained message is past `after + 1` and the room has anything
    /// newer than `after` at all: what came in between was pruned. A page is the last when its
    /// newest message reaches the head (so no empty page follows a full one).
    pub fn new(
        after: Option<Seq>,
        oldest: Option<Seq>,
        head: Seq,
        messages: Vec<HistoryMessage>,
    ) -> CatchUpPage {
        let Some(after) = after else {
            return CatchUpPage {
                head,
                last: true,
                ..CatchUpPage::default()
            };
        };
        let gap = oldest.is_some_and(|oldest| oldest > after.saturating_add(1)) && head > after;
        let last = messages.last().is_none_or(|m| m.seq >= head);
        CatchUpPage {
            messages,
            head,
            gap,
            last,
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn messages(seqs: &[Seq]) -> Vec<HistoryMessage> {
        seqs.iter()
            .map(|&seq| HistoryMessage {
                seq,
                id: None,
                text: seq.to_string(),
                author: Default::default(),
                ts: None,
                deletes: None,
            })
            .collect()
    }

    /// `(after, oldest, head, seqs read)`, then the page's `(gap, last)`.
    type Case = (Option<Seq>, Option<Seq>, Seq, &'static [Seq], bool, bool);

    /// The gap and last-page rule of both stores, over what a read can find.
    #[test]
    fn gaps_and_last_pages() {
        let cases: [Case; 11] = [
            (Some(0), None, 0, &[], false, true),            // an empty room
            (Some(0), Some(1), 3, &[1, 2, 3], false, true),  // everything, in one page
            (Some(0), Some(1), 7, &[1, 2, 3], false, false), // more pages to come
            (Some(0), Some(3), 5, &[3, 4, 5], true, true),   // 1 and 2 were pruned
            (Some(2), Some(3), 5, &[3, 4, 5], false, true),  // it has 2: nothing missed
            (Some(3), Some(6), 9, &[6, 7, 8], true, false),  // pruned past a later page
            (Some(5), Some(3), 5, &[], false, true),         // up to date
            (Some(9), Some(3), 5, &[], false, true),         // ahead of a history started over
            (Some(u64::MAX), Some(3), 5, &[], false, true),  // no overflow at the top
            (Some(4), Some(3), 7, &[5, 6, 7], false, true),  // exactly the rest
            (Some(0), Some(1), 3, &[], false, true),         // nothing read: nothing to wait for
        ];
        for (after, oldest, head, seqs, gap, last) in cases {
            let page = CatchUpPage::new(after, oldest, head, messages(seqs));
            assert_eq!(
                (page.gap, page.last, page.head, page.messages.len()),
                (gap, last, head, seqs.len()),
                "after {after:?}, oldest {oldest:?}, head {head}, read {seqs:?}"
            );
        }
    }

    #[test]
    fn without_after_a_page_is_the_head_alone() {
        let page = CatchUpPage::new(None, Some(3), 5, messages(&[4, 5]));
        assert_eq!(
            page,
            CatchUpPage {
                head: 5,
                last: true,
                ..CatchUpPage::default()
            }
        );
    }
}
