//! What changes a chat's state: [`ChatUpdate`]s the engine reports about the conversation and
//! the connection, and [`ViewAction`]s, what the reader did to the list.

use crate::core::reconnect::Phase;
use crate::core::sign_in::SignedInUser;
use crate::core::view::entry::{NoticeKind, OutStatus};
use crate::core::view::status::{Details, ServerShown};
use std::rc::Rc;
use ws_chat_protocol::{Millis, Seq};

/// Delivery counters, for the curious and for the chaos tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryStats {
    /// Message frames handed to a socket, resends included.
    pub sent: u64,
    /// Messages the server confirmed.
    pub delivered: u64,
    /// Messages or acks received a second time and not shown again.
    pub duplicates: u64,
    /// Catch-ups that could not cover everything missed.
    pub gaps: u64,
}

/// A change to the conversation or the connection, as the engine reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatUpdate {
    Phase(Phase),
    /// The server in use, or tried next.
    Server(ServerShown),
    Details(Option<Details>),
    Stats(DeliveryStats),
    /// Who this chat is, and whether names are shown at all: `Some(label)` once the server
    /// speaks wschat.v1 (which carries names; `label` heads our own messages), `None` for a
    /// plain server, which carries none.
    Names(Option<Rc<str>>),
    /// Who the server signed this chat in as; `None`: nobody (a guest, or signed out).
    User(Option<SignedInUser>),
    /// A message typed here, at `at` (ms since the epoch).
    Outgoing {
        id: Rc<str>,
        text: Rc<str>,
        status: OutStatus,
        at: Millis,
    },
    /// Our message's new status; `at`: the server's time for it, once it has one.
    Status {
        id: Rc<str>,
        status: OutStatus,
        seq: Option<Seq>,
        at: Option<Millis>,
    },
    Incoming {
        seq: Option<Seq>,
        text: Rc<str>,
        from: Option<Rc<str>>,
        at: Millis,
    },
    /// The room's message at `seq` was deleted (by a moderator): it keeps its place and
    /// says so.
    Deleted {
        seq: Seq,
    },
    /// Our failed message was removed by the user.
    Removed {
        id: Rc<str>,
    },
    Notice {
        kind: NoticeKind,
        text: Rc<str>,
    },
    /// Who is in the room, by name, as far as the server lists them; `count`: how many (the
    /// names are empty past the server's list limit); `None`: unknown (no wschat.v1
    /// connection).
    Presence {
        names: Vec<Rc<str>>,
        count: Option<u32>,
    },
    /// Where this user stopped reading, as the server keeps it.
    ReadUpTo(Seq),
    /// The page became visible (`true`) or hidden: only a visible page reads what arrives.
    PageVisible(bool),
    /// The others typing now, by name, in the order they started (empty: nobody).
    Typing(Vec<Rc<str>>),
    /// A page of older messages the reader asked for: those stored before `before` (before
    /// the newest for `None`), oldest first; `more`: older ones are stored.
    Older {
        before: Option<Seq>,
        messages: Vec<OlderMessage>,
        more: bool,
    },
}

/// A room message from a page of older ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OlderMessage {
    pub seq: Seq,
    pub text: Rc<str>,
    pub from: Option<Rc<str>>,
    pub at: Millis,
}

/// What the reader did to the message list: it changes what is rendered, never the
/// conversation or the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewAction {
    /// The reader scrolled: to the newest message (`at_newest`) or away from it.
    Scrolled {
        /// Whether the newest message is in view now.
        at_newest: bool,
    },
    /// "Show earlier", or scrolling to the top: render a batch more of the kept messages
    /// above the first rendered one, or, when all are rendered, ask the server for older ones.
    ShowEarlier,
    /// The reader scrolled to the bottom of the rendered rows while later kept ones are not
    /// rendered: the window moves a batch down.
    ShowLater,
    /// "N new messages" or "Jump to latest": follow the newest message again (fetching the
    /// newest page first, if they were let go to keep older ones).
    JumpToNewest,
}
