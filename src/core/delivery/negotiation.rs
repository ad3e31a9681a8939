//! Which language a connection speaks: wschat.v1 (announced by the handshake or by an in-band
//! `welcome`) or plain text, and the timers of each: the welcome wait, the heartbeat, resends.

use super::status;
use super::{notice, ui, Delivery, Negotiation};
use crate::core::boundary::Effect;
use crate::core::time::Moment;
use crate::core::view::entry::{NoticeKind, OutStatus};
use crate::core::view::sender_runs::OWN_LABEL_WITHOUT_NAME;
use crate::core::view::status::Details;
use crate::core::view::update::ChatUpdate;
use std::collections::VecDeque;
use ws_chat_protocol::{
    ClientFrame, Millis, ServerFrame, IN_BAND_NONCE, IN_BAND_QUERY, OFFERED, SUBPROTOCOL,
};

impl Delivery {
    /// The sub-protocols to offer in the handshake.
    pub fn protocols() -> Vec<String> {
        OFFERED.iter().map(|p| (*p).to_owned()).collect()
    }

    /// The next connection offers sub-protocols: no `welcome` is expected.
    pub fn offering(&mut self) {
        self.in_band_nonce = None;
    }

    /// The next connection offers no sub-protocol: `url` plus [`IN_BAND_QUERY`] and a fresh
    /// [`IN_BAND_NONCE`], which its `welcome` must echo. Nobody else knows the nonce, so a
    /// member of a plain room who sends the text of a `welcome` cannot pass for the server.
    pub fn in_band_url(&mut self, url: &str, nonce: u64) -> String {
        let (name, value) = IN_BAND_QUERY;
        // By bytes: `contains` brings the generic pattern searcher into the wasm.
        let join = if url.bytes().any(|b| b == b'?') {
            "&"
        } else {
            "?"
        };
        let nonce = format!("{nonce:016x}");
        let url = format!("{url}{join}{name}={value}&{IN_BAND_NONCE}={nonce}");
        self.in_band_nonce = Some(nonce);
        url
    }

    /// The socket opened. `offered`: whether the handshake offered sub-protocols. If it did
    /// not and the server selected none, the server speaks first (see the module docs).
    pub fn opened(
        &mut self,
        protocol: &str,
        extensions: &str,
        offered: bool,
        now: Moment,
        out: &mut VecDeque<Effect>,
    ) {
        self.last_received = now;
        self.synced = false;
        self.plain_sent = false;
        self.ping_sent = None;
        self.details = Details {
            protocol: protocol.to_owned(),
            extensions: extensions.to_owned(),
        };
        ui(out, ChatUpdate::Details(Some(self.details.clone())));
        if protocol == SUBPROTOCOL {
            self.speak_envelopes(now, out);
        } else if !offered && protocol.is_empty() {
            self.negotiation = Some(Negotiation::Listening {
                until: now.saturating_add(self.config.welcome_wait),
            });
        } else {
            self.negotiation = Some(Negotiation::Plain {
                after_silence: false,
            });
            ui(out, ChatUpdate::Names(None));
            self.flush(out);
        }
    }

    /// wschat.v1 it is: `hello`, which is answered like a ping (a server that stays silent is
    /// not really there).
    fn speak_envelopes(&mut self, now: Moment, out: &mut VecDeque<Effect>) {
        self.negotiation = Some(Negotiation::Envelopes);
        self.ping_sent = Some(now);
        // First, so the server knows who says `hello`.
        if let Some(auth) = self.auth() {
            out.push_back(Effect::Send(auth));
        }
        // Who is here and who is typing: the snapshot follows the catch-up.
        out.push_back(Effect::Send(ClientFrame::Watch.encode()));
        out.push_back(Effect::Send(
            ClientFrame::Hello {
                // A first join asks for the room's history too: a message sent between the
                // upgrade and this hello is then in the catch-up, never lost.
                after: Some(self.seen.upto.unwrap_or(0)),
                name: self.name.clone(),
            }
            .encode(),
        ));
        let own = self.name.as_deref().unwrap_or(OWN_LABEL_WITHOUT_NAME);
        ui(out, ChatUpdate::Names(Some(own.into())));
    }

    /// Plain text from here on; what waited goes out.
    fn go_plain(&mut self, after_silence: bool, out: &mut VecDeque<Effect>) {
        self.negotiation = Some(Negotiation::Plain { after_silence });
        ui(out, ChatUpdate::Names(None));
        self.flush(out);
        self.unsaved = true;
    }

    /// The socket is gone (closed, failed or abandoned): unconfirmed messages wait again.
    pub fn socket_lost(&mut self, out: &mut VecDeque<Effect>) {
        if self.negotiation.take().is_none() {
            return;
        }
        self.ping_sent = None;
        self.resend_at = None;
        self.store_errors = 0;
        // A page on its way is gone with the socket; the reader asks again.
        self.older = super::older::OlderPaging::Idle;
        self.typing_lost(out);
        self.presence_lost(out);
        ui(out, ChatUpdate::Details(None));
        for id in self.outbox.socket_lost() {
            status(out, id, OutStatus::Queued, None);
        }
    }

