//! How much memory a page holds: its JS heap after a full garbage collection (Chromium only:
//! precise `performance.memory` needs the flags in [`crate::drivers`], the collection is
//! DevTools') and the size of ws-chat's wasm linear memory (any browser).
//!
//! The wasm memory is not reachable from the page: wasm-bindgen's loader keeps the instance to
//! itself. [`WASM_MEMORY_SPY`] wraps `WebAssembly.instantiateStreaming` / `instantiate` before
//! the loader runs (a classic script ahead of the module script, or CDP
//! `Page.addScriptToEvaluateOnNewDocument`) and keeps the instance's exported memory on
//! `window.wsChatWasmMemory`, so nothing in ws-chat changes for it. Linear memory never
//! shrinks, so its size is the peak the allocator ever needed.

use crate::browser::Browser;
use crate::drivers::BrowserKind;
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
///
/// In Chromium the collection is DevTools' (`HeapProfiler.collectGarbage`: every collection
/// the heap can make, as a heap snapshot does), twice, with a turn of the event loop between:
/// finalizers (wasm-bindgen's `FinalizationRegistry`) run after the first and free more for the
/// second. After `window.gc()` alone the heap of a page that mounts and destroys chats kept
/// growing by about 0.3 KiB a chat, which the DevTools collection frees: that read as a slow
/// leak where there was none.
pub async fn measure(browser: &Browser) -> Result<PageMemory> {
    let collect = browser.kind() == BrowserKind::Chromium;
    if collect {
        browser.collect_garbage().await?;
        browser
            .eval_async(
                "const done = arguments[arguments.length - 1]; setTimeout(done, 50);",
                Vec::new(),
            )
            .await?;
        browser.collect_garbage().await?;
    }
    let value = browser
        .eval(
            "return {
               js_heap: performance.memory ? performance.memory.usedJSHeapSize : null,
               wasm: window.wsChatWasmMemory ? window.wsChatWasmMemory.buffer.byteLength : null,
             };",
            Vec::new(),
        )
        .await?;
    let mut memory: PageMemory =
        serde_json::from_value(value).context("reading the page's memory")?;
    if !collect {
        memory.js_heap = None;
    }
    Ok(memory)
}
