//! ws-chat: a WebSocket chat component for Yew that reconnects by itself, loses nothing that was
//! typed, and shows what the connection is doing.
//!
//! - [`core`]: the decisions (reconnect policy, outbox, delivery, display state), plain Rust.
//! - `browser`: the web-sys glue that carries them out.
//! - `ui`: the Yew components.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
mod ui;

#[cfg(target_arch = "wasm32")]
pub use mount::{mount, mount_all};
#[cfg(target_arch = "wasm32")]
pub use ui::{Chat, ChatProps};

#[cfg(target_arch = "wasm32")]
mod mount;