    /// A text frame, received at `wall_ms` (the time shown when the server gives none).
    pub fn text_received(
        &mut self,
        text: String,
        now: Moment,
        wall_ms: Millis,
        out: &mut VecDeque<Effect>,
    ) {
        self.last_received = now;
        self.ping_sent = None;
        let mode = match self.negotiation {
            // Plain text needs no decoding, except a first frame that may be a late welcome.
            None
            | Some(Negotiation::Plain {
                after_silence: false,
            }) => return self.incoming_plain(text, wall_ms, out),
            Some(mode) => mode,
        };
        let decoded = ServerFrame::decode(&text);
        // Only this connection's nonce makes a `welcome`: anything else is a member's text.
        let welcome = match &decoded {
            Ok(ServerFrame::Welcome { nonce }) => nonce.is_some() && *nonce == self.in_band_nonce,
            _ => false,
        };
        match (mode, decoded) {
            (Negotiation::Envelopes, Ok(frame)) => self.frame_received(frame, now, wall_ms, out),
            (Negotiation::Envelopes, Err(err)) if !self.synced => {
                // It selected wschat.v1 but answers in plain text: believe the answer.
                log::warn!("the server selected {SUBPROTOCOL} but does not speak it ({err}); using plain text");
                self.incoming_plain(text, wall_ms, out);
                self.go_plain(false, out);
            }
            (Negotiation::Envelopes, Err(err)) => {
                log::warn!("{err}: {text:.200}");
                notice(out, NoticeKind::Error, err.to_string());
            }
            (Negotiation::Listening { .. }, _) if welcome => self.welcomed(now, out),
            (Negotiation::Listening { .. }, _) => {
                self.incoming_plain(text, wall_ms, out);
                self.go_plain(false, out);
            }
            (Negotiation::Plain { .. }, _) if welcome && !self.plain_sent => {
                // Late, but nothing went out yet: wschat.v1 after all.
                self.welcomed(now, out);
            }
            (Negotiation::Plain { .. }, _) => {
                self.negotiation = Some(Negotiation::Plain {
                    after_silence: false,
                });
                if welcome {
                    // Plain text has gone out already, and the server has taken this
                    // connection for a plain one too; the next one will hear the welcome in
                    // time.
                    log::warn!("the server's welcome came late; plain text on this connection");
                } else {
                    self.incoming_plain(text, wall_ms, out);
                }
            }
        }
    }

    /// The server spoke first with this connection's `welcome`: wschat.v1, in band.
    fn welcomed(&mut self, now: Moment, out: &mut VecDeque<Effect>) {
        self.details.protocol = format!("{SUBPROTOCOL} (in band)");
        ui(out, ChatUpdate::Details(Some(self.details.clone())));
        self.speak_envelopes(now, out);
    }

    /// A plain server's line: no sender, and the time it arrived.
    fn incoming_plain(&mut self, text: String, wall_ms: Millis, out: &mut VecDeque<Effect>) {
        ui(
            out,
            ChatUpdate::Incoming {
                seq: None,
                text: text.into(),
                from: None,
                at: wall_ms,
            },
        );
    }

    pub fn binary_received(&mut self, len: usize, now: Moment, out: &mut VecDeque<Effect>) {
        self.last_received = now;
        self.ping_sent = None;
        if let Some(Negotiation::Listening { .. }) = self.negotiation {
            self.go_plain(false, out);
        }
        let text = format!("ignored a binary frame of {len} bytes: this chat shows text only");
        log::warn!("{text}");
        notice(out, NoticeKind::Error, text);
    }

    pub fn poll_timeout(&self) -> Option<Moment> {
        match self.negotiation? {
            Negotiation::Listening { until } => Some(until),
            Negotiation::Plain { .. } => None,
            Negotiation::Envelopes => {
                let heartbeat = match self.ping_sent {
                    Some(at) => at.saturating_add(self.config.heartbeat_timeout),
                    None => self
                        .last_received
                        .saturating_add(self.config.heartbeat_idle),
                };
                Some(self.resend_at.map_or(heartbeat, |at| at.min(heartbeat)))
            }
        }
    }

    /// Runs the welcome wait, the heartbeat and resends. Returns why the connection is dead,
    /// if it is.
    pub fn handle_timeout(&mut self, now: Moment, out: &mut VecDeque<Effect>) -> Option<String> {
        match self.negotiation? {
            Negotiation::Listening { until } => {
                if now >= until {
                    self.go_plain(true, out);
                }
                return None;
            }
            Negotiation::Plain { .. } => return None,
            Negotiation::Envelopes => {}
        }
        if self.resend_at.is_some_and(|at| now >= at) {
            self.resend_at = None;
            self.flush(out);
        }
        if let Some(at) = self.ping_sent {
            if now >= at.saturating_add(self.config.heartbeat_timeout) {
                let secs = self.config.heartbeat_timeout.as_secs();
                return Some(format!("no answer to a heartbeat within {secs} s"));
            }
        } else if now
            >= self
                .last_received
                .saturating_add(self.config.heartbeat_idle)
        {
            self.ping_sent = Some(now);
            out.push_back(Effect::Send(ClientFrame::Ping.encode()));
        }
        None
    }
}
