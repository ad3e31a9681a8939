//! The app trunk builds, which the embed script (`ws-chat-embed.js`) runs too: logs to the
//! console and installs the embedding (`<ws-chat>`, `[data-ws-chat]`, `window.wsChat`).
//! The library itself installs no logger: which one a page has is the page's choice.

#[cfg(target_arch = "wasm32")]
mod console_log;

// Talc in place of the default dlmalloc: a few kilobytes smaller in the wasm, and faster. Only
// the app's: the library leaves the allocator to whoever links it.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_log::init(log::LevelFilter::Info);
        ws_chat::embed::install();
    }
}
