//! A room's channels, and the store's side of [`super::interest`]: telling the fan-out task
//! which rooms open and close here, and waiting until a room is listened to.

use super::connection::RESPONSE_TIMEOUT;
use super::interest::{Interest, Interests};
use super::store::RedisStore;
use crate::history::error::StoreError;

impl RedisStore {
    /// The channel `room`'s stored messages are published on; its hash tag is the room's.
    pub fn room_channel(&self, room: &str) -> String {
        format!("{}:live:{}", self.target().room_tag(room), self.db)
    }

    /// The channel `room`'s signals (never stored) are published on.
    pub fn room_signals_channel(&self, room: &str) -> String {
        format!("{}:signals:{}", self.target().room_tag(room), self.db)
    }

    /// Whether a fan-out message came on a signals channel.
    /// Checked for every message heard, so without building a name: the database's number
    /// after `:signals:`.
    pub fn is_signals_channel(&self, channel: &str) -> bool {
        channel
            .rsplit_once(":signals:")
            .is_some_and(|(rest, db)| rest.starts_with("wschat:{") && db.parse() == Ok(self.db))
    }

    /// `room` opened here: its channels are listened to from now on.
    pub fn listen(&self, room: &str) {
        self.interests.send(Interest::Join(room.to_owned()));
    }

    /// `room` closed here: its channels are no longer listened to.
    pub fn forget(&self, room: &str) {
        self.interests.send(Interest::Leave(room.to_owned()));
    }

    /// Completes once `room`'s channels are listened to, or fails when they cannot be (Redis
    /// away): live delivery to a member of the room relies on them.
    pub async fn ready(&self, room: &str) -> Result<(), StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.interests.send(Interest::Ready(room.to_owned(), tx));
        match tokio::time::timeout(RESPONSE_TIMEOUT, rx).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err(StoreError::new("redis: the fan-out has stopped")),
            Err(_) => Err(StoreError::new("redis: no subscription in time")),
        }
    }

    /// What the registry says of its rooms, for the one fan-out task.
    pub(super) fn interests(&self) -> &Interests {
        &self.interests
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_rooms_channels_are_told_apart_and_carry_the_database() {
        let store = RedisStore::open("redis://127.0.0.1:1/3", 10).expect("a lazy store");
        let signals = store.room_signals_channel("a:signals:3");
        assert_eq!(signals, "wschat:{a:signals:3}:signals:3");
        assert!(store.is_signals_channel(&signals));
        assert!(!store.is_signals_channel(&store.room_channel("a:signals:3")));
        assert!(
            !store.is_signals_channel("wschat:{a}:signals:4"),
            "another database"
        );
        assert!(!store.is_signals_channel(store.bans_channel()));
    }
}
