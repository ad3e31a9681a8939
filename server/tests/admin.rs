//! The admin API against the real server: kicks close a user's connections with 4409 and
//! refuse them for their time, revocations close with 4401 and refuse the token, both are
//! kept (across a restart, and across the servers of a Redis pair), and only the admin
//! token opens the API, which does not exist without `--admin-token-file`.

mod common;

use common::tokens::{closed, hello, now_secs, signed_in, token, token_for, SECRET};
use common::{connect, next_message, recv, send, TestCluster, TestRedis, TestServer, TestSocket};
use common::{raw, RawResponse};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::{close_code, ClientFrame, ServerFrame};
use ws_chat_server::Config;

const ADMIN: &str = "an admin token of at least thirty-two bytes";

/// A server that checks tokens and has the admin API; `db` and `more` as the flags say.
async fn admin_server(dir: &tempfile::TempDir, db: &str, more: &[&str]) -> TestServer {
    let secret = dir.path().join("secret");
    std::fs::write(&secret, format!("{SECRET}\n")).expect("write secret");
    let admin = dir.path().join("admin");
    std::fs::write(&admin, format!("{ADMIN}\n")).expect("write admin token");
    let (secret, admin) = (secret.to_str().unwrap(), admin.to_str().unwrap());
    let mut args = vec!["s", "--db", db, "--jwt-secret-file", secret];
    args.extend(["--admin-token-file", admin]);
    args.extend(more);
    let config = <Config as clap::Parser>::try_parse_from(args).expect("flags");
    TestServer::with(config).await
}

/// POSTs `body` to `path`, with `Authorization: Bearer <bearer>` when given.
async fn post(addr: SocketAddr, path: &str, bearer: Option<&str>, body: &str) -> RawResponse {
    let auth = bearer.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    raw(addr, &request).await
}

async fn admin(addr: SocketAddr, path: &str, body: Value) -> Value {
    let response = post(addr, path, Some(ADMIN), &body.to_string()).await;
    assert_eq!(response.status, 200, "{}", response.body);
    serde_json::from_str(&response.body).expect("a JSON answer")
}

/// Signed in to `room` and said hello: a member of the room.
async fn member(s: &TestServer, room: &str, token: &str) -> TestSocket {
    let (mut ws, authed) = signed_in(&s.ws_url(room), token).await;
    assert!(matches!(authed, ServerFrame::Authed { .. }), "{authed:?}");
    hello(&mut ws, None).await;
    ws
}

/// Whether the connection still answers.
async fn answers(ws: &mut TestSocket) -> bool {
    send(ws, &ClientFrame::Ping).await;
    matches!(recv(ws).await, ServerFrame::Pong)
}

