//! Browser glue (web-sys): the only code that touches the socket, timers, storage and page
//! events. It decides nothing; [`crate::core`] does.

pub mod console_log;
pub mod driver;
pub mod page;
pub mod page_events;
pub mod socket;
pub mod storage;

pub use driver::Driver;
