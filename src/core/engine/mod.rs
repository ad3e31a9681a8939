//! The one event boundary: every browser happening comes in as an [`EngineEvent`], every action the
//! browser must take goes out as an [`Effect`]. The glue only translates; this decides.

pub mod config;
mod failures;
pub mod handshake;
mod save_throttle;
mod signing;

use crate::core::boundary::SavedMessage;
use crate::core::delivery::Delivery;
use crate::core::engine::config::EngineConfig;
use crate::core::engine::handshake::Handshakes;
use crate::core::engine::save_throttle::SaveThrottle;
use crate::core::reconnect::{Command, Input, Phase, Reconnect};
use crate::core::rng::Rng;
use crate::core::servers::{server_label, ServerList};
use crate::core::sign_in::{BeforeConnect, SignIn};
use crate::core::time::Moment;
use crate::core::view::status::ServerShown;
use crate::core::view::update::ChatUpdate;
use std::collections::VecDeque;
use ws_chat_protocol::Millis;

use crate::core::boundary::{Effect, EngineEvent};

#[derive(Debug)]
pub struct Engine {
    reconnect: Reconnect,
    delivery: Delivery,
    shown_phase: Option<Phase>,
    /// The server the status line names, by index.
    shown_server: Option<usize>,
    /// Per server: whether its next connection offers sub-protocols, and what the page
    /// remembers of that.
    handshakes: Handshakes,
    /// Where to connect, or why there is nowhere to (an invalid URL or configuration).
    target: Result<ServerList, String>,
    /// Per server: the browser refused to even open its latest socket to it (a blocked port,
    /// a URL its `WebSocket` constructor rejects). Only when every server's was, is the chat
    /// unusable.
    unopenable: Vec<bool>,
    /// Makes each in-band connection's nonce (see [`Delivery::in_band_url`]). Only its
    /// unpredictability to other members of a room matters, so the seeded generator will do.
    nonces: Rng,
    /// Whether the outbox is still written to storage; off after the first failed write.
    storing: bool,
    saves: SaveThrottle,
    /// Which token the next connection carries, and its refresh.
    sign_in: SignIn,
    effects: VecDeque<Effect>,
}

impl Engine {
    /// A stopped engine; send [`EngineEvent::UserConnect`] to start. `target` is the WebSocket URLs
    /// (several fail over, see [`crate::core::reconnect::failover`]), or why there are none; an invalid `config` is reported the same way (and the defaults
    /// keep everything else working). `seed` feeds the backoff jitter, so it should be random
    /// per page load and component. `wall_ms` is the wall clock now (ms since the epoch), the
    /// time shown for restored messages saved without one.
    pub fn new(
        config: EngineConfig,
        target: Result<ServerList, String>,
        seed: u64,
        restored: Vec<SavedMessage>,
        wall_ms: Millis,
    ) -> Self {
        let (config, target) = match config.validate() {
            Ok(()) => (config, target),
            Err(e) => (EngineConfig::default(), Err(e.to_string())),
        };
        let servers = target.as_ref().map_or(1, |list| list.urls().len());
        let mut effects = VecDeque::new();
        let saves = SaveThrottle::new(config.delivery.save_every);
        let sign_in = SignIn::new(config.sign_in.clone(), seed ^ 0x70CE_4E5F_0D1E);
        let delivery = Delivery::new(config.delivery, restored, wall_ms, &mut effects);
        let mut engine = Self {
            reconnect: Reconnect::with_servers(config.reconnect, seed, servers),
            delivery,
            shown_phase: None,
            shown_server: None,
            handshakes: Handshakes::new(servers),
            unopenable: vec![false; servers],
            target,
            nonces: Rng::new(seed ^ 0x5EED_0F1A_BA4D),
            storing: true,
            saves,
            sign_in,
            effects,
        };
        engine.settle(Moment::ZERO);
        engine
    }

