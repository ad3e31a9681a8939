//! What signing in is configured with, and the token itself.

#[cfg(test)]
use crate::core::setters::setters;
use std::fmt;

/// Where a chat's token comes from, as far as the core needs to know.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum TokenSupply {
    /// No token: a guest, as servers without sign-in expect.
    #[default]
    None,
    /// This token, always: it cannot be refreshed, so a refused one stops the chat.
    Fixed(String),
    /// The glue fetches one on [`FetchToken`](crate::core::boundary::Effect::FetchToken).
    Fetched,
}

impl fmt::Debug for TokenSupply {
    /// Never the token itself: settings get logged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "None",
            Self::Fixed(_) => "Fixed(…)",
            Self::Fetched => "Fetched",
        })
    }
}

/// How a chat signs in.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SignInConfig {
    /// Where the token comes from.
    pub supply: TokenSupply,
    /// For servers that read the token from the URL: the query parameter it is added to, on
    /// each attempt, fresh each time (a fetched token is then fetched before every attempt).
    pub token_param: Option<String>,
}

// For the tests: a chat's settings come from `ConnectionOptions::token`, never set directly.
#[cfg(test)]
setters!(SignInConfig {
    supply: TokenSupply,
    token_param: Option<String>,
});

/// A token. Its `Debug` never shows it: engines and settings get logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(token: String) -> Self {
        Self(token)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}
