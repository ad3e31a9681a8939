//! Start-up: from navigation start to the socket being open, against the companion server.
//!
//! Measured in the page, relative to its own time origin (`performance.now()` is ms since
//! navigation start): the seed and floor pages record it in their `open` handler; for ws-chat
//! an injected MutationObserver records when `[data-role=status][data-state=open]` first
//! exists, i.e. when the user can see that the chat is connected.
//!
//! The first load of a fresh profile has an empty HTTP cache and no compiled wasm cached; it
//! is reported on its own, and the median is taken over the loads after it.

use crate::pages::BenchPage;
use anyhow::{bail, Result};
use ws_chat_e2e::{Browser, BrowserOptions};

/// Start-up times of one page, in ms.
#[derive(Clone, Debug)]
pub struct StartupResult {
    /// The first load (cold cache).
    pub first: f64,
    /// The median of the loads after it.
    pub median: f64,
}

/// Loads `url` `1 + loads` times in one fresh browser and times each load.
pub async fn run(
    options: &BrowserOptions,
    page: BenchPage,
    url: &str,
    loads: usize,
) -> Result<StartupResult> {
    let browser = Browser::launch(options).await?;
    let result = measure(&browser, page, url, loads).await;
    let closed = browser.close().await;
    let result = result?;
    closed?;
    Ok(result)
}

async fn measure(
    browser: &Browser,
    page: BenchPage,
    url: &str,
    loads: usize,
) -> Result<StartupResult> {
    for script in page.init_scripts() {
        browser.add_script_on_new_document(script).await?;
    }
    let mut samples = Vec::with_capacity(loads + 1);
    for _ in 0..=loads {
        page.load(browser, url).await?;
        let at = browser
            .eval("return window.benchOpenAt;", Vec::new())
            .await?;
        match at.as_f64() {
            Some(ms) => samples.push(ms),
            None => bail!("{} opened but recorded no benchOpenAt", page.label()),
        }
    }
    let first = samples.remove(0);
    Ok(StartupResult {
        first,
        median: crate::stats::median(&samples).unwrap_or(first),
    })
}
