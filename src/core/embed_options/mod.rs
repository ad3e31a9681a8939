//! The options of an embedded chat, read from the host page's markup (`<ws-chat>` attributes,
//! `data-ws-*` attributes) or from a script (`window.wsChat.mount(element, options)`).
//!
//! Everything here arrives from someone else's page, so any value can: each one is checked
//! against its option's range here, and a bad one becomes an error that names the attribute or
//! option as the host page spells it (`reconnect-jitter`, `data-ws-reconnect-jitter`,
//! `reconnectJitter`), instead of surfacing later as an engine setting the host never wrote.

mod error;
mod specs;

pub use error::EmbedOptionError;

use crate::core::engine::config::EngineConfig;
use crate::core::reconnect::backoff::Backoff;
use crate::core::sign_in::{TokenProvider, TokenSource};
use crate::core::text::{shorten, QUOTED_CHARS};
use crate::core::view::message_window::DisplayConfig;
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))]
pub use specs::attribute_names;
use specs::{parse_script, parse_text, Parsed, SPECS};
use std::time::Duration;

/// What an embedder asked for; `None` keeps the component's default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmbedOptions {
    /// The WebSocket URLs, separated by whitespace; relative ones are on the origin the script
    /// was loaded from.
    pub url: Option<String>,
    /// The name the user chats under.
    pub name: Option<String>,
    /// Names the saved outbox.
    pub storage_key: Option<String>,
    /// The chat's heading.
    pub title: Option<String>,
    /// Messages kept.
    pub history_cap: Option<usize>,
    /// Honour the host page's `?ws=`.
    pub allow_query_url: bool,
    /// Put the unread count in the page's title.
    pub title_badge: bool,
    /// The first retry's period.
    pub reconnect_initial: Option<Duration>,
    /// The longest period between retries.
    pub reconnect_max: Option<Duration>,
    /// Growth of the period per failed attempt.
    pub reconnect_multiplier: Option<f64>,
    /// Share of the period that is randomized.
    pub reconnect_jitter: Option<f64>,
    /// Failed retries in a row before giving up.
    pub max_attempts: Option<u32>,
    /// How long a socket may stay `CONNECTING`.
    pub connect_timeout: Option<Duration>,
    /// A fixed token.
    pub token: Option<String>,
    /// The URL a token is fetched from.
    pub token_url: Option<String>,
    /// A script's `getToken`: the glue puts the function here after reading the options.
    pub get_token: Option<TokenProvider>,
    /// The query parameter the token goes in, for servers that read it there.
    pub token_param: Option<String>,
}

/// A value as a script handed it over; the browser glue sorts JavaScript values into these.
// Only the browser glue makes these; natively, only the tests do.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
pub enum ScriptValue {
    /// `undefined` or `null`: the option is left at its default.
    Absent,
    /// A string.
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Flag(bool),
    /// An array, of at most [`MAX_LIST_ITEMS`] items (the glue turns a longer one into
    /// `Other("array")`, so a huge array costs nothing).
    List(Vec<ScriptValue>),
    /// Anything else, by its `typeof` (or `"array"`).
    Other(String),
}

/// The longest array a script option may be: far more than [`crate::core::servers::MAX_SERVERS`],
/// so repeated URLs still fit, and small enough that reading one costs nothing.
pub const MAX_LIST_ITEMS: usize = 256;

/// Where the options come from, which decides how an option is named in an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Attributes, named with this prefix (`""` for `<ws-chat>`, `"data-ws-"` otherwise).
    Attributes(&'static str),
    /// The options object of `window.wsChat.mount`.
    Script,
}

impl EmbedOptions {
    /// Reads the attributes named with `prefix` through `get` (the element's `getAttribute`).
    /// Attributes that are not options are the host page's business and are ignored.
    pub fn from_attributes(
        prefix: &'static str,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, EmbedOptionError> {
        let mut options = Self::default();
        for spec in SPECS.iter().filter(|s| !s.attribute.is_empty()) {
            let attribute = format!("{prefix}{}", spec.attribute);
            let Some(text) = get(&attribute) else {
                continue;
            };
            let parsed = parse_text(spec, &text).ok_or_else(|| EmbedOptionError::Attribute {
                attribute,
                value: shorten(&text, QUOTED_CHARS),
                expected: spec.expected,
            })?;
            options.set(spec.key, parsed);
        }
        options.finish(Source::Attributes(prefix))
    }

    /// Reads a script's options object, given as its own enumerable `(key, value)` pairs.
    pub fn from_script(
        entries: impl IntoIterator<Item = (String, ScriptValue)>,
    ) -> Result<Self, EmbedOptionError> {
        let mut options = Self::default();
        for (key, value) in entries {
            let Some(spec) = SPECS.iter().find(|s| s.key == key) else {
                return Err(EmbedOptionError::UnknownKey {
                    key: shorten(&key, QUOTED_CHARS),
                });
            };
            if value == ScriptValue::Absent {
                continue;
            }
            let parsed = parse_script(spec, value).ok_or(EmbedOptionError::Script {
                key: spec.key,
                expected: spec.expected,
            })?;
            options.set(spec.key, parsed);
        }
        options.finish(Source::Script)
    }

