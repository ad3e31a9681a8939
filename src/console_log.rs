//! Lifecycle logging (open, close, errors) to the browser console, as `ws-chat: …` lines at the
//! matching console level. A few lines instead of a logging crate: wasm-logger formats every
//! record with its source path and styles, which weighs on the bundle for nothing a user needs.

use log::{Level, LevelFilter, Log, Metadata, Record};
use wasm_bindgen::JsValue;
use web_sys::console;

struct Console;

impl Log for Console {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = JsValue::from_str(&format!("ws-chat: {}", record.args()));
        match record.level() {
            Level::Error => console::error_1(&line),
            Level::Warn => console::warn_1(&line),
            _ => console::log_1(&line),
        }
    }

    fn flush(&self) {}
}

/// Sends `log` records at `level` and above to the console. Does nothing if the page already
/// installed a logger.
pub fn init(level: LevelFilter) {
    if log::set_logger(&Console).is_ok() {
        log::set_max_level(level);
    }
}
