//! Browser tests: real `Chat` components (and a UI of the tests' own on the headless hook) in
//! headless browsers, talking to the real companion servers (and to the seed page's Node server
//! for plain mode). `scripts/test.sh` starts the
//! servers and passes their addresses in at compile time.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod support;

mod chaos;
mod chat;
mod cross_server;
mod embed;
mod embed_script;
mod embed_support;
mod failover;
mod first_contact;
mod headless;
mod limits;
mod message_content;
mod moderate;
mod names;
mod peers;
mod presence;
mod reconnect;
mod render;
mod rolling_restart;
mod scrollback;
mod storage;
mod typing;
mod unread;
