//! Browser glue (web-sys): the only code that touches the socket, timers, storage and page
//! events. Each piece owns what it created and frees it on `Drop`; it reports what happened as
//! an engine event and carries out the engine's effects. It decides nothing:
//! [`crate::core`] does.

pub mod driver;
pub mod events;
pub mod page;
mod page_events;
mod socket;
mod storage;
pub mod token_fetch;
