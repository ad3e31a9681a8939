//! Getting each typed message to the room exactly once, and each room message on screen once.
//!
//! Against a server that selected `wschat.v1`, a message stays in the outbox until its `ack`,
//! is re-sent after every reconnect, and the client asks for what it missed with `hello {after}`;
//! room sequence numbers make duplicates harmless. Against a plain server, a message leaves the
//! outbox once handed to an open socket: that is all a plain peer can promise.

use super::chat_state::{ChatAction, Details, NoticeKind, OutStatus, Stats};
use super::outbox::{Outbox, StoredMessage};
use super::reconnect::Now;
use super::Effect;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;
use ws_chat_protocol::{ClientFrame, Seq, ServerFrame, OFFERED, SUBPROTOCOL};

#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryConfig {
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
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            outbox_capacity: 1_000,
            max_message_bytes: ws_chat_protocol::MAX_TEXT_BYTES,
            heartbeat_idle: Duration::from_secs(15),
            heartbeat_timeout: Duration::from_secs(10),
            save_every: Duration::from_millis(100),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Plain,
    Envelopes,
}

/// Room sequence numbers already shown: everything up to `upto`, plus any seen out of order.
/// `ahead` is sorted: seqs arrive nearly in order, so an insert is almost always at the end, and
/// a sorted deque is much smaller in the wasm than a `BTreeSet`.
#[derive(Debug, Default)]
struct SeenSeqs {
    upto: Option<Seq>,
    ahead: VecDeque<Seq>,
}

impl SeenSeqs {
    fn contains(&self, seq: Seq) -> bool {
        self.upto.is_some_and(|u| seq <= u) || self.ahead.binary_search(&seq).is_ok()
    }

    fn insert(&mut self, seq: Seq) {
        if let Err(at) = self.ahead.binary_search(&seq) {
            self.ahead.insert(at, seq);
        }
        self.advance();
    }

    /// The server says everything up to `head` was sent (or is gone from history).
    fn caught_up(&mut self, head: Seq) {
        self.upto = Some(self.upto.map_or(head, |u| u.max(head)));
        self.advance();
    }

    fn advance(&mut self) {
        let Some(mut upto) = self.upto else { return };
        while self
            .ahead
            .front()
            .is_some_and(|&s| s <= upto.saturating_add(1))
        {
            if let Some(s) = self.ahead.pop_front() {
                upto = upto.max(s);
            }
        }
        self.upto = Some(upto);
    }
}

#[derive(Debug)]
pub struct Delivery {
    config: DeliveryConfig,
    outbox: Outbox,
    mode: Option<Mode>,
    seen: SeenSeqs,
    stats: Stats,
    id_prefix: String,
    next_id: u64,
    last_received: Now,
    ping_sent: Option<Now>,
    /// The server answered `hello`, so it really speaks `wschat.v1`; until then nothing is sent.
    confirmed: bool,
    /// wschat.v1 without a negotiated sub-protocol: tried because none could be offered.
    in_band: bool,
    details: Details,
    /// The outbox changed since it was last handed out for saving.
    unsaved: bool,
}

impl Delivery {
    /// `id_prefix` must differ between components and page loads (a random value will do);
    /// `restored` is the outbox saved before a reload, shown again as queued.
    pub fn new(
        config: DeliveryConfig,
        id_prefix: String,
        restored: Vec<StoredMessage>,
        out: &mut VecDeque<Effect>,
    ) -> Self {
        let mut delivery = Self {
            outbox: Outbox::new(config.outbox_capacity.max(restored.len())),
            config,
            mode: None,
            seen: SeenSeqs::default(),
            stats: Stats::default(),
            id_prefix,
            next_id: 0,
            last_received: Duration::ZERO,
            ping_sent: None,
            confirmed: false,
            in_band: false,
            details: Details::default(),
            unsaved: false,
        };
        for message in restored {
            ui(
                out,
                ChatAction::Outgoing {
                    id: message.id.as_str().into(),
                    text: message.text.as_str().into(),
                    status: OutStatus::Queued,
                },
            );
            // Capacity was raised to fit, so this cannot overflow.
            let _ = delivery.outbox.push(message);
        }
        delivery
    }

    /// The sub-protocols to offer in the handshake.
    pub fn protocols() -> Vec<String> {
        OFFERED.iter().map(|p| (*p).to_owned()).collect()
    }