    /// Where the reconnect machine is (the view learns it from [`ChatUpdate::Phase`]).
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub fn phase(&self) -> &Phase {
        self.reconnect.phase()
    }

    pub fn poll_effect(&mut self) -> Option<Effect> {
        self.effects.pop_front()
    }

    pub fn poll_timeout(&self) -> Option<Moment> {
        [
            self.reconnect.poll_timeout(),
            self.delivery.poll_timeout(),
            self.delivery.typing_timeout(),
            self.delivery.read_timeout(),
            self.saves.poll_timeout(),
            self.sign_in.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub fn handle(&mut self, event: EngineEvent, now: Moment) {
        let out = &mut self.effects;
        match event {
            EngineEvent::Opened {
                protocol,
                extensions,
            } => {
                log::info!("open: protocol \"{protocol}\", extensions \"{extensions}\"");
                self.reconnect.handle(Input::Opened, now);
                if self.reconnect.phase() == &Phase::Open {
                    let server = self.reconnect.server();
                    let offered = self.handshakes.offers(server);
                    self.delivery
                        .opened(&protocol, &extensions, offered, now, out);
                    self.remember_handshake(server);
                }
            }
            // No logging here: a busy room delivers thousands of these a second.
            EngineEvent::Text { text, wall_ms } => {
                self.delivery.text_received(text, now, wall_ms, out);
                self.take_authed(now);
            }
            EngineEvent::Binary { len } => self.delivery.binary_received(len, now, out),
            EngineEvent::Error => log::warn!("socket error"),
            EngineEvent::Closed { code, reason } => {
                log::info!("close: code {code}, reason \"{reason}\"");
                let at_once = matches!(self.reconnect.phase(), Phase::Connecting { .. })
                    && self.handshakes.failed(self.reconnect.server(), code);
                self.delivery.socket_lost(out);
                if at_once {
                    log::info!("the handshake offering sub-protocols failed: trying without");
                    self.sign_in.connection_ended();
                    self.reconnect.handle(Input::Renegotiate, now);
                } else {
                    self.closed(code, reason, now);
                }
            }
            EngineEvent::Online => self.reconnect.handle(Input::Online, now),
            EngineEvent::Offline => self.reconnect.handle(Input::Offline, now),
            EngineEvent::Visible => {
                out.push_back(Effect::Ui(ChatUpdate::PageVisible(true)));
                self.reconnect.handle(Input::Visible, now)
            }
            EngineEvent::Hidden => out.push_back(Effect::Ui(ChatUpdate::PageVisible(false))),
            EngineEvent::PageHidden => self.save_out_of_turn(true, now),
            EngineEvent::PageShown => self.save_out_of_turn(false, now),
            EngineEvent::UserSend {
                text,
                nonce,
                wall_ms,
            } => {
                // Two u64 halves: u128 formatting would add its own code to the wasm.
                let id = format!("{:016x}{:016x}", (nonce >> 64) as u64, nonce as u64);
                // The stop goes before the message, so nobody sees both at once.
                self.delivery.user_typing(false, now, out);
                self.delivery.user_send(text, id, wall_ms, out)
            }
            EngineEvent::UserTyping { typing } => self.delivery.user_typing(typing, now, out),
            EngineEvent::UserRead { seq } => self.delivery.user_read(seq, now, out),
            EngineEvent::UserRetry { id } => self.delivery.user_retry(&id, out),
            EngineEvent::UserRemove { id } => self.delivery.user_remove(&id, out),
            EngineEvent::UserLoadOlder { before } => self.delivery.user_load_older(before, out),
            EngineEvent::ConnectFailed { reason } => self.connect_failed(reason, now),
            EngineEvent::StorageFailed { reason } => self.storage_failed(reason),
            EngineEvent::UserConnect => self.reconnect.handle(Input::Start, now),
            EngineEvent::UserDisconnect => {
                self.sign_in.signed_out();
                self.reconnect.handle(Input::Stop, now)
            }
            EngineEvent::UserRetryNow => self.reconnect.handle(Input::RetryNow, now),
            EngineEvent::TokenFetched { ticket, result } => self.token_fetched(ticket, result, now),
        }
        if self.delivery.take_unsaved() && self.saves.changed(now) {
            self.save_outbox(false);
        }
        self.settle(now);
    }

    pub fn handle_timeout(&mut self, now: Moment) {
        if let Some(reason) = self.delivery.handle_timeout(now, &mut self.effects) {
            log::warn!("connection dead: {reason}");
            self.delivery.socket_lost(&mut self.effects);
            self.reconnect.handle(Input::Dead { reason }, now);
        }
        self.delivery.typing_timeout_passed(now, &mut self.effects);
        self.delivery.flush_read(now, &mut self.effects);
        self.reconnect.handle_timeout(now);
        if let Some(ticket) = self.sign_in.handle_timeout(now) {
            self.effects.push_back(Effect::FetchToken { ticket });
        }
        let changed = self.delivery.take_unsaved() && self.saves.changed(now);
        if self.saves.handle_timeout(now) || changed {
            self.save_outbox(false);
        }
        self.settle(now);
    }

    fn save_out_of_turn(&mut self, orphaned: bool, now: Moment) {
        self.delivery.take_unsaved();
        self.saves.written(now);
        self.save_outbox(orphaned);
    }

    fn save_outbox(&mut self, orphaned: bool) {
        if !self.storing {
            return;
        }
        self.effects.push_back(Effect::SaveOutbox {
            messages: self.delivery.outbox_snapshot(),
            orphaned,
        });
    }

    /// The URL of the server in use or tried next; `None` if there is none.
    fn current_url(&self) -> Option<&str> {
        let list = self.target.as_ref().ok()?;
        list.urls().get(self.reconnect.server()).map(String::as_str)
    }

    /// Turns the reconnect machine's commands into effects and reports a changed server or
    /// phase.
    fn settle(&mut self, now: Moment) {
        while let Some(command) = self.reconnect.poll_command() {
            self.delivery.socket_lost(&mut self.effects);
            match command {
                Command::Connect if self.current_url().is_none() => {
                    let reason = self.target.clone().err().unwrap_or_default();
                    self.reconnect.handle(Input::Unusable { reason }, now);
                }
                Command::Connect => {
                    self.unopenable[self.reconnect.server()] = false;
                    match self.sign_in.before_connect(now) {
                        BeforeConnect::Ready(token) => self.connect(token),
                        BeforeConnect::Fetch(Some(ticket)) => {
                            self.effects.push_back(Effect::FetchToken { ticket })
                        }
                        // The fetch under way connects when it comes back.
                        BeforeConnect::Fetch(None) => {}
                    }
                }
                Command::Close { code, reason } => {
                    self.sign_in.connection_ended();
                    self.effects.push_back(Effect::Close { code, reason });
                }
            }
        }
        self.show_server();
        self.show_user();
        let phase = self.reconnect.phase();
        if self.shown_phase.as_ref() != Some(phase) {
            self.shown_phase = Some(phase.clone());
            self.effects
                .push_back(Effect::Ui(ChatUpdate::Phase(phase.clone())));
        }
    }

    /// Tells the status line which server is in use or tried next, when that changes.
    fn show_server(&mut self) {
        let Ok(list) = &self.target else { return };
        let server = self.reconnect.server();
        if self.shown_server == Some(server) {
            return;
        }
        self.shown_server = Some(server);
        let shown = ServerShown {
            label: server_label(&list.urls()[server]).into(),
            one_of_several: list.urls().len() > 1,
        };
        self.effects
            .push_back(Effect::Ui(ChatUpdate::Server(shown)));
    }
}

// Native only: the tests encode server envelopes and read JSON with serde.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
