//! The engine driven the way the browser glue drives it, with the chat state it feeds.

use super::*;
use crate::core::backoff::Backoff;
use crate::core::chat_state::{ChatState, Entry, OutStatus};
use crate::core::delivery::DeliveryConfig;
use crate::core::reconnect::ReconnectConfig;
use std::cell::Cell;
use std::time::Duration;
use ws_chat_protocol::{ClientFrame, Millis, ServerFrame, PLAIN_SUBPROTOCOL, SUBPROTOCOL};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// An engine plus what a browser would hold: the chat state, the frames sent, the stored outbox.
struct Harness {
    engine: Engine,
    state: ChatState,
    sent: Vec<String>,
    saved: Vec<StoredMessage>,
    /// How many times the outbox was written, and whether the last write was orphaned.
    writes: usize,
    orphaned: bool,
    connects: usize,
    /// Sub-protocols offered by the latest connect, and its URL.
    offered: Vec<String>,
    url: String,
    closes: Vec<u16>,
    now: Duration,
}

impl Harness {
    fn new(restored: Vec<StoredMessage>) -> Self {
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
            now: ms(0),
        };
        h.drain();
        h
    }

    /// Connected at 0 to a wschat.v1 server (opened at 1), caught up to an empty room at `t`,
    /// with the `hello` already taken.
    fn joined(t: u64) -> Self {
        let mut h = Self::new(vec![]);
        h.at(0, Event::UserConnect).open(1, SUBPROTOCOL);
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

    fn at(&mut self, t: u64, event: Event) -> &mut Self {
        self.now = ms(t);
        self.engine.handle(event, self.now);
        self.drain();
        self
    }

    fn tick(&mut self, t: u64) -> &mut Self {
        self.now = ms(t);
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
                Effect::Send(frame) => self.sent.push(frame),
                Effect::Ui(action) => self.state.apply(action),
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
            Event::Opened {
                protocol: protocol.into(),
                extensions: String::new(),
            },
        )
    }

    fn server(&mut self, t: u64, frame: ServerFrame) -> &mut Self {
        self.at(t, text_event(frame.encode()))
    }

    /// The saved outbox once every pending write is done (as when the page is hidden).
    fn flushed(&mut self) -> Vec<StoredMessage> {
        self.at(self.now.as_millis() as u64, Event::PageHidden);
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
fn send(text: &str) -> Event {
    Event::UserSend {
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
fn text_event(text: impl Into<String>) -> Event {
    Event::Text {
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

#[test]
fn plain_server_gets_plain_text_and_queued_messages_go_first_in_order() {
    let mut h = Harness::new(vec![]);
    h.at(0, Event::UserConnect)
        .at(1, send("early"))
        .at(2, send(""))
        .at(3, send("second"));
    assert_eq!(h.shown(), ["early:queued", "second:queued"]);
    assert!(h.take_sent().is_empty());
    h.open(10, "");
    assert_eq!(h.take_sent(), ["early", "second"]);
    h.at(11, send("<b>new</b>"));
    assert_eq!(h.take_sent(), ["<b>new</b>"]);
    h.at(12, text_event("data received"));
    assert_eq!(
        h.shown(),
        [
            "early:sent",
            "second:sent",
            "<b>new</b>:sent",
            "<data received"
        ]
    );
    assert!(
        h.flushed().is_empty(),
        "plain peers confirm nothing: nothing left to keep"
    );
    assert_eq!(
        h.state.details.as_ref().map(|d| d.protocol.as_str()),
        Some("")
    );
}

#[test]
fn envelopes_ack_resend_and_dedupe_across_a_drop() {
    let mut h = Harness::new(vec![]);
    h.at(0, Event::UserConnect).open(5, SUBPROTOCOL);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(0),
            name: None
        }]
    );
    h.server(
        6,
        ServerFrame::Synced {
            head: 10,
            gap: false,
        },
    );
    h.at(7, send("a")).at(8, send("b"));
    let frames = h.take_frames();
    let (a, b) = (id_of(&frames[0]), id_of(&frames[1]));
    assert_ne!(a, b);
    h.server(
        9,
        ServerFrame::Ack {
            id: a.clone(),
            seq: 11,
            ts: None,
        },
    );
    assert_eq!(h.shown(), ["a:delivered", "b:sent"]);
    // The socket dies before b's ack: b waits again, and goes out again after the reconnect.
    h.at(
        10,
        Event::Closed {
            code: 1006,
            reason: String::new(),
        },
    );
    assert_eq!(h.shown(), ["a:delivered", "b:queued"]);
    h.tick(1_010).open(1_020, SUBPROTOCOL);
    assert_eq!(h.connects, 2);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(11),
            name: None
        }],
        "nothing is re-sent before the catch-up"
    );
    // Catch-up: someone else's 12, then the head. b was never taken, so it goes out again.
    h.server(
        1_021,
        ServerFrame::Msg {
            seq: 12,
            id: Some("other-1".into()),
            text: "x".into(),
            from: None,
            ts: None,
        },
    );
    h.server(
        1_022,
        ServerFrame::Synced {
            head: 12,
            gap: false,
        },
    );
    assert_eq!(
        h.take_frames().iter().map(id_of).collect::<Vec<_>>(),
        std::slice::from_ref(&b)
    );
    // Its ack is lost with another socket; the next catch-up carries it, then a late re-ack.
    h.at(
        1_023,
        Event::Closed {
            code: 1006,
            reason: String::new(),
        },
    )
    .tick(2_023)
    .open(2_024, SUBPROTOCOL);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(12),
            name: None
        }]
    );
    h.server(
        2_025,
        ServerFrame::Msg {
            seq: 13,
            id: Some(b.clone()),
            text: "b".into(),
            from: None,
            ts: None,
        },
    );
    h.server(
        2_026,
        ServerFrame::Msg {
            seq: 12,
            id: Some("other-1".into()),
            text: "x".into(),
            from: None,
            ts: None,
        },
    );
    h.server(
        2_027,
        ServerFrame::Synced {
            head: 13,
            gap: false,
        },
    );
    assert!(
        h.take_frames().is_empty(),
        "b is known to be taken: not sent a third time"
    );
    h.server(
        2_028,
        ServerFrame::Ack {
            id: b.clone(),
            seq: 13,
            ts: None,
        },
    );
    assert_eq!(h.shown(), ["a:delivered", "<x", "b:delivered"]);
    assert_eq!(h.state.stats.delivered, 2);
    assert_eq!(h.state.stats.duplicates, 2);
    assert_eq!(h.state.stats.sent, 3);
    assert!(h.flushed().is_empty());
}

