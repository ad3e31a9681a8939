//! Getting each typed message to the room exactly once, and each room message on screen once.
//!
//! Against a server that selected `wschat.v1`, a message stays in the outbox until its `ack`,
//! is re-sent after every reconnect, and the client asks for what it missed with `hello {after}`;
//! room sequence numbers make duplicates harmless. Against a plain server, a message leaves the
//! outbox once handed to an open socket: that is all a plain peer can promise.
//!
//! Without a negotiated sub-protocol the client offered none (see [`IN_BAND_QUERY`]): it then
//! only listens until the server has spoken. `welcome` means wschat.v1; any other frame, or
//! silence for [`DeliveryConfig::welcome_wait`], means a plain server, which gets plain text and
//! never a heartbeat it could not answer, so a quiet broadcast-only server is never taken for
//! a dead one.

use crate::core::boundary::Effect;
use crate::core::boundary::SavedMessage;
use crate::core::delivery::outbox::Outbox;
use crate::core::delivery::seen_seqs::SeenSeqs;
use crate::core::setters::setters;
use crate::core::sign_in::Token;
use crate::core::time::Moment;
use crate::core::view::entry::{NoticeKind, OutStatus};
use crate::core::view::status::Details;
use crate::core::view::update::{ChatUpdate, DeliveryStats};
pub use sign_in::SignInAnswer;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;
use ws_chat_protocol::{clean_name, ClientFrame, Millis, Seq};

mod envelopes;
pub mod failed;
mod negotiation;
pub mod older;
pub mod outbox;
pub mod people;
pub mod presence;
pub mod read;
pub mod saved_outbox;
pub mod seen_seqs;
mod sign_in;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod test_messages;
pub mod typing;

/// How typed messages reach the server and how a dead connection is noticed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeliveryConfig {
    /// The display name sent in every `hello`, which a wschat.v1 server attaches to this
    /// chat's messages. Cleaned as the server cleans it ([`clean_name`]); `None`: no name.
    pub name: Option<String>,
    /// Messages waiting for the server at most; sending more fails at once, saying why.
    pub outbox_capacity: usize,
    /// Longer messages fail at once, with the reason, instead of being refused by the server.
    pub max_message_bytes: usize,
    /// With nothing received for this long, ping (`wschat.v1` only: a plain peer cannot answer).
    pub heartbeat_idle: Duration,
    /// No pong within this long after a ping: the connection is dead.
    pub heartbeat_timeout: Duration,
    /// The saved outbox is written at most this often (and always when the page is hidden), so
    /// a burst of sends or acks costs one write, not one per message.
    pub save_every: Duration,
    /// In band, how long to wait for the server's `welcome` before taking it for a plain server.
    pub welcome_wait: Duration,
    /// After the server could not store a message (`error {id}`), the first wait before sending
    /// it again; it doubles with each failure in a row, up to 32 times this.
    pub store_retry: Duration,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            name: None,
            outbox_capacity: 1_000,
            max_message_bytes: ws_chat_protocol::MAX_TEXT_BYTES,
            heartbeat_idle: Duration::from_secs(15),
            heartbeat_timeout: Duration::from_secs(10),
            save_every: Duration::from_millis(100),
            welcome_wait: Duration::from_secs(2),
            store_retry: Duration::from_secs(1),
        }
    }
}

setters!(DeliveryConfig {
    name: Option<String>,
    outbox_capacity: usize,
    max_message_bytes: usize,
    heartbeat_idle: Duration,
    heartbeat_timeout: Duration,
    save_every: Duration,
    welcome_wait: Duration,
    store_retry: Duration,
});

/// What this connection was found to speak: the state of the negotiation of its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Negotiation {
    /// In band, before the server has said anything: nothing is sent.
    Listening {
        until: Moment,
    },
    /// A plain peer. `after_silence`: it was taken for one because no `welcome` came in time,
    /// so a `welcome` that is merely late is still recognised (and not shown).
    Plain {
        after_silence: bool,
    },
    Envelopes,
}

#[derive(Debug)]
pub struct Delivery {
    config: DeliveryConfig,
    outbox: Outbox,
    /// Messages that failed, newest last, kept for "Retry"; at most [`failed::MAX_FAILED_KEPT`],
    /// so failures cannot grow without bound (the oldest can no longer be retried).
    failed: VecDeque<SavedMessage>,
    /// The name from the config, cleaned.
    name: Option<String>,
    negotiation: Option<Negotiation>,
    seen: SeenSeqs,
    stats: DeliveryStats,
    last_received: Moment,
    ping_sent: Option<Moment>,
    /// The server answered `hello`, so it really speaks `wschat.v1`; until then nothing is sent.
    synced: bool,
    /// The nonce of the current in-band connection, which its `welcome` must echo.
    in_band_nonce: Option<String>,
    /// Plain text went out on this socket: a late `welcome` can no longer change its language.
    plain_sent: bool,
    /// `error {id}` answers in a row; the resend waits longer after each.
    store_errors: u32,
    /// When messages the server could not store go out again.
    resend_at: Option<Moment>,
    details: Details,
    /// The outbox changed since it was last handed out for saving.
    unsaved: bool,
    /// The token this connection signs in with: sent with `auth` before `hello`.
    token: Option<Token>,
    /// What the server's latest `authed` said, until the engine takes it.
    authed: Option<SignInAnswer>,
    /// The user id the server signed this chat in as: a message from another user under one
    /// of our ids is theirs, not our lost ack.
    own_user: Option<String>,
    /// The `history` request of this connection, if one is on its way.
    older: older::OlderPaging,
    /// What the room was told of this chat's typing.
    own_typing: typing::OwnTyping,
    /// The others typing, as the server relayed it.
    typists: people::People,
    /// Who is in the room, as the server told it.
    roster: presence::Roster,
    /// Where the reader stopped, as told to the server.
    read_report: read::ReadReport,
}

