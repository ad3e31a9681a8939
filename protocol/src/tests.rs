//! The documented wire shapes, and the hand-written encoder held to serde_json's output.

use super::*;

#[test]
fn client_frames_round_trip_with_documented_shape() {
    let cases = [
        (
            ClientFrame::Hello {
                after: None,
                name: None,
            },
            r#"{"type":"hello","after":null}"#,
        ),
        (
            ClientFrame::Hello {
                after: Some(7),
                name: None,
            },
            r#"{"type":"hello","after":7}"#,
        ),
        (
            ClientFrame::Hello {
                after: Some(0),
                name: Some("Ann \"A\"".into()),
            },
            r#"{"type":"hello","after":0,"name":"Ann \"A\""}"#,
        ),
        (
            ClientFrame::Send {
                id: "a1-2".into(),
                text: "<b>hi</b>".into(),
            },
            r#"{"type":"send","id":"a1-2","text":"<b>hi</b>"}"#,
        ),
        (ClientFrame::Ping, r#"{"type":"ping"}"#),
        (ClientFrame::Watch, r#"{"type":"watch"}"#),
        (ClientFrame::Read { seq: 42 }, r#"{"type":"read","seq":42}"#),
        (
            ClientFrame::Typing { active: true },
            r#"{"type":"typing","active":true}"#,
        ),
        (
            ClientFrame::Typing { active: false },
            r#"{"type":"typing","active":false}"#,
        ),
        (
            ClientFrame::Delete { seq: 42 },
            r#"{"type":"delete","seq":42}"#,
        ),
        (
            ClientFrame::History {
                before: Some(501),
                limit: 50,
            },
            r#"{"type":"history","before":501,"limit":50}"#,
        ),
        (
            ClientFrame::History {
                before: None,
                limit: 100,
            },
            r#"{"type":"history","before":null,"limit":100}"#,
        ),
        (
            ClientFrame::Auth {
                token: "h.p.s".into(),
            },
            r#"{"type":"auth","token":"h.p.s"}"#,
        ),
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
                ts: None,
            },
            r#"{"type":"ack","id":"x","seq":3}"#,
        ),
        (
            ServerFrame::Ack {
                id: "x".into(),
                seq: 3,
                ts: Some(1_795_000_000_123),
            },
            r#"{"type":"ack","id":"x","seq":3,"ts":1795000000123}"#,
        ),
        (
            ServerFrame::Reject {
                id: "x".into(),
                reason: "too large".into(),
                retry_after: None,
            },
            r#"{"type":"reject","id":"x","reason":"too large"}"#,
        ),
        (
            ServerFrame::Deleted { seq: 9, of: 4 },
            r#"{"type":"deleted","seq":9,"of":4}"#,
        ),
        (
            ServerFrame::Typing {
                who: "u1".into(),
                from: Some("Ann".into()),
                guest: false,
                active: true,
            },
            r#"{"type":"typing","who":"u1","from":"Ann","active":true}"#,
        ),
        (
            ServerFrame::Typing {
                who: "c0.7".into(),
                from: None,
                guest: true,
                active: false,
            },
            r#"{"type":"typing","who":"c0.7","guest":true,"active":false}"#,
        ),
        (
            ServerFrame::Present {
                who: "u1".into(),
                from: Some("Ann".into()),
                guest: false,
            },
            r#"{"type":"present","who":"u1","from":"Ann"}"#,
        ),
        (
            ServerFrame::Present {
                who: "guest:3.9".into(),
                from: None,
                guest: true,
            },
            r#"{"type":"present","who":"guest:3.9","guest":true}"#,
        ),
        (ServerFrame::Read { seq: 7 }, r#"{"type":"read","seq":7}"#),
        (
            ServerFrame::Absent { who: "u1".into() },
            r#"{"type":"absent","who":"u1"}"#,
        ),
        (
            ServerFrame::Presence {
                count: 250,
                listed: false,
            },
            r#"{"type":"presence","count":250,"listed":false}"#,
        ),
        (
            ServerFrame::History {
                before: Some(501),
                count: 50,
                more: true,
            },
            r#"{"type":"history","before":501,"count":50,"more":true}"#,
        ),
        (
            ServerFrame::History {
                before: None,
                count: 0,
                more: false,
            },
            r#"{"type":"history","before":null,"count":0,"more":false}"#,
        ),
        (
            ServerFrame::Reject {
                id: "x".into(),
                reason: "too many messages".into(),
                retry_after: Some(1500),
            },
            r#"{"type":"reject","id":"x","reason":"too many messages","retry_after":1500}"#,
        ),
        (
            ServerFrame::Msg {
                seq: 4,
                id: None,
                text: "plain".into(),
                from: None,
                ts: None,
                user: None,
                guest: false,
            },
            r#"{"type":"msg","seq":4,"text":"plain"}"#,
        ),
        (
            ServerFrame::Msg {
                seq: 5,
                id: Some("y".into()),
                text: "t".into(),
                from: None,
                ts: None,
                user: None,
                guest: true,
            },
            r#"{"type":"msg","seq":5,"id":"y","text":"t","guest":true}"#,
        ),
        (
            ServerFrame::Msg {
                seq: 6,
                id: Some("y".into()),
                text: "t".into(),
                from: Some("Ann".into()),
                ts: Some(1_795_000_000_000),
                user: Some("u1".into()),
                guest: false,
            },
            r#"{"type":"msg","seq":6,"id":"y","text":"t","from":"Ann","ts":1795000000000,"user":"u1"}"#,
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
        (
            ServerFrame::Authed {
                sub: "u1".into(),
                name: Some("Ann".into()),
                exp: 1_795_000_000,
            },
            r#"{"type":"authed","sub":"u1","name":"Ann","exp":1795000000}"#,
        ),
        (
            ServerFrame::Authed {
                sub: "u1".into(),
                name: None,
                exp: 1,
            },
            r#"{"type":"authed","sub":"u1","exp":1}"#,
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
        r#"{"type":"ack","id":"x","seq":1,"ts":-5}"#,
        r#"{"type":"msg","seq":1,"text":"t","ts":"noon"}"#,
        r#"{"type":"msg","seq":1,"text":"t","from":7}"#,
        r#"{"type":"typing","who":"u1"}"#,
        r#"{"type":"typing","who":"u1","active":"yes"}"#,
        r#"{"type":"present"}"#,
        r#"{"type":"absent","who":7}"#,
        r#"{"type":"presence","count":3}"#,
        r#"{"type":"presence","count":-3,"listed":true}"#,
        "{\"type\":\"msg\",\"seq\":1,\"text\":\"\\ud800\"}",
    ];
    // A client's `typing` is not a server's: it says nobody.
    assert!(ServerFrame::decode(r#"{"type":"typing","active":true}"#).is_err());
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
        ClientFrame::Hello {
            after: None,
            name: None,
        },
        ClientFrame::Hello {
            after: Some(u64::MAX),
            name: Some(nasty.clone()),
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
        ClientFrame::Auth {
            token: nasty.clone(),
        },
        ClientFrame::History {
            before: Some(u64::MAX),
            limit: u32::MAX,
        },
        ClientFrame::Typing { active: true },
        ClientFrame::Typing { active: false },
        ClientFrame::Watch,
        ClientFrame::Read { seq: u64::MAX },
    ];
    for frame in frames {
        assert_eq!(frame.encode(), serde_json::to_string(&frame).unwrap());
        assert_eq!(ClientFrame::decode(&frame.encode()), Ok(frame));
    }
}

#[test]
fn names_are_trimmed_stripped_of_control_characters_and_capped() {
    let long = "é".repeat(MAX_NAME_CHARS + 10);
    let cases: [(&str, Option<&str>); 9] = [
        ("Ann", Some("Ann")),
        ("\u{202e}nnA\u{200b}", Some("nnA")),
        ("\u{feff}\u{2066}", None),
        ("  Ann  ", Some("Ann")),
        ("A\u{0}n\nn\u{1b}[31m", Some("Ann[31m")),
        ("", None),
        (" \t\r\n ", None),
        ("\u{7f}\u{85}", None),
        (&long, Some(&long[..MAX_NAME_CHARS * 2])),
    ];
    for (input, kept) in cases {
        assert_eq!(clean_name(input).as_deref(), kept, "{input:?}");
    }
    // Cutting never leaves trailing blanks.
    let spaced = format!("{} x", "a".repeat(MAX_NAME_CHARS - 1));
    assert_eq!(clean_name(&spaced), Some("a".repeat(MAX_NAME_CHARS - 1)));
}
