//! Rooms and their members: who is in which room, handing each stored message to a room's
//! live members in seq order, and handing a member's catch-up over to live delivery.
//!
//! Owns the [`Registry`] (the rooms this server holds, whether it takes members, and the
//! receiving end of a shared store's fan-out), each `Room` and its members, [`Membership`]
//! (one connection's place in a room), the `SendQueue` a room delivers into, what a member
//! speaks ([`Dialect`]) and the commands sent to every connection (`FaultInjection`).
//!
//! Also who is in each room: the users held here (`presence`, decided without I/O), kept and
//! told per room (`roster`), and shared and told every second (`sweep`).
//!
//! Files import downward only: `membership`, `sweep` → `registry` → `roster` → `presence`, and
//! `registry` → `room` → `member` → `send_queue`, with `faults` beside them. May import: `crate::history` (the store, how it orders live
//! delivery, the fan-out interface it implements here), `crate::auth` (the kicks and
//! revocations the registry holds and a shared store's fan-out adds to), the bottom helpers
//! and the protocol crate. Never `crate::ws` or `crate::http`: connections use rooms, not the other way round.

mod faults;
mod member;
mod membership;
mod presence;
mod registry;
mod room;
mod roster;
mod send_queue;
mod sweep;

pub use faults::Fault;
pub use member::Dialect;
pub use membership::Membership;
pub use registry::{Registry, RoomsFull};
pub use send_queue::Overflow;
pub use sweep::run_sweeps;
