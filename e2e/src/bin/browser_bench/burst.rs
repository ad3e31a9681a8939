//! Burst time and memory: N frames from the burst server, from the user's click to the last
//! frame's text in the DOM, then what the page keeps.
//!
//! Timing happens inside the page: WebDriver round trips take milliseconds each and would
//! swamp what is measured. One `execute_async` script sets the input, takes
//! `performance.now()`, clicks send (which makes the page send `burst N`), then checks the
//! newest message once per animation frame, i.e. exactly when the browser could have painted
//! it, until it reads `burst N/N`.
//!
//! Each (page, N) gets a fresh browser: a fresh renderer process and an empty JS heap, so the
//! memory figures are the page's own and one run's garbage cannot slow the next.

use crate::pages::BenchPage;
use anyhow::{bail, Context, Result};
use serde_json::json;
use std::time::Duration;
use ws_chat_e2e::{Browser, BrowserOptions};

/// What one burst measured.
#[derive(Clone, Debug)]
pub struct BurstResult {
    /// From the click to the frame that showed `burst N/N`, in ms.
    pub ms: f64,
    /// Animation frames seen while waiting.
    pub frames: u64,
    /// Message elements in the DOM afterwards.
    pub elements: u64,
    /// `performance.memory.usedJSHeapSize` after a full GC, in bytes.
    pub js_heap: Option<f64>,
    /// The wasm instance's linear memory, in bytes (ws-chat only).
    pub wasm: Option<f64>,
}

/// The in-page measurement. Arguments: input selector, send selector, text to send, text to
/// wait for, limit in ms; the last one is WebDriver's callback.
fn measure_script(newest_text: &str) -> String {
    format!(
        "const [inputSel, sendSel, text, want, limitMs] = arguments;
         const done = arguments[arguments.length - 1];
         const newest = () => {newest_text};
         const input = document.querySelector(inputSel);
         const send = document.querySelector(sendSel);
         if (!input || !send) {{ done({{ ok: false, error: 'no input or send button' }}); return; }}
         input.value = text;
         const t0 = performance.now();
         send.click();
         let frames = 0;
         const poll = () => {{
           frames += 1;
           const now = performance.now();
           const seen = newest();
           if (seen === want) done({{ ok: true, ms: now - t0, frames }});
           else if (now - t0 > limitMs) done({{ ok: false, error: 'timed out', last: seen, ms: now - t0 }});
           else requestAnimationFrame(poll);
         }};
         requestAnimationFrame(poll);"
    )
}

/// Runs one burst of `n` frames on a fresh load of `page` and measures it.
/// The run with the median time (the lower middle one for an even count), or the first
/// error; `None` if the page was not run.
pub fn median_run(runs: Vec<Result<BurstResult>>) -> Option<Result<BurstResult>> {
    let mut ok = Vec::with_capacity(runs.len());
    for run in runs {
        match run {
            Ok(r) => ok.push(r),
            Err(e) => return Some(Err(e)),
        }
    }
    ok.sort_by(|a, b| a.ms.total_cmp(&b.ms));
    let middle = ok.len().checked_sub(1)? / 2;
    Some(Ok(ok.swap_remove(middle)))
}

pub async fn run(
    options: &BrowserOptions,
    page: BenchPage,
    url: &str,
    n: u64,
    limit: Duration,
) -> Result<BurstResult> {
    let browser = Browser::launch(options).await?;
    let result = measure(&browser, page, url, n, limit).await;
    // Close even after a failure; a close error matters only if the run itself succeeded.
    let closed = browser.close().await;
    let result = result?;
    closed?;
    Ok(result)
}

async fn measure(
    browser: &Browser,
    page: BenchPage,
    url: &str,
    n: u64,
    limit: Duration,
) -> Result<BurstResult> {
    for script in page.init_scripts() {
        browser.add_script_on_new_document(script).await?;
    }
    page.load(browser, url).await?;

    let (input, send) = page.controls();
    let want = format!("burst {n}/{n}");
    let args = vec![
        json!(input),
        json!(send),
        json!(format!("burst {n}")),
        json!(want),
        json!(limit.as_millis() as u64),
    ];
    let out = browser
        .eval_async(&measure_script(page.newest_text()), args)
        .await
        .context("running the burst")?;
    if out["ok"] != json!(true) {
        bail!(
            "{} did not show {want:?}: {} after {:.0} ms (newest shown: {})",
            page.label(),
            out["error"].as_str().unwrap_or("unknown error"),
            out["ms"].as_f64().unwrap_or_default(),
            out["last"]
        );
    }

    browser.collect_garbage().await?;
    let memory = browser
        .eval(
            "return {
               elements: document.querySelectorAll(arguments[0]).length,
               heap: performance.memory ? performance.memory.usedJSHeapSize : null,
               wasm: window.wsChatWasmMemory ? window.wsChatWasmMemory.buffer.byteLength : null,
             };",
            vec![json!(page.message_selector())],
        )
        .await
        .context("reading memory after the burst")?;
    Ok(BurstResult {
        ms: out["ms"].as_f64().unwrap_or_default(),
        frames: out["frames"].as_u64().unwrap_or_default(),
        elements: memory["elements"].as_u64().unwrap_or_default(),
        js_heap: memory["heap"].as_f64(),
        wasm: memory["wasm"].as_f64(),
    })
}