    fn set(&mut self, key: &str, value: Parsed) {
        let millis = |ms| Some(Duration::from_millis(ms));
        match (key, value) {
            ("url", Parsed::Text(s)) => self.url = Some(s),
            ("name", Parsed::Text(s)) => self.name = Some(s),
            ("storageKey", Parsed::Text(s)) => self.storage_key = Some(s),
            ("title", Parsed::Text(s)) => self.title = Some(s),
            ("historyCap", Parsed::Whole(n)) => self.history_cap = usize::try_from(n).ok(),
            ("allowQueryUrl", Parsed::Flag(b)) => self.allow_query_url = b,
            ("titleBadge", Parsed::Flag(b)) => self.title_badge = b,
            ("reconnectInitialMs", Parsed::Whole(ms)) => self.reconnect_initial = millis(ms),
            ("reconnectMaxMs", Parsed::Whole(ms)) => self.reconnect_max = millis(ms),
            ("reconnectMultiplier", Parsed::Real(x)) => self.reconnect_multiplier = Some(x),
            ("reconnectJitter", Parsed::Real(x)) => self.reconnect_jitter = Some(x),
            ("maxAttempts", Parsed::Whole(n)) => self.max_attempts = u32::try_from(n).ok(),
            ("connectTimeoutMs", Parsed::Whole(ms)) => self.connect_timeout = millis(ms),
            ("token", Parsed::Text(s)) => self.token = Some(s),
            ("tokenUrl", Parsed::Text(s)) => self.token_url = Some(s),
            ("tokenParam", Parsed::Text(s)) => self.token_param = Some(s),
            // The function itself is the glue's to take (see `get_token`); a placeholder
            // keeps the count of token sources right.
            ("getToken", Parsed::Flag(_)) => {
                self.get_token = Some(TokenProvider::new(|| async {
                    Err("getToken was not read".to_owned())
                }))
            }
            _ => {}
        }
    }

    /// Checks what no single option can: the initial period against the longest. An initial
    /// period above the default longest one, with no longest one given, raises it instead.
    fn finish(self, source: Source) -> Result<Self, EmbedOptionError> {
        let name = |key: &str| match source {
            Source::Attributes(prefix) => {
                let spec = SPECS
                    .iter()
                    .find(|s| s.key == key)
                    .map_or("", |s| s.attribute);
                format!("{prefix}{spec}")
            }
            Source::Script => key.to_owned(),
        };
        let sources = [&self.token, &self.token_url]
            .iter()
            .filter(|s| s.is_some())
            .count()
            + usize::from(self.get_token.is_some());
        if sources > 1 {
            return Err(EmbedOptionError::SeveralTokenSources {
                names: match source {
                    Source::Attributes(prefix) => format!("{prefix}token, {prefix}token-url"),
                    Source::Script => "token, tokenUrl, getToken".to_owned(),
                },
            });
        }
        let default_max = Backoff::default().max;
        if let Some(initial) = self.reconnect_initial {
            if initial > self.reconnect_max.unwrap_or(initial.max(default_max)) {
                return Err(EmbedOptionError::InitialAboveMax {
                    initial: name("reconnectInitialMs"),
                    max: name("reconnectMaxMs"),
                });
            }
        }
        Ok(self)
    }

    /// The connection settings: the defaults, with what was given.
    pub fn engine_config(&self) -> EngineConfig {
        let mut config = EngineConfig::default();
        let r = &mut config.reconnect;
        let b = &mut r.backoff;
        if let Some(initial) = self.reconnect_initial {
            b.initial = initial;
            b.max = b.max.max(initial);
        }
        b.max = self.reconnect_max.unwrap_or(b.max);
        b.multiplier = self.reconnect_multiplier.unwrap_or(b.multiplier);
        b.jitter = self.reconnect_jitter.unwrap_or(b.jitter);
        r.max_attempts = self.max_attempts.or(r.max_attempts);
        r.connect_timeout = self.connect_timeout.unwrap_or(r.connect_timeout);
        config
    }

    /// Where the token comes from, if anywhere.
    pub fn token_source(&self) -> Option<TokenSource> {
        if let Some(provider) = &self.get_token {
            return Some(TokenSource::Provider(provider.clone()));
        }
        let url = self.token_url.clone().map(TokenSource::Url);
        url.or_else(|| self.token.clone().map(TokenSource::Fixed))
    }

    /// How much is kept: the history cap, with the rendered rows clamped to it.
    pub fn display_config(&self) -> DisplayConfig {
        let mut display = DisplayConfig::default();
        if let Some(cap) = self.history_cap {
            display.keep = cap;
        }
        display.sanitized()
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod token_tests;
#[cfg(test)]
mod url_tests;
