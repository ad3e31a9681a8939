//! The app trunk builds, which the embed script (`ws-chat-embed.js`) runs too: logs to the
//! console and installs the embedding (`<ws-chat>`, `[data-ws-chat]`, `window.wsChat`).
//! The library itself installs no logger: which one a page has is the page's choice.

#[cfg(target_arch = "wasm32")]
mod console_log;

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_log::init(log::LevelFilter::Info);
        ws_chat::embed::install();
    }
}