#[test]
fn a_first_join_gets_the_history_without_a_gap_marker() {
    let mut h = Harness::new(vec![]);
    h.at(0, Event::UserConnect).open(1, SUBPROTOCOL);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(0),
            name: None
        }]
    );
    h.server(
        2,
        ServerFrame::Msg {
            seq: 41,
            id: None,
            text: "older".into(),
            from: None,
            ts: None,
        },
    );
    h.server(
        3,
        ServerFrame::Msg {
            seq: 42,
            id: None,
            text: "newest".into(),
            from: None,
            ts: None,
        },
    );
    h.server(
        4,
        ServerFrame::Synced {
            head: 42,
            gap: true,
        },
    );
    assert_eq!(h.shown(), ["<older", "<newest"]);
    assert_eq!(h.state.stats.gaps, 0);
}

#[test]
fn a_gap_in_history_is_marked() {
    let mut h = Harness::new(vec![]);
    h.at(0, Event::UserConnect).open(1, SUBPROTOCOL);
    h.server(
        2,
        ServerFrame::Synced {
            head: 5,
            gap: false,
        },
    );
    h.at(
        3,
        Event::Closed {
            code: 1001,
            reason: String::new(),
        },
    )
    .tick(1_003)
    .open(1_004, SUBPROTOCOL);
    assert_eq!(
        h.take_frames().last(),
        Some(&ClientFrame::Hello {
            after: Some(5),
            name: None
        })
    );
    h.server(
        1_005,
        ServerFrame::Msg {
            seq: 900,
            id: None,
            text: "late".into(),
            from: None,
            ts: None,
        },
    );
    h.server(
        1_006,
        ServerFrame::Synced {
            head: 900,
            gap: true,
        },
    );
    assert_eq!(h.shown(), ["<late", "[gap]"]);
    assert_eq!(h.state.stats.gaps, 1);
}

