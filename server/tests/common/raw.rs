//! HTTP and WebSocket handshakes written and read by hand, byte by byte.

use super::{KEY, TIMEOUT};
use base64::Engine as _;
use sha1::{Digest, Sha1};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A response read off the wire by hand.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` bytes as they are and reads the status line and headers (and, unless it
/// is a 101, the body up to Content-Length or EOF).
pub async fn raw(addr: SocketAddr, request: &str) -> RawResponse {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    tokio::time::timeout(TIMEOUT, read_response(&mut stream))
        .await
        .expect("response in time")
}

/// Opens a TCP connection, completes a plain WebSocket upgrade to `path` by hand and returns
/// the stream right after the `101` head, for tests that write frames byte by byte.
pub async fn upgraded(addr: SocketAddr, path: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = upgrade_request(addr, path, &[]);
    stream.write_all(request.as_bytes()).await.expect("write");
    let r = tokio::time::timeout(TIMEOUT, read_response(&mut stream))
        .await
        .expect("response in time");
    assert_eq!(r.status, 101, "{r:?}");
    assert!(r.body.is_empty(), "bytes after the 101 head: {r:?}");
    stream
}

/// Sends `request` from a socket bound to `local` (any 127.x.y.z works on Linux) and returns
/// the response with the stream, still open.
pub async fn raw_from(
    local: std::net::IpAddr,
    addr: SocketAddr,
    request: &str,
) -> (RawResponse, TcpStream) {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind(SocketAddr::new(local, 0)).expect("bind");
    let mut stream = socket.connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let response = tokio::time::timeout(TIMEOUT, read_response(&mut stream))
        .await
        .expect("response in time");
    (response, stream)
}

async fn read_response(stream: &mut TcpStream) -> RawResponse {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 1024];
        let n = stream.read(&mut chunk).await.expect("read");
        assert!(n > 0, "connection closed before the response head: {buf:?}");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = buf[head_end..].to_vec();
    if status != 101 {
        let length = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok());
        match length {
            Some(len) => {
                while body.len() < len {
                    let mut chunk = [0u8; 4096];
                    let n = stream.read(&mut chunk).await.expect("read body");
                    if n == 0 {
                        break;
                    }
                    body.extend_from_slice(&chunk[..n]);
                }
            }
            None => {
                let _ = stream.read_to_end(&mut body).await;
            }
        }
    }
    RawResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// A complete, valid upgrade request for `path` plus `extra` header lines.
pub fn upgrade_request(addr: SocketAddr, path: &str, extra: &[&str]) -> String {
    let mut r = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n"
    );
    for line in extra {
        r.push_str(line);
        r.push_str("\r\n");
    }
    r.push_str("\r\n");
    r
}

/// `Sec-WebSocket-Accept` for a key, computed independently of the server.
pub fn expected_accept(key: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(key.as_bytes());
    sha.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    base64::engine::general_purpose::STANDARD.encode(sha.finalize())
}

/// A small HTTP/1.1 request with `Connection: close`.
pub async fn http(addr: SocketAddr, method: &str, path: &str) -> RawResponse {
    raw(
        addr,
        &format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    )
    .await
}
