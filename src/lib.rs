//! ws-chat: a WebSocket chat component for Yew that reconnects by itself, loses nothing that was
//! typed, and shows what the connection is doing.

pub mod core;