#[test]
fn bad_input_is_shown_and_loses_nothing() {
    let mut h = Harness::joined(1);
    h.at(2, text_event("{not json"))
        .at(3, text_event(r#"{"type":"teleport"}"#))
        .at(4, Event::Binary { len: 3 })
        .at(5, send("0123456789x"));
    assert_eq!(
        h.shown(),
        ["[error]", "[error]", "[error]", "0123456789x:failed"]
    );
    assert_eq!(
        h.engine.phase(),
        &Phase::Open,
        "bad frames never drop the connection"
    );
    assert!(h.take_sent().is_empty(), "a too-large message is not sent");
    h.at(6, send("ok"));
    let id = id_of(&h.take_frames()[0]);
    h.server(
        7,
        ServerFrame::Reject {
            id,
            reason: "nope".into(),
        },
    );
    let failed: Vec<_> = h
        .state
        .entries()
        .iter()
        .filter_map(|e| match &**e {
            Entry::Out {
                status: OutStatus::Failed(reason),
                ..
            } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        [
            "too large: 11 bytes, the limit is 10",
            "rejected by the server: nope"
        ]
    );
}

#[test]
fn outbox_overflow_fails_visibly() {
    let mut h = Harness::new(vec![]);
    for (t, text) in ["1", "2", "3", "4"].iter().enumerate() {
        h.at(t as u64, send(text));
    }
    assert_eq!(h.shown(), ["1:queued", "2:queued", "3:queued", "4:failed"]);
    assert_eq!(h.flushed().len(), 3);
}

#[test]
fn restored_outbox_is_shown_queued_and_sent_on_open() {
    let restored = vec![
        StoredMessage {
            id: "old-1".into(),
            text: "one".into(),
            at: Some(WALL - 60_000),
        },
        StoredMessage {
            id: "old-2".into(),
            text: "two".into(),
            at: None,
        },
    ];
    let mut h = Harness::new(restored.clone());
    assert_eq!(h.shown(), ["one:queued", "two:queued"]);
    h.at(0, Event::UserConnect).open(1, SUBPROTOCOL);
    h.server(
        1,
        ServerFrame::Synced {
            head: 0,
            gap: false,
        },
    );
    let frames = h.take_frames();
    assert_eq!(
        frames[1],
        ClientFrame::Send {
            id: "old-1".into(),
            text: "one".into()
        }
    );
    assert_eq!(
        frames[2],
        ClientFrame::Send {
            id: "old-2".into(),
            text: "two".into()
        }
    );
    h.server(
        2,
        ServerFrame::Ack {
            id: "old-1".into(),
            seq: 1,
            ts: None,
        },
    );
    assert_eq!(h.flushed(), restored[1..]);
}

#[test]
fn heartbeat_pings_when_idle_and_a_missing_pong_reconnects() {
    let mut h = Harness::new(vec![]);
    h.at(0, Event::UserConnect).open(0, SUBPROTOCOL);
    h.server(
        0,
        ServerFrame::Synced {
            head: 0,
            gap: false,
        },
    );
    h.take_sent();
    h.tick(14_999);
    assert!(h.take_sent().is_empty());
    h.tick(15_000);
    assert_eq!(h.take_frames(), [ClientFrame::Ping]);
    h.server(15_100, ServerFrame::Pong);
    assert_eq!(h.engine.poll_timeout(), Some(ms(30_100)));
    h.tick(30_100);
    assert_eq!(h.take_frames(), [ClientFrame::Ping]);
    h.tick(40_099);
    assert_eq!(h.engine.phase(), &Phase::Open);
    h.tick(40_100);
    assert_eq!(h.closes, [crate::core::reconnect::ABANDONED]);
    assert!(matches!(
        h.engine.phase(),
        Phase::Waiting { attempt: 1, .. }
    ));
    h.tick(41_100);
    assert_eq!(h.connects, 2);
}

#[test]
fn a_server_that_selects_wschat_v1_but_answers_in_plain_text_gets_plain_text() {
    let mut h = Harness::new(vec![]);
    h.at(0, send("queued"))
        .at(1, Event::UserConnect)
        .open(2, SUBPROTOCOL);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(0),
            name: None
        }]
    );
    h.at(3, text_event("data received"));
    assert_eq!(h.take_sent(), ["queued"]);
    h.at(4, send("next"));
    assert_eq!(h.take_sent(), ["next"]);
    assert_eq!(h.shown(), ["queued:sent", "<data received", "next:sent"]);
}

#[test]
fn a_server_that_never_answers_hello_is_dead() {
    let mut h = Harness::new(vec![]);
    h.at(0, Event::UserConnect).open(0, SUBPROTOCOL);
    h.tick(10_000);
    assert_eq!(h.closes, [crate::core::reconnect::ABANDONED]);
}

