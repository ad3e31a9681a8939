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
pub use mount::{mount, MountedChat};
#[cfg(target_arch = "wasm32")]
pub use ui::{Chat, ChatProps};

#[cfg(target_arch = "wasm32")]
mod mount;

/// The embedding: `<ws-chat>` elements, `[data-ws-chat]` elements and `window.wsChat.mount`
/// in any page, which is what the embed script (`ws-chat-embed.js`) installs.
#[cfg(target_arch = "wasm32")]
pub mod embed {
    pub use crate::browser::embedding::{install, uninstall};
}