/// The close a fresh sign-in to `room` gets, if it gets one.
async fn sign_in_refused(s: &TestServer, room: &str, token: &str) -> Option<(u16, String)> {
    let mut ws = connect(&s.ws_url(room), true).await;
    let auth = ClientFrame::Auth {
        token: token.into(),
    };
    send(&mut ws, &auth).await;
    match next_message(&mut ws).await {
        Message::Close(Some(close)) => Some((close.code.into(), close.reason.as_str().into())),
        Message::Text(text) => {
            let answer = ServerFrame::decode(text.as_str()).expect("an envelope");
            assert!(matches!(answer, ServerFrame::Authed { .. }), "{answer:?}");
            None
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn only_the_admin_token_opens_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let s = admin_server(&dir, ":memory:", &[]).await;
    let body = r#"{"sub":"u1","seconds":60}"#;
    let none = post(s.addr, "/admin/kick", None, body).await;
    assert_eq!(none.status, 401, "{}", none.body);
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    let wrong = post(s.addr, "/admin/kick", Some("not the admin token"), body).await;
    assert_eq!(wrong.status, 403, "{}", wrong.body);
    let prefix = post(s.addr, "/admin/kick", Some(&ADMIN[..31]), body).await;
    assert_eq!(prefix.status, 403, "a prefix is a wrong token");
    for (bad, why) in [
        ("{", "bad request body"),
        (r#"{"sub":"u1"}"#, "missing field `seconds`"),
        (r#"{"sub":"","seconds":60}"#, "`sub` must be"),
        (r#"{"sub":"u1","seconds":0}"#, "`seconds` must be"),
        (r#"{"sub":"u1","seconds":60,"x":1}"#, "unknown field"),
    ] {
        let r = post(s.addr, "/admin/kick", Some(ADMIN), bad).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(r.body.contains(why), "{bad}: {}", r.body);
    }
    let r = post(s.addr, "/admin/revoke", Some(ADMIN), r#"{"sub":"u1"}"#).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("either `jti`"), "{}", r.body);
    let kept = admin(s.addr, "/admin/kick", json!({"sub": "u1", "seconds": 60})).await;
    assert_eq!(
        (kept["kind"].as_str(), kept["sub"].as_str()),
        (Some("kick"), Some("u1"))
    );

    let plain = common::tokens::auth_server(None).await.0;
    let r = post(plain.addr, "/admin/kick", Some(ADMIN), body).await;
    assert!(
        r.status == 404 || r.status == 405,
        "no admin API: {}",
        r.status
    );
}

#[tokio::test]
async fn a_kick_closes_the_user_in_that_room_and_refuses_them_for_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let s = admin_server(&dir, ":memory:", &[]).await;
    let ann = token_for("u1", "Ann", 3600, None);
    let mut ann_r = member(&s, "r", &ann).await;
    let mut ann_s = member(&s, "s", &ann).await;
    let mut bob_r = member(&s, "r", &token_for("u2", "Bob", 3600, None)).await;

    admin(
        s.addr,
        "/admin/kick",
        json!({"room": "r", "sub": "u1", "seconds": 2}),
    )
    .await;
    let (code, reason, _) = closed(&mut ann_r).await;
    assert_eq!(code, close_code::REMOVED, "{reason}");
    assert_eq!(reason, "removed by a moderator for 2 s");
    assert!(answers(&mut ann_s).await, "the kick was for room r only");
    assert!(answers(&mut bob_r).await, "Bob was not kicked");
    let refused = sign_in_refused(&s, "r", &ann).await.expect("refused");
    assert_eq!(refused.0, close_code::REMOVED, "{refused:?}");

    // Its time over, Ann is back.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(sign_in_refused(&s, "r", &ann).await, None);

    // Without a room: everywhere.
    admin(s.addr, "/admin/kick", json!({"sub": "u1", "seconds": 60})).await;
    assert_eq!(closed(&mut ann_s).await.0, close_code::REMOVED);
    assert!(answers(&mut bob_r).await);
}

#[tokio::test]
async fn a_revoked_token_is_closed_and_refused_and_a_fresh_one_works() {
    let dir = tempfile::tempdir().unwrap();
    let s = admin_server(&dir, ":memory:", &[]).await;
    let claims = |sub: &str, jti: &str, iat: u64| json!({"sub": sub, "aud": "ws-chat", "exp": now_secs() + 3600, "jti": jti, "iat": iat});
    let first = token(claims("u1", "t1", now_secs()));
    let mut ann = member(&s, "r", &first).await;
    admin(s.addr, "/admin/revoke", json!({"jti": "t1"})).await;
    let (code, reason, _) = closed(&mut ann).await;
    assert_eq!(
        (code, reason.as_str()),
        (close_code::UNAUTHORIZED, "token revoked")
    );
    let refused = sign_in_refused(&s, "r", &first).await.expect("refused");
    assert_eq!(refused, (close_code::UNAUTHORIZED, "token revoked".into()));
    let fresh = token(claims("u1", "t2", now_secs()));
    assert_eq!(sign_in_refused(&s, "r", &fresh).await, None);

    // Every token of a user issued before a time: Bob's current one, not his next.
    let now = now_secs();
    let mut bob = member(&s, "r", &token(claims("u2", "b1", now))).await;
    admin(
        s.addr,
        "/admin/revoke",
        json!({"sub": "u2", "issued_before": now + 1, "seconds": 60}),
    )
    .await;
    let (code, reason, _) = closed(&mut bob).await;
    assert_eq!(
        (code, reason.as_str()),
        (close_code::UNAUTHORIZED, "token revoked")
    );
    let later = token(claims("u2", "b2", now + 1));
    assert_eq!(sign_in_refused(&s, "r", &later).await, None);
    // A refresh on a live connection is checked too.
    let mut carl = member(&s, "r", &token(claims("u3", "c1", now))).await;
    admin(s.addr, "/admin/revoke", json!({"jti": "c2"})).await;
    assert!(answers(&mut carl).await, "another token was revoked");
    send(
        &mut carl,
        &ClientFrame::Auth {
            token: token(claims("u3", "c2", now)),
        },
    )
    .await;
    assert_eq!(closed(&mut carl).await.0, close_code::UNAUTHORIZED);
}

#[tokio::test]
async fn kicks_are_kept_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite3");
    let db = db.to_str().unwrap();
    let ann = token_for("u1", "Ann", 3600, None);
    let s = admin_server(&dir, db, &[]).await;
    admin(
        s.addr,
        "/admin/kick",
        json!({"room": "r", "sub": "u1", "seconds": 600}),
    )
    .await;
    admin(
        s.addr,
        "/admin/revoke",
        json!({"jti": "gone", "seconds": 1}),
    )
    .await;
    s.stop().await;
    let s = admin_server(&dir, db, &[]).await;
    let refused = sign_in_refused(&s, "r", &ann).await.expect("still kicked");
    assert_eq!(refused.0, close_code::REMOVED, "{refused:?}");
    assert!(refused.1.contains("10 min"), "{refused:?}");
    assert_eq!(sign_in_refused(&s, "s", &ann).await, None);
}

#[tokio::test]
async fn a_kick_reaches_the_other_server_of_a_redis_pair() {
    let Some(redis) = TestRedis::start() else {
        return;
    };
    kick_across(&redis.url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kick_reaches_the_other_server_on_a_redis_cluster() {
    let Some(cluster) = tokio::task::block_in_place(TestCluster::start) else {
        return;
    };
    kick_across(&cluster.url()).await;
}

/// A kick made on one server of `url`'s Redis closes the member on the other, and a server
/// started later reads it from Redis.
async fn kick_across(url: &str) {
    let url = url.to_owned();
    let dir = tempfile::tempdir().unwrap();
    let a = admin_server(&dir, ":memory:", &["--redis", &url]).await;
    let b = admin_server(&dir, ":memory:", &["--redis", &url]).await;
    let ann = token_for("u1", "Ann", 3600, None);
    let mut on_b = member(&b, "r", &ann).await;
    admin(
        a.addr,
        "/admin/kick",
        json!({"room": "r", "sub": "u1", "seconds": 600}),
    )
    .await;
    let (code, reason, _) = closed(&mut on_b).await;
    assert_eq!(code, close_code::REMOVED, "{reason}");
    let refused = sign_in_refused(&b, "r", &ann).await.expect("refused on b");
    assert_eq!(refused.0, close_code::REMOVED);
    // A server started later reads it from Redis.
    let c = admin_server(&dir, ":memory:", &["--redis", &url]).await;
    assert_eq!(
        sign_in_refused(&c, "r", &ann).await.map(|r| r.0),
        Some(close_code::REMOVED)
    );
}
