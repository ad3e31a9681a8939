//! Room history: where each message gets its seq and is kept, and where a catch-up reads it
//! back.
//!
//! Owns [`Store`] (SQLite in this process, or Redis shared by several servers), the types
//! both kinds share (messages, [`Appended`], [`CatchUpPage`], [`StoreError`]), the rule they
//! share for making a catch-up page ([`CatchUpPage::new`]) and an older page ([`OlderPage`]), and live delivery as a store sees
//! it: the store says how it is ordered ([`LiveDelivery`]), and a shared store's fan-out hands
//! its messages to a [`FanOutReceiver`] that the layer above implements. A shared store also carries
//! signals that are never stored (who is typing) between servers. It also keeps the
//! kicks and revocations, as records it does not read, each until a time.
//!
//! Below it: `sqlite/` and `redis/`, which import only from here (`super::…`) and from each
//! other not at all. May import: the bottom helpers (`crate::log_safe`, `crate::clock`) and the protocol
//! crate. Knows nothing of rooms, connections or HTTP.

mod error;
mod live;
mod message;
mod older;
mod page;
mod redis;
mod sqlite;
mod store;

pub use self::redis::local_redis_server_args;
pub use error::StoreError;
pub use live::{FanOutReceiver, LiveDelivery, LiveMessage, LiveSignal};
pub use message::{Appended, Author, NewMessage};
pub use older::OlderPage;
pub use page::CatchUpPage;
pub use sqlite::GroupCommit;
pub use store::Store;
