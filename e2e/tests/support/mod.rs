//! What the end-to-end tests share: where the built app is, a companion server serving it, a
//! host page on another origin, the end of a run (close the browser, show the servers' output
//! on failure), and where artifacts go.
//!
//! Needs a built app: `WS_CHAT_E2E_DIST` names a `scripts/bundle.sh` output (a relative
//! path is taken from the workspace root), and a `ws-chat-server` binary (see
//! `ws_chat_e2e::local::server_binary`). `scripts/test.sh` builds both and runs the tests as
//! its own step. Each test first asks `ws_chat_e2e::prerequisites::check` whether what it needs
//! is there: if not, it skips (or fails, under `WS_CHAT_E2E_REQUIRED=1`).

#![allow(dead_code)] // Each test binary uses a different part of this module.

pub mod signing;

use anyhow::{ensure, Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use ws_chat_e2e::local::{app_dist, server_binary, target_dir};
use ws_chat_e2e::page_server::PageServer;
use ws_chat_e2e::token_mint::TokenMint;
use ws_chat_e2e::{random_suffix, wait, Browser, CompanionOptions, CompanionServer, HostedChat};

/// The built app (`WS_CHAT_E2E_DIST`; `Need::App` has checked it).
pub fn dist() -> Result<PathBuf> {
    app_dist().context("WS_CHAT_E2E_DIST is not set")
}

/// A companion server serving the built app, with its history in a file (so it survives a
/// restart) when `persistent_history`.
pub fn dist_server(persistent_history: bool) -> Result<CompanionServer> {
    CompanionServer::start(&CompanionOptions {
        persistent_history,
        ..CompanionOptions::new(server_binary()?, dist()?)
    })
}

/// An embedder's page on its own origin (a page server of this process on another port),
/// which knows nothing of ws-chat but the script tag and the elements it writes.
pub struct HostPage {
    server: PageServer,
}

impl HostPage {
    /// Serves `html` at `/` from a new origin.
    pub fn start(html: &str) -> Result<Self> {
        Self::with_headers(html, &[])
    }

    /// Serves `html` at `/` from a new origin, with `headers` in its response.
    pub fn with_headers(html: &str, headers: &[(&str, &str)]) -> Result<Self> {
        Ok(HostPage {
            server: PageServer::start(html, headers)?,
        })
    }

    /// Serves `html` at `/` from a new origin, with `mint`'s token endpoint at `/chat-token`.
    pub fn with_tokens(html: &str, mint: std::sync::Arc<TokenMint>) -> Result<Self> {
        Ok(HostPage {
            server: PageServer::with_tokens(html, &[], mint)?,
        })
    }

    /// Where the page's server listens.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The page's URL.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Loads the page in `browser` and waits until the script tag has installed
    /// `window.wsChat.mount`.
    pub async fn open(&self, browser: &Browser) -> Result<()> {
        browser.goto(&self.url()).await?;
        wait::until(
            browser,
            "window.wsChat.mount",
            Duration::from_secs(30),
            "return !!(window.wsChat && typeof window.wsChat.mount === 'function');",
            Vec::new(),
        )
        .await?;
        Ok(())
    }
}

/// The module script tag that is all an embedder adds: `ws-chat-embed.js` from the server of
/// the built app.
pub fn embed_script_tag(app: &CompanionServer) -> String {
    format!(
        r#"<script type="module" src="{}"></script>"#,
        app.http_url("/ws-chat-embed.js")
    )
}

/// Two chats of one room talk: both open, `app` holds both connections, a message typed in
/// `first` and sent with the button arrives in `second`, and one typed in `second` and sent
/// with Enter arrives in `first`.
pub async fn talk(
    browser: &Browser,
    app: &CompanionServer,
    first: &HostedChat,
    second: &HostedChat,
) -> Result<()> {
    let secs = Duration::from_secs;
    for chat in [first, second] {
        chat.wait_state(browser, "open", true, secs(30)).await?;
    }
    app.wait_connections(2, secs(10)).await?;
    let there = format!(
        "From {} to {} {}",
        first.selector(),
        second.selector(),
        random_suffix()
    );
    first.send_with_button(browser, &there).await?;
    ensure!(second.wait_message(browser, &there, secs(15)).await? == "in");
    let back = format!(
        "And back, {} to {} {}",
        second.selector(),
        first.selector(),
        random_suffix()
    );
    second.send_with_enter(browser, &back).await?;
    ensure!(first.wait_message(browser, &back, secs(15)).await? == "in");
    Ok(())
}

/// Ends a run: closes the browser, and if the run failed, prints what each server said (the
/// test harness shows it with the failure). The run's error wins over a failure to close.
pub async fn finish(
    browser: Browser,
    result: Result<()>,
    servers: &[&CompanionServer],
) -> Result<()> {
    let kind = browser.kind();
    let closed = browser.close().await;
    if result.is_err() {
        for server in servers {
            eprintln!(
                "the server on {} said:\n{}",
                server.addr,
                server.process.output_tail()
            );
        }
    }
    result.with_context(|| format!("in {kind}"))?;
    closed
}

/// `target/e2e-artifacts/NAME`, its directory created.
pub fn artifact(name: &str) -> Result<PathBuf> {
    let dir = target_dir().join("e2e-artifacts");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.join(name))
}