    pub fn user_send(&mut self, text: String, out: &mut VecDeque<Effect>) {
        if text.is_empty() {
            return;
        }
        self.next_id += 1;
        let id = format!("{}-{}", self.id_prefix, self.next_id);
        let failed = if text.len() > self.config.max_message_bytes {
            Some(format!(
                "too large: {} bytes, the limit is {}",
                text.len(),
                self.config.max_message_bytes
            ))
        } else {
            None
        };
        let message = StoredMessage { id, text };
        let status = match failed {
            Some(reason) => OutStatus::Failed(reason),
            None => match self.outbox.push(message.clone()) {
                Ok(()) => OutStatus::Queued,
                Err(full) => OutStatus::Failed(full.to_string()),
            },
        };
        let queued = status == OutStatus::Queued;
        ui(
            out,
            ChatAction::Outgoing {
                id: message.id.into(),
                text: message.text.into(),
                status,
            },
        );
        if queued {
            self.flush(out);
            self.unsaved = true;
        }
    }

    /// The socket opened. `offered`: whether the handshake offered sub-protocols. A server that
    /// selected none although none was offered may still speak wschat.v1 (behind a proxy that
    /// strips the header), so `hello` goes first there too, and its answer decides.
    pub fn opened(
        &mut self,
        protocol: &str,
        extensions: &str,
        offered: bool,
        now: Now,
        out: &mut VecDeque<Effect>,
    ) {
        let in_band = !offered && protocol.is_empty();
        let mode = if protocol == SUBPROTOCOL || in_band {
            Mode::Envelopes
        } else {
            Mode::Plain
        };
        self.mode = Some(mode);
        self.in_band = in_band;
        self.last_received = now;
        self.confirmed = false;
        // `hello` is answered like a ping: a server that stays silent is not really there.
        self.ping_sent = (mode == Mode::Envelopes).then_some(now);
        self.details = Details {
            protocol: protocol.to_owned(),
            extensions: extensions.to_owned(),
        };
        ui(out, ChatAction::Details(Some(self.details.clone())));
        if mode == Mode::Envelopes {
            out.push_back(Effect::Send(
                ClientFrame::Hello {
                    // A first join asks for the room's history too: a message sent between
                    // the upgrade and this hello is then in the catch-up, never lost.
                    after: Some(self.seen.upto.unwrap_or(0)),
                }
                .encode(),
            ));
        }
        self.flush(out);
        self.unsaved = true;
    }

    /// The socket is gone (closed, failed or abandoned): unconfirmed messages wait again.
    pub fn socket_lost(&mut self, out: &mut VecDeque<Effect>) {
        if self.mode.take().is_none() {
            return;
        }
        self.ping_sent = None;
        ui(out, ChatAction::Details(None));
        for id in self.outbox.socket_lost() {
            status(out, id, OutStatus::Queued, None);
        }
    }

    pub fn text_received(&mut self, text: String, now: Now, out: &mut VecDeque<Effect>) {
        self.last_received = now;
        self.ping_sent = None;
        match self.mode {
            Some(Mode::Envelopes) => match ServerFrame::decode(&text) {
                Ok(frame) => self.frame_received(frame, out),
                Err(err) if !self.confirmed => {
                    // It selected wschat.v1 but answers in plain text: believe the answer.
                    log::warn!("the server selected {SUBPROTOCOL} but does not speak it ({err}); using plain text");
                    self.mode = Some(Mode::Plain);
                    ui(
                        out,
                        ChatAction::Incoming {
                            seq: None,
                            text: text.into(),
                        },
                    );
                    self.flush(out);
                    self.unsaved = true;
                }
                Err(err) => {
                    log::warn!("{err}: {text:.200}");
                    notice(out, NoticeKind::Error, err.to_string());
                }
            },
            Some(Mode::Plain) | None => ui(
                out,
                ChatAction::Incoming {
                    seq: None,
                    text: text.into(),
                },
            ),
        }
    }

    pub fn binary_received(&mut self, len: usize, now: Now, out: &mut VecDeque<Effect>) {
        self.last_received = now;
        self.ping_sent = None;
        let text = format!("ignored a binary frame of {len} bytes: this chat shows text only");
        log::warn!("{text}");
        notice(out, NoticeKind::Error, text);
    }

    pub fn poll_timeout(&self) -> Option<Now> {
        if self.mode != Some(Mode::Envelopes) {
            return None;
        }
        Some(match self.ping_sent {
            Some(at) => at + self.config.heartbeat_timeout,
            None => self.last_received + self.config.heartbeat_idle,
        })
    }

