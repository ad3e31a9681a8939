//! Which servers a chat connects to: where their URLs come from, whether they are ones, what
//! the status line calls each, and what the saved outbox is named after.
//!
//! First match wins: the page's `?ws=` parameter (only where the chat's embedder allows it: a
//! link must never redirect someone else's embedded chat), the chat's own URLs (prop,
//! attribute or option), then `/ws` on the origin the chat belongs to. Checking here, rather
//! than letting `new WebSocket` throw, turns a typo into a readable message in the component
//! instead of a console exception.
//!
//! A chat may list several servers ([`ServerUrls`]): servers that share one room, which it fails
//! over between (see [`crate::core::reconnect`]). In text (markup, `?ws=`) they are separated by
//! whitespace (`wss://a/ws wss://b/ws`); a URL never contains whitespace, so the split cannot
//! cut one in two.

use crate::core::text::{shorten, QUOTED_CHARS};
use std::fmt;

mod urls;
pub use urls::ServerUrls;

/// The page location parts that matter for the default URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOrigin {
    /// `http:` or `https:` (with the colon, as `location.protocol` gives it).
    pub protocol: String,
    /// `host[:port]`.
    pub host: String,
}

/// The most servers one chat may list: failing over between more is no longer a chat's job
/// (a load balancer's), and the cap bounds what a huge attribute can make the chat hold.
pub const MAX_SERVERS: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    BadScheme {
        url: String,
    },
    NoHost {
        url: String,
    },
    Fragment {
        url: String,
    },
    /// More than [`MAX_SERVERS`] different URLs; `url` is the first one over the cap.
    TooMany {
        url: String,
    },
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::BadScheme { url } => {
                write!(
                    f,
                    "invalid WebSocket URL \"{url}\": it must start with ws:// or wss://"
                )
            }
            UrlError::NoHost { url } => write!(f, "invalid WebSocket URL \"{url}\": no host"),
            UrlError::Fragment { url } => {
                write!(
                    f,
                    "invalid WebSocket URL \"{url}\": a #fragment is not allowed"
                )
            }
            UrlError::TooMany { url } => write!(
                f,
                "too many WebSocket URLs: at most {MAX_SERVERS} servers, \"{url}\" is one more"
            ),
        }
    }
}

impl std::error::Error for UrlError {}

/// The servers a chat may connect to, in the order given: checked, normalised, without
/// duplicates, at least one and at most [`MAX_SERVERS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerList {
    urls: Vec<String>,
}

impl ServerList {
    /// The URLs, in the order they are tried.
    pub fn urls(&self) -> &[String] {
        &self.urls
    }
}

/// One URL taken as given, unchecked: for a chat handed a URL that was checked elsewhere.
impl From<&str> for ServerList {
    fn from(url: &str) -> Self {
        Self {
            urls: vec![url.to_owned()],
        }
    }
}

/// Whether the page's `?ws=` may choose a chat's server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryUrl {
    /// The app's own page, or an embedder that opted in.
    Honoured,
    /// Any other embedded chat: the host page's query string is not the chat's business.
    Ignored,
}

/// Picks the URL list by precedence and checks each URL. `query` is the page's `?ws=` value
/// (used only if `query_url` says so), `given` the chat's own; blank values count as absent.
/// Relative URLs and the default are on `page`: the origin the chat belongs to.
pub fn resolve(
    query: Option<&str>,
    query_url: QueryUrl,
    given: &ServerUrls,
    page: &PageOrigin,
) -> Result<ServerList, UrlError> {
    let query = query
        .filter(|_| query_url == QueryUrl::Honoured)
        .map(ServerUrls::from)
        .unwrap_or_default();
    let chosen = [&query, given].into_iter().find(|list| !list.is_empty());
    let Some(list) = chosen else {
        return Ok(ServerList {
            urls: vec![format!("{}//{}/ws", ws_scheme(page), page.host)],
        });
    };
    let mut urls: Vec<String> = Vec::new();
    for url in list.as_slice() {
        let url = normalize(url, page)?;
        if urls.contains(&url) {
            continue;
        }
        if urls.len() == MAX_SERVERS {
            return Err(UrlError::TooMany {
                url: shorten(&url, QUOTED_CHARS),
            });
        }
        urls.push(url);
    }
    Ok(ServerList { urls })
}

/// Where a chat connects, or why it does not: `refused` (what its embedder got wrong) comes
/// first, since a chat whose options were rejected must not connect with the defaults; then
/// [`resolve`], with its error in words for the chat to show.
pub fn choose(
    refused: Option<&str>,
    query: Option<&str>,
    query_url: QueryUrl,
    given: &ServerUrls,
    page: &PageOrigin,
) -> Result<ServerList, String> {
    if let Some(reason) = refused {
        return Err(reason.to_owned());
    }
    resolve(query, query_url, given, page).map_err(|e| e.to_string())
}

/// The key a chat's outbox is saved under: its own `storage_key` if it has one, else its
/// servers' URLs separated by spaces (with one server, that URL: what older versions used, so
/// an upgrade finds what they saved), else nothing.
pub fn storage_key(explicit: Option<&str>, servers: &Result<ServerList, String>) -> String {
    match (explicit, servers) {
        (Some(key), _) => key.to_owned(),
        (None, Ok(list)) => list.urls().join(" "),
        (None, Err(_)) => String::new(),
    }
}

/// What the status line calls a server: the `host[:port]` of its URL, without any
/// `user:password@`, which is nobody's business on screen.
pub fn server_label(url: &str) -> &str {
    let rest = split_scheme(url).map_or(url, |(_, rest)| rest);
    host_name(authority(rest))
}

// The three helpers below search by bytes: `split_once("://")`, `split(['/', '?'])` and the
// like bring the generic pattern searchers into the wasm, over a kilobyte for a few bytes.

/// `url.split_once("://")`.
fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let at = url.as_bytes().windows(3).position(|w| w == b"://")?;
    Some((url.get(..at)?, url.get(at + 3..)?))
}

/// What comes before the path or query.
fn authority(rest: &str) -> &str {
    let end = rest.bytes().position(|b| b == b'/' || b == b'?');
    end.and_then(|end| rest.get(..end)).unwrap_or(rest)
}

/// The authority without any `user:password@`.
fn host_name(authority: &str) -> &str {
    let at = authority.bytes().rposition(|b| b == b'@');
    at.and_then(|at| authority.get(at + 1..))
        .unwrap_or(authority)
}

fn ws_scheme(page: &PageOrigin) -> &'static str {
    if page.protocol == "https:" {
        "wss:"
    } else {
        "ws:"
    }
}

/// Accepts `ws(s)://host…`, `http(s)://host…` (as browsers do) and a path on the page's own host.
fn normalize(url: &str, page: &PageOrigin) -> Result<String, UrlError> {
    let err_url = || shorten(url, QUOTED_CHARS);
    if url.bytes().any(|b| b == b'#') {
        return Err(UrlError::Fragment { url: err_url() });
    }
    if url.starts_with('/') && !url.starts_with("//") {
        return Ok(format!("{}//{}{}", ws_scheme(page), page.host, url));
    }
    let (scheme, rest) = split_scheme(url).ok_or_else(|| UrlError::BadScheme { url: err_url() })?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "ws" | "http" => "ws",
        "wss" | "https" => "wss",
        _ => return Err(UrlError::BadScheme { url: err_url() }),
    };
    let host_name = host_name(authority(rest));
    if host_name.is_empty() || host_name.starts_with(':') {
        return Err(UrlError::NoHost { url: err_url() });
    }
    Ok(format!("{scheme}://{rest}"))
}

#[cfg(test)]
mod tests;
