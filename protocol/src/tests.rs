//! The documented wire shapes, and the hand-written encoder held to serde_json's output.

use super::*;

#[test]
fn client_frames_round_trip_with_documented_shape() {
    let cases = [
        (
            ClientFrame::Hello { after: None },
            r#"{"type":"hello","after":null}"#,
        ),
        (
            ClientFrame::Hello { after: Some(7) },
            r#"{"type":"hello","after":7}"#,
        ),
        (
            ClientFrame::Send {
                id: "a1-2".into(),
                text: "<b>hi</b>".into(),
            },
            r#"{"type":"send","id":"a1-2","text":"<b>hi</b>"}"#,
        ),
        (ClientFrame::Ping, r#"{"type":"ping"}"#),
    ];
    for (frame, json) in cases {
        assert_eq!(frame.encode(), json);
        assert_eq!(ClientFrame::decode(json), Ok(frame));
    }
}

#[test]
fn server_frames_round_trip_with_documented_shape() {
    let cases = [
        (
            ServerFrame::Ack {
                id: "x".into(),
                seq: 3,
            },
            r#"{"type":"ack","id":"x","seq":3}"#,
        ),
        (
            ServerFrame::Reject {
                id: "x".into(),
                reason: "too large".into(),
            },
            r#"{"type":"reject","id":"x","reason":"too large"}"#,
        ),
        (
            ServerFrame::Msg {
                seq: 4,
                id: None,
                text: "plain".into(),
            },
            r#"{"type":"msg","seq":4,"text":"plain"}"#,
        ),
        (
            ServerFrame::Msg {
                seq: 5,
                id: Some("y".into()),
                text: "t".into(),
            },
            r#"{"type":"msg","seq":5,"id":"y","text":"t"}"#,
        ),
        (
            ServerFrame::Synced { head: 9, gap: true },
            r#"{"type":"synced","head":9,"gap":true}"#,
        ),
        (ServerFrame::Pong, r#"{"type":"pong"}"#),
        (
            ServerFrame::Error {
                id: None,
                reason: "r".into(),
            },
            r#"{"type":"error","reason":"r"}"#,
        ),
        (
            ServerFrame::Error {
                id: Some("m1".into()),
                reason: "busy".into(),
            },
            r#"{"type":"error","id":"m1","reason":"busy"}"#,
        ),
        (
            ServerFrame::Welcome { nonce: None },
            r#"{"type":"welcome"}"#,
        ),
        (
            ServerFrame::Welcome {
                nonce: Some("5eed".into()),
            },
            r#"{"type":"welcome","nonce":"5eed"}"#,
        ),
    ];
    for (frame, json) in cases {
        assert_eq!(frame.encode(), json);
        assert_eq!(ServerFrame::decode(json), Ok(frame));
    }
}

#[test]
fn malformed_and_unknown_envelopes_are_errors_not_panics() {
    let bad = [
        "",
        "data received",
        "{}",
        "[]",
        "null",
        r#"{"type":"warp"}"#,
        r#"{"type":"ack","id":1,"seq":"x"}"#,
        r#"{"type":"msg","seq":-1,"text":"t"}"#,
        r#"{"type":"ack","id":"x"}"#,
        "{\"type\":\"msg\",\"seq\":1,\"text\":\"\\ud800\"}",
    ];
    for text in bad {
        let err = ServerFrame::decode(text).expect_err(text);
        assert!(err.to_string().starts_with("malformed wschat.v1"), "{err}");
        assert!(ClientFrame::decode(text).is_err(), "{text}");
    }
}

#[test]
fn the_hand_written_encoder_writes_what_serde_json_writes() {
    let mut nasty: String = (0u8..0x80).map(char::from).collect();
    nasty.push_str("é 中文 🎉 \u{2028}\u{2029} \\\" </script>");
    let frames = [
        ClientFrame::Hello { after: None },
        ClientFrame::Hello {
            after: Some(u64::MAX),
        },
        ClientFrame::Ping,
        ClientFrame::Send {
            id: nasty.clone(),
            text: nasty.clone(),
        },
        ClientFrame::Send {
            id: String::new(),
            text: "\u{7f}\u{80}\u{ffff}".into(),
        },
    ];
    for frame in frames {
        assert_eq!(frame.encode(), serde_json::to_string(&frame).unwrap());
        assert_eq!(ClientFrame::decode(&frame.encode()), Ok(frame));
    }
}
