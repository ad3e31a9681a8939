//! Which browser a run uses and where it is ([`BrowserKind`], [`BrowserOptions`]: the driver
//! and browser binaries, from the environment), and starting a WebDriver server and one session
//! with it: chromedriver with headless Chromium, or geckodriver with headless Firefox. Each gets
//! a free loopback port and a fresh temporary profile, so nothing (cache, storage, service
//! workers) is carried from one run to the next.
//!
//! Why the Chromium flags: the machines have no network but the package registries, so
//! everything Chromium would fetch by itself (component updates, sync, field trials, QUIC
//! probes) is off, or it stalls and logs errors; there is no display and no user namespace
//! sandbox in CI containers (`--headless=new --no-sandbox --disable-gpu
//! --disable-dev-shm-usage`). The memory checks also need `performance.memory` to be exact
//! rather than bucketed (`--enable-precise-memory-info`) and `window.gc()`
//! (`--js-flags=--expose-gc`).
//!
//! Firefox needs less: geckodriver already sets the preferences that keep it from phoning home
//! (updates, telemetry, the start page). Its profile is created under a directory we own
//! (`--profile-root`), and its BiDi port is a free one rather than the fixed default (9222),
//! so two runs on one machine do not collide.

use crate::local::{free_port, is_program};
use crate::process::Process;
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;
use thirtyfour::{ChromiumLikeCapabilities, DesiredCapabilities, WebDriver};

/// Which browser a session runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserKind {
    /// Headless Chromium through chromedriver (CDP available).
    Chromium,
    /// Headless Firefox ESR through geckodriver.
    Firefox,
}

impl BrowserKind {
    /// Both, for tests that run in each.
    pub const ALL: [BrowserKind; 2] = [BrowserKind::Chromium, BrowserKind::Firefox];

    /// `chromium` / `firefox`, for file names and messages.
    pub fn name(self) -> &'static str {
        match self {
            BrowserKind::Chromium => "chromium",
            BrowserKind::Firefox => "firefox",
        }
    }
}

impl std::fmt::Display for BrowserKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Which browser, where its driver and binary are, and how long one WebDriver request may take.
#[derive(Clone, Debug)]
pub struct BrowserOptions {
    /// Chromium unless set otherwise ([`BrowserOptions::for_kind`]).
    pub kind: BrowserKind,
    /// `WS_CHAT_CHROMEDRIVER`, else `/usr/bin/chromedriver`.
    pub chromedriver: PathBuf,
    /// `WS_CHAT_CHROMIUM`, else `/usr/bin/chromium`.
    pub chromium: PathBuf,
    /// `WS_CHAT_GECKODRIVER`, else `~/.cargo/bin/geckodriver` (where `cargo install` puts it).
    pub geckodriver: PathBuf,
    /// `WS_CHAT_FIREFOX`, else `/usr/bin/firefox-esr`.
    pub firefox: PathBuf,
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
        let env_path =
            |var: &str, default: PathBuf| std::env::var_os(var).map_or(default, PathBuf::from);
        let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from);
        BrowserOptions {
            kind: BrowserKind::Chromium,
            chromedriver: env_path("WS_CHAT_CHROMEDRIVER", "/usr/bin/chromedriver".into()),
            chromium: env_path("WS_CHAT_CHROMIUM", "/usr/bin/chromium".into()),
            geckodriver: env_path("WS_CHAT_GECKODRIVER", home.join(".cargo/bin/geckodriver")),
            firefox: env_path("WS_CHAT_FIREFOX", "/usr/bin/firefox-esr".into()),
            request_timeout: Duration::from_secs(700),
            script_timeout: Duration::from_secs(600),
        }
    }
}

impl BrowserOptions {
    /// The defaults, for `kind`.
    pub fn for_kind(kind: BrowserKind) -> Self {
        BrowserOptions {
            kind,
            ..BrowserOptions::default()
        }
    }

    /// What is missing to start `kind` here (its WebDriver server or the browser itself), or
    /// `None` when both are there.
    pub fn missing(&self) -> Option<String> {
        let (driver, driver_var, browser, browser_var) = match self.kind {
            BrowserKind::Chromium => (
                &self.chromedriver,
                "WS_CHAT_CHROMEDRIVER",
                &self.chromium,
                "WS_CHAT_CHROMIUM",
            ),
            BrowserKind::Firefox => (
                &self.geckodriver,
                "WS_CHAT_GECKODRIVER",
                &self.firefox,
                "WS_CHAT_FIREFOX",
            ),
        };
        [(driver, driver_var), (browser, browser_var)]
            .into_iter()
            .find(|(program, _)| !is_program(program))
            .map(|(program, var)| {
                format!(
                    "no {} for {} (scripts/setup.sh installs it; {var} names another)",
                    program.display(),
                    self.kind
                )
            })
    }
}

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

/// The Firefox arguments every session gets.
pub const FIREFOX_ARGS: &[&str] = &["-headless", "-width=1280", "-height=900"];

/// How long a WebDriver server may take to say it listens.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(20);

/// A WebDriver server with one open session, and the profile directory the browser uses.
/// Field order is drop order for the owner: the session first, then the server, then the
/// profile (see `Browser`).
pub(crate) struct DriverSession {
    pub driver: WebDriver,
    pub server: Process,
    pub profile: tempfile::TempDir,
}

fn temp_profile() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("ws-chat-e2e-profile-")
        .tempdir()
        .context("creating a temporary browser profile")
}

/// chromedriver on a free port, and a Chromium session with [`CHROMIUM_ARGS`].
pub(crate) async fn chromium(options: &BrowserOptions) -> Result<DriverSession> {
    let port = free_port()?;
    let mut command = Command::new(&options.chromedriver);
    command
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1");
    let server = Process::spawn(
        "chromedriver",
        command,
        "started successfully",
        DRIVER_START_TIMEOUT,
    )
    .with_context(|| {
        format!(
            "starting chromedriver ({}; set WS_CHAT_CHROMEDRIVER to use another)",
            options.chromedriver.display()
        )
    })?;
    let profile = temp_profile()?;

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
                server.output_tail()
            )
        })?;
    Ok(DriverSession {
        driver,
        server,
        profile,
    })
}

/// geckodriver on a free port, and a headless Firefox session with [`FIREFOX_ARGS`].
pub(crate) async fn firefox(options: &BrowserOptions) -> Result<DriverSession> {
    let port = free_port()?;
    let profile = temp_profile()?;
    let mut command = Command::new(&options.geckodriver);
    command
        .arg("--host=127.0.0.1")
        .arg(format!("--port={port}"))
        .arg(format!("--websocket-port={}", free_port()?))
        .arg("--profile-root")
        .arg(profile.path());
    let server = Process::spawn("geckodriver", command, "Listening on", DRIVER_START_TIMEOUT)
        .with_context(|| {
            format!(
                "starting geckodriver ({}; set WS_CHAT_GECKODRIVER to use another)",
                options.geckodriver.display()
            )
        })?;

    let mut caps = DesiredCapabilities::firefox();
    let firefox = options.firefox.to_string_lossy();
    caps.set_firefox_binary(&firefox)?;
    for arg in FIREFOX_ARGS {
        caps.add_arg(arg)?;
    }
    let driver = WebDriver::builder(format!("http://127.0.0.1:{port}"), caps)
        .request_timeout(options.request_timeout)
        .await
        .with_context(|| {
            format!(
                "opening a Firefox session ({firefox}; set WS_CHAT_FIREFOX to use another); \
                 geckodriver said:\n{}",
                server.output_tail()
            )
        })?;
    Ok(DriverSession {
        driver,
        server,
        profile,
    })
}