    /// Runs the heartbeat. Returns why the connection is dead, if it is.
    pub fn handle_timeout(&mut self, now: Now, out: &mut VecDeque<Effect>) -> Option<String> {
        let due = self.poll_timeout()?;
        if now < due {
            return None;
        }
        if self.ping_sent.is_some() {
            let secs = self.config.heartbeat_timeout.as_secs();
            return Some(format!("no answer to a heartbeat within {secs} s"));
        }
        self.ping_sent = Some(now);
        out.push_back(Effect::Send(ClientFrame::Ping.encode()));
        None
    }

    fn frame_received(&mut self, frame: ServerFrame, out: &mut VecDeque<Effect>) {
        let before = self.stats;
        match frame {
            ServerFrame::Ack { id, seq } => self.confirmed(id, seq, out),
            ServerFrame::Reject { id, reason } => {
                if self.outbox.remove(&id) {
                    status(
                        out,
                        id,
                        OutStatus::Failed(format!("rejected by the server: {reason}")),
                        None,
                    );
                    self.unsaved = true;
                }
            }
            ServerFrame::Msg { seq, id, text } => match id {
                // Our own message whose ack was lost with a socket.
                Some(id) if self.outbox.contains(&id) => self.confirmed(id, seq, out),
                _ if self.seen.contains(seq) => self.stats.duplicates += 1,
                _ => {
                    self.seen.insert(seq);
                    ui(
                        out,
                        ChatAction::Incoming {
                            seq: Some(seq),
                            text: text.into(),
                        },
                    );
                }
            },
            ServerFrame::Synced { head, gap } => {
                // On a first join the history's limit is not something this chat missed.
                if gap && self.seen.upto.is_some() {
                    self.stats.gaps += 1;
                    notice(
                        out,
                        NoticeKind::Gap,
                        "some messages were missed while disconnected".into(),
                    );
                }
                self.seen.caught_up(head);
                if !std::mem::replace(&mut self.confirmed, true) {
                    if self.in_band {
                        self.details.protocol = format!("{SUBPROTOCOL} (in band)");
                        ui(out, ChatAction::Details(Some(self.details.clone())));
                    }
                    // Caught up: what is still unconfirmed now goes out again, in order.
                    self.flush(out);
                }
            }
            ServerFrame::Pong => {}
            ServerFrame::Welcome => {}
            ServerFrame::Error { reason, .. } => {
                notice(out, NoticeKind::Error, format!("server error: {reason}"))
            }
        }
        if self.stats != before {
            ui(out, ChatAction::Stats(self.stats));
        }
    }

    fn confirmed(&mut self, id: String, seq: Seq, out: &mut VecDeque<Effect>) {
        if !self.outbox.remove(&id) {
            self.stats.duplicates += 1;
            return;
        }
        self.stats.delivered += 1;
        self.seen.insert(seq);
        status(out, id, OutStatus::Delivered, Some(seq));
        self.unsaved = true;
    }

    /// Hands every waiting message to the open socket, oldest first.
    fn flush(&mut self, out: &mut VecDeque<Effect>) {
        let Some(mode) = self.mode else { return };
        if mode == Mode::Envelopes && !self.confirmed {
            return;
        }
        let batch = self.outbox.take_unsent();
        if batch.is_empty() {
            return;
        }
        for StoredMessage { id, text } in batch {
            let frame = match mode {
                Mode::Plain => text,
                Mode::Envelopes => ClientFrame::Send {
                    id: id.clone(),
                    text,
                }
                .encode(),
            };
            out.push_back(Effect::Send(frame));
            self.stats.sent += 1;
            status(out, id, OutStatus::Sent, None);
        }
        if mode == Mode::Plain {
            self.outbox.drain_sent();
        }
        ui(out, ChatAction::Stats(self.stats));
    }

    /// Whether the outbox changed since the last call: the engine decides when to save it.
    pub fn take_unsaved(&mut self) -> bool {
        std::mem::take(&mut self.unsaved)
    }

    /// What a reload must get back.
    pub fn outbox_snapshot(&self) -> Vec<StoredMessage> {
        self.outbox.snapshot()
    }
}

fn ui(out: &mut VecDeque<Effect>, action: ChatAction) {
    out.push_back(Effect::Ui(action));
}

fn status(out: &mut VecDeque<Effect>, id: String, status: OutStatus, seq: Option<Seq>) {
    ui(
        out,
        ChatAction::Status {
            id: id.into(),
            status,
            seq,
        },
    );
}

fn notice(out: &mut VecDeque<Effect>, kind: NoticeKind, text: String) {
    ui(
        out,
        ChatAction::Notice {
            kind,
            text: Rc::from(text),
        },
    );
}

#[cfg(test)]
#[path = "delivery_tests.rs"]
mod tests;
