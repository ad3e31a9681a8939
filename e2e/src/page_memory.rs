//! How much memory a page holds: its JS heap after a full garbage collection (Chromium only:
//! `performance.memory` and `window.gc()` exist only with the flags in [`crate::drivers`]) and
//! the size of ws-chat's wasm linear memory (any browser).
//!
//! The wasm memory is not reachable from the page: wasm-bindgen's loader keeps the instance to
//! itself. [`WASM_MEMORY_SPY`] wraps `WebAssembly.instantiateStreaming` / `instantiate` before
//! the loader runs (a classic script ahead of the module script, or CDP
//! `Page.addScriptToEvaluateOnNewDocument`) and keeps the instance's exported memory on
//! `window.wsChatWasmMemory`, so nothing in ws-chat changes for it. Linear memory never
//! shrinks, so its size is the peak the allocator ever needed.

use crate::browser::{Browser, BrowserKind};
use anyhow::{Context, Result};
use serde::Deserialize;

/// Keeps the exported memory of every wasm instance the page creates on
/// `window.wsChatWasmMemory` (the last one wins; a ws-chat page has one). wasm-bindgen's loader
/// uses `instantiateStreaming` (result `{ instance, module }`), or `instantiate` (an `Instance`
/// when given a compiled `Module`).
pub const WASM_MEMORY_SPY: &str = r#"(() => {
  const keep = (r) => {
    try {
      const inst = r instanceof WebAssembly.Instance ? r : r && r.instance;
      const mem = inst && inst.exports && inst.exports.memory;
      if (mem instanceof WebAssembly.Memory) window.wsChatWasmMemory = mem;
    } catch (e) {}
    return r;
  };
  for (const name of ["instantiateStreaming", "instantiate"]) {
    const orig = WebAssembly[name];
    if (typeof orig !== "function") continue;
    WebAssembly[name] = function (...args) { return orig.apply(this, args).then(keep); };
  }
})();"#;

/// What the page holds now.
#[derive(Clone, Copy, Debug, Deserialize)]
pub struct PageMemory {
    /// `performance.memory.usedJSHeapSize` after two full collections; `None` outside Chromium.
    pub js_heap: Option<f64>,
    /// `wsChatWasmMemory.buffer.byteLength`; `None` if [`WASM_MEMORY_SPY`] did not run or saw
    /// no instance.
    pub wasm: Option<f64>,
}

/// Collects garbage (Chromium) and reads [`PageMemory`].
pub async fn measure(browser: &Browser) -> Result<PageMemory> {
    let collect = browser.kind() == BrowserKind::Chromium;
    let value = browser
        .eval_async(
            "const [collect] = arguments; const done = arguments[arguments.length - 1];
             const read = () => done({
               js_heap: collect && performance.memory ? performance.memory.usedJSHeapSize : null,
               wasm: window.wsChatWasmMemory ? window.wsChatWasmMemory.buffer.byteLength : null,
             });
             if (!collect || typeof window.gc !== 'function') { read(); return; }
             // Twice, with a turn of the event loop between: finalizers (wasm-bindgen's
             // FinalizationRegistry) run after the first and free more for the second.
             window.gc();
             setTimeout(() => { window.gc(); setTimeout(read, 50); }, 50);",
            vec![serde_json::json!(collect)],
        )
        .await?;
    serde_json::from_value(value).context("reading the page's memory")
}