#[test]
fn a_failed_handshake_flips_the_offer_and_wschat_is_tried_in_band() {
    // (The peer cases of in-band negotiation are in `engine_peer_tests.rs`.)
    let mut h = Harness::new(vec![]);
    h.at(0, Event::UserConnect);
    assert_eq!(h.offered, [PLAIN_SUBPROTOCOL, SUBPROTOCOL]);
    // A proxy that strips Sec-WebSocket-Protocol: the browser fails the handshake.
    h.at(
        1,
        Event::Closed {
            code: 1006,
            reason: String::new(),
        },
    )
    .tick(1_001);
    assert!(h.offered.is_empty());
    assert!(
        h.url.starts_with(&format!("{URL}?wschat=v1&wschat_nonce=")),
        "{}",
        h.url
    );
    h.at(1_002, send("proxied")).open(1_003, "");
    assert!(h.take_sent().is_empty(), "in band, the server speaks first");
    let welcome = h.welcome();
    h.server(1_003, welcome);
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Hello {
            after: Some(0),
            name: None
        }]
    );
    h.server(
        1_004,
        ServerFrame::Synced {
            head: 4,
            gap: false,
        },
    );
    assert_eq!(
        h.take_frames(),
        [ClientFrame::Send {
            id: h.take_id(),
            text: "proxied".into()
        }]
    );
    assert_eq!(
        h.state.details.as_ref().map(|d| d.protocol.as_str()),
        Some("wschat.v1 (in band)")
    );
    // It stays that way while it works; the next failed handshake offers again.
    h.at(
        1_005,
        Event::Closed {
            code: 1006,
            reason: String::new(),
        },
    )
    .tick(2_005);
    assert!(h.offered.is_empty());
    h.at(
        2_006,
        Event::Closed {
            code: 1006,
            reason: String::new(),
        },
    )
    .tick(4_006);
    assert_eq!(h.offered, [PLAIN_SUBPROTOCOL, SUBPROTOCOL]);
}

#[test]
fn an_in_band_try_against_a_plain_server_falls_back_to_plain_text() {
    let mut h = Harness::new(vec![]);
    h.at(0, Event::UserConnect)
        .at(
            1,
            Event::Closed {
                code: 1006,
                reason: String::new(),
            },
        )
        .tick(1_001);
    h.at(1_002, send("hi")).open(1_003, "");
    assert!(h.take_sent().is_empty(), "in band, the server speaks first");
    h.at(1_004, text_event("data received"));
    assert_eq!(h.take_sent(), ["hi"]);
    assert_eq!(h.shown(), ["hi:sent", "<data received"]);
}

#[test]
fn plain_servers_get_no_heartbeat() {
    let mut h = Harness::new(vec![]);
    h.at(0, Event::UserConnect).open(0, "");
    h.tick(100_000);
    assert!(h.take_sent().is_empty());
    assert_eq!(h.engine.phase(), &Phase::Open);
}

#[test]
fn phase_changes_reach_the_state() {
    let mut h = Harness::new(vec![]);
    assert!(matches!(h.state.phase, Phase::Stopped(_)));
    h.at(0, Event::UserConnect);
    assert_eq!(h.state.phase, Phase::Connecting { attempt: 0 });
    h.open(1, "");
    assert_eq!(h.state.phase, Phase::Open);
    h.at(2, Event::UserDisconnect);
    assert_eq!(h.closes, [1000]);
    assert!(matches!(h.state.phase, Phase::Stopped(_)));
    assert_eq!(h.state.details, None);
}

#[test]
fn a_burst_of_sends_and_acks_writes_the_outbox_a_few_times_not_per_message() {
    let mut h = Harness::new(vec![]);
    h.engine = Engine::new(EngineConfig::default(), Ok(URL.into()), 1, vec![], WALL);
    h.at(0, Event::UserConnect).open(1, SUBPROTOCOL);
    h.server(
        2,
        ServerFrame::Synced {
            head: 0,
            gap: false,
        },
    );
    h.take_sent();
    for i in 0..1_000u64 {
        h.at(10 + i, send(&format!("m{i}")));
        if h.engine.poll_timeout().is_some_and(|t| t <= ms(10 + i)) {
            h.tick(10 + i);
        }
    }
    let ids: Vec<String> = h.take_frames().iter().map(id_of).collect();
    assert_eq!(ids.len(), 1_000);
    for (i, id) in ids.into_iter().enumerate() {
        let t = 1_010 + i as u64;
        h.server(
            t,
            ServerFrame::Ack {
                id,
                seq: i as u64 + 1,
                ts: None,
            },
        );
        if h.engine.poll_timeout().is_some_and(|due| due <= ms(t)) {
            h.tick(t);
        }
    }
    assert!(
        h.writes <= 25,
        "{} writes for 1,000 sends and 1,000 acks",
        h.writes
    );
    // The last change is written when due, and a hidden page writes at once, marked orphaned.
    h.tick(2_200);
    assert!(h.saved.is_empty() && !h.orphaned);
    h.at(2_300, send("last words"));
    assert_eq!(
        h.saved.len(),
        1,
        "after a quiet spell a change is written at once"
    );
    assert_eq!(h.flushed().len(), 1);
}

#[path = "engine_peer_tests.rs"]
mod peers;

#[path = "engine_names_tests.rs"]
mod names;
