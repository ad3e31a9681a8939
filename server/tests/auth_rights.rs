//! Rights against the real server: rooms a token does not allow, read-only members and
//! guests, and plain clients where everyone must sign in.

mod common;

use common::tokens::{auth_server, closed, hello, signed_in, token_for};
use common::{connect, raw, recv, send, send_text, upgrade_request};
use serde_json::json;
use ws_chat_protocol::{close_code, ClientFrame, ServerFrame};

#[tokio::test]
async fn a_room_the_token_does_not_allow_is_closed_with_4403_before_anything_of_it() {
    let (s, _dir) = auth_server(None).await;
    let (mut staff, _) = signed_in(&s.ws_url("staff"), &token_for("u1", "Ann", 3600, None)).await;
    hello(&mut staff, None).await;
    send(
        &mut staff,
        &ClientFrame::Send {
            id: "secret".into(),
            text: "staff only".into(),
        },
    )
    .await;
    recv(&mut staff).await;
    let mut outsider = connect(&s.ws_url("staff"), true).await;
    let only_teams = token_for("u2", "Eve", 3600, Some(json!({"team-*": ["read", "post"]})));
    send(&mut outsider, &ClientFrame::Auth { token: only_teams }).await;
    send(
        &mut outsider,
        &ClientFrame::Hello {
            after: Some(0),
            name: None,
        },
    )
    .await;
    let (code, reason, frames) = closed(&mut outsider).await;
    assert_eq!(
        (code, reason.as_str()),
        (close_code::FORBIDDEN, "not allowed in this room")
    );
    assert!(frames.is_empty(), "{frames:?}");
    s.abandon();
}

#[tokio::test]
async fn read_only_members_and_guests_read_and_get_a_reject_for_posting() {
    let (s, _dir) = auth_server(Some("read")).await;
    let url = s.ws_url("r");
    let (mut writer, _) = signed_in(&url, &token_for("u1", "Ann", 3600, None)).await;
    hello(&mut writer, None).await;
    send(
        &mut writer,
        &ClientFrame::Send {
            id: "a".into(),
            text: "hello all".into(),
        },
    )
    .await;
    recv(&mut writer).await;
    let reader_token = token_for("u2", "Rita", 3600, Some(json!({"*": ["read"]})));
    let (mut reader, _) = signed_in(&url, &reader_token).await;
    let mut guest = connect(&url, true).await;
    for (ws, reason) in [
        (&mut reader, "this token may not post in this room"),
        (&mut guest, "guests may not post here: sign in to post"),
    ] {
        let frames = hello(ws, None).await;
        assert!(matches!(&frames[0], ServerFrame::Msg { text, .. } if text == "hello all"));
        send(
            ws,
            &ClientFrame::Send {
                id: "x".into(),
                text: "me too".into(),
            },
        )
        .await;
        assert_eq!(
            recv(ws).await,
            ServerFrame::Reject {
                id: "x".into(),
                reason: reason.into(),
                retry_after: None,
            }
        );
    }
    // A plain client is a guest too; plain text cannot be rejected, so it is closed.
    let mut plain = connect(&url, false).await;
    send_text(&mut plain, "plain words").await;
    let (code, _, _) = closed(&mut plain).await;
    assert_eq!(code, close_code::FORBIDDEN);
    s.abandon();
}

#[tokio::test]
async fn where_everyone_must_sign_in_a_plain_client_is_refused_at_the_upgrade() {
    let (s, _dir) = auth_server(None).await;
    let response = raw(s.addr, &upgrade_request(s.addr, "/ws?room=r", &[])).await;
    assert_eq!(response.status, 401, "{response:?}");
    assert!(response.body.contains("needs a token"), "{}", response.body);
    s.abandon();
}
