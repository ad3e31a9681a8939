//! Headless Chromium driven over WebDriver: chromedriver on a free loopback port, one session.
//!
//! Why these flags: the machines have no network but the package registries, so everything
//! Chromium would fetch by itself (component updates, sync, field trials, QUIC probes) is off,
//! or it stalls and logs errors; there is no display and no user namespace sandbox in CI
//! containers (`--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage`). The
//! benchmark also needs `performance.memory` to be exact rather than bucketed
//! (`--enable-precise-memory-info`) and `window.gc()` (`--js-flags=--expose-gc`).
//!
//! Each [`Browser`] has a fresh temporary profile, so no cache, storage or service worker is
//! carried from one run to the next.

use crate::process::Process;
use crate::servers::free_port;
use anyhow::{anyhow, Context, Result};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;
use thirtyfour::{ChromiumLikeCapabilities, DesiredCapabilities, WebDriver};

/// The Chromium flags every session gets (plus a temporary `--user-data-dir`).
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-precise-memory-info",
    "--js-flags=--expose-gc",
    "--window-size=1280,900",
];

/// Where chromedriver and Chromium are, and how long one WebDriver request may take.
#[derive(Clone, Debug)]
pub struct BrowserOptions {
    /// `WS_CHAT_CHROMEDRIVER`, else `/usr/bin/chromedriver`.
    pub chromedriver: PathBuf,
    /// `WS_CHAT_CHROMIUM`, else `/usr/bin/chromium`.
    pub chromium: PathBuf,
    /// Upper bound for one WebDriver command, including an `execute_async` script: it must be
    /// longer than the longest script timeout the caller sets, or the HTTP client gives up
    /// first with a less useful error.
    pub request_timeout: Duration,
    /// How long an `execute_async` script may run (WebDriver's default, 30 s, is too short
    /// for a 100,000-frame burst on a slow page).
    pub script_timeout: Duration,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        let env_path = |var: &str, default: &str| {
            std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
        };
        BrowserOptions {
            chromedriver: env_path("WS_CHAT_CHROMEDRIVER", "/usr/bin/chromedriver"),
            chromium: env_path("WS_CHAT_CHROMIUM", "/usr/bin/chromium"),
            request_timeout: Duration::from_secs(700),
            script_timeout: Duration::from_secs(600),
        }
    }
}

/// chromedriver plus one Chromium session. Call [`Browser::close`] to end the session cleanly;
/// dropping it instead (an error path, an interrupted run) kills chromedriver's whole process
/// group, Chromium included, without talking to it.
pub struct Browser {
    // Field order is drop order: the session first, then chromedriver, then the profile.
    driver: Option<WebDriver>,
    _chromedriver: Process,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a session.
    pub async fn launch(options: &BrowserOptions) -> Result<Self> {
        let port = free_port()?;
        let mut command = Command::new(&options.chromedriver);
        command
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1");
        let chromedriver = Process::spawn(
            "chromedriver",
            command,
            "started successfully",
            Duration::from_secs(20),
        )
        .with_context(|| {
            format!(
                "starting chromedriver ({}; set WS_CHAT_CHROMEDRIVER to use another)",
                options.chromedriver.display()
            )
        })?;
        let profile = tempfile::Builder::new()
            .prefix("ws-chat-e2e-profile-")
            .tempdir()
            .context("creating a temporary Chromium profile")?;

        let mut caps = DesiredCapabilities::chrome();
        let chromium = options.chromium.to_string_lossy();
        caps.set_binary(&chromium)?;
        for arg in CHROMIUM_ARGS {
            caps.add_arg(arg)?;
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))?;
        let driver = WebDriver::builder(format!("http://127.0.0.1:{port}"), caps)
            .request_timeout(options.request_timeout)
            .await
            .with_context(|| {
                format!(
                    "opening a Chromium session ({chromium}; set WS_CHAT_CHROMIUM to use \
                     another); chromedriver said:\n{}",
                    chromedriver.output_tail()
                )
            })?;
        let browser = Browser {
            driver: Some(driver),
            _chromedriver: chromedriver,
            _profile: profile,
        };
        browser.set_script_timeout(options.script_timeout).await?;
        Ok(browser)
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

    /// Ends the session (Chromium exits), then stops chromedriver.
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
            // whatever command chromedriver is still running (an execute_async can take
            // minutes), so skip it: killing chromedriver's group (next field) ends Chromium.
            let _ = driver.leak();
        }
    }
}
