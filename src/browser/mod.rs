//! Browser glue (web-sys): the only code that touches the socket, timers, storage and page
//! events. It decides nothing; [`crate::core`] does.

pub mod data_attribute_observer;
pub mod driver;
pub mod embed_js;
pub mod embed_registry;
pub mod embedding;
pub mod page;
pub mod page_events;
pub mod socket;
pub mod storage;

pub use driver::Driver;
