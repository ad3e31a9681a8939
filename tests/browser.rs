//! Browser tests: real `Chat` components in headless Chromium, talking to the real companion
//! server (and to the seed page's Node server for plain mode). `scripts/test.sh` starts the
//! servers and passes their addresses in at compile time.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "browser/support.rs"]
mod support;

#[path = "browser/chaos.rs"]
mod chaos;
#[path = "browser/chat.rs"]
mod chat;
#[path = "browser/cross_server.rs"]
mod cross_server;
#[path = "browser/embed.rs"]
mod embed;
#[path = "browser/embed_script.rs"]
mod embed_script;
#[path = "browser/embed_support.rs"]
mod embed_support;
#[path = "browser/failover.rs"]
mod failover;
#[path = "browser/names.rs"]
mod names;
#[path = "browser/peers.rs"]
mod peers;
#[path = "browser/reconnect.rs"]
mod reconnect;
#[path = "browser/render.rs"]
mod render;
#[path = "browser/storage.rs"]
mod storage;
