//! Signals in Redis: what the room hears but never stores (who is typing), published on the
//! room's signals channel to every server holding the room. Pub/sub forgets what it could not
//! deliver, which suits them: a lost signal is one a receiver expires anyway.

use super::store::RedisStore;
use crate::history::error::StoreError;
use crate::history::live::LiveSignal;
use serde::{Deserialize, Serialize};

/// A signal as published: the room, who sent it (server and connection, so the sender's own
/// connection is skipped) and the frame, already encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PublishedSignal {
    room: String,
    server: u64,
    conn: u64,
    frame: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user: Option<String>,
}

impl RedisStore {
    /// Publishes `frame` for the members of `room` (those of `to_user` only, if given) on
    /// every server, connection `conn` of this one excepted.
    pub async fn publish_signal(
        &self,
        room: &str,
        conn: u64,
        frame: &str,
        to_user: Option<&str>,
    ) -> Result<(), StoreError> {
        let signal = PublishedSignal {
            room: room.to_owned(),
            server: self.server(),
            conn,
            frame: frame.to_owned(),
            user: to_user.map(str::to_owned),
        };
        let payload = serde_json::to_string(&signal).map_err(|e| StoreError::new(e.to_string()))?;
        redis::cmd(self.publish_command())
            .arg(self.room_signals_channel(room))
            .arg(payload)
            .query_async::<i64>(&mut self.conn())
            .await?;
        Ok(())
    }
}

/// Reads a published signal for the rooms of server number `here`; `None` for junk.
pub fn parse_signal(payload: &str, here: u64) -> Option<LiveSignal> {
    let signal: PublishedSignal = serde_json::from_str(payload).ok()?;
    Some(LiveSignal {
        local_sender: (signal.server == here).then_some(signal.conn),
        room: signal.room,
        frame: signal.frame,
        to_user: signal.user,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_name_their_sender_only_on_its_own_server_and_junk_is_refused() {
        let payload = r#"{"room":"r","server":3,"conn":9,"frame":"{\"type\":\"typing\"}"}"#;
        let mine = parse_signal(payload, 3).expect("parses");
        assert_eq!(mine.local_sender, Some(9));
        assert_eq!(
            (mine.room.as_str(), mine.frame.as_str()),
            ("r", r#"{"type":"typing"}"#)
        );
        assert_eq!(parse_signal(payload, 4).expect("parses").local_sender, None);
        for junk in [
            "",
            "{}",
            "1 {}",
            r#"{"room":"r","server":"x","conn":1,"frame":""}"#,
        ] {
            assert_eq!(parse_signal(junk, 3), None, "{junk}");
        }
    }
}
