//! What a connection's membership says to the room without storing it: who is typing, who
//! is here, and where its user stopped reading. Each goes to the room's watching members, on
//! every server (a shared store carries it between them), and none of it is ever stored but
//! the read position.

use super::Membership;
use crate::clock::now_millis;
use crate::history::LiveDelivery;
use crate::rooms::presence::Person;
use crate::sync::lock;
use ws_chat_protocol::{Seq, ServerFrame};

impl Membership {
    /// This signed-in user's read position in the room, if the store keeps one (a store that
    /// cannot be read gives none: the chat then counts from what arrives).
    pub async fn read_position(&self) -> Option<Seq> {
        let user = self.author.user.as_deref()?;
        let store = self.registry.store();
        match store.read_position(&self.room.name, user).await {
            Ok(seq) => seq,
            Err(e) => {
                tracing::warn!(conn = self.id, "read position not read: {e}");
                None
            }
        }
    }

    /// This signed-in user read the room up to `seq`: stored (it only moves forward), and told
    /// to the user's other connections, on every server.
    pub async fn mark_read(&self, seq: Seq) {
        let Some(user) = self.author.user.as_deref() else {
            return;
        };
        let store = self.registry.store();
        match store.mark_read(&self.room.name, user, seq).await {
            Ok(now) if now == seq => {}
            // It was past `seq` already: nothing moved, nothing to tell.
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(conn = self.id, "read position not stored: {e}");
                return;
            }
        }
        self.signal(ServerFrame::Read { seq }.encode(), Some(user))
            .await;
    }

    /// Tells the rest of the room, on every server, that this connection's user is typing
    /// (`active`) or stopped. Never stored: a signal lost on the way is one the receivers
    /// expire anyway, so a failure is only logged.
    pub async fn relay_typing(&mut self, active: bool) {
        self.typing = active;
        let frame = self.typing_frame(active);
        self.signal(frame, None).await;
    }

    /// Counts this connection in the room's presence as who it is now (after a `hello`, which
    /// may bring a new name, or a sign-in, which makes it someone else).
    pub fn enter_presence(&mut self) {
        let presence = self.registry.presence();
        if let Some(was) = self.present_as.take() {
            presence.leave(&self.room.name, &was, now_millis());
        }
        let person = Person {
            who: self.who(),
            from: self.author.from.clone(),
            guest: self.author.guest,
        };
        self.present_as = Some(person.who.clone());
        presence.join(&self.room.name, person);
    }

    /// This connection asked to hear who is in the room and who is typing. Returns whether it
    /// said hello already (then it needs the snapshot now; else it follows the catch-up).
    pub fn watch(&mut self) -> bool {
        self.watching = true;
        if let Some(me) = lock(&self.room.members).get_mut(&self.id) {
            me.watching = true;
        }
        self.present_as.is_some()
    }

    /// Whether this connection asked to hear who is in the room and who is typing.
    pub fn watching(&self) -> bool {
        self.watching
    }

    /// After a sign-in on the open connection: counted again as who it is now, if it was.
    pub fn refresh_presence(&mut self) {
        if self.present_as.is_some() {
            self.enter_presence();
        }
    }

    /// Who is in the room, as a member that just went live needs it.
    pub fn presence_snapshot(&self) -> Vec<ServerFrame> {
        self.registry.presence().snapshot(&self.room.name)
    }

    /// Who this connection is to the room: one `who` per signed-in user, however many
    /// connections it has; a guest is its connection, named across servers by the server's
    /// number.
    fn who(&self) -> String {
        match &self.author.user {
            Some(sub) => sub.clone(),
            None => format!("guest:{}.{}", self.registry.store().node(), self.id),
        }
    }

    /// `typing` as the room sees it.
    fn typing_frame(&self, active: bool) -> String {
        ServerFrame::Typing {
            who: self.who(),
            from: self.author.from.clone(),
            guest: self.author.guest,
            active,
        }
        .encode()
    }

    /// Hands `frame` to the room's watching members (those of `to_user` only, if given) but this
    /// connection, here or through the store to every server. A signal lost on the way is one
    /// the receivers expire or are told again, so a failure is only logged.
    async fn signal(&self, frame: String, to_user: Option<&str>) {
        let store = self.registry.store();
        match store.live_delivery() {
            LiveDelivery::AfterAppend => self.room.deliver_signal(Some(self.id), frame, to_user),
            LiveDelivery::FromFanOut => {
                let room = &self.room.name;
                if let Err(e) = store.publish_signal(room, self.id, &frame, to_user).await {
                    tracing::warn!(conn = self.id, "signal not relayed: {e}");
                }
            }
        }
    }

    /// The connection leaves while the room was told it is typing: the stop goes out from a
    /// task of its own, as `Drop` cannot wait.
    pub(super) fn stop_typing_on_leave(&self) {
        let frame = self.typing_frame(false);
        let store = self.registry.store().clone();
        match store.live_delivery() {
            LiveDelivery::AfterAppend => self.room.deliver_signal(Some(self.id), frame, None),
            LiveDelivery::FromFanOut => {
                let (room, conn) = (self.room.name.clone(), self.id);
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    runtime.spawn(async move {
                        let _ = store.publish_signal(&room, conn, &frame, None).await;
                    });
                }
            }
        }
    }
}
