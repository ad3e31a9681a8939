//! ws-chat: a WebSocket chat component for [Yew](https://yew.rs) that reconnects by itself,
//! loses nothing that was typed, and shows what the connection is doing.
//!
//! In a Yew app, [`Chat`] is a component like any other:
//!
//! ```no_run
//! # #[cfg(target_arch = "wasm32")]
//! # mod app {
//! use ws_chat::Chat;
//! use yew::prelude::*;
//!
//! #[function_component]
//! fn App() -> Html {
//!     html! {
//!         <main>
//!             <Chat url={"wss://example.org/ws?room=x"} title={"Lobby"} />
//!         </main>
//!     }
//! }
//! # pub fn start() {
//! yew::Renderer::<App>::new().render();
//! # }
//! # }
//! # fn main() {}
//! ```
//!
//! Outside Yew, [`mount`] puts a chat into any element and hands back a [`MountedChat`] that
//! unmounts it; [`embed::install`] gives a whole page `<ws-chat>` elements and
//! `window.wsChat.mount`, which is what the embed script `ws-chat-embed.js` does (see the
//! README). The settings are [`EngineConfig`] (reconnecting and delivery) and
//! [`DisplayConfig`] (what is kept and rendered); [`reconnect`] is the sans-IO reconnect
//! machine the chat runs on, usable on its own.
//!
//! The library installs no logger and no panic hook: it logs through the `log` crate, to
//! whatever logger the application installed.
#![warn(missing_docs)]

// The decisions, in plain Rust. Natively only their tests use them: the glue that does is
// compiled for the browser alone.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod core;

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod mount;
#[cfg(target_arch = "wasm32")]
mod ui;

pub use crate::core::backoff::Backoff;
pub use crate::core::close_code::ClosePolicy;
pub use crate::core::delivery::DeliveryConfig;
pub use crate::core::engine_config::{ConfigError, EngineConfig};
pub use crate::core::message_window::DisplayConfig;
pub use crate::core::reconnect::ReconnectConfig;

#[cfg(target_arch = "wasm32")]
pub use mount::{mount, MountedChat};
#[cfg(target_arch = "wasm32")]
pub use ui::{Chat, ChatProps};

/// The sans-IO reconnect machine every chat runs on: when to connect, when to retry (with
/// [`Backoff`]), when to give up, what the status line says. It does no I/O and reads no
/// clock: feed it [`Input`](reconnect::Input)s with the current time, carry out the
/// [`Command`](reconnect::Command)s it returns, and call
/// [`handle_timeout`](reconnect::Reconnect::handle_timeout) when
/// [`poll_timeout`](reconnect::Reconnect::poll_timeout) says. That makes it usable outside a
/// browser, and simulable: the herd benchmark runs 10,000 of them against a server restart.
pub mod reconnect {
    pub use crate::core::phase::{Phase, StopReason};
    pub use crate::core::reconnect::{Command, Input, Now, Reconnect};
}

/// The embedding: `<ws-chat>` elements, `[data-ws-chat]` elements and `window.wsChat.mount`
/// in any page, which is what the embed script (`ws-chat-embed.js`) installs.
#[cfg(target_arch = "wasm32")]
pub mod embed {
    pub use crate::browser::embedding::{install, uninstall};
}
