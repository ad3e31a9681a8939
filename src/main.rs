//! The app trunk builds: logs to the console and mounts a chat in every `[data-ws-chat]`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        wasm_logger::init(wasm_logger::Config::new(log::Level::Info));
        // Dropping an AppHandle leaves its app mounted: the chats live as long as the page.
        ws_chat::mount_all();
    }
}
