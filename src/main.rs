//! The app trunk builds: logs to the console and mounts a chat in every `[data-ws-chat]`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        ws_chat::browser::console_log::init(log::LevelFilter::Info);
        // Dropping an AppHandle leaves its app mounted: the chats live as long as the page.
        ws_chat::mount_all();
    }
}
