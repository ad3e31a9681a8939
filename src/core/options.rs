//! A chat's connection settings as a Rust caller gives them: where to connect, under which
//! name, what the saved outbox is called, and the engine's and the display's settings. The
//! `Chat` component and the headless hook both take these; the embedding builds them from a
//! host page's markup or script.

use crate::core::engine::config::EngineConfig;
use crate::core::servers::{QueryUrl, ServerUrls};
use crate::core::setters::setters;
use crate::core::sign_in::TokenSource;
use crate::core::view::message_window::DisplayConfig;

/// Everything a chat connection is started with. A change to any of it starts a new connection.
///
/// ```
/// use ws_chat::{ConnectionOptions, DisplayConfig};
/// let options = ConnectionOptions::default()
///     .url(["wss://a.example/ws?room=lobby", "wss://b.example/ws?room=lobby"])
///     .name("Ann")
///     .display(DisplayConfig::default().keep(200));
/// assert_eq!(options.engine_config().delivery.name.as_deref(), Some("Ann"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ConnectionOptions {
    /// The server, or several servers sharing one room that the chat fails over between.
    /// Empty: the same origin's `/ws`.
    pub url: ServerUrls,
    /// The display name others see on this chat's messages; when given, it overrides the
    /// config's own. A label anyone can choose, not an identity: nothing checks it.
    pub name: Option<String>,
    /// Let the page's `?ws=` parameter choose the server instead of `url`. Off by default: on
    /// a page that is not the chat's own, a link must never redirect the chat elsewhere.
    pub allow_query_url: bool,
    /// Names this chat's saved outbox; defaults to the URLs. Two chats on one page that talk
    /// to the same URL need different keys.
    pub storage_key: Option<String>,
    /// Reconnect and delivery settings; out-of-range values stop the chat with a message that
    /// names the setting.
    pub config: EngineConfig,
    /// How many messages are kept and rendered.
    pub display: DisplayConfig,
    /// Where the token comes from, for a server that signs users in; `None`: a guest.
    pub token: Option<TokenSource>,
    /// For a server that reads the token from the URL: the query parameter it goes in, fresh
    /// on each attempt.
    pub token_param: Option<String>,
}

setters!(ConnectionOptions {
    allow_query_url: bool,
    config: EngineConfig,
    display: DisplayConfig,
    token: Option<TokenSource>,
    token_param: Option<String>,
});

impl ConnectionOptions {
    /// Sets [`url`](Self::url): one URL, several separated by whitespace, or a list of them.
    #[must_use]
    pub fn url(mut self, url: impl Into<ServerUrls>) -> Self {
        self.url = url.into();
        self
    }

    /// Sets [`name`](Self::name).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets [`storage_key`](Self::storage_key).
    #[must_use]
    pub fn storage_key(mut self, key: impl Into<String>) -> Self {
        self.storage_key = Some(key.into());
        self
    }

    /// The engine's settings: `config`, with `name` as the display name and the token
    /// settings, when given.
    pub fn engine_config(&self) -> EngineConfig {
        let mut config = self.config.clone();
        if let Some(name) = &self.name {
            config.delivery.name = Some(name.clone());
        }
        if let Some(token) = &self.token {
            config.sign_in.supply = token.supply();
        }
        if let Some(param) = self.token_param.as_ref().filter(|p| !p.is_empty()) {
            config.sign_in.token_param = Some(param.clone());
        }
        config
    }

    /// Whether the page's `?ws=` may choose the server.
    pub fn query_url(&self) -> QueryUrl {
        if self.allow_query_url {
            QueryUrl::Honoured
        } else {
            QueryUrl::Ignored
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_overrides_the_configs_own_only_when_given() {
        let config = EngineConfig::default()
            .delivery(crate::core::delivery::DeliveryConfig::default().name(Some("Config".into())));
        let cases = [(None, Some("Config")), (Some("Ann"), Some("Ann"))];
        for (name, expected) in cases {
            let mut options = ConnectionOptions::default().config(config.clone());
            if let Some(name) = name {
                options = options.name(name);
            }
            assert_eq!(options.engine_config().delivery.name.as_deref(), expected);
            assert_eq!(options.engine_config().reconnect, config.reconnect);
        }
    }

    #[test]
    fn the_query_url_is_honoured_only_when_allowed() {
        let options = ConnectionOptions::default();
        assert_eq!(options.query_url(), QueryUrl::Ignored);
        assert_eq!(
            options.allow_query_url(true).query_url(),
            QueryUrl::Honoured
        );
    }
}