impl Delivery {
    /// `restored` is the outbox saved before a reload, shown again as queued; a record without
    /// a time shows `wall_ms`, now.
    pub fn new(
        config: DeliveryConfig,
        restored: Vec<SavedMessage>,
        wall_ms: Millis,
        out: &mut VecDeque<Effect>,
    ) -> Self {
        let mut delivery = Self {
            outbox: Outbox::new(config.outbox_capacity.max(restored.len())),
            failed: VecDeque::new(),
            name: config.name.as_deref().and_then(clean_name),
            config,
            negotiation: None,
            seen: SeenSeqs::default(),
            stats: DeliveryStats::default(),
            last_received: Moment::ZERO,
            ping_sent: None,
            synced: false,
            in_band_nonce: None,
            plain_sent: false,
            store_errors: 0,
            resend_at: None,
            details: Details::default(),
            unsaved: false,
            token: None,
            authed: None,
            own_user: None,
            older: older::OlderPaging::Idle,
            own_typing: typing::OwnTyping::default(),
            typists: people::People::new(typing::MAX_TYPISTS, Some(typing::EXPIRES)),
            roster: presence::Roster::default(),
            read_report: read::ReadReport::default(),
        };
        for message in restored {
            ui(
                out,
                ChatUpdate::Outgoing {
                    id: message.id.as_str().into(),
                    text: message.text.as_str().into(),
                    status: OutStatus::Queued,
                    at: message.at.unwrap_or(wall_ms),
                },
            );
            // Capacity was raised to fit, so this cannot overflow.
            let _ = delivery.outbox.push(message);
        }
        delivery
    }

    /// A typed message, at `wall_ms`. `id` is unguessable (128 random bits): ids are
    /// broadcast, and a guessable next id would let another member send it first and so
    /// suppress the message.
    pub fn user_send(
        &mut self,
        text: String,
        id: String,
        wall_ms: Millis,
        out: &mut VecDeque<Effect>,
    ) {
        if text.is_empty() {
            return;
        }
        let message = SavedMessage {
            id,
            text,
            at: Some(wall_ms),
        };
        let status = self.enqueue(&message);
        ui(
            out,
            ChatUpdate::Outgoing {
                id: message.id.as_str().into(),
                text: message.text.as_str().into(),
                status: status.clone(),
                at: wall_ms,
            },
        );
        self.after_enqueue(message, &status, out);
    }

    /// Hands every waiting message to the open socket, oldest first.
    fn flush(&mut self, out: &mut VecDeque<Effect>) {
        let plain = match self.negotiation {
            Some(Negotiation::Plain { .. }) => true,
            Some(Negotiation::Envelopes) if self.synced && self.resend_at.is_none() => false,
            _ => return,
        };
        let batch = self.outbox.take_unsent();
        if batch.is_empty() {
            return;
        }
        for SavedMessage { id, text, .. } in batch {
            let frame = if plain {
                text
            } else {
                ClientFrame::Send {
                    id: id.clone(),
                    text,
                }
                .encode()
            };
            out.push_back(Effect::Send(frame));
            self.stats.sent += 1;
            status(out, id, OutStatus::Sent, None);
        }
        if plain {
            // What a plain peer took is gone from the outbox, and from the saved one next.
            self.outbox.drain_sent();
            self.plain_sent = true;
            self.unsaved = true;
        }
        ui(out, ChatUpdate::Stats(self.stats));
    }

    /// Whether the outbox changed since the last call: the engine decides when to save it.
    pub fn take_unsaved(&mut self) -> bool {
        std::mem::take(&mut self.unsaved)
    }

    /// What a reload must get back.
    pub fn outbox_snapshot(&self) -> Vec<SavedMessage> {
        self.outbox.snapshot()
    }
}

fn ui(out: &mut VecDeque<Effect>, action: ChatUpdate) {
    out.push_back(Effect::Ui(action));
}

fn status(out: &mut VecDeque<Effect>, id: String, status: OutStatus, seq: Option<Seq>) {
    ui(
        out,
        ChatUpdate::Status {
            id: id.into(),
            status,
            seq,
            at: None,
        },
    );
}

fn notice(out: &mut VecDeque<Effect>, kind: NoticeKind, text: String) {
    ui(
        out,
        ChatUpdate::Notice {
            kind,
            text: Rc::from(text),
        },
    );
}
