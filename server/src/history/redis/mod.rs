//! The history in Redis, shared by every server started with the same `--redis`.
//!
//! Owns [`RedisStore`] (the keys, the Lua scripts in `scripts`, appends and pages, the kicks
//! and revocations in `bans`), how Redis is reached, one server or a cluster (`connection`;
//! `replicated` for a cluster's appends, which wait for a replica; `subscription` for the
//! connection that listens), the fan-out subscription that brings the stored messages of
//! this server's rooms and every kick back to this one (`fanout`), which rooms it listens to
//! (`interest`, without I/O) and each room's channels (`room_channels`), the format of what is
//! published (`published`), the signals never stored (`signals`: who is typing), who is in
//! each room across servers (`presence`), where each user stopped reading
//! (`read_positions`), and the `redis-server` flags the store's durability depends on
//! (`server_flags`).
//!
//! May import: the shared history types (`crate::history::{error, message, page, live}`) and
//! the protocol crate. Not the SQLite store, not the layers above: the fan-out hands its
//! messages up through a [`crate::history::FanOutReceiver`].

mod bans;
mod connection;
mod fanout;
mod interest;
mod presence;
mod published;
mod read_positions;
mod replicated;
mod room_channels;
mod scripts;
mod server_flags;
mod signals;
mod store;
mod subscription;

pub use fanout::start_fan_out;
pub use server_flags::local_redis_server_args;
pub use store::RedisStore;
