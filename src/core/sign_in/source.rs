//! Where a chat's token comes from, as an embedder gives it: a fixed token, a URL on the host
//! page's origin, or a function. Plain Rust: the browser glue carries out the fetch.

use super::TokenSupply;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// A token, or why there is none (shown to the user after "Signed out: no token:").
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<String, String>>>>;

/// A function that gets a fresh token: the host backend's, typically by calling it. Called
/// before the first connection, before a token runs out, and after the server refused one.
#[derive(Clone)]
pub struct TokenProvider(Rc<dyn Fn() -> TokenFuture>);

impl TokenProvider {
    /// A provider from an async function or closure.
    ///
    /// ```
    /// let provider = ws_chat::TokenProvider::new(|| async { Ok::<_, String>("token".to_owned()) });
    /// # drop(provider);
    /// ```
    pub fn new<F, Fut>(get: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<String, String>> + 'static,
    {
        Self(Rc::new(move || Box::pin(get())))
    }

    /// Starts getting a token.
    pub fn get(&self) -> TokenFuture {
        (self.0)()
    }
}

impl PartialEq for TokenProvider {
    /// The same function: a chat is restarted only when it is given another one.
    fn eq(&self, other: &Self) -> bool {
        std::ptr::addr_eq(Rc::as_ptr(&self.0), Rc::as_ptr(&other.0))
    }
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenProvider")
    }
}

/// Where a chat's token comes from.
#[derive(Clone, PartialEq)]
pub enum TokenSource {
    /// This token, as it is: it cannot be refreshed, so the chat stops when it runs out.
    Fixed(String),
    /// Fetched (`GET`, with the page's credentials) from this URL, which answers
    /// `{"token": "…"}`; relative URLs are on the host page's origin.
    Url(String),
    /// Got from this function.
    Provider(TokenProvider),
}

impl TokenSource {
    /// A source from a provider function (see [`TokenProvider::new`]).
    pub fn provider<F, Fut>(get: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<String, String>> + 'static,
    {
        Self::Provider(TokenProvider::new(get))
    }

    /// What the engine needs to know of it.
    pub fn supply(&self) -> TokenSupply {
        match self {
            Self::Fixed(token) => TokenSupply::Fixed(token.clone()),
            Self::Url(_) | Self::Provider(_) => TokenSupply::Fetched,
        }
    }
}

impl fmt::Debug for TokenSource {
    /// Never the token itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(_) => f.write_str("Fixed(…)"),
            Self::Url(url) => write!(f, "Url({url:?})"),
            Self::Provider(_) => f.write_str("Provider"),
        }
    }
}
