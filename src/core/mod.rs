//! The sans-IO core: plain Rust, no web-sys, time and randomness passed in. Everything that
//! decides something lives here and is tested natively with `cargo test`.

pub mod backoff;
pub mod chat_state;
pub mod close_code;
pub mod delivery;
pub mod embed_option_specs;
pub mod embed_options;
pub mod engine;
pub mod engine_config;
pub mod engine_io;
pub mod entry;
pub mod failover;
pub mod message_window;
pub mod outbox;
pub mod phase;
pub mod reconnect;
pub mod reconnect_io;
pub mod rng;
pub mod save_throttle;
pub mod seen_seqs;
pub mod sender_runs;
pub mod status_view;
pub mod ws_url;

// Used by the browser glue, which native builds leave out.
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))]
pub use engine::{Effect, Engine, Event};
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))]
pub use engine_config::EngineConfig;
