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
//! For a UI of one's own, [`use_chat_connection`] is the same connection without any markup:
//! the state to render, and `send`, `connect` and `disconnect` (see its example).
//!
//! Outside Yew, [`mount`] puts a chat into any element and hands back a [`MountedChat`] that
//! unmounts it; [`embed::install`] gives a whole page `<ws-chat>` elements and
//! `window.wsChat.mount`, which is what the embed script `ws-chat-embed.js` does (see
//! `docs/embedding.md`).
//!
//! Settings start from `Default` and change with setters named after their fields, so that a
//! new setting never breaks a caller: [`ConnectionOptions`] (servers, name, outbox),
//! [`EngineConfig`] (reconnecting and delivery) and [`DisplayConfig`] (what is kept and
//! rendered). [`reconnect`] is the sans-IO reconnect machine the chat runs on, usable on its
//! own; [`view`] holds what a chat shows, as values.
//!
//! The library installs no logger and no panic hook: it logs through the `log` crate, to
//! whatever logger the application installed.
//!
//! # Layout
//!
//! Layers, each importing only from those below it:
//! - `embed/`: the top: `<ws-chat>`, `window.wsChat`, the `[data-ws-chat]` observer, [`mount`];
//! - `ui/`: Yew; the hook that owns the glue, and small components that render values;
//! - `browser/`: RAII glue over web-sys (socket, timers, storage, page events): reports events,
//!   carries out effects, decides nothing;
//! - `core/`: sans-IO, no web-sys, tested natively: every decision, with time passed in.
#![warn(missing_docs)]

mod core;

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
mod ui;

pub use crate::core::delivery::DeliveryConfig;
pub use crate::core::engine::config::{ConfigError, EngineConfig};
pub use crate::core::options::ConnectionOptions;
pub use crate::core::reconnect::backoff::Backoff;
pub use crate::core::reconnect::close_code::ClosePolicy;
pub use crate::core::reconnect::ReconnectConfig;
pub use crate::core::servers::ServerUrls;
pub use crate::core::sign_in::{SignedInUser, TokenFuture, TokenProvider, TokenSource};
pub use crate::core::view::message_window::DisplayConfig;

#[cfg(target_arch = "wasm32")]
pub use embed::mount::{mount, MountedChat};
#[cfg(target_arch = "wasm32")]
pub use ui::chat::{Chat, ChatProps};
#[cfg(target_arch = "wasm32")]
pub use ui::connection::{use_chat_connection, ChatConnection};

/// The sans-IO reconnect machine every chat runs on: when to connect, when to retry (with
/// [`Backoff`]), when to give up, what the status line says. It does no I/O and reads no
/// clock: feed it [`Input`](reconnect::Input)s with the current time, carry out the
/// [`Command`](reconnect::Command)s it returns, and call
/// [`handle_timeout`](reconnect::Reconnect::handle_timeout) when
/// [`poll_timeout`](reconnect::Reconnect::poll_timeout) says. That makes it usable outside a
/// browser, and simulable: the herd benchmark runs 10,000 of them against a server restart.
pub mod reconnect {
    pub use crate::core::reconnect::phase::{Phase, StopReason};
    pub use crate::core::reconnect::{Command, Input, Reconnect};
    pub use crate::core::time::Moment;
}

/// What a chat shows, as values: for a UI of one's own on [`use_chat_connection`]'s
/// [`ChatConnection`], and for reading the built-in one's state.
pub mod view {
    pub use crate::core::view::chat_state::ChatState;
    pub use crate::core::view::days::{Calendar, DayLabel, LocalDay};
    pub use crate::core::view::entry::{Entry, NoticeKind, OutStatus};
    pub use crate::core::view::links::{pieces, Piece};
    pub use crate::core::view::message_window::Rows;
    pub use crate::core::view::status::{Details, ServerShown, StatusView};
    pub use crate::core::view::update::{DeliveryStats, ViewAction};
}
