//! The engine driven the way the browser glue drives it, with the chat state it feeds.

use super::*;
use crate::core::delivery::DeliveryConfig;
use crate::core::reconnect::backoff::Backoff;
use crate::core::reconnect::ReconnectConfig;
use crate::core::sign_in::SignInConfig;
use crate::core::view::chat_state::ChatState;
use crate::core::view::entry::{Entry, OutStatus};
use std::cell::Cell;
use std::time::Duration;
use ws_chat_protocol::{ClientFrame, Millis, ServerFrame, PLAIN_SUBPROTOCOL, SUBPROTOCOL};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The moment `n` ms after the clock's origin.
fn at_ms(n: u64) -> Moment {
    Moment::from_origin(ms(n))
}

/// `moment` in whole ms after the origin, as the harness's steps count time.
fn ms_of(moment: Moment) -> u64 {
    moment.since_origin().as_millis() as u64
}

/// An engine plus what a browser would hold: the chat state, the frames sent, the stored outbox.
struct Harness {
    engine: Engine,
    state: ChatState,
    sent: Vec<String>,
    saved: Vec<SavedMessage>,
    /// How many times the outbox was written, and whether the last write was orphaned.
    writes: usize,
    orphaned: bool,
    connects: usize,
    /// Sub-protocols offered by the latest connect, and its URL.
    offered: Vec<String>,
    url: String,
    closes: Vec<u16>,
    /// The tickets of token fetches asked for, oldest first.
    fetches: Vec<u32>,
    /// What the page was asked to remember of handshakes: (key, in band), oldest first.
    remembered: Vec<(String, bool)>,
    /// Each `watch` sent, by how many other frames were sent before it (kept out of `sent`,
    /// which the tests read as what a connection says of its messages).
    watched: Vec<usize>,
    now: Moment,
}

impl Harness {
    fn new(restored: Vec<SavedMessage>) -> Self {
        Self::signing_in(restored, SignInConfig::default())
    }

    fn signing_in(restored: Vec<SavedMessage>, sign_in: SignInConfig) -> Self {
        let config = EngineConfig {
            reconnect: ReconnectConfig {
                backoff: Backoff::fixed(ms(1_000)),
                ..ReconnectConfig::default()
            },
            delivery: DeliveryConfig {
                outbox_capacity: 3,
                max_message_bytes: 10,
                ..DeliveryConfig::default()
            },
            sign_in,
        };
        let mut h = Self {
            engine: Engine::new(config, Ok(URL.into()), 1, restored, WALL),
            state: ChatState::default(),
            sent: Vec::new(),
            saved: Vec::new(),
            writes: 0,
            orphaned: false,
            connects: 0,
            offered: Vec::new(),
            url: String::new(),
            closes: Vec::new(),
            fetches: Vec::new(),
            remembered: Vec::new(),
            watched: Vec::new(),
            now: Moment::ZERO,
        };
        h.drain();
        h
    }

    /// Connected at 0 to a wschat.v1 server (opened at 1), caught up to an empty room at `t`,
    /// with the `hello` already taken.
    fn joined(t: u64) -> Self {
        let mut h = Self::new(vec![]);
        h.at(0, EngineEvent::UserConnect).open(1, SUBPROTOCOL);
        h.server(
            t,
            ServerFrame::Synced {
                head: 0,
                gap: false,
            },
        );
        h.take_sent();
        h
    }

    fn at(&mut self, t: u64, event: EngineEvent) -> &mut Self {
        self.now = at_ms(t);
        self.engine.handle(event, self.now);
        self.drain();
        self
    }

    fn tick(&mut self, t: u64) -> &mut Self {
        self.now = at_ms(t);
        self.engine.handle_timeout(self.now);
        self.drain();
        self
    }

