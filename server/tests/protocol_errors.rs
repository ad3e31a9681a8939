//! Broken frames end the connection with the RFC 6455 close code that names the fault, sent
//! in a close frame; not with a silent TCP drop (which a client reads as 1006 and retries).

mod common;

use common::{upgraded, TestServer, TIMEOUT};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// A client frame: `first` is FIN/RSV/opcode; the payload is masked unless `masked` is false.
fn frame(first: u8, payload: &[u8], masked: bool) -> Vec<u8> {
    assert!(payload.len() < 126);
    let len = u8::try_from(payload.len()).expect("short payload");
    let mut out = vec![first];
    if masked {
        out.push(0x80 | len);
        out.extend_from_slice(&MASK);
        out.extend(payload.iter().zip(MASK.iter().cycle()).map(|(b, m)| b ^ m));
    } else {
        out.push(len);
        out.extend_from_slice(payload);
    }
    out
}

/// Reads the server's close frame and returns its code.
async fn close_code(stream: &mut TcpStream) -> u16 {
    let mut got = Vec::new();
    tokio::time::timeout(TIMEOUT, async {
        while got.len() < 4 {
            let mut chunk = [0u8; 256];
            let n = stream.read(&mut chunk).await.expect("read");
            assert!(
                n > 0,
                "connection ended without a close frame (read {got:?})"
            );
            got.extend_from_slice(&chunk[..n]);
        }
    })
    .await
    .expect("a close frame in time");
    assert_eq!(got[0], 0x88, "expected a final close frame: {got:?}");
    assert!(got[1] & 0x80 == 0, "server frames are not masked");
    u16::from_be_bytes([got[2], got[3]])
}

async fn code_for(bytes: &[u8]) -> u16 {
    let s = TestServer::start().await;
    let mut stream = upgraded(s.addr, "/ws?room=broken").await;
    stream.write_all(bytes).await.expect("write");
    let code = close_code(&mut stream).await;
    s.abandon();
    code
}

#[tokio::test]
async fn an_unmasked_client_frame_gets_1002() {
    assert_eq!(code_for(&frame(0x81, b"hi", false)).await, 1002);
}

#[tokio::test]
async fn a_reserved_opcode_gets_1002() {
    assert_eq!(code_for(&frame(0x83, b"", true)).await, 1002);
    assert_eq!(code_for(&frame(0x8b, b"", true)).await, 1002);
}

#[tokio::test]
async fn reserved_bits_get_1002() {
    assert_eq!(code_for(&frame(0xc1, b"hi", true)).await, 1002);
}

#[tokio::test]
async fn a_fragmented_control_frame_gets_1002() {
    assert_eq!(code_for(&frame(0x09, b"", true)).await, 1002);
}

#[tokio::test]
async fn a_continuation_without_a_start_gets_1002() {
    assert_eq!(code_for(&frame(0x80, b"x", true)).await, 1002);
}

#[tokio::test]
async fn a_text_frame_that_is_not_utf8_gets_1007() {
    assert_eq!(code_for(&frame(0x81, &[0xff, 0xfe], true)).await, 1007);
    // Split across fragments, checked once the message is complete.
    let mut split = frame(0x01, b"ok \xe2", true);
    split.extend(frame(0x80, b"\x28\xa1", true));
    assert_eq!(code_for(&split).await, 1007);
}
