//! Yew: the hook that owns a chat's browser glue ([`connection`]), and small components that
//! render what the core decided (`crate::core::view`), and the events a host page hears
//! (`host_events`). Nothing here decides: it renders values
//! and reports what the user did.

pub mod chat;
mod composer;
pub mod connection;
mod host_events;
mod listener;
mod live;
mod message_list;
mod message_row;
mod status_bar;