    fn drain(&mut self) {
        while let Some(effect) = self.engine.poll_effect() {
            match effect {
                Effect::Connect { url, protocols } => {
                    self.offered = protocols;
                    self.url = url;
                    self.connects += 1;
                }
                Effect::Close { code, .. } => self.closes.push(code),
                Effect::FetchToken { ticket } => self.fetches.push(ticket),
                Effect::Send(frame) if frame == ClientFrame::Watch.encode() => {
                    self.watched.push(self.sent.len())
                }
                Effect::Send(frame) => self.sent.push(frame),
                Effect::Ui(action) => self.state.apply(action),
                Effect::RememberHandshake { key, in_band } => self.remembered.push((key, in_band)),
                Effect::SaveOutbox { messages, orphaned } => {
                    self.saved = messages;
                    self.orphaned = orphaned;
                    self.writes += 1;
                }
            }
        }
    }

    fn open(&mut self, t: u64, protocol: &str) -> &mut Self {
        self.at(
            t,
            EngineEvent::Opened {
                protocol: protocol.into(),
                extensions: String::new(),
            },
        )
    }

    fn server(&mut self, t: u64, frame: ServerFrame) -> &mut Self {
        self.at(t, text_event(frame.encode()))
    }

    /// The saved outbox once every pending write is done (as when the page is hidden).
    fn flushed(&mut self) -> Vec<SavedMessage> {
        self.at(ms_of(self.now), EngineEvent::PageHidden);
        assert!(self.orphaned);
        self.saved.clone()
    }

    /// The server's `welcome` for the latest in-band connection, its nonce echoed.
    fn welcome(&self) -> ServerFrame {
        let nonce = self.url.split("wschat_nonce=").nth(1).map(str::to_owned);
        assert!(nonce.is_some(), "not an in-band URL: {}", self.url);
        ServerFrame::Welcome { nonce }
    }

    fn take_sent(&mut self) -> Vec<String> {
        std::mem::take(&mut self.sent)
    }

    /// Client frames sent since the last call, decoded.
    fn take_frames(&mut self) -> Vec<ClientFrame> {
        self.take_sent()
            .iter()
            .map(|f| ClientFrame::decode(f).expect("client sends valid envelopes"))
            .collect()
    }

    /// The id of the only outgoing message shown.
    fn take_id(&self) -> String {
        match &self
            .state
            .entries()
            .iter()
            .map(|e| &**e)
            .collect::<Vec<_>>()[..]
        {
            [Entry::Out { id, .. }] => id.to_string(),
            other => panic!("not one outgoing message: {other:?}"),
        }
    }

    fn shown(&self) -> Vec<String> {
        self.state
            .entries()
            .iter()
            .map(|e| match &**e {
                Entry::Out { text, status, .. } => format!("{text}:{}", status.as_str()),
                Entry::In { text, .. } => format!("<{text}"),
                Entry::Notice { kind, .. } => format!("[{}]", kind.as_str()),
            })
            .collect()
    }
}

const URL: &str = "ws://chat.example/ws";

thread_local! {
    static NONCE: Cell<u128> = const { Cell::new(0) };
}

/// A typed message, with the next of a predictable series of nonces (the browser's are random).
fn send(text: &str) -> EngineEvent {
    EngineEvent::UserSend {
        text: text.into(),
        nonce: NONCE.with(|n| {
            n.set(n.get() + 1);
            n.get()
        }),
        wall_ms: WALL,
    }
}

/// The wall clock the harness's events carry (ms since the epoch).
const WALL: Millis = 1_795_000_000_000;

/// A text frame received at [`WALL`].
fn text_event(text: impl Into<String>) -> EngineEvent {
    EngineEvent::Text {
        text: text.into(),
        wall_ms: WALL,
    }
}

fn id_of(frame: &ClientFrame) -> String {
    match frame {
        ClientFrame::Send { id, .. } => id.clone(),
        other => panic!("not a send: {other:?}"),
    }
}

mod deleted;
mod delivery;

mod outbox;

mod liveness;

mod peer;

mod names;

mod failed;
mod failover;
mod handshake;
mod older;
mod presence;
mod read;
mod sign_in;
mod typing;
