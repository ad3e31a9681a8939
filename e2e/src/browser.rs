//! A browser session driven over WebDriver: headless Chromium (through chromedriver) or
//! headless Firefox (through geckodriver), chosen per run with [`BrowserKind`], so one test body
//! runs in both. Which browser, where it is, and how it is started with which flags, is in
//! [`crate::drivers`].
//!
//! Chrome DevTools Protocol helpers ([`Browser::cdp`] and what is built on it) only exist in
//! Chromium; in Firefox they fail with an error that says so.

use crate::drivers::{self, BrowserKind, BrowserOptions, DriverSession};
use crate::process::Process;
use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;
use thirtyfour::WebDriver;

/// A WebDriver server plus one browser session. Call [`Browser::close`] to end the session
/// cleanly; dropping it instead (an error path, an interrupted run) kills the driver's whole
/// process group, the browser included, without talking to it.
pub struct Browser {
    kind: BrowserKind,
    // Field order is drop order: the session first, then the driver, then the profile.
    driver: Option<WebDriver>,
    _driver_server: Process,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts the driver for `options.kind` on a free loopback port and opens a session.
    pub async fn launch(options: &BrowserOptions) -> Result<Self> {
        let DriverSession {
            driver,
            server,
            profile,
        } = match options.kind {
            BrowserKind::Chromium => drivers::chromium(options).await?,
            BrowserKind::Firefox => drivers::firefox(options).await?,
        };
        let browser = Browser {
            kind: options.kind,
            driver: Some(driver),
            _driver_server: server,
            _profile: profile,
        };
        browser.set_script_timeout(options.script_timeout).await?;
        Ok(browser)
    }

    /// Which browser this is.
    pub fn kind(&self) -> BrowserKind {
        self.kind
    }

    /// The WebDriver session (navigation, scripts, elements, windows).
    pub fn driver(&self) -> &WebDriver {
        // Only `close` takes the driver out, and it consumes `self`.
        self.driver
            .as_ref()
            .expect("the driver is present until close()")
    }

    /// Sends one Chrome DevTools Protocol command to the current page's target and returns its
    /// result, e.g. `cdp("Runtime.getHeapUsage", json!({}))`.
    pub async fn cdp(&self, method: &str, params: Value) -> Result<Value> {
        if self.kind != BrowserKind::Chromium {
            bail!(
                "CDP command {method}: the Chrome DevTools Protocol needs Chromium, this is {}",
                self.kind
            );
        }
        self.driver()
            .cdp()
            .send_raw(method, params)
            .await
            .with_context(|| format!("CDP command {method}"))
    }

    /// Runs `source` in every document the current tab loads from now on, before any of the
    /// page's own scripts (CDP `Page.addScriptToEvaluateOnNewDocument`). This is how the
    /// benchmark observes a page (when it got ready, where its wasm memory is) without any
    /// change to the page.
    pub async fn add_script_on_new_document(&self, source: &str) -> Result<()> {
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": source }),
        )
        .await
        .map(drop)
    }

    /// A full garbage collection in the page's JS heap (CDP `HeapProfiler.collectGarbage`), so
    /// that heap figures measure what is kept, not what has not been collected yet.
    pub async fn collect_garbage(&self) -> Result<()> {
        self.cdp("HeapProfiler.collectGarbage", json!({}))
            .await
            .map(drop)
    }

    /// Sets how long an `execute_async` script may run before WebDriver fails it.
    pub async fn set_script_timeout(&self, timeout: Duration) -> Result<()> {
        self.driver()
            .set_script_timeout(timeout)
            .await
            .context("setting the script timeout")
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        let ret = self
            .driver()
            .execute(script, args)
            .await
            .map_err(|e| anyhow!("script failed: {e}"))?;
        Ok(ret.json().clone())
    }

    /// Runs `script` asynchronously: its last argument is the callback that ends it with a
    /// value. Bounded by the script timeout ([`Browser::set_script_timeout`]).
    pub async fn eval_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        let ret = self
            .driver()
            .execute_async(script, args)
            .await
            .map_err(|e| anyhow!("async script failed: {e}"))?;
        Ok(ret.json().clone())
    }

    /// Navigates the current tab to `url` and waits for its load event.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.driver()
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))
    }

    /// Saves a PNG of the viewport to `path`, creating its directory.
    pub async fn screenshot(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        self.driver()
            .screenshot(path)
            .await
            .with_context(|| format!("saving a screenshot to {}", path.display()))
    }

    /// Ends the session (the browser exits), then stops the driver.
    pub async fn close(mut self) -> Result<()> {
        if let Some(driver) = self.driver.take() {
            driver
                .quit()
                .await
                .context("ending the WebDriver session")?;
        }
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(driver) = self.driver.take() {
            // Not closed. Ending the session over HTTP here would block this thread behind
            // whatever command the driver is still running (an execute_async can take
            // minutes), so skip it: killing the driver's group (next field) ends the browser.
            let _ = driver.leak();
        }
    }
}
