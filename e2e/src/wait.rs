//! Bounded waiting for a condition in the page.
//!
//! Two ways, for two purposes. [`until`] polls from the WebDriver side: each check is an HTTP
//! round trip through chromedriver (a few ms), fine for "wait until the chat is open" in a
//! test, but too coarse and too slow to time anything. For timing, the benchmark runs its
//! whole measurement inside the page (`performance.now()`, one check per animation frame)
//! with [`in_page`], which polls without leaving the page.

use crate::browser::Browser;
use anyhow::{bail, Result};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Evaluates `script` (a function body that returns a value) every 50 ms until it returns
/// something other than `null`, `undefined` or `false`, and returns that. Fails after
/// `timeout`, naming `what` and the last value seen. Script errors (e.g. during a reload)
/// count as "not yet".
pub async fn until(
    browser: &Browser,
    what: &str,
    timeout: Duration,
    script: &str,
    args: Vec<Value>,
) -> Result<Value> {
    let deadline = Instant::now() + timeout;
    loop {
        let last = match browser.eval(script, args.clone()).await {
            Ok(Value::Null | Value::Bool(false)) => "null or false".to_owned(),
            Ok(value) => return Ok(value),
            Err(e) => format!("error: {e:#}"),
        };
        if Instant::now() >= deadline {
            bail!("timed out after {timeout:?} waiting for {what} (last check: {last})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits inside the page, checking `condition` (a JS expression) once per animation frame,
/// for up to `timeout`. Returns the `performance.now()` at which it first held.
pub async fn in_page(
    browser: &Browser,
    what: &str,
    timeout: Duration,
    condition: &str,
) -> Result<f64> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const limit = performance.now() + {ms};
         const check = () => {{
           let ok = false;
           try {{ ok = !!({condition}); }} catch (e) {{ ok = false; }}
           if (ok) done({{ ok: true, at: performance.now() }});
           else if (performance.now() > limit) done({{ ok: false }});
           else requestAnimationFrame(check);
         }};
         check();",
        ms = timeout.as_millis()
    );
    let value = browser.eval_async(&script, Vec::new()).await?;
    match (value["ok"].as_bool(), value["at"].as_f64()) {
        (Some(true), Some(at)) => Ok(at),
        _ => bail!("timed out after {timeout:?} waiting in the page for {what}"),
    }
}
