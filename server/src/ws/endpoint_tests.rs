//! The dialect a handshake fixes, and room names.

use super::*;

fn q(pairs: &[(&str, &str)]) -> WsQuery {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn the_dialect_is_fixed_by_the_handshake() {
    let in_band = q(&[("room", "r"), ("wschat", "v1")]);
    let welcome = |nonce: Option<&str>| {
        Some(ServerFrame::Welcome {
            nonce: nonce.map(str::to_owned),
        })
    };
    assert_eq!(dialect(Some("wschat.v1"), &q(&[])), (Dialect::WsChat, None));
    assert_eq!(
        dialect(Some("wschat.v1"), &in_band),
        (Dialect::WsChat, None)
    );
    assert_eq!(dialect(None, &in_band), (Dialect::WsChat, welcome(None)));
    let with_nonce = q(&[("wschat", "v1"), ("wschat_nonce", "5eed")]);
    assert_eq!(
        dialect(None, &with_nonce),
        (Dialect::WsChat, welcome(Some("5eed")))
    );
    assert_eq!(dialect(None, &q(&[("room", "r")])), (Dialect::Plain, None));
    assert_eq!(
        dialect(None, &q(&[("wschat", "v2")])),
        (Dialect::Plain, None)
    );
    assert_eq!(
        dialect(None, &q(&[("WSCHAT", "v1")])),
        (Dialect::Plain, None)
    );
}

#[test]
fn room_names() {
    assert_eq!(room_name(&q(&[])).as_deref(), Ok(DEFAULT_ROOM));
    assert_eq!(room_name(&q(&[("room", "")])).as_deref(), Ok(DEFAULT_ROOM));
    assert_eq!(room_name(&q(&[("room", "a b")])).as_deref(), Ok("a b"));
    assert!(room_name(&q(&[("room", "a"), ("room", "b")])).is_err());
    assert!(room_name(&q(&[("room", &"r".repeat(MAX_ROOM_BYTES + 1))])).is_err());
}
