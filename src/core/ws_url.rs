//! Where the WebSocket URL comes from, and whether it is one.
//!
//! First match wins: the page's `?ws=` parameter (only where the chat's embedder allows it: a
//! link must never redirect someone else's embedded chat), the chat's own URL (prop,
//! attribute or option), then `/ws` on the origin the chat belongs to. Checking here, rather than letting `new WebSocket` throw, turns a typo
//! into a readable message in the component instead of a console exception.

use std::fmt;

/// The page location parts that matter for the default URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOrigin {
    /// `http:` or `https:` (with the colon, as `location.protocol` gives it).
    pub protocol: String,
    /// `host[:port]`.
    pub host: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    BadScheme { url: String },
    NoHost { url: String },
    Fragment { url: String },
    Whitespace { url: String },
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
            UrlError::Whitespace { url } => {
                write!(f, "invalid WebSocket URL \"{url}\": it contains spaces")
            }
        }
    }
}

impl std::error::Error for UrlError {}

/// Whether the page's `?ws=` may choose a chat's server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryUrl {
    /// The app's own page, or an embedder that opted in.
    Honoured,
    /// Any other embedded chat: the host page's query string is not the chat's business.
    Ignored,
}

/// Picks the URL by precedence and checks it. `query` is the page's `?ws=` value (used only if
/// `query_url` says so), `attribute` the chat's own URL; empty values count as absent. A
/// relative URL and the default are on `page`: the origin the chat belongs to.
pub fn resolve(
    query: Option<&str>,
    query_url: QueryUrl,
    attribute: Option<&str>,
    page: &PageOrigin,
) -> Result<String, UrlError> {
    let query = query.filter(|_| query_url == QueryUrl::Honoured);
    let chosen = [query, attribute]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty());
    match chosen {
        Some(url) => normalize(url, page),
        None => Ok(format!("{}//{}/ws", ws_scheme(page), page.host)),
    }
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
    let err_url = || url.to_owned();
    if url.chars().any(char::is_whitespace) {
        return Err(UrlError::Whitespace { url: err_url() });
    }
    if url.contains('#') {
        return Err(UrlError::Fragment { url: err_url() });
    }
    if url.starts_with('/') && !url.starts_with("//") {
        return Ok(format!("{}//{}{}", ws_scheme(page), page.host, url));
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| UrlError::BadScheme { url: err_url() })?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "ws" | "http" => "ws",
        "wss" | "https" => "wss",
        _ => return Err(UrlError::BadScheme { url: err_url() }),
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host_name = host.rsplit_once('@').map_or(host, |(_, h)| h);
    if host_name.is_empty() || host_name.starts_with(':') {
        return Err(UrlError::NoHost { url: err_url() });
    }
    Ok(format!("{scheme}://{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(protocol: &str) -> PageOrigin {
        PageOrigin {
            protocol: protocol.into(),
            host: "chat.example:8080".into(),
        }
    }

    #[test]
    fn precedence_query_then_attribute_then_same_origin() {
        let http = page("http:");
        let cases: [(Option<&str>, Option<&str>, &PageOrigin, &str); 7] = [
            (Some("ws://q/ws"), Some("ws://a/ws"), &http, "ws://q/ws"),
            (None, Some("ws://a/ws"), &http, "ws://a/ws"),
            (Some(""), Some("ws://a/ws"), &http, "ws://a/ws"),
            (Some("  "), None, &http, "ws://chat.example:8080/ws"),
            (None, None, &http, "ws://chat.example:8080/ws"),
            (None, None, &page("https:"), "wss://chat.example:8080/ws"),
            (
                None,
                Some("/ws?room=x"),
                &page("https:"),
                "wss://chat.example:8080/ws?room=x",
            ),
        ];
        for (query, attribute, page, want) in cases {
            assert_eq!(
                resolve(query, QueryUrl::Honoured, attribute, page).as_deref(),
                Ok(want),
                "{query:?} {attribute:?}"
            );
        }
    }

    #[test]
    fn the_query_is_ignored_unless_honoured() {
        let http = page("http:");
        let cases = [
            (QueryUrl::Ignored, Some("ws://a/ws"), "ws://a/ws"),
            (QueryUrl::Ignored, None, "ws://chat.example:8080/ws"),
            (QueryUrl::Honoured, Some("ws://a/ws"), "ws://q/ws"),
            (QueryUrl::Honoured, None, "ws://q/ws"),
        ];
        for (query_url, attribute, want) in cases {
            let got = resolve(Some("ws://q/ws"), query_url, attribute, &http);
            assert_eq!(got.as_deref(), Ok(want), "{query_url:?} {attribute:?}");
        }
        // An ignored query is not even checked: a bad one cannot break the chat.
        let got = resolve(Some("javascript:alert(1)"), QueryUrl::Ignored, None, &http);
        assert_eq!(got.as_deref(), Ok("ws://chat.example:8080/ws"));
    }

    #[test]
    fn accepted_forms() {
        let cases = [
            ("ws://localhost:8080", "ws://localhost:8080"),
            ("WSS://h/p?q=1", "wss://h/p?q=1"),
            ("http://h:1/ws", "ws://h:1/ws"),
            ("https://h", "wss://h"),
            ("ws://[::1]:9001/ws", "ws://[::1]:9001/ws"),
        ];
        for (input, want) in cases {
            assert_eq!(
                resolve(Some(input), QueryUrl::Honoured, None, &page("http:")).as_deref(),
                Ok(want)
            );
        }
    }

    #[test]
    fn invalid_urls_are_errors_with_a_readable_message() {
        let cases = [
            "localhost:9001",
            "ftp://h/ws",
            "ws://",
            "ws:///path",
            "ws://:80/x",
            "ws://h/ws#frag",
            "ws://h /ws",
            "not a url",
            "//h/ws",
        ];
        for input in cases {
            let err =
                resolve(Some(input), QueryUrl::Honoured, None, &page("http:")).expect_err(input);
            assert!(
                err.to_string().starts_with("invalid WebSocket URL"),
                "{err}"
            );
        }
    }
}
