//! [`ServerUrls`], the list a chat is handed, unchecked: kept apart from the checking in the
//! parent module because it is public API with many `From`s, each a way an embedder writes a
//! list (one string, whitespace-separated text, a slice, a `Vec`, an array).

/// The server URLs a chat is given: one, or several that share one room and that the chat
/// fails over between, in the order they are tried. Nothing is checked until the chat starts
/// ([`resolve`](super::resolve)), where a wrong URL becomes a message in the chat. Empty:
/// the same origin's `/ws`.
///
/// From text, whitespace separates URLs, as in markup:
///
/// ```
/// use ws_chat::ServerUrls;
/// let two = ServerUrls::from("wss://a.example/ws wss://b.example/ws");
/// assert_eq!(two, ServerUrls::from(["wss://a.example/ws", "wss://b.example/ws"]));
/// assert_eq!(two.as_slice().len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerUrls(Vec<String>);

impl ServerUrls {
    /// No URL: the same origin's `/ws`.
    pub fn new() -> Self {
        Self::default()
    }

    /// These URLs and then `url` (or several, separated by whitespace).
    #[must_use]
    pub fn and(mut self, url: &str) -> Self {
        self.0.extend(url.split_whitespace().map(str::to_owned));
        self
    }

    /// The URLs, in the order they are tried.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// Whether no URL was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for ServerUrls {
    fn from(urls: &str) -> Self {
        Self::new().and(urls)
    }
}

impl From<String> for ServerUrls {
    fn from(urls: String) -> Self {
        Self::from(urls.as_str())
    }
}

impl From<&String> for ServerUrls {
    fn from(urls: &String) -> Self {
        Self::from(urls.as_str())
    }
}

impl<S: AsRef<str>> FromIterator<S> for ServerUrls {
    fn from_iter<I: IntoIterator<Item = S>>(urls: I) -> Self {
        urls.into_iter()
            .fold(Self::new(), |list, url| list.and(url.as_ref()))
    }
}

impl<S: AsRef<str>> From<&[S]> for ServerUrls {
    fn from(urls: &[S]) -> Self {
        urls.iter().collect()
    }
}

impl<S: AsRef<str>> From<Vec<S>> for ServerUrls {
    fn from(urls: Vec<S>) -> Self {
        urls.into_iter().collect()
    }
}

impl<S: AsRef<str>, const N: usize> From<[S; N]> for ServerUrls {
    fn from(urls: [S; N]) -> Self {
        urls.into_iter().collect()
    }
}
