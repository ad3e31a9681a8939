//! `--log-format json`: one JSON object a line, every line of a connection naming it, and no
//! message text or token in any line, even at `debug`.

mod common;

use common::{address_in, join, post, send, TIMEOUT};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;
use ws_chat_protocol::{ClientFrame, ServerFrame};

const SECRET_TEXT: &str = "do-not-log-this-text-7f3a";
const SECRET_TOKEN: &str = "eyJdo-not-log-this-token.7f3a.x";

#[tokio::test]
async fn json_lines_name_their_connection_and_hold_no_text_or_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "s".repeat(48)).expect("secret");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ws-chat-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--db",
            ":memory:",
            "--log-format",
            "json",
        ])
        .arg("--jwt-secret-file")
        .arg(&secret)
        .args(["--anonymous", "post"])
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let addr = tokio::time::timeout(TIMEOUT, async {
        loop {
            let line = stdout.next_line().await.expect("read").expect("a line");
            if line.contains("listening on") {
                return address_in(&line);
            }
        }
    })
    .await
    .expect("listening in time");
    let mut stderr = child.stderr.take().expect("stderr");

    // A guest says something, then tries a token that is no good.
    let url = format!("ws://{addr}/ws?room=logs");
    let (mut ws, _) = join(&url, Some(0)).await;
    let answer = post(&mut ws, "x1", SECRET_TEXT).await;
    assert!(matches!(answer, ServerFrame::Ack { .. }), "{answer:?}");
    send(
        &mut ws,
        &ClientFrame::Auth {
            token: SECRET_TOKEN.into(),
        },
    )
    .await;
    let _ = common::next_message(&mut ws).await;
    drop(ws);

    let pid = child.id().expect("pid").to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    tokio::time::timeout(TIMEOUT, child.wait())
        .await
        .expect("exits in time")
        .expect("exit");
    let mut log = String::new();
    stderr.read_to_string(&mut log).await.expect("stderr");

    assert!(
        !log.contains(SECRET_TEXT),
        "a message text was logged:\n{log}"
    );
    assert!(
        !log.contains("do-not-log-this-token"),
        "a token was logged:\n{log}"
    );
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let said = |message: &str| {
        lines
            .iter()
            .find(|l| l["fields"]["message"].as_str() == Some(message))
            .unwrap_or_else(|| panic!("no {message:?} line in:\n{log}"))
    };
    for line in &lines {
        assert!(
            line["timestamp"].is_string() && line["level"].is_string(),
            "{line}"
        );
    }
    let connected = said("connected");
    let conn = connected["span"]["conn"]
        .as_u64()
        .expect("the connection's span");
    assert_eq!(connected["span"]["name"], "connection");
    let disconnected = said("disconnected");
    assert_eq!(disconnected["span"]["conn"].as_u64(), Some(conn));
    // Everything the connection's task said names it.
    let of_conn = lines
        .iter()
        .filter(|l| l["fields"]["conn"].as_u64() == Some(conn))
        .count();
    let spanned = lines
        .iter()
        .filter(|l| l["span"]["conn"].as_u64() == Some(conn))
        .count();
    assert!(
        spanned >= of_conn,
        "{spanned} lines in the span, {of_conn} naming it"
    );
}
