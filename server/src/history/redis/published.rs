//! What the append script publishes for the fan-out, and reading it back.

use crate::history::live::LiveMessage;
use crate::history::message::Author;
use serde::{Deserialize, Serialize};
use ws_chat_protocol::{Millis, Seq};

/// A stored message as published: everything a member needs, and who sent it, so the sender's
/// own connection (which gets an ack instead) is skipped. The seq goes in front, outside the
/// JSON, because the script assigns it after the JSON was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub room: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub text: String,
    #[serde(flatten)]
    pub author: Author,
    pub ts: Millis,
    /// The sending server's number ([`super::RedisStore::server`]).
    pub server: u64,
    /// The sending connection's number on that server.
    pub conn: u64,
    /// A tombstone: the message at this seq was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletes: Option<Seq>,
}

/// Reads a channel message: `"<seq> <json>"`.
pub fn parse(payload: &str) -> Option<(Seq, Published)> {
    let (seq, json) = payload.split_once(' ')?;
    Some((seq.parse().ok()?, serde_json::from_str(json).ok()?))
}

impl Published {
    /// The message for the rooms of server number `here`: the sending connection is named
    /// only when it is one of this server's, since a connection number means nothing on
    /// another server.
    pub fn into_live(self, seq: Seq, here: u64) -> LiveMessage {
        LiveMessage {
            seq,
            local_sender: (self.server == here).then_some(self.conn),
            room: self.room,
            id: self.id,
            text: self.text,
            author: self.author,
            ts: self.ts,
            deletes: self.deletes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published(server: u64, conn: u64) -> Published {
        Published {
            room: "lobby room".into(),
            id: Some("a1".into()),
            text: "hi there {\"x\"}".into(),
            author: Author {
                from: Some("Ann".into()),
                user: Some("u1".into()),
                guest: false,
            },
            ts: 1_795_000_000_000,
            server,
            conn,
            deletes: None,
        }
    }

    #[test]
    fn published_messages_round_trip_and_junk_is_refused() {
        let p = published(u64::MAX, 7);
        let payload = format!("42 {}", serde_json::to_string(&p).expect("json"));
        assert_eq!(parse(&payload), Some((42, p)));
        for junk in ["", "42", "x {}", "42 {", "42 {\"room\":1}", "-1 {}"] {
            assert_eq!(parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn only_this_servers_own_connection_is_named_as_the_sender() {
        // (sending server, sending connection, this server) -> the local sender
        let cases = [
            (1, 7, 1, Some(7)),
            (1, 7, 2, None),
            (2, 1, 1, None),
            (u64::MAX, 0, u64::MAX, Some(0)),
        ];
        for (server, conn, here, local_sender) in cases {
            let live = published(server, conn).into_live(42, here);
            assert_eq!(
                (live.seq, live.local_sender),
                (42, local_sender),
                "{server}/{conn} heard by {here}"
            );
            assert_eq!(
                (live.room.as_str(), live.text.as_str()),
                ("lobby room", "hi there {\"x\"}")
            );
        }
    }
}
