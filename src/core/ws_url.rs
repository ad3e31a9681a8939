//! Where the WebSocket URL comes from, and whether it is one.
//!
//! First match wins: the page's `?ws=` parameter, the mount element's `data-ws-url`, then the
//! same origin's `/ws`. Checking here, rather than letting `new WebSocket` throw, turns a typo
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

/// Picks the URL by precedence and checks it. `query` is the `?ws=` value, `attribute` the
/// mount element's `data-ws-url`; empty values count as absent.
pub fn resolve(
    query: Option<&str>,
    attribute: Option<&str>,
    page: &PageOrigin,
) -> Result<String, UrlError> {
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
                resolve(query, attribute, page).as_deref(),
                Ok(want),
                "{query:?} {attribute:?}"
            );
        }
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
                resolve(Some(input), None, &page("http:")).as_deref(),
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
            let err = resolve(Some(input), None, &page("http:")).expect_err(input);
            assert!(
                err.to_string().starts_with("invalid WebSocket URL"),
                "{err}"
            );
        }
    }
}
