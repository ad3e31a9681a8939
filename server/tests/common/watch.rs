//! A member that watches the room (`watch`): it hears who is in it and who is typing, which
//! arrive between other frames as the server's presence sweep and other members' typing go.

use super::{recv, send, TestSocket};
use futures_util::StreamExt;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use ws_chat_protocol::{ClientFrame, ServerFrame};

/// Who a watching member was told is in the room: `who` → name, and the count.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Roster {
    pub people: BTreeMap<String, Option<String>>,
    pub count: Option<u32>,
    pub listed: bool,
}

impl Roster {
    /// Applies a presence frame; `false` for any other frame.
    pub fn apply(&mut self, frame: &ServerFrame) -> bool {
        match frame {
            ServerFrame::Present { who, from, .. } => {
                self.people.insert(who.clone(), from.clone());
            }
            ServerFrame::Absent { who } => {
                self.people.remove(who);
            }
            ServerFrame::Presence { count, listed } => {
                self.count = Some(*count);
                self.listed = *listed;
                if !listed {
                    self.people.clear();
                }
            }
            _ => return false,
        }
        true
    }

    /// The names listed, sorted (`-` for none).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .people
            .values()
            .map(|n| n.clone().unwrap_or_else(|| "-".into()))
            .collect();
        names.sort();
        names
    }
}

/// Says `watch`, then `hello {after: 0, name}` on an open connection; returns the answers up
/// to `synced` and the roster of the snapshot after it.
pub async fn watch_and_hello(ws: &mut TestSocket, name: Option<&str>) -> Roster {
    send(ws, &ClientFrame::Watch).await;
    let hello = ClientFrame::Hello {
        after: Some(0),
        name: name.map(str::to_owned),
    };
    send(ws, &hello).await;
    while !matches!(recv(ws).await, ServerFrame::Synced { .. }) {}
    let mut roster = Roster::default();
    // The snapshot ends with the count.
    loop {
        let frame = recv(ws).await;
        assert!(
            roster.apply(&frame),
            "a snapshot holds presence only: {frame:?}"
        );
        if matches!(frame, ServerFrame::Presence { .. }) {
            return roster;
        }
    }
}

/// The next frame that is not about presence (those go into `roster`).
pub async fn next_other(ws: &mut TestSocket, roster: &mut Roster) -> ServerFrame {
    loop {
        let frame = recv(ws).await;
        if !roster.apply(&frame) {
            return frame;
        }
    }
}

/// Reads presence frames into `roster` until `done` holds of it (at most 30 s: a dead
/// server's users take the entries' time to live to go).
pub async fn roster_until(
    ws: &mut TestSocket,
    roster: &mut Roster,
    what: &str,
    done: impl Fn(&Roster) -> bool,
) {
    let waited = tokio::time::timeout(Duration::from_secs(30), async {
        while !done(roster) {
            let Some(Ok(Message::Text(text))) = ws.next().await else {
                continue;
            };
            let frame = ServerFrame::decode(text.as_str()).expect("an envelope");
            assert!(
                roster.apply(&frame),
                "{what}: not a presence frame: {frame:?}"
            );
        }
    });
    if waited.await.is_err() {
        panic!("{what}: not seen in time; roster {roster:?}");
    }
}

/// Reads for `ms`, applying presence frames to `roster`; panics on any other frame.
pub async fn only_presence_for(ws: &mut TestSocket, roster: &mut Roster, ms: u64) {
    let _ = tokio::time::timeout(Duration::from_millis(ms), async {
        loop {
            let frame = recv(ws).await;
            assert!(
                roster.apply(&frame),
                "expected no frame but presence: {frame:?}"
            );
        }
    })
    .await;
}
