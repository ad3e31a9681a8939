//! ws-chat's release bundle stays within its budget: the wasm and the JS glue of the build in
//! `WS_CHAT_E2E_DIST`, each `gzip -9`, summed, measured exactly as `browser-bench` measures
//! them (`ws_chat_e2e::bundle`), at most `GZIP_BUDGET_BYTES` (set in `e2e/src/bundle.rs`).
//! No browser: only the built files.

use anyhow::{ensure, Context, Result};
use ws_chat_e2e::bundle::{self, kb, GZIP_BUDGET_BYTES, GZIP_BUDGET_SET_IN};
use ws_chat_e2e::local::app_dist;
use ws_chat_e2e::prerequisites::{self, Need};

#[test]
fn wasm_and_js_gzip_within_the_budget() -> Result<()> {
    if !prerequisites::check(&[Need::App])? {
        return Ok(());
    }
    let dist = app_dist().context("WS_CHAT_E2E_DIST is not set")?;
    let bundle = bundle::measure(&dist)?;
    let total = bundle.total().gzip;
    println!(
        "wasm + JS glue, gzip -9: {} ({total} bytes; wasm {}, JS {}), budget {} ({GZIP_BUDGET_BYTES} bytes)",
        kb(total),
        kb(bundle.wasm.gzip),
        kb(bundle.js.gzip),
        kb(GZIP_BUDGET_BYTES),
    );
    ensure!(
        total <= GZIP_BUDGET_BYTES,
        "ws-chat's wasm + JS glue is {} gzip -9 ({total} bytes: wasm {}, JS {}), over its budget \
         of {} ({GZIP_BUDGET_BYTES} bytes; a KB is 1,024 bytes). The budget is set in \
         {GZIP_BUDGET_SET_IN}; raising it is a reviewed change.",
        kb(total),
        kb(bundle.wasm.gzip),
        kb(bundle.js.gzip),
        kb(GZIP_BUDGET_BYTES),
    );
    Ok(())
}
