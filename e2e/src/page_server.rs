//! An embedder's page served from this process: one HTML document at `/`, on its own
//! loopback origin, with the response headers a test chooses (a `Content-Security-Policy`,
//! say). The companion server serves files with headers of its own choosing; a host page needs
//! the host's.
//!
//! A minimal HTTP/1.1 server on a tokio task: it reads a request's head, answers `GET /` (and
//! `/index.html`) with the page and anything else with 404, and closes the connection. It
//! stops when dropped.

use crate::token_mint::TokenMint;
use anyhow::{bail, Context, Result};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The most a request's head may take, in bytes and in time.
const MAX_HEAD: usize = 16 * 1024;
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// A page served on 127.0.0.1 until dropped.
pub struct PageServer {
    addr: SocketAddr,
    accept: JoinHandle<()>,
}

impl PageServer {
    /// Serves `html` at `/` on a free port, with `headers` added to its response (besides
    /// `Content-Type`, `Content-Length`, `Cache-Control: no-store` and `Connection: close`).
    /// Must be called on a tokio runtime.
    pub fn start(html: &str, headers: &[(&str, &str)]) -> Result<Self> {
        Self::serve(0, html, headers, None)
    }

    /// [`PageServer::start`], plus a host backend's token endpoint at `/chat-token` (see
    /// [`TokenMint`]).
    pub fn with_tokens(html: &str, headers: &[(&str, &str)], mint: Arc<TokenMint>) -> Result<Self> {
        Self::serve(0, html, headers, Some(mint))
    }

    /// [`PageServer::with_tokens`] on a port of the caller's choosing.
    pub fn with_tokens_on(
        port: u16,
        html: &str,
        headers: &[(&str, &str)],
        mint: Arc<TokenMint>,
    ) -> Result<Self> {
        Self::serve(port, html, headers, Some(mint))
    }

    /// Port 0: a free one.
    fn serve(
        port: u16,
        html: &str,
        headers: &[(&str, &str)],
        mint: Option<Arc<TokenMint>>,
    ) -> Result<Self> {
        let runtime = tokio::runtime::Handle::try_current()
            .context("the page server runs on the caller's tokio runtime")?;
        let mut head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
             Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
            html.len()
        );
        for (name, value) in headers {
            let bad = |s: &str| s.is_empty() || s.contains(['\r', '\n']);
            if bad(name) || name.contains(':') || value.contains(['\r', '\n']) {
                bail!("not an HTTP header: {name:?}: {value:?}");
            }
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let page: Arc<[u8]> = [head.as_bytes(), html.as_bytes()].concat().into();

        let listener =
            std::net::TcpListener::bind(("127.0.0.1", port)).context("binding the page server")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let accept = runtime.spawn(async move {
            let listener = match TcpListener::from_std(listener) {
                Ok(listener) => listener,
                Err(e) => {
                    eprintln!("page server on {addr}: {e}");
                    return;
                }
            };
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        tokio::spawn(answer(stream, page.clone(), mint.clone()));
                    }
                    // Out of file descriptors and the like: let it pass rather than spin.
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
        Ok(PageServer { addr, accept })
    }

    /// Where it listens (always 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`: the page.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for PageServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Reads one request's head and answers it: the page for `GET /` or `/index.html`, a token
/// for `GET /chat-token?…` when there is a mint, else 404.
async fn answer(mut stream: TcpStream, page: Arc<[u8]>, mint: Option<Arc<TokenMint>>) {
    let mut head = Vec::new();
    let read = tokio::time::timeout(HEAD_TIMEOUT, async {
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        true
    })
    .await;
    if !matches!(read, Ok(true)) {
        return;
    }
    let token_query = mint.as_ref().and_then(|_| token_query(&head));
    let minted;
    let response: &[u8] = if is_page_request(&head) {
        &page
    } else if let (Some(mint), Some(query)) = (&mint, token_query) {
        let (status, body) = mint.answer(&query);
        minted = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
            if status == 200 { "OK" } else { "Refused" },
            body.len()
        );
        minted.as_bytes()
    } else {
        b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\
          Connection: close\r\n\r\nnot found\n"
    };
    // The browser may have gone; nothing to tell anyone then.
    let _ = stream.write_all(response).await;
    let _ = stream.shutdown().await;
}

/// The query of a `GET /chat-token` request (empty without one).
fn token_query(head: &[u8]) -> Option<String> {
    let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let line = std::str::from_utf8(line).ok()?;
    let target = line.strip_prefix("GET ")?.split(' ').next()?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    (path == "/chat-token").then(|| query.to_owned())
}

/// Whether a request's head asks for the page: `GET` of `/` or `/index.html`, any query.
fn is_page_request(head: &[u8]) -> bool {
    let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return false;
    };
    let path = target.split(|&b| b == b'?').next().unwrap_or_default();
    method == b"GET" && (path == b"/" || path == b"/index.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(addr: SocketAddr, path: &str) -> Result<String> {
        let mut stream = TcpStream::connect(addr).await?;
        stream
            .write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
            .await?;
        let mut out = String::new();
        stream.read_to_string(&mut out).await?;
        Ok(out)
    }

    #[tokio::test]
    async fn serves_the_page_with_its_headers_and_nothing_else() -> Result<()> {
        let server = PageServer::start(
            "<p>hi</p>",
            &[("Content-Security-Policy", "default-src 'none'")],
        )?;
        let page = get(server.addr(), "/?x=1").await?;
        assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
        assert!(
            page.contains("\r\nContent-Security-Policy: default-src 'none'\r\n"),
            "{page}"
        );
        assert!(page.ends_with("\r\n\r\n<p>hi</p>"), "{page}");
        let other = get(server.addr(), "/favicon.ico").await?;
        assert!(other.starts_with("HTTP/1.1 404 "), "{other}");
        assert!(PageServer::start("", &[("X-Bad", "a\r\nb")]).is_err());
        Ok(())
    }
}
