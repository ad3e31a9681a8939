//! The sans-IO core: plain Rust, no web-sys, time and randomness passed in. Everything that
//! decides something lives here and is tested natively with `cargo test`.
//!
//! Layers, lowest first; each module imports only from the ones above it in this list:
//! - [`time`], [`rng`], [`text`]: a point in time, a seeded generator, cutting text to size;
//! - [`reconnect`]: when to connect, retry, fail over and give up;
//! - [`sign_in`]: which token a connection carries, and when a fresh one is fetched;
//! - [`servers`]: which URLs a chat connects to, checked, and what to call them;
//! - [`view`]: what the chat shows (the message list, the status line, when to render);
//! - [`boundary`]: what crosses to the browser glue: its events in, the effects it carries out;
//! - [`delivery`]: each typed message to the room exactly once, each room message shown once;
//! - [`engine`]: the one event boundary, tying reconnecting and delivery together;
//! - [`options`] and [`embed_options`]: a chat's settings, as a Rust caller or a host page's
//!   markup gives them.
//!
//! Beside them: `setters` (the builder-style setters every settings struct gets) and, in
//! native builds only, `glue_api` (the entry points only the browser glue calls, named so
//! that dead code is still reported natively).

pub mod boundary;
pub mod delivery;
pub mod embed_options;
pub mod engine;
#[cfg(not(target_arch = "wasm32"))]
mod glue_api;
pub mod options;

pub mod reconnect;
pub mod rng;
pub mod servers;
mod setters;
pub mod sign_in;
pub mod text;
pub mod time;
pub mod view;
