//! The one event boundary: every browser happening comes in as an [`Event`], every action the
//! browser must take goes out as an [`Effect`]. The glue only translates; this decides.

use super::chat_state::ChatAction;
use super::delivery::{Delivery, DeliveryConfig};
use super::outbox::StoredMessage;
use super::reconnect::{Command, Input, Now, Phase, Reconnect, ReconnectConfig};
use std::collections::VecDeque;

/// Everything that can happen to a chat, from the socket, the page or the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Opened {
        protocol: String,
        extensions: String,
    },
    Text(String),
    Binary {
        len: usize,
    },
    /// The browser's `error` event; a `close` always follows, which is what counts.
    Error,
    Closed {
        code: u16,
        reason: String,
    },
    Online,
    Offline,
    Visible,
    UserSend(String),
    UserConnect,
    UserDisconnect,
    UserRetryNow,
}

/// What the browser glue must do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Drop any current socket and open a new one offering these sub-protocols.
    Connect {
        protocols: Vec<String>,
    },
    /// Close and drop the current socket.
    Close {
        code: u16,
        reason: String,
    },
    Send(String),
    Ui(ChatAction),
    /// The outbox changed: store it so a reload keeps it.
    SaveOutbox(Vec<StoredMessage>),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngineConfig {
    pub reconnect: ReconnectConfig,
    pub delivery: DeliveryConfig,
}

#[derive(Debug)]
pub struct Engine {
    reconnect: Reconnect,
    delivery: Delivery,
    shown_phase: Option<Phase>,
    /// Whether the next connection offers sub-protocols. Flipped after each handshake that
    /// failed, because a proxy that strips `Sec-WebSocket-Protocol` (trunk's dev proxy does)
    /// makes the browser fail every handshake that offers one; without an offer, wschat.v1 is
    /// tried in band instead (see [`Delivery::opened`]).
    offer_protocols: bool,
    effects: VecDeque<Effect>,
}

impl Engine {
    /// A stopped engine; send [`Event::UserConnect`] to start. `seed` feeds the backoff jitter
    /// and the message-id prefix, so it should be random per page load and component.
    pub fn new(config: EngineConfig, seed: u64, restored: Vec<StoredMessage>) -> Self {
        let mut effects = VecDeque::new();
        let id_prefix = format!("{:016x}", super::rng::Rng::new(seed ^ 0x5EED).next_u64());
        let delivery = Delivery::new(config.delivery, id_prefix, restored, &mut effects);
        let mut engine = Self {
            reconnect: Reconnect::new(config.reconnect, seed),
            delivery,
            shown_phase: None,
            offer_protocols: true,
            effects,
        };
        engine.settle();
        engine
    }

    pub fn phase(&self) -> &Phase {
        self.reconnect.phase()
    }

    pub fn poll_effect(&mut self) -> Option<Effect> {
        self.effects.pop_front()
    }

    pub fn poll_timeout(&self) -> Option<Now> {
        [self.reconnect.poll_timeout(), self.delivery.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
    }

    pub fn handle(&mut self, event: Event, now: Now) {
        let out = &mut self.effects;
        match event {
            Event::Opened {
                protocol,
                extensions,
            } => {
                log::info!("open: protocol {protocol:?}, extensions {extensions:?}");
                self.reconnect.handle(Input::Opened, now);
                if self.reconnect.phase() == &Phase::Open {
                    self.delivery
                        .opened(&protocol, &extensions, self.offer_protocols, now, out);
                }
            }
            Event::Text(text) => {
                log::info!("message: {text:.200}");
                self.delivery.text_received(text, now, out);
            }
            Event::Binary { len } => self.delivery.binary_received(len, now, out),
            Event::Error => log::warn!("socket error"),
            Event::Closed { code, reason } => {
                log::info!("close: code {code}, reason {reason:?}");
                if matches!(self.reconnect.phase(), Phase::Connecting { .. }) {
                    self.offer_protocols = !self.offer_protocols;
                }
                self.delivery.socket_lost(out);
                self.reconnect.handle(Input::Closed { code, reason }, now);
            }
            Event::Online => self.reconnect.handle(Input::Online, now),
            Event::Offline => self.reconnect.handle(Input::Offline, now),
            Event::Visible => self.reconnect.handle(Input::Visible, now),
            Event::UserSend(text) => self.delivery.user_send(text, out),
            Event::UserConnect => self.reconnect.handle(Input::Start, now),
            Event::UserDisconnect => self.reconnect.handle(Input::Stop, now),
            Event::UserRetryNow => self.reconnect.handle(Input::RetryNow, now),
        }
        self.settle();
    }

    pub fn handle_timeout(&mut self, now: Now) {
        if let Some(reason) = self.delivery.handle_timeout(now, &mut self.effects) {
            log::warn!("connection dead: {reason}");
            self.delivery.socket_lost(&mut self.effects);
            self.reconnect.handle(Input::Dead { reason }, now);
        }
        self.reconnect.handle_timeout(now);
        self.settle();
    }

    /// Turns the reconnect machine's commands into effects and reports a changed phase.
    fn settle(&mut self) {
        while let Some(command) = self.reconnect.poll_command() {
            self.delivery.socket_lost(&mut self.effects);
            self.effects.push_back(match command {
                Command::Connect => Effect::Connect {
                    protocols: if self.offer_protocols {
                        Delivery::protocols()
                    } else {
                        Vec::new()
                    },
                },
                Command::Close { code, reason } => Effect::Close { code, reason },
            });
        }
        let phase = self.reconnect.phase();
        if self.shown_phase.as_ref() != Some(phase) {
            self.shown_phase = Some(phase.clone());
            self.effects
                .push_back(Effect::Ui(ChatAction::Phase(phase.clone())));
        }
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
